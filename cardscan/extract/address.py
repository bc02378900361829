"""Postal address: consecutive lines with street numbers, street words,
postcodes, "City, ST 12345" or a country name; joined with ", "."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cardscan.model import Field

from .person import company_marks
from .phones import region_for_text
from .text import TextLine, clamp, fold, fold_aligned, vocab_entries, vocab_set, vocab_words

# Postcodes of the kinds cards print most; each needs more context to count.
_ZIP_US = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
_ZIP_UK = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_ZIP_CA = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
_ZIP_BR = re.compile(r"\b\d{5}-\d{3}\b")
_ZIP_JP = re.compile(r"〒\s*\d{3}-?\d{4}")
_ZIP_5_CITY = re.compile(r"(?:^|[\s,])\d{4,5}\s+[A-ZÀ-Þa-zß-ÿİı][\w\-]+")
_CITY_ZIP = re.compile(r"[^\W\d_]\s*,?\s+\d{5}(?:-\d{4})?\s*$")
_ZIP_JP = re.compile(r"(?:〒\s*|\b)\d{3}-\d{4}\b")
_ZIP_NL = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")
_ZIP_EU = re.compile(r"\b[A-Z]{1,2}-\d{4,5}\s+[^\W\d_]{3,}")
_CHOME = re.compile(r"\b\d{1,4}-\d{1,4}-\d{1,4}\b")
_PO_BOX = re.compile(r"\b(?:p\.?\s?o\.?\s?box|postfach|caixa postal|apartado)\b", re.I)
_NUMBERED = re.compile(r"(?:^|\s)(?:no[:.]?\s*)?\d{1,6}[A-Za-z]?(?:[/\-]\d+)?(?=[\s,.]|$)", re.I)
_NUMBER_LEAD = re.compile(r"^\d{1,6}[A-Za-z]?\b")


@dataclass(frozen=True)
class AddressHit:
    field: Field
    lines: tuple[int, ...]


@lru_cache(maxsize=1)
def _states() -> frozenset[str]:
    return frozenset(w.upper() for w in vocab_words("us_states.txt"))


def _street_words(text: str) -> int:
    street = vocab_set("address_words.txt")
    suffixes = vocab_entries("street_suffixes.txt")
    n = 0
    for tok in re.split(r"[\s,;()]+", text):
        t = fold(tok)
        bare = t.rstrip(".:")
        compound = len(bare) > 5 and any(bare.endswith(s.rstrip(".")) for s in suffixes)
        ward = re.match(r"^[a-z]+-(?:ku|gu|shi|cho|ro|gil|dong|machi)$", bare)
        if t in street or bare in street or compound or ward:
            n += 1
    return n


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    alts = "|".join(re.escape(a) for a in sorted(vocab_entries("address_labels.txt"), key=len,
                                                 reverse=True))
    return re.compile(rf"^(?:{alts})\s*[:|.]?\s*", re.IGNORECASE)


def strip_label(text: str) -> tuple[str, bool]:
    m = _label_re().match(fold_aligned(text))
    if m and (m.group(0).rstrip().endswith((":", "|")) or m.end() < len(text)):
        rest = text[m.end() :]
        if rest and (m.group(0).rstrip()[-1:] in ":|" or rest[:1].isdigit()):
            return rest.strip(), True
    return text, False


def address_score(text: str) -> float:
    """How much a line looks like part of a postal address (0 = not at all)."""
    if "@" in text or not text.strip():
        return 0.0
    text, labelled = strip_label(text)
    score = 1.0 if labelled else 0.0
    street = _street_words(text)
    numbered = bool(_NUMBERED.search(text))
    if _NUMBER_LEAD.match(text) and street:
        score += 1.0
    elif street and numbered:
        score += 0.8
    elif street >= 2:
        score += 0.5
    m = _ZIP_US.search(text)
    if m and m.group(0)[:2] in _states():
        score += 1.0
    if _ZIP_UK.search(text) or _ZIP_CA.search(text) or _ZIP_BR.search(text) or _ZIP_JP.search(text):
        score += 0.8
    if _ZIP_5_CITY.search(text) and not re.search(r"\d{6,}", text):
        score += 0.5
    elif "," in text and _CITY_ZIP.search(text):
        score += 0.8
    if _PO_BOX.search(text):
        score += 1.0
    if _ZIP_JP.search(text) or _ZIP_NL.search(text) or _ZIP_EU.search(text):
        score += 0.6
    if _CHOME.search(text):
        score += 0.6
    if region_for_text(text):
        # A short line ending with a country ("Beirut - Lebanon") is an address line.
        short = len(text.split()) <= 4
        score += 0.8 if short else 0.4
    if company_marks(text)[0] and score < 1.0:
        return 0.0
    if re.search(r"\b[A-Z][a-z]+,\s+(?:[A-Z]{2}|[A-Z][a-z]+)\b", text) and numbered:
        score += 0.3
    return score


def _same_column(a: TextLine, b: TextLine) -> bool:
    if not (a.box and b.box):
        return True
    overlap = min(a.box.x2, b.box.x2) - max(a.box.x, b.box.x)
    return overlap > 0


def find_address(
    lines: Sequence[TextLine], taken: frozenset[int] = frozenset()
) -> AddressHit | None:
    """The best run of consecutive address-like lines (skipping taken lines)."""
    scores = {tl.index: address_score(tl.text) for tl in lines if tl.index not in taken}
    order = [tl for tl in lines if tl.index not in taken and scores[tl.index] >= 0.4]
    runs: list[list[TextLine]] = []
    cur: list[TextLine] = []
    for tl in order:
        # One unrelated line may sit between two address lines (two-column cards).
        if cur and (tl.index - cur[-1].index > 2 or not _same_column(cur[-1], tl)):
            runs.append(cur)
            cur = []
        cur.append(tl)
    if cur:
        runs.append(cur)
    best: tuple[float, list[TextLine]] | None = None
    for run in runs:
        total = sum(scores[tl.index] for tl in run)
        if max(scores[tl.index] for tl in run) < 0.8:
            continue
        if best is None or total > best[0]:
            best = (total, run)
    if best is None:
        return None
    total, run = best
    value = ", ".join(strip_label(tl.text)[0].strip(" ,;") for tl in run)
    conf = clamp(0.4 + 0.25 * total) * min(tl.conf for tl in run)
    box = run[0].box
    for tl in run[1:]:
        if box and tl.box:
            box = box.union(tl.box)
    field = Field(value, "\n".join(tl.text for tl in run), round(conf, 3), run[0].index, box)
    return AddressHit(field, tuple(tl.index for tl in run))
