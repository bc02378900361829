"""Phone numbers: found with phonenumbers.PhoneNumberMatcher (POSSIBLE leniency,
since cards print plenty of numbers the metadata calls invalid, e.g. 555 ones),
plus a digit-run fallback for spacing the matcher refuses; each number is typed
by the label printed beside it (vocab/phone_labels.toml).

Pitfalls of the matcher handled here: it accepts local-only numbers
("456-7898"), dates and year ranges, and numbers behind tax/account labels;
those are rejected.  Extensions are dropped (the main number is kept).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, PhoneNumberType

from cardscan.model import Line, Phone, PhoneType

from .region import (
    DEFAULT_REGION,
    HINT_WEIGHT,
    MAX_CANDIDATES,
    STRONG_EVIDENCE,
    TRUNK_ZERO,
    RegionEvidence,
    card_evidence,
    card_region,
    deep_evidence,
    gazetteer_cities,
    infer_region,
    region_for_domain,
    region_for_text,
)
from .text import (
    LETTER_RUN,
    Span,
    TextLine,
    clamp,
    fold,
    fold_aligned,
    lines_of,
    vocab_set,
    vocab_toml,
)

__all__ = [
    "DEFAULT_REGION", "CardPhones", "PhoneHit", "card_region", "extract_phones", "infer_region",
    "order_phones", "phone_from_value", "read_phones", "region_for_domain", "region_for_text",
    "scan_phones",
]

log = logging.getLogger(__name__)

_TYPES: tuple[PhoneType, ...] = ("mobile", "work", "fax", "other")
_RUN = re.compile(r"[+(]*\d[\d \t().\-/+]*\d\)?")
_BAD_SEPARATORS = re.compile(r"[\-./]\s*[\-./]|\)\s*\)|\(\s*\(\s*\(")
_DATE = re.compile(
    r"^\(?\s*(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{2}|\d{4})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})\s*\)?$"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-/]\s*(?:\d{1,2}\s*/\s*)?(?:19|20)\d\d")
_DROPPED_CC = re.compile(r"\+\s*\d{1,3}[\s.\-]*$")
# Below LOW_CONFIDENCE: a number without its area code makes the card "review".
LOCAL_PRIOR = 0.35


@dataclass(frozen=True)
class PhoneHit:
    phone: Phone
    span: Span
    label: Span | None = None


@lru_cache(maxsize=1)
def _label_patterns() -> tuple[re.Pattern[str], dict[str, str]]:
    table = vocab_toml("phone_labels.toml")
    kinds: dict[str, str] = {}
    for kind in (*_TYPES, "not_phone"):
        for entry in table.get(kind, ()):
            kinds.setdefault(fold(entry).rstrip("."), kind)
    alts = []
    for e in sorted(kinds, key=len, reverse=True):
        parts = [re.escape(p) for p in re.split(r"[\s.]+", e) if p]
        alts.append(r"[\s.]*".join(parts))
    # A label is a whole token: no letter before it and no letter after it.
    pattern = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(alts)})\.?(?![^\W\d_])", re.IGNORECASE)
    return pattern, kinds


def _labels(text: str) -> list[tuple[Span, str]]:
    """(span, kind) of every phone label on the line (kind is a type or not_phone)."""
    pattern, kinds = _label_patterns()
    folded = fold_aligned(text)
    out = []
    for m in pattern.finditer(folded):
        key = re.sub(r"[\s.]+", " ", m.group(0).rstrip(".")).strip()
        kind = kinds.get(key) or kinds.get(key.replace(" ", "")) or _kind_loose(key, kinds)
        if kind:
            out.append((m.span(), kind))
    return out


def _kind_loose(key: str, kinds: dict[str, str]) -> str | None:
    squeezed = key.replace(" ", "")
    for k, v in kinds.items():
        if k.replace(" ", "").replace(".", "") == squeezed:
            return v
    return None


def _clean(text: str) -> str:
    """Same length as the input: separators OCR adds become spaces."""
    return text.translate(str.maketrans("|\t·•–", "    -"))


def _possible(num: PhoneNumber) -> bool:
    reason = phonenumbers.is_possible_number_with_reason(num)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return False
    # Certificate and account ids pass as "possible" in long-number plans (JP, DE).
    return len(str(num.national_number)) <= 12 or phonenumbers.is_valid_number(num)


_LOCAL_SHAPE = re.compile(r"\d{0,2}[.\s]?\d{4,5}[-.\s]\d{4}")


def _local_only(num: PhoneNumber, raw: str) -> bool:
    """A number printed without its area code ("2294-9484" on a São Paulo shop card):
    not a valid number, with the length the region's metadata gives local-only
    fixed or mobile numbers, grouped the way local numbers are printed."""
    if "+" in raw or not _LOCAL_SHAPE.fullmatch(raw.strip()) or phonenumbers.is_valid_number(num):
        return False
    fixed, mobile = _local_lengths(num)
    return len(str(num.national_number)) in fixed | mobile


def _local_lengths(num: PhoneNumber) -> tuple[set[int], set[int]]:
    """Lengths of fixed-line and mobile numbers dialled without an area code."""
    region = phonenumbers.region_code_for_country_code(num.country_code or 0)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return set(), set()

    def lengths(desc: phonenumbers.PhoneNumberDesc | None) -> set[int]:
        return set(desc.possible_length_local_only) if desc is not None else set()

    return lengths(meta.fixed_line), lengths(meta.mobile)


def _without_icon_digit(num: PhoneNumber, raw: str, region: str) -> PhoneNumber | None:
    """"+962778490607 (WhatsApp icon)" read as "+9627784906079": a number printed
    with its country code, invalid as read, valid without its last digit."""
    if not (raw.lstrip("( ").startswith("+") and raw[-1:].isdigit()):
        return None
    if phonenumbers.is_valid_number(num):
        return None
    cut = _parse_run(raw[:-1], region)
    return cut if cut is not None and phonenumbers.is_valid_number(cut) else None


def _looks_wrong(raw: str) -> bool:
    core = raw.strip()
    # Letters are allowed only in a trailing extension ("x 12", "ext. 111").
    if re.search(r"[^\W\d_]", re.sub(r"(?i)\s*(?:ext\.?|extn\.?|x|#)\s*\d{1,6}\s*$", "", core)):
        return True
    if _BAD_SEPARATORS.search(core) or _DATE.match(core) or _YEAR_RANGE.search(core):
        return True
    digits = re.sub(r"\D", "", core)
    return len(digits) < 7 or len(digits) > 17


def _e164(num: PhoneNumber) -> str:
    bare = PhoneNumber(country_code=num.country_code, national_number=num.national_number)
    bare.italian_leading_zero = num.italian_leading_zero
    bare.number_of_leading_zeros = num.number_of_leading_zeros
    return phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.E164)


class _Candidate(NamedTuple):
    span: Span
    number: PhoneNumber
    prior: float  # confidence before the label and the OCR line's own
    local: bool = False  # printed without its area code


def _candidates(text: str, region: str, local_ok: bool = False) -> list[_Candidate]:
    """Numbers on one line with their spans and a prior confidence; numbers without
    an area code only when ``local_ok``."""
    cleaned = _clean(text)
    out: list[_Candidate] = []
    taken: list[Span] = []
    postcode = _postcode_re(region)
    for m in PhoneNumberMatcher(cleaned, region, leniency=Leniency.POSSIBLE):
        local = _local_only(m.number, m.raw_string)
        if _looks_wrong(m.raw_string) or (local and not local_ok):
            continue
        if not (local or _possible(m.number)):
            continue
        if _DROPPED_CC.search(cleaned[: m.start]):
            continue  # the matcher skipped a "+67"-style country code that does not exist
        if postcode and postcode.fullmatch(m.raw_string.strip()):
            continue
        found, end = m.number, m.end
        prior = 0.95 if phonenumbers.is_valid_number(found) else LOCAL_PRIOR if local else 0.6
        icon = None if local else _without_icon_digit(found, m.raw_string, region)
        if icon is not None:
            found, end, prior = icon, end - 1, 0.7
        elif (not local and prior < 0.9 and m.raw_string.endswith("1")
              and cleaned[end : end + 1].isalpha()):
            # "434268001Fax": the bar before the next label read as a "1".
            cut = _parse_run(m.raw_string[:-1], region)
            if cut is not None and phonenumbers.is_valid_number(cut):
                found, end, prior = cut, end - 1, 0.8
        out.append(_Candidate((m.start, end), found, prior, local))
        taken.append((m.start, end))
    # Fallback: runs the matcher refuses ("(123)(456)(7890)", "607  304  72 29").
    for run in _RUN.finditer(cleaned):
        a, b = run.span()
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        raw = run.group(0)
        if _looks_wrong(raw) or _glued_to_letters(cleaned, a, b):
            continue
        if postcode and postcode.fullmatch(raw.strip()):
            continue
        num = _parse_run(raw, region)
        icon = _without_icon_digit(num, raw, region) if num is not None else None
        if icon is not None:
            out.append(_Candidate((a, b - 1), icon, 0.7))
            continue
        if num is not None and _local_only(num, raw):
            if local_ok:
                out.append(_Candidate((a, b), num, LOCAL_PRIOR, local=True))
            continue
        if num is None or not _possible(num):
            # "+90 324 238 05 40-41-42": a range of last digits after the number.
            shorter = re.sub(r"(?:\s*[-/]\s*\d{1,2}){1,3}$", "", raw)
            num = _parse_run(shorter, region) if shorter != raw else None
            if num is None or not _possible(num):
                continue
            b = a + len(shorter)
        prior = 0.85 if phonenumbers.is_valid_number(num) else 0.5
        out.append(_Candidate((a, b), num, prior))
    out.sort(key=lambda c: c.span[0])
    return out


@lru_cache(maxsize=64)
def _postcode_re(region: str) -> re.Pattern[str] | None:
    fmt = vocab_toml("countries.toml").get("postcode_formats", {}).get(region)
    return re.compile(fmt) if fmt else None


def _glued_to_letters(text: str, a: int, b: int) -> bool:
    before = text[a - 1] if a > 0 else " "
    after = text[b] if b < len(text) else " "
    return (before.isalpha() and before.lower() not in "tfmpcx") or after.isalpha()


def _parse_run(raw: str, region: str) -> PhoneNumber | None:
    raw = TRUNK_ZERO.sub(lambda m: m.group(1), raw)  # "+44 (0)20 ..." drops the trunk 0
    digits = re.sub(r"\D", "", raw)
    plus = "+" in raw.split(digits[:1], 1)[0] or raw.lstrip("( ").startswith("+")
    try:
        if plus:
            return phonenumbers.parse("+" + digits, None)
        return phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None


def _label_before(labels: list[tuple[Span, str]], lo: int, hi: int) -> tuple[Span, str] | None:
    inside = [lab for lab in labels if lo <= lab[0][0] and lab[0][1] <= hi]
    return inside[-1] if inside else None


def _marker_after(text: str, labels: list[tuple[Span, str]], end: int) -> tuple[Span, str] | None:
    """A parenthesised marker right after the number: "703-555-0100 (C)"."""
    for span, kind in labels:
        gap = text[end : span[0]]
        if span[0] >= end and len(gap) <= 3 and "(" in gap:
            return span, kind
    return None


def _type_for(kind: str | None, num: PhoneNumber, local: bool = False) -> PhoneType:
    if kind in _TYPES:
        return kind
    if local:
        # Without the area code only the length tells: 9 local digits are a BR mobile.
        fixed, mobile = _local_lengths(num)
        n = len(str(num.national_number))
        return "mobile" if n in mobile and n not in fixed else "work"
    ntype = phonenumbers.number_type(num)
    return "mobile" if ntype == PhoneNumberType.MOBILE else "work"


def _only_label(text: str) -> str | None:
    labels = _labels(text)
    if len(labels) == 1:
        (a, b), kind = labels[0]
        if not re.sub(r"[\W_]", "", text[:a] + text[b:]):
            return kind
    return None


def scan_phones(
    lines: Sequence[Line] | Sequence[TextLine],
    region: str,
    local_ok: bool = False,
    alternates: Sequence[str] = (),
) -> list[PhoneHit]:
    """Every distinct phone number on the card in reading order (fax not yet moved).

    With ``local_ok`` (the region is known from the card or the user), numbers printed
    without an area code are kept, flagged ``local_only`` and weak: on a shop card
    they are often its only phones, and a lead with a number to complete (status
    ``review``) beats a dead row.  Without a known region they are dropped.

    A number printed without ``+CC`` that is not valid in ``region`` is read in the
    first of ``alternates`` (other likely regions) where it is valid; valid nowhere,
    it is read in ``region`` (or its printed +CC) and flagged ``valid=False``."""
    hits: list[PhoneHit] = []
    seen: dict[str, int] = {}
    tls = lines_of(lines)
    for pos, tl in enumerate(tls):
        text = tl.text
        labels = _labels(text)
        above = _only_label(tls[pos - 1].text) if pos > 0 else None
        prev_end = 0
        prev_kind: str | None = None
        for span, num, prior, local in _candidates(text, region, local_ok):
            label = _label_before(labels, prev_end, span[0]) or _marker_after(text, labels, span[1])
            kind = label[1] if label else (prev_kind or (above if prev_end == 0 else None))
            prev_end = span[1]
            if kind == "not_phone":
                continue
            raw = text[span[0] : span[1]].strip()
            if not label and prior < 0.9 and raw.isdigit() and len(raw) < 10 and not kind:
                continue  # a bare invalid digit run is an id, not a phone
            prev_kind = kind
            if not phonenumbers.is_valid_number(num) and not label and _in_address(text, span):
                continue  # "Via Roma, 989 - 50129 Firenze": a house number and a postcode
            if not local and not phonenumbers.is_valid_number(num):
                num = _valid_elsewhere(raw, alternates) or num
            number = _e164(num)
            ptype = _type_for(kind, num, local=local)
            conf = prior + (0.03 if label else 0.0)
            phone = Phone(number, ptype, text[span[0] : span[1]].strip(),
                          round(clamp(conf * tl.conf), 3), tl.index, tl.box,
                          local_only=local, valid=not local and phonenumbers.is_valid_number(num))
            if number in seen:
                continue
            seen[number] = len(hits)
            hits.append(PhoneHit(phone, span, label[0] if label else None))
    return hits


def _in_address(text: str, span: Span) -> bool:
    """The digits sit in an address line: a street word among the three words before
    them ("Via Roma, 989 - 50129"), or a city of the gazetteer right after them
    ("... 50129 Firenze").  Only asked of unlabelled numbers that are not valid in the
    card's region (a run of 9-10 digits is valid in some other country)."""
    street = vocab_set("address_words.txt")
    before = LETTER_RUN.findall(text[: span[0]])[-3:]
    after = LETTER_RUN.findall(text[span[1] :])[:1]
    if any(fold(w) in street for w in before):
        return True
    return bool(after) and after[0][:1].isupper() and fold(after[0]) in gazetteer_cities()


