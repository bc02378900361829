"""Person fields: name (with given/family parts via nameparser), job title and
department, chosen among the text left over once contact lines are taken.

Evidence, each kept as data in cardscan/vocab: capitalised words, known given
names, the e-mail local part (``msmith``/``mike.smith`` -> "Mike Smith"),
title/department/company/street vocabularies, position next to a title line,
and with OCR boxes the text height (the name is usually the largest text that
is not the logo).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

from cardscan.model import Field

from .cjk import title_score as cjk_title_score
from .text import Chunk, clamp, fold, tokens, vocab_set, vocab_words

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NAME_TOKEN = re.compile(r"^[\"'(]*[^\W\d_][^\W\d_'’\-.]*(?:[\-'’.][^\W\d_]*)*[.\"')]*$")
_INITIAL = re.compile(r"^[^\W\d_]\.?(?:[^\W\d_]\.)*$")


@dataclass(frozen=True)
class NameCandidate:
    chunk: Chunk
    text: str
    score: float


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    raw = set(CONSTANTS.suffix_acronyms) | set(CONSTANTS.suffix_not_acronyms)
    return frozenset(fold(s).replace(".", "") for s in raw if s.isascii()) | {"phd", "md", "llb"}


def _bare(tok: str) -> str:
    return fold(tok).strip(".,;:()\"'’&|/")


def title_words(text: str) -> int:
    vocab = vocab_set("title_words.txt")
    n = 0
    for t in tokens(text):
        if t in vocab or t.rstrip(".") in vocab:
            n += 1
    return n


def company_marks(text: str) -> tuple[int, int]:
    """(legal-form suffixes, organisation words) in a line."""
    suffixes = vocab_set("company_suffixes.txt")
    words = vocab_set("company_words.txt")
    toks = tokens(re.sub(r",(?=\S)", ", ", text))  # "Co.,Ltd." is two marks
    squashed = [t.replace(".", "").replace(",", "") for t in toks]
    n_suffix = 0
    for i, (t, s) in enumerate(zip(toks, squashed, strict=True)):
        edge = i in (0, len(toks) - 1) or (i == len(toks) - 2)
        if (t in suffixes or s in {x.replace(".", "") for x in suffixes}) and (edge or len(t) > 3):
            n_suffix += 1
    low = fold(text)
    for suf in suffixes:
        if len(suf) > 3 and not suf.isascii() and suf in low:
            n_suffix += 1
    n_words = sum(1 for t in toks if t in words)
    return n_suffix, n_words


def department_words(text: str) -> int:
    vocab = vocab_set("department_words.txt")
    toks = tokens(text)
    n = sum(1 for t in toks if t in vocab or t.rstrip(".") in vocab)
    low = fold(text)
    n += sum(1 for d in vocab if " " in d and d in low)
    return n


# ---------------------------------------------------------------- names


def _email_parts(local_parts: Sequence[str]) -> list[list[str]]:
    out = []
    for local in local_parts:
        bits = [b for b in re.split(r"[._\-+]", fold(local)) if b]
        bits = [re.sub(r"\d+$", "", b) for b in bits]
        out.append([b for b in bits if b])
    return out


def email_support(name: str, local_parts: Sequence[str]) -> float:
    """0..1: how well an e-mail local part spells the name (msmith, mike.smith, timp)."""
    toks = [re.sub(r"[^a-z]", "", _bare(t)) for t in name.split()]
    toks = [t for t in toks if t and t not in vocab_set("honorifics.txt")]
    toks = [t for t in toks if t not in _suffixes()] or toks
    if len(toks) < 1:
        return 0.0
    best = 0.0
    for bits in _email_parts(local_parts):
        flat = "".join(bits)
        if not flat:
            continue
        first, last = toks[0], toks[-1]
        s = 0.0
        if len(toks) >= 2 and (flat == first + last or flat == last + first):
            s = 1.0
        elif len(toks) >= 2 and len(last) >= 3 and (
            flat in (first[0] + last, last + first[0], first + last[0])
            or flat == "".join(t[0] for t in toks[:-1]) + last
            or flat == first + "".join(t[0] for t in toks[1:])
        ):
            s = 0.95
        elif len(bits) >= 2 and bits[0] == first and bits[-1] == last:
            s = 1.0
        elif len(last) >= 4 and last in flat:
            s = 0.7
        elif len(first) >= 3 and (flat == first or (bits and bits[0] == first)):
            s = 0.6
        elif (len(first) >= 4 and flat.startswith(first)) or (
            len(toks) >= 2 and flat == "".join(t[0] for t in toks)
        ):
            s = 0.5
        best = max(best, s)
    return best


def domain_support(text: str, domains: Sequence[str]) -> float:
    """0..1: how well an organisation's domain spells this line (asymmetrik.com)."""
    letters = re.sub(r"[^a-z0-9]", "", fold(text))
    if len(letters) < 3:
        return 0.0
    best = 0.0
    for d in domains:
        sld = re.sub(r"[^a-z0-9]", "", fold(d.split(".")[0]))
        if len(sld) < 3:
            continue
        first = re.sub(r"[^a-z0-9]", "", fold(text.split()[0])) if text.split() else ""
        parts = [re.sub(r"[^a-z0-9]", "", fold(t)) for t in text.split()]
        if letters == sld:
            best = max(best, 1.0)
        elif len(sld) >= 4 and (sld in letters or letters in sld):
            best = max(best, 0.8)
        elif (len(first) >= 4 and sld.startswith(first)) or any(
            len(p) >= 4 and p in sld for p in parts
        ):
            best = max(best, 0.6)
        elif len(sld) >= 4 and letters.startswith(sld[:4]):
            best = max(best, 0.4)
    return best


