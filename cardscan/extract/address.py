"""Postal address: consecutive lines with street numbers, street words,
postcodes, "City, ST 12345" or a country name; joined with ", "."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cardscan.model import Field

from .cjk import address_score as cjk_address_score
from .cjk import second_postcode as cjk_second_postcode
from .layout import Column, columns
from .person import company_marks
from .phones import region_for_text
from .text import (
    TextLine,
    alternation,
    clamp,
    fold,
    fold_aligned,
    phrase_pattern,
    vocab_entries,
    vocab_set,
    vocab_words,
)

# Postcodes of the kinds cards print most; each needs more context to count.
_ZIP_US = re.compile(r"\b[A-Z]{2},?\s*\d{5}(?:-\d{4})?\b")
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
# A house/unit number: "12", "No. 8", "#52", "93a", "34-B100"; glued after a comma
# or before a street word by OCR ("Itaquera,2365", "35rue").
_NUMBERED = re.compile(
    r"(?<![\w.+])(?:no[:.]?\s*|#\s*)?\d{1,6}(?!st|nd|rd|th)[A-Za-z]?(?:[/\-][A-Za-z]?\d+)*(?!\d)",
    re.I,
)
_NUMBER_LEAD = re.compile(
    r"^(?:no[:.]?\s*|#\s*)?\d{1,6}(?!st|nd|rd|th)(?:[A-Za-z]\b|[A-Za-z]{2,}|\b)", re.I
)
# A phone line the phone scan could not read ("F:770-391-90"): no address.
_PHONE_LINE = re.compile(
    r"^(?:tel|fax|ph|phone|mob|mobile|cell|gsm|[tfmp])\s*[.:]?\s*[+(]?\d", re.I
)
# A heading such as "Milan Branch Office": names an office, is not its address.
_OFFICE = re.compile(r"(?<![^\W_])(?:office|offices|branch|headquarters|hq)(?![^\W_])", re.I)
_WORD = re.compile(r"[^\W\d_]+\.?")


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
    # Whole tokens ("p.o.", "no:") and the letter runs inside glued ones
    # ("Avda.Aragon", "35rue", "Building#52").
    toks = [t for t in re.split(r"[\s,;()]+", text) if t]
    for tok in toks:
        parts = _WORD.findall(tok)
        if len(parts) > 1 or (parts and parts[0].rstrip(".") != tok.rstrip(".:")):
            toks.extend(parts)
    seen: set[str] = set()
    for tok in toks:
        t = fold(tok)
        bare = t.rstrip(".:")
        if tok in seen:
            continue
        seen.add(tok)
        compound = len(bare) > 5 and any(bare.endswith(s.rstrip(".")) for s in suffixes)
        ward = re.match(r"^[a-z]+-(?:ku|gu|shi|cho|ro|gil|dong|machi)$", bare)
        if t in street or bare in street or compound or ward:
            n += 1
    return n


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    alts = alternation(vocab_entries("address_labels.txt"))
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
    if (cjk := cjk_address_score(text)) is not None:  # no spaces between words: see cjk.py
        return cjk
    if "@" in text or not text.strip():
        return 0.0
    text, labelled = strip_label(text)
    if _PHONE_LINE.match(text) or (not labelled and _OFFICE.search(text)):
        return 0.0
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
    if _city(text):
        # A city in a short line ("Hai Ba Trung, Ha Noi", "Maputo City"); a city alone
        # is as often a heading over an office's address, so it only joins a run.
        n_words = len(text.split())
        score += 0.2 if n_words > 5 else 0.4 if n_words > 1 else 0.3
    if street == 1 and score == 0:
        score = 0.3  # "Translog Overseas Building": may start or end a run, never seeds one
    if company_marks(text)[0] and score < 1.0:
        return 0.0
    if re.search(r"\b[A-Z][a-z]+,\s+(?:[A-Z]{2}|[A-Z][a-z]+)\b", text) and numbered:
        score += 0.3
    return score


_GLUED_DOT = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})\.(?=[^\W_])|(?<=\d)\.(?=[A-Z][a-z])")
_STATE_ZIP = re.compile(r"\b([A-Z]{2})(\d{5}(?:-\d{4})?)\b")


def tidy(text: str) -> str:
    """Spaces OCR dropped after punctuation in an address line: "Mah.Yavuz" ->
    "Mah. Yavuz", "Nr.75" -> "Nr. 75", "Fujimi.Chiyoda-ku" / "0022.Japan" (a comma
    read as a dot after a whole word or a number) -> "Fujimi, Chiyoda-ku",
    "Bloom,2-10-2" -> "Bloom, 2-10-2", "CA94306" -> "CA 94306"."""
    street = vocab_set("address_words.txt")

    def dot(m: re.Match[str]) -> str:
        word = m.group(1)
        if word is None:
            return ", "
        abbrev = len(word) <= 4 or fold(word) in street or fold(word) + "." in street
        return f"{word}. " if abbrev or text[m.end():m.end() + 1].isdigit() else f"{word}, "

    # Not inside digit groups ("1,500"), but "No:7,34000" is a number and a postcode.
    text = re.sub(r"(?<=[^\W_]),(?=[^\W\d_])|(?<=[^\W\d_]),(?=\d)|(?<=\d),(?=\d{4})", ", ",
                  text)
    text = _GLUED_DOT.sub(dot, text)

    def state(m: re.Match[str]) -> str:
        return f"{m.group(1)} {m.group(2)}" if m.group(1) in _states() else m.group(0)

    return _STATE_ZIP.sub(state, text)


@lru_cache(maxsize=1)
def _city_re() -> re.Pattern[str]:
    return phrase_pattern(vocab_entries("cities.txt"))


def _city(text: str) -> bool:
    return bool(_city_re().search(fold(text)))


WEAK = 0.2  # enough to join a run of address lines; a run needs one line >= STRONG
LINE = 0.4
STRONG = 0.8


def find_address(
    lines: Sequence[TextLine], taken: frozenset[int] = frozenset(), col: Column | None = None
) -> AddressHit | None:
    """The best run of address-like lines printed one under the other in one column.

    ``col`` links the lines of the whole card (see layout.columns); lines missing
    from ``lines`` (taken by a phone or an e-mail) may sit inside a run only when
    there are no boxes (plain text keeps its old tolerance of one such line)."""
    by_index = {tl.index: tl for tl in lines if tl.index not in taken}
    if col is None:
        col = columns(list(by_index.values()))
    boxed = all(tl.box for tl in by_index.values())
    scores = {i: address_score(tl.text) for i, tl in by_index.items()}

    def nxt(i: int) -> int | None:
        j = col.below.get(i)
        if j is None:
            return None
        if j in by_index and scores[j] >= LINE:
            return j
        k = col.below.get(j)
        if k is None or k not in by_index or scores[k] < LINE:
            return None
        if j not in by_index:
            return k if not boxed else None
        # One weak line between two address lines ("Door 4, Maputo City").
        return j if not company_marks(by_index[j].text)[0] else None

    runs: list[list[int]] = []
    placed: set[int] = set()
    for i in sorted(by_index):
        if i in placed or scores[i] < LINE:
            continue
        run = [i]
        while (j := nxt(run[-1])) is not None and j not in placed and j not in run:
            if cjk_second_postcode([by_index[k].text for k in run], by_index[j].text):
                break  # one address, one postcode: the next office's address starts here
            run.append(j)
        # Weak lines (a building name, a lone city) at either end.
        up = col.above.get(run[0])
        if (
            up is not None and up in by_index and up not in placed and scores[up] >= WEAK
            # A building name or a house number, not a heading city.
            and (_street_words(by_index[up].text) or _NUMBER_LEAD.match(by_index[up].text))
        ):
            run.insert(0, up)
        down = col.below.get(run[-1])
        if down is not None and down in by_index and down not in placed and scores[down] >= WEAK \
                and not cjk_second_postcode([by_index[k].text for k in run], by_index[down].text):
            run.append(down)
        placed |= set(run)
        runs.append(run)
    best: tuple[float, list[int]] | None = None
    for run in runs:
        total = sum(scores[i] for i in run)
        strong = max(scores[i] for i in run) >= STRONG
        # Or two address-like lines, neither conclusive alone ("38B Trieu Viet Vuong" /
        # "Hai Ba Trung, Ha Noi").
        if not strong and not (len(run) >= 2 and total >= 0.69):
            continue
        if best is None or total > best[0]:
            best = (total, run)
    if best is None:
        return None
    total, idx = best
    run_lines = [by_index[i] for i in idx]
    value = ", ".join(tidy(strip_label(tl.text)[0].strip(" ,;")) for tl in run_lines)
    conf = clamp(0.4 + 0.25 * total) * min(tl.conf for tl in run_lines)
    box = run_lines[0].box
    for tl in run_lines[1:]:
        if box and tl.box:
            box = box.union(tl.box)
    field = Field(value, "\n".join(tl.text for tl in run_lines), round(conf, 3), idx[0], box)
    return AddressHit(field, tuple(idx))