def _valid_elsewhere(raw: str, regions: Sequence[str]) -> PhoneNumber | None:
    """The number as read in the first region where it is valid (not for "+CC" numbers)."""
    if raw.lstrip("( ").startswith("+"):
        return None
    for reg in regions:
        num = _parse_run(raw, reg)
        if num is not None and phonenumbers.is_valid_number(num):
            return num
    return None


def phone_from_value(
    raw: str, ptype: PhoneType, regions: Sequence[str], confidence: float
) -> Phone | None:
    """One number given as a value (a QR code's TEL): read in the first of ``regions``
    (a "+CC" number in its own country), or in the next one where it is valid; valid
    nowhere, the first reading flagged ``valid=False``.  None when it is no phone number."""
    regs = [r for r in dict.fromkeys(regions) if r] or [DEFAULT_REGION]
    num = _parse_run(raw, regs[0])
    if num is None or not phonenumbers.is_possible_number(num):
        return None
    if not phonenumbers.is_valid_number(num):
        num = _valid_elsewhere(raw, regs[1:]) or num
    return Phone(_e164(num), ptype, raw, confidence, valid=phonenumbers.is_valid_number(num))


def order_phones(phones: Iterable[Phone]) -> tuple[Phone, ...]:
    """Fax is never the main phone: non-fax numbers first, printed order kept."""
    items = list(phones)
    return tuple(sorted(items, key=lambda p: p.type == "fax"))


