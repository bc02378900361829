"""Postal address: consecutive lines with street numbers, street words,
postcodes, "City, ST 12345" or a country name; joined with ", "."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cardscan.model import Field

from .phones import region_for_text
from .text import TextLine, clamp, fold, vocab_set, vocab_words

# Postcodes of the kinds cards print most; each needs more context to count.
_ZIP_US = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
_ZIP_UK = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_ZIP_CA = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
_ZIP_BR = re.compile(r"\b\d{5}-\d{3}\b")
_ZIP_JP = re.compile(r"〒\s*\d{3}-?\d{4}")
_ZIP_5_CITY = re.compile(r"(?:^|[\s,])\d{4,5}\s+[A-ZÀ-Þa-zß-ÿİı][\w\-]+")
_CITY_ZIP = re.compile(r"[^\W\d_]\s*,?\s+\d{5}(?:-\d{4})?\s*$")
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
    n = 0
    for tok in text.split():
        t = fold(tok).strip(",;()")
        if t in street or t.rstrip(".:") in street:
            n += 1
    return n


def address_score(text: str) -> float:
    """How much a line looks like part of a postal address (0 = not at all)."""
    if "@" in text or not text.strip():
        return 0.0
    score = 0.0
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
    if region_for_text(text):
        score += 0.4
    if re.search(r"\b[A-Z][a-z]+,\s+(?:[A-Z]{2}|[A-Z][a-z]+)\b", text) and numbered:
        score += 0.3
    return score


def find_address(
    lines: Sequence[TextLine], taken: frozenset[int] = frozenset()
) -> AddressHit | None:
    """The best run of consecutive address-like lines (skipping taken lines)."""
    scores = {tl.index: address_score(tl.text) for tl in lines if tl.index not in taken}
    order = [tl for tl in lines if tl.index not in taken]
    runs: list[list[TextLine]] = []
    cur: list[TextLine] = []
    for tl in order:
        if scores[tl.index] >= 0.4:
            if cur and tl.index - cur[-1].index > 2:
                runs.append(cur)
                cur = []
            cur.append(tl)
        elif cur:
            runs.append(cur)
            cur = []
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
    value = ", ".join(tl.text.strip(" ,;") for tl in run)
    conf = clamp(0.4 + 0.25 * total) * min(tl.conf for tl in run)
    box = run[0].box
    for tl in run[1:]:
        if box and tl.box:
            box = box.union(tl.box)
    field = Field(value, "\n".join(tl.text for tl in run), round(conf, 3), run[0].index, box)
    return AddressHit(field, tuple(tl.index for tl in run))