def _strip_noise(text: str) -> str:
    """Drop social handles and a glued "Name:" label."""
    text = re.sub(r"(?:^|\s)[/@][\w.\-]+", " ", text)
    text = re.sub(r"^(?:name|nome|nombre|nom|isim|ad soyad)\s*[:|]\s*", "", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip(" ,;|-")


def _split_name_suffix(text: str) -> tuple[str, str]:
    """'Xiaohua Hu, PhD.' -> ('Xiaohua Hu', ', PhD.') when all after the comma are suffixes."""
    if "," in text:
        head, tail = text.split(",", 1)
        tail_toks = [t for t in re.split(r"[\s,]+", tail) if t]
        if tail_toks and all(_bare(t).replace(".", "") in _suffixes() for t in tail_toks):
            return head.strip(), "," + tail
    return text, ""


def is_cjk_name(text: str) -> bool:
    compact = text.replace(" ", "")
    return 2 <= len(compact) <= 5 and all(_CJK.match(c) for c in compact)


def name_score(text: str, local_parts: Sequence[str], domains: Sequence[str]) -> float:
    """Plausibility (can be negative) that `text` is a person's name as printed."""
    if not text or any(c.isdigit() for c in text) or "@" in text:
        return -1.0
    if is_cjk_name(text):
        suffix, _ = company_marks(text)
        # Below a Latin-script name: gold and CRMs want the romanised name when printed.
        return -1.0 if suffix or title_words(text) or department_words(text) else 0.3
    head, suffix_part = _split_name_suffix(text)
    if "," in head or "&" in head or ":" in head:
        return -1.0
    toks = head.split()
    honor = vocab_set("honorifics.txt")
    particles = vocab_set("name_particles.txt")
    core = [t for t in toks if _bare(t) not in honor or t == toks[-1]]
    while len(core) > 2 and _bare(core[-1]).replace(".", "") in _suffixes():
        core = core[:-1]
    if not 2 <= len(core) <= 5:
        return -1.0
    if not all(_NAME_TOKEN.match(t) for t in core):
        return -1.0
    letters = [c for c in head if c.isalpha()]
    if sum(1 for c in letters if c.isascii()) < len(letters) * 0.5 and not all(
        unicodedata.category(c).startswith("L") for c in letters
    ):
        return -1.0
    if all(len(_bare(t).replace(".", "")) <= 1 for t in core):
        return -1.0
    score = 0.45
    for t in core:
        b = _bare(t)
        first_letter = next((c for c in t if c.isalpha()), "")
        if b in particles:
            continue
        if not first_letter.isupper():
            score -= 0.6 if t is core[0] else 0.45
    if len(core) == 2 and _INITIAL.match(core[0].strip("\"'")) and len(_bare(core[0])) <= 2:
        score -= 0.2  # "J. Smith" is a name, but weak
    given = vocab_words("given_names.txt")
    first_is_given = _bare(core[0]) in given
    if first_is_given:
        score += 0.3
    n_title = title_words(head)
    if n_title:
        score -= (0.25 if first_is_given else 0.55) * n_title
    n_suffix, n_org = company_marks(head)
    score -= 1.0 * n_suffix + (0.3 if first_is_given else 0.6) * n_org
    score -= 0.6 * department_words(head)
    street = vocab_set("address_words.txt") - vocab_set("surname_like_street_words.txt")
    if any(_bare(t) in street for t in core):
        score -= 0.5
    stop = vocab_set("not_name_words.txt")
    score -= 0.8 * sum(1 for t in core if _bare(t) in stop)
    score += 0.6 * email_support(head, local_parts)
    d = domain_support(head, domains)
    if d >= 0.6 and email_support(head, local_parts) < 0.6:
        score -= 0.4 * d
    if len(core) > 4:
        score -= 0.2
    if suffix_part:
        score += 0.05
    return score


def _title_split(text: str) -> tuple[str, str] | None:
    """'Damla Recber Project Assistant Specialist' -> (name, title)."""
    toks = text.split()
    vocab = vocab_set("title_words.txt")
    for i in range(2, len(toks)):
        if i == len(toks) - 1 and _bare(toks[i]).replace(".", "") in _suffixes():
            break
        if _bare(toks[i]) in vocab and _bare(toks[i - 1]) not in vocab:
            head = toks[:i]
            # Leading lower-case logo noise ("hayata ig NAME SURNAME Title").
            while head and head[0][:1].islower() and len(head) > 2:
                head = head[1:]
            name, title = " ".join(head), " ".join(toks[i:])
            if title_words(name) == 0 and department_words(title) == 0:
                return name, title
    return None


def _single_word(ch: Chunk) -> bool:
    w = ch.text.strip()
    return " " not in w and len(w) >= 2 and w.isalpha() and w[:1].isupper()


def name_candidates(
    chunks: Sequence[Chunk], local_parts: Sequence[str], domains: Sequence[str]
) -> list[NameCandidate]:
    out = []
    for k, ch in enumerate(chunks):
        text = _strip_noise(ch.text)
        out.append(NameCandidate(ch, text, name_score(text, local_parts, domains)))
        # "Name, Title" on one line.
        if "," in text:
            head = text.split(",", 1)[0].strip()
            if head != _split_name_suffix(text)[0]:
                out.append(NameCandidate(ch, head, name_score(head, local_parts, domains) - 0.05))
        # Given name and family name printed on two lines ("Wataru" / "Aoto").
        nxt = chunks[k + 1] if k + 1 < len(chunks) else None
        if nxt is not None and nxt.line == ch.line + 1 and _single_word(ch) and _single_word(nxt):
            similar = not (ch.height and nxt.height) or (
                max(ch.height, nxt.height) / min(ch.height, nxt.height) < 1.4
            )
            if similar:
                joined = f"{ch.text.strip()} {nxt.text.strip()}"
                box = ch.box.union(nxt.box) if ch.box and nxt.box else ch.box
                pair = Chunk(ch.line, joined, ch.height, box, min(ch.conf, nxt.conf))
                out.append(NameCandidate(pair, joined, name_score(joined, local_parts, domains)))
        if len(text.split()) >= 4:
            split = _title_split(text)
            if split:
                s = name_score(split[0], local_parts, domains) - 0.05
                out.append(NameCandidate(ch, split[0], s))
    return out


def split_name(name: str) -> tuple[str | None, str | None]:
    """(given, family) for a printed name."""
    compact = name.replace(" ", "")
    if is_cjk_name(name):
        parts = name.split()
        if len(parts) == 2:
            return parts[1], parts[0]
        return compact[1:], compact[:1]
    hn = HumanName(name)
    given = hn.first or None
    family = hn.last or None
    if given and not family and hn.middle:
        family = hn.middle.split()[-1]
    return given, family


def name_field(cand: NameCandidate, conf: float) -> Field:
    ch = cand.chunk
    return Field(cand.text, ch.text, round(clamp(conf * ch.conf), 3), ch.line, ch.box)


# ---------------------------------------------------------------- titles


_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th|º|ª|e|er|ème)(?![^\W\d_])", re.I)


def title_score(text: str) -> float:
    if (cjk := cjk_title_score(text)) is not None:  # no spaces between words: see cjk.py
        return cjk
    # Digits say "not a title", except in ordinals ("5th - 6th Grade Teacher").
    if not text or "@" in text or any(c.isdigit() for c in _ORDINAL.sub("", text)):
        return 0.0
    toks = tokens(text)
    if not toks or len(toks) > 9:
        return 0.0
    n = title_words(text)
    if n == 0:
        return 0.0
    n_suffix, n_org = company_marks(text)
    if n_suffix:
        return 0.0
    score = 0.4 + 0.5 * n / len(toks) - 0.15 * n_org
    if department_words(text) and n <= 1:
        score -= 0.3
    return score


def department_score(text: str) -> float:
    if not text or "@" in text or any(c.isdigit() for c in text):
        return 0.0
    n = department_words(text)
    if not n:
        return 0.0
    n_suffix, _ = company_marks(text)
    return 0.0 if n_suffix else 0.5 + 0.2 * n