@dataclass(frozen=True)
class CardPhones:
    """The numbers of one card and the region numbers without ``+CC`` were read in."""

    region: str
    known: bool  # from the card or the user, not the default
    hits: tuple[PhoneHit, ...]
    evidence: RegionEvidence
    note: str | None = None  # the hint was overruled, and why


# How well a number printed without +CC fits a region: valid there and printed in the
# region's own grouping ("(11) 2684-7988" in BR, "98250 12345" in IN) counts FIT_GROUPED;
# valid but grouped otherwise, or the region's local-only length (no area code), less.
FIT_GROUPED = 1.0
FIT_VALID = 0.6
FIT_LOCAL = 0.6
# Evidence (RegionEvidence.scores) converted to fit units when the two are added.
EVIDENCE_FACTOR = 0.2


def _fit(hits: Sequence[PhoneHit], region: str) -> float:
    """How well the numbers printed without +CC read in ``region`` itself."""
    prefix = f"+{phonenumbers.country_code_for_region(region)}"
    total = 0.0
    for h in hits:
        p = h.phone
        if "+" in p.raw or not p.number.startswith(prefix):
            continue
        if p.local_only:
            total += FIT_LOCAL
        elif p.valid:
            total += FIT_GROUPED if _grouped_as(p, region) else FIT_VALID
    return total


