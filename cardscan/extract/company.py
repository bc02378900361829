"""Company name: legal-form suffixes (Inc, Ltd, GmbH, A.Ş., 株式会社 ...),
organisation words, and agreement with the e-mail/website domain
(``asymmetrik.com`` supports "ASYMMETRIK LTD")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cardscan.model import Box, Field

from .person import company_marks, department_words, domain_support, title_words
from .text import Chunk, clamp, fold, tokens, vocab_set, vocab_words

_LABEL = re.compile(r"^(?:company|empresa|firma|société|societe|şirket|sirket)\s*[:|]\s*", re.I)


def company_score(text: str, domains: Sequence[str]) -> float:
    text = _LABEL.sub("", text)
    toks = tokens(text)
    if not toks or "@" in text:
        return -1.0
    n_suffix, n_org = company_marks(text)
    dom = domain_support(text, domains)
    score = 0.8 * min(n_suffix, 1) + 0.35 * min(n_org, 2) + 0.7 * dom
    n_title = title_words(text)
    if n_title and not n_suffix:
        score -= 0.3 * n_title if n_org or dom else 0.5 * n_title
    if department_words(text) and not n_suffix:
        score -= 0.5
    digits = sum(c.isdigit() for c in text)
    if digits > 2:
        score -= 0.5
    if len(toks) > 7:
        score -= 0.3
    if (
        not n_suffix
        and not n_org
        and dom < 0.6
        and len(toks) in (2, 3)
        and toks[0] in vocab_words("given_names.txt")
    ):
        score -= 0.3
    if text.isupper() and len(toks) >= 2:
        score += 0.05
    return score


def clean_company(text: str) -> str:
    return _LABEL.sub("", text).strip(" ,;|-")


def find_company(
    chunks: Sequence[Chunk], domains: Sequence[str], threshold: float = 0.3
) -> Field | None:
    scored = [(company_score(ch.text, domains), i, ch) for i, ch in enumerate(chunks)]
    scored = [s for s in scored if s[0] >= threshold]
    if not scored:
        return None
    # Highest score; earlier line wins ties (logos and company lines come first).
    score, i, best = max(scored, key=lambda s: (round(s[0], 3), -s[1]))
    text = clean_company(best.text)
    box = best.box
    # A one-word logo line and the line printed right under/over it ("BEYOND" /
    # "TECHNOLOGIES") are one name when both carry evidence.
    for j in (i - 1, i + 1):
        if 0 <= j < len(chunks) and abs(chunks[j].line - best.line) == 1:
            other = chunks[j]
            other_score = company_score(other.text, domains)
            single = len(text.split()) == 1 or len(other.text.split()) == 1
            first, second = (other, best) if j < i else (best, other)
            merged = f"{clean_company(first.text)} {clean_company(second.text)}"
            gain = domain_support(merged, domains) > max(
                domain_support(text, domains), domain_support(other.text, domains)
            )
            org_word = company_marks(other.text)[1] > 0
            if single and (gain or org_word) and other_score >= 0.3 and not title_words(other.text):
                text = merged
                if box and other.box:
                    box = box.union(other.box)
                score = max(score, other_score)
                break
    text, box = _extend_up(chunks, i, text, box, domains)
    conf = clamp(0.35 + 0.4 * score) * best.conf
    # A logo cut short by the OCR ("TRAILE" for on-trailer.com): the domain spells it.
    letters = re.sub(r"[^a-z0-9]", "", fold(text))
    for d in domains:
        sld = d.split(".")[0]
        flat = re.sub(r"[^a-z0-9]", "", fold(sld))
        cut = letters in flat and not flat.startswith(letters)
        if len(letters) >= 4 and cut and " " not in text:
            return Field(sld.upper() if text.isupper() else sld, best.text, round(conf * 0.8, 3),
                         best.line, box)
    return Field(text, best.text, round(conf, 3), best.line, box)


def _extend_up(
    chunks: Sequence[Chunk], i: int, text: str, box: Box | None, domains: Sequence[str]
) -> tuple[str, Box | None]:
    """A company name printed over two or three lines: "Hansa Meyer Global" /
    "Holding GmbH", "ELEMENT" / "International Forwarding" / "& Logistics Ltd."."""
    line = chunks[i].line
    for _ in range(2):
        n_suffix, _n_org = company_marks(text)
        continues = text[:1] in "&+" or text.split()[0].lower() in ("and", "und", "e", "y", "et")
        if not (continues or (n_suffix and len(text.split()) <= 3)):
            break
        prev = next((c for c in chunks if c.line == line - 1), None)
        if prev is None or any(ch.isdigit() for ch in prev.text) or len(prev.text.split()) > 5:
            break
        if title_words(prev.text) or not prev.text[:1].isupper():
            break
        if any(t in vocab_set("not_name_words.txt") for t in tokens(prev.text)):
            break
        text = f"{clean_company(prev.text)} {text}"
        if box and prev.box:
            box = box.union(prev.box)
        line -= 1
    return text, box


def domain_company(domains: Sequence[str]) -> str | None:
    """The organisation part of a domain, as a last resort ("on-trailer.com")."""
    for d in domains:
        sld = d.split(".")[0]
        if len(sld) >= 3:
            return fold(sld).upper()
    return None
