"""Learned line roles: a linear-chain CRF (python-crfsuite, as usaddress and
probablepeople use) over a card's chunks in reading order.

Each chunk is described by features that carry no raw words: the vocabulary-class
scores of the hand rules (name, title, company, department), agreement with the
e-mail local parts and the organisation's domain, case and digit shares, script,
length, relative text height and position, and the same few features of the chunks
before and after it.  The model file beside this module is trained by
``benchmarks/train_fields.py`` (reproducible from the labelled sets); the
probabilities it gives per chunk and role are what the pickers rank by.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .address import address_score
from .company import company_score, coverage
from .names import name_share
from .person import (
    CJK_CHAR,
    company_marks,
    department_score,
    domain_support,
    email_support,
    name_score,
    strip_noise,
    title_score,
)
from .text import Chunk, fold, vocab_words
from .work import Roles

ROLES = ("name", "title", "company", "department", "other")
MODEL_FILE = "fields.crfsuite"

_SHIPPED = Path(MODEL_FILE)  # stands for the model shipped beside this module
_model_in_use: list[Path | None] = [_SHIPPED]

Features = dict[str, float]


def model_path() -> Path | None:
    """The model in use: the shipped one unless ``use_model`` says otherwise."""
    if _model_in_use[0] is not _SHIPPED:
        return _model_in_use[0]
    ref = resources.files("cardscan.extract").joinpath(MODEL_FILE)
    return Path(str(ref)) if ref.is_file() else None


@contextmanager
def use_model(path: Path | None) -> Iterator[None]:
    """Within the block, line roles come from the model at ``path``; with None, the
    pickers rank by their hand weights (no model)."""
    old = _model_in_use[0]
    _model_in_use[0] = path
    try:
        yield
    finally:
        _model_in_use[0] = old


@lru_cache(maxsize=4)
def _tagger(path: str, mtime: float) -> Any:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def _script(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "none"
    if sum(1 for c in letters if CJK_CHAR.match(c)) > len(letters) / 2:
        return "cjk"
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return "latin" if latin > len(letters) / 2 else "other"


def _bucket(value: float, edges: Sequence[float]) -> int:
    return sum(1 for e in edges if value >= e)


def _own(ch: Chunk, local_parts: Sequence[str], domains: Sequence[str]) -> Features:
    text = ch.text
    toks = text.split()
    letters = [c for c in text if c.isalpha()]
    f: Features = {}
    ns = name_score(strip_noise(text), local_parts, domains)
    f["name"] = max(-1.0, min(ns, 1.5))
    f["name_ok"] = float(ns >= 0.3)
    f["title"] = title_score(text)
    f["dept"] = department_score(text)
    f["comp"] = max(-1.0, min(company_score(text, domains), 2.0))
    n_suffix, n_org = company_marks(text)
    f["suffix"] = float(min(n_suffix, 2))
    f["orgword"] = float(min(n_org, 2))
    f["email_sup"] = 0.0 if n_suffix or n_org else email_support(text, local_parts)
    f["dom_sup"] = domain_support(text, domains)
    f["dom_cov"] = coverage(text, domains)
    f["addr"] = min(address_score(text), 2.0)
    first = fold(toks[0]).strip(".,;:()\"'") if toks else ""
    f["given"] = float(first in vocab_words("given_names.txt"))
    f["namedata"] = name_share(toks) if ns > -1.0 else 0.0  # words people are called
    f[f"ntok={min(len(toks), 7)}"] = 1.0
    f[f"len={_bucket(len(text), (4, 8, 14, 22, 32, 45))}"] = 1.0
    if letters:
        upper = sum(1 for c in letters if c.isupper()) / len(letters)
        f["upper"] = upper
        f["allcaps"] = float(upper > 0.9)
        f["capwords"] = sum(1 for t in toks if t[:1].isupper()) / max(len(toks), 1)
        f["lowerstart"] = float(text[:1].islower())
    f["digits"] = sum(1 for c in text if c.isdigit()) / max(len(text), 1)
    f[f"script={_script(text)}"] = 1.0
    f["comma"] = float("," in text)
    f["amp"] = float("&" in text or " and " in text.lower())
    f["whole"] = float(ch.whole)
    f["dots"] = float(bool(re.search(r"\.\s|\.$", text)))
    return f


_CONTEXT = ("name_ok", "title", "comp", "dept", "h", "addr", "suffix", "hand=name",
            "hand=title", "hand=company")


def features(
    chunks: Sequence[Chunk], local_parts: Sequence[str], domains: Sequence[str],
    n_lines: int, hand: Mapping[int, str] | None = None,
) -> list[Features]:
    """One feature dict per chunk, in the chunks' order (reading order); ``hand``
    is what the hand-weighted pickers take, by chunk id."""
    own = [_own(ch, local_parts, domains) for ch in chunks]
    for k, f in enumerate(own):
        f[f"hand={(hand or {}).get(k, 'none')}"] = 1.0
    heights = [ch.height for ch in chunks if ch.height]
    med = statistics.median(heights) if len(heights) >= 2 else None
    order = sorted({h for h in heights}, reverse=True)
    for k, (ch, f) in enumerate(zip(chunks, own, strict=True)):
        if med and ch.height:
            rel = ch.height / med
            f["h"] = min(rel, 3.0) - 1.0
            f[f"hrank={min(order.index(ch.height), 3)}"] = 1.0
            f["tallest"] = float(ch.height == order[0])
        else:
            f["noheight"] = 1.0
        pos = ch.line / max(n_lines - 1, 1)
        f["pos"] = pos
        f[f"posb={_bucket(pos, (0.2, 0.4, 0.6, 0.8))}"] = 1.0
        f[f"idx={min(k, 4)}"] = 1.0
        f["lastchunk"] = float(k == len(chunks) - 1)
        f["bias"] = 1.0
    out: list[Features] = []
    for k, f in enumerate(own):
        g = dict(f)
        for tag, j in (("p", k - 1), ("n", k + 1)):
            if 0 <= j < len(own):
                for key in _CONTEXT:
                    if key in own[j]:
                        g[f"{tag}:{key}"] = own[j][key]
                g[f"{tag}:sameline"] = float(chunks[j].line == chunks[k].line)
            else:
                g[f"{tag}:none"] = 1.0
        out.append(g)
    return out


def roles(
    chunks: Sequence[Chunk], local_parts: Sequence[str], domains: Sequence[str], n_lines: int,
    hand: Mapping[int, str] | None = None, prior: float = 0.0,
) -> Roles | None:
    """Role probabilities per chunk, or None without a model."""
    path = model_path()
    if path is None or not chunks:
        return None
    tagger = _tagger(str(path), path.stat().st_mtime)
    xseq = features(chunks, local_parts, domains, n_lines, hand)
    tagger.set(xseq)
    labels = set(tagger.labels())
    probs = tuple(
        {r: tagger.marginal(r, i) for r in ROLES if r in labels} for i in range(len(chunks))
    )
    return Roles(probs, MappingProxyType(dict(hand or {})), prior)