def _grouped_as(phone: Phone, region: str) -> bool:
    """The printed digit groups end like the region's national format of the number."""
    printed = [len(g) for g in re.findall(r"\d+", re.sub(r"(?i)\s*(?:ext|x|#).*$", "", phone.raw))]
    if len(printed) < 2:
        return True  # printed as one run: nothing to compare
    try:
        num = phonenumbers.parse(phone.number, None)
    except phonenumbers.NumberParseException:
        return False
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    formatted = [len(g) for g in re.findall(r"\d+", national)]
    return printed[-2:] == formatted[-2:]


_UNPREFIXED_RUN = re.compile(r"(?<![+\d])\(?\d[\d\s().\-/]{5,}\d")


def _undecided(tls: Sequence[TextLine], hits: Sequence[PhoneHit], region: str) -> bool:
    """Some number printed without +CC is not valid in ``region``, or a digit run of a
    phone's length was not kept as a phone."""
    prefix = f"+{phonenumbers.country_code_for_region(region)}"
    if any("+" not in h.phone.raw and not (h.phone.valid and h.phone.number.startswith(prefix))
           for h in hits):
        return True
    taken = {(h.phone.line, h.span) for h in hits}
    postcode = _postcode_re(region)

    def dropped(tl: TextLine, m: re.Match[str]) -> bool:
        a, b = m.span()
        return (7 <= len(re.sub(r"\D", "", m.group(0))) <= 12
                and not any(line == tl.index and a < sb and sa < b for line, (sa, sb) in taken)
                and not (postcode and postcode.fullmatch(m.group(0).strip())))

    return any(dropped(tl, m) for tl in tls for m in _UNPREFIXED_RUN.finditer(tl.text))


