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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, PhoneNumberType

from cardscan.model import Line, Phone, PhoneType

from .text import (
    Span,
    TextLine,
    clamp,
    fold,
    fold_aligned,
    lines_of,
    phrase_pattern,
    vocab_toml,
)

log = logging.getLogger(__name__)

DEFAULT_REGION = "US"
_TYPES: tuple[PhoneType, ...] = ("mobile", "work", "fax", "other")
_RUN = re.compile(r"[+(]*\d[\d \t().\-/+]*\d\)?")
_BAD_SEPARATORS = re.compile(r"[\-./]\s*[\-./]|\)\s*\)|\(\s*\(\s*\(")
_DATE = re.compile(
    r"^\(?\s*(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{2}|\d{4})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})\s*\)?$"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-/]\s*(?:\d{1,2}\s*/\s*)?(?:19|20)\d\d")
_DROPPED_CC = re.compile(r"\+\s*\d{1,3}[\s.\-]*$")
_TRUNK_ZERO = re.compile(r"(\+\s*\d{1,3}[\s.\-]*)\(\s*0\s*\)")
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
    raw = _TRUNK_ZERO.sub(lambda m: m.group(1), raw)  # "+44 (0)20 ..." drops the trunk 0
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
    lines: Sequence[Line] | Sequence[TextLine], region: str, local_ok: bool = False
) -> list[PhoneHit]:
    """Every distinct phone number on the card in reading order (fax not yet moved).

    With ``local_ok`` (the region is known from the card or the user), numbers printed
    without an area code are kept, flagged ``local_only`` and weak: on a shop card
    they are often its only phones, and a lead with a number to complete (status
    ``review``) beats a dead row.  Without a known region they are dropped."""
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
            number = _e164(num)
            ptype = _type_for(kind, num, local=local)
            conf = prior + (0.03 if label else 0.0)
            phone = Phone(number, ptype, text[span[0] : span[1]].strip(),
                          round(clamp(conf * tl.conf), 3), tl.index, tl.box,
                          local_only=local)
            if number in seen:
                continue
            seen[number] = len(hits)
            hits.append(PhoneHit(phone, span, label[0] if label else None))
    return hits


def order_phones(phones: Iterable[Phone]) -> tuple[Phone, ...]:
    """Fax is never the main phone: non-fax numbers first, printed order kept."""
    items = list(phones)
    return tuple(sorted(items, key=lambda p: p.type == "fax"))


def extract_phones(lines: Sequence[Line], region: str | None = None) -> tuple[Phone, ...]:
    tls = lines_of(lines)
    found = region or card_region(tls)
    return order_phones(h.phone for h in scan_phones(tls, found or DEFAULT_REGION,
                                                     local_ok=found is not None))


# ---------------------------------------------------------------- region


def _plus_regions(tls: Sequence[TextLine]) -> list[str]:
    out = []
    for tl in tls:
        text = _TRUNK_ZERO.sub(lambda m: m.group(1), _clean(tl.text))
        for m in PhoneNumberMatcher(text, "ZZ", leniency=Leniency.POSSIBLE):
            reg = phonenumbers.region_code_for_country_code(m.number.country_code or 0)
            if reg and reg != "ZZ":
                out.append(reg)
    return out


def region_for_domain(domain: str) -> str | None:
    table = vocab_toml("countries.toml")
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in table["vanity_tlds"]["tlds"]:
        return None
    region = str(table["tld_region"].get(tld, tld.upper()))
    return region if phonenumbers.country_code_for_region(region) else None


@lru_cache(maxsize=1)
def _country_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names = {fold(k): str(v) for k, v in vocab_toml("countries.toml")["names"].items()}
    return phrase_pattern(names), names


def region_for_text(text: str) -> str | None:
    """A country named in the text (address line)."""
    pattern, names = _country_pattern()
    folded = fold(text)
    found = [names.get(m.group(0).lower()) for m in pattern.finditer(folded)]
    found = [f for f in found if f]
    return found[-1] if found else None


def _script_region(text: str) -> str | None:
    """Last resort: a script or letters only one country's cards use."""
    for c in text:
        name = unicodedata.name(c, "")
        if "HANGUL" in name:
            return "KR"
        if "HIRAGANA" in name or "KATAKANA" in name:
            return "JP"
    if re.search(r"株式会社|有限会社|携帯|〒", text):
        return "JP"
    if re.search(r"[ğĞşŞıİ]", text):
        return "TR"
    return None


def region_for_words(lines: Sequence[str]) -> str | None:
    """A region two or more of whose tell-tale words (vocab `region_words`) the card
    prints, one of them a word or address pattern only that region's cards use."""
    text = "\n".join(lines)
    words = set(re.findall(r"[a-z]+", fold(text)))
    table = vocab_toml("countries.toml").get("region_words", {})
    for reg, entry in table.items():
        hits = words & set(entry["words"])
        marked = bool(words & set(entry.get("marks", ()))) or any(
            re.search(p, text) for p in entry.get("patterns", ())
        )
        if len(hits) >= 2 and marked:
            return str(reg)
    return None


def infer_region(
    lines: Sequence[Line] | Sequence[TextLine], domains: Sequence[str] = ()
) -> str:
    """Region for numbers printed without a country code, from the card itself."""
    return card_region(lines, domains) or DEFAULT_REGION


def card_region(
    lines: Sequence[Line] | Sequence[TextLine], domains: Sequence[str] = ()
) -> str | None:
    """The region the card itself gives evidence for, or None."""
    tls = lines_of(lines)
    if not domains:
        # Hosts of e-mail addresses and web addresses printed on the card.
        found = re.findall(r"(?:@|www\.)([\w\-]+(?:\.[\w\-]+)+)", " ".join(t.text for t in tls))
        domains = [d.lower() for d in found]
    plus = _plus_regions(tls)
    if plus:
        return max(set(plus), key=lambda r: (plus.count(r), -plus.index(r)))
    for d in domains:
        reg = region_for_domain(d)
        if reg:
            return reg
    for tl in reversed(tls):
        reg = region_for_text(tl.text)
        if reg:
            return reg
    return _script_region(" ".join(tl.text for tl in tls)) or region_for_words(
        [tl.text for tl in tls]
    )