def read_phones(
    lines: Sequence[Line] | Sequence[TextLine],
    domains: Sequence[str] = (),
    hint: str | None = None,
) -> CardPhones:
    """The card's numbers, read in the region under which most of them validate.

    Candidates: the hint, the regions the card's clues rank highest, the default.
    The clues that need a data set (cities, language) are added only when the cheap
    ones leave a number printed without +CC invalid."""
    tls = lines_of(lines)
    hint = hint.upper() if hint else None
    scans: dict[tuple[str, bool, tuple[str, ...]], tuple[PhoneHit, ...]] = {}
    evidence = card_evidence(tls, domains)
    choice = _choose(tls, evidence, hint, scans)
    if _undecided(tls, choice.hits, choice.region) or _tied(evidence, choice):
        choice = _choose(tls, evidence + deep_evidence(tls, evidence), hint, scans)
    return choice


def _tied(evidence: RegionEvidence, choice: CardPhones) -> bool:
    """A number printed without +CC was read in a region that the cheap clues rank
    no higher than another ("28047", a postcode of five digits, fits ES, FR, IT,
    DE ... alike, and "612 34 11 56" is valid in France and in Spain)."""
    if not any("+" not in h.phone.raw for h in choice.hits):
        return False
    scores = evidence.scores()
    mine = scores.get(choice.region, 0.0)
    return mine > 0 and sum(1 for v in scores.values() if v >= mine - 1e-9) >= 2


def _choose(
    tls: Sequence[TextLine],
    evidence: RegionEvidence,
    hint: str | None,
    scans: dict[tuple[str, bool, tuple[str, ...]], tuple[PhoneHit, ...]],
) -> CardPhones:
    scores = evidence.scores()
    eligible = evidence.eligible()
    ranked = [r for r in evidence.ranked() if r in eligible
              and phonenumbers.country_code_for_region(r)]
    cands = list(dict.fromkeys([*([hint] if hint else []), *ranked[:MAX_CANDIDATES],
                                DEFAULT_REGION]))
    others = tuple(r for r in cands if r != DEFAULT_REGION or scores.get(r) or r == hint)
    results = {}
    for reg in cands:
        known = reg == hint or scores.get(reg, 0.0) > 0
        key = (reg, known, tuple(r for r in others if r != reg))
        if key not in scans:
            scans[key] = tuple(scan_phones(tls, reg, local_ok=known, alternates=key[2]))
        results[reg] = scans[key]

    def prior(reg: str) -> float:
        return scores.get(reg, 0.0) + (HINT_WEIGHT if reg == hint else 0.0)

    fits = {r: _fit(results[r], r) for r in cands}
    if not any(fits.values()):
        # Nothing validates anywhere: only strong clues move the numbers off the default.
        fallback = hint or DEFAULT_REGION
        top = max(cands, key=prior)
        best = top if top == hint or scores.get(top, 0.0) >= STRONG_EVIDENCE else fallback
    else:
        best = max(cands, key=lambda r: (fits[r] + EVIDENCE_FACTOR * prior(r),
                                         r == DEFAULT_REGION))
    note = None
    if hint and best != hint:
        if fits[best] > fits[hint] and scores.get(best, 0.0) >= STRONG_EVIDENCE:
            note = (f"the card's numbers fit {best} better than {hint} (--region); "
                    f"read in {best} from the card: {evidence.why(best)}")
            log.info(note)
        else:
            best = hint
    known = best == hint or scores.get(best, 0.0) > 0
    return CardPhones(best, known, results[best], evidence, note)


def extract_phones(lines: Sequence[Line], region: str | None = None) -> tuple[Phone, ...]:
    return order_phones(h.phone for h in read_phones(lines, hint=region).hits)


