"""Shared text helpers for the field extractors: normalisation, folding,
vocabulary loading (data files in ``cardscan/vocab``) and span bookkeeping.

Vocabularies are read once through importlib.resources and cached with
functools.lru_cache; callers get immutable tuples/frozensets/mapping proxies.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from cardscan.model import Box, Line

Span = tuple[int, int]

# Characters that NFKD does not decompose but that people fold anyway.
_EXTRA_FOLD_MAP: dict[str, str | int | None] = {
    "ı": "i", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
    "œ": "oe", "Œ": "oe", "ō": "o", "ß": "ss",
}
_EXTRA_FOLD = str.maketrans(_EXTRA_FOLD_MAP)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


@dataclass(frozen=True)
class TextLine:
    """One printed line, normalised, with what the layout knows about it."""

    index: int
    text: str
    height: float | None = None
    box: Box | None = None
    conf: float = 1.0


@dataclass(frozen=True)
class Chunk:
    """Text left on a line once contact details are taken, split at " | "."""

    line: int
    text: str
    height: float | None = None
    box: Box | None = None
    conf: float = 1.0
    whole: bool = True  # the chunk is all that is left of its line


@dataclass(frozen=True)
class Roles:
    """Per chunk id, the probability of each line role (see learned.ROLES), and the
    role the hand-weighted pickers gave it; ``score`` adds ``prior`` for agreeing
    with them, so the hand reading stands unless the model clearly disagrees."""

    probs: tuple[dict[str, float], ...]
    hand: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    prior: float = 0.0

    def p(self, role: str, cid: int) -> float:
        return self.probs[cid].get(role, 0.0) if 0 <= cid < len(self.probs) else 0.0

    def score(self, role: str, cid: int) -> float:
        return self.p(role, cid) + (self.prior if self.hand.get(cid) == role else 0.0)


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), one space between words."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u00b4", "'")
    return _SPACES.sub(" ", text).strip()


_ZERO_IN_WORD = re.compile(
    r"(?<=[^\W\d_]{2})0(?=[^\W\d_])|(?<=[^\W\d_])0(?=[^\W\d_]{2})|(?<![\w@.])0(?=[a-z]{3})"
    r"|(?<=[a-z]{3})0(?![\w@.])"
)
_O_IN_NUMBER = re.compile(r"(?<=\d)[Oo](?=\d)|(?<=\d[\-.])O(?=\d{2})")


def ocr_fix(text: str) -> str:
    """Undo the O/0 swaps OCR makes inside words and numbers ("Ph0ne", "110-O005");
    tokens holding an e-mail or web address are left alone (their repair is checked
    by the validator)."""
    out = []
    for tok in text.split(" "):
        if "@" in tok or "www" in tok.lower() or "://" in tok:
            out.append(tok)
            continue
        tok = _ZERO_IN_WORD.sub(functools.partial(_zero_repl, tok), tok)
        # S read as "$" inside a word ("Didem$ENSES") or at the start of one ("$ENSES")
        tok = re.sub(r"(?<=[^\W\d_])\$(?=[^\W\d_])|^\$(?=[^\W\d_]{2,}$)", "S", tok)
        tok = re.sub(r"(?<![^\W\d_])Itd(?![^\W\d_])", "ltd", tok)  # "Co., Itd." (l read as I)
        tok = re.sub(r"(?<=[Ss]tra)B(?=e(?![^\W\d_]))", "ß", tok)  # "StraBe": ß read as B
        out.append(_O_IN_NUMBER.sub("0", tok))
    return " ".join(out)


def _zero_repl(tok: str, m: re.Match[str]) -> str:
    return _zero_letter(tok, m.start())


def _zero_letter(tok: str, i: int) -> str:
    if i == 0 or not tok[i - 1].isalpha() or _upper_near(tok, i):
        return "O"
    return "o"


def _upper_near(tok: str, i: int) -> bool:
    near = [c for c in tok[max(0, i - 2) : i + 3] if c.isalpha()]
    return bool(near) and all(c.isupper() for c in near)


_CAMEL = re.compile(r"(?<=[a-zà-ÿğışçöü]{2})(?=[A-ZÀ-ÞĞİŞÇÖÜ])|(?<=[A-Z])(?=[A-Z][a-z]{2})")
_AFTER_PUNCT = re.compile(
    r"(?<=[^\W_][,;])(?=[^\W\d_])|(?<=(?<![^\W\d_])[A-Z]\.)(?=[A-Z][a-z])|(?<=\d)(?=[A-Z]\.)"
    r"|(?<=[A-Z][a-z]\.)(?=[A-Z][a-z]{2})"
    r"|(?<=(?<![^\W\d_])[A-Z]\.)(?=[A-Z]{3,}(?![\w.]*\.))"  # "D.MALVIN", not "D.M.D."
)
# Chinese and Japanese print no space between a word and a number ("人民路2387号"),
# so a Han or kana letter before the digits keeps them joined.
_LETTER_DIGIT = re.compile(
    r"(?<=[^\W\d_]{3})(?<![\u3040-\u30ff\u3400-\u9fff])(?=\d)"
    r"|(?<=\d)(?=[A-Z][a-z]{2,})|(?<=\d)(?=[A-Z]{2,}\b)"
)
# A postcode printed before a Chinese or Japanese address stands apart from it
# ("455 台中市...", "150-0043 東京都..."); OCR often glues them.
_POSTCODE_HAN = re.compile(r"^(〒?\d{3}(?:-?\d{2,4})?)(?=[\u3400-\u9fff])")
_KEEP_CAMEL = re.compile(r"^(?:Mc|Mac|Mc|O'|D'|De|Di|Da|Du|La|Le|Van|Von)$")


def respace(text: str, keep: Collection[str] = ()) -> str:
    """Put back the spaces OCR engines drop between words: "EricRothenberg,0wner"
    -> "Eric Rothenberg, 0wner", "Suite120" -> "Suite 120", "JoeyK.Smith" ->
    "Joey K. Smith".  Only for OCR output; e-mail/web tokens are skipped, and so are
    brands written the way ``keep`` (folded domain names) spells them ("InterGlobe")."""
    out = []
    for tok in text.split(" "):
        letters = re.sub(r"[^a-z0-9]", "", fold(tok))
        if "@" in tok or "www" in tok.lower() or "://" in tok or ("." in tok.strip(".")[1:-1] and (
            re.search(r"\.[a-z]{2,}$", tok)
        )) or (len(letters) >= 6 and letters in keep) or (
            fold(tok.strip(".,;:")) in vocab_set("company_suffixes.txt")  # "GmbH", "SpA"
        ):
            out.append(tok)
            continue
        parts = _CAMEL.split(tok)
        merged: list[str] = []
        for part in parts:
            if merged and _KEEP_CAMEL.match(merged[-1]):
                merged[-1] += part
            else:
                merged.append(part)
        tok = " ".join(merged)
        tok = _AFTER_PUNCT.sub(" ", tok)
        tok = re.sub(r"(?<=[^\W\d_]{2})&(?=[^\W\d_]{2})", " & ", tok)  # "Transport&Logistics"
        tok = _LETTER_DIGIT.sub(" ", tok)
        tok = _POSTCODE_HAN.sub(r"\1 ", tok)
        out.append(tok)
    return " ".join(out)


def segment(
    token: str, known: frozenset[str], unknown_ok: bool = True, strong: Collection[str] = ()
) -> list[str] | None:
    """Split a glued word ("BUSINESSDEVELOPMENTMANAGER") into known words; with
    ``unknown_ok`` one unknown piece of 4+ letters is allowed.  None when no good
    split exists.  Every piece has 4+ letters unless it is in ``strong`` (the
    caller's short words that count as evidence: the card's own e-mail pieces,
    "WESLEYYAN"; connectors and titles when nothing is unknown, "CEOANDFOUNDER").
    Short names and suffixes are no evidence, so "MASASHI", "MARYANN" and
    "SALCEDO" stay whole."""
    low = fold(token)
    n = len(low)
    if n < 7 or not low.isalpha():
        return None
    # best[i] = (unknown pieces, unknown letters, pieces, cut points) for low[:i]
    best: list[tuple[int, int, int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, 0, 0, [])
    for i in range(n):
        cur = best[i]
        if cur is None:
            continue
        for j in range(i + 2, n + 1):
            piece = low[i:j]
            if piece in strong:
                unknown = 0
            elif j - i < 4:
                continue
            else:
                unknown = 0 if piece in known else 1
            cand = (cur[0] + unknown, cur[1] + unknown * (j - i), cur[2] + 1, [*cur[3], j])
            old = best[j]
            if old is None or cand[:3] < old[:3]:
                best[j] = cand
    end = best[n]
    if end is None or end[2] < 2 or end[0] > int(unknown_ok) or end[1] * 4 > n * 3:
        return None
    cuts = [0, *end[3]]
    return [token[a:b] for a, b in itertools.pairwise(cuts)]


# A run of letters of any script (no digits, no underscore): one word of a line.
LETTER_RUN = re.compile(r"[^\W\d_]+")

# Kana, CJK ideographs and Hangul syllables: the letters of a name or a place that
# prints no spaces (extract/person.py, extract/region.py).
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accent-free, case-folded form used for vocabulary look-ups (cached: the same
    words and characters are folded over and over, by every scorer)."""
    text = text.translate(_EXTRA_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def fold_aligned(text: str) -> str:
    """`fold` one character at a time so indexes still match the input text."""
    out = []
    for c in text:
        f = fold(c)
        if len(f) != 1:
            f = c.lower() if len(c.lower()) == 1 else c
        out.append(f)
    return "".join(out)


def text_lines(lines: Sequence[Line]) -> tuple[TextLine, ...]:
    return tuple(
        TextLine(i, normalize(line.text), line.height, line.box, line.conf)
        for i, line in enumerate(lines)
    )


def _split_pair(a: TextLine, b: TextLine) -> int | None:
    """How many of b's first characters repeat a's last ones when b is the rest of
    a's printed line, which the text detector cut in two with overlapping boxes
    that both read the letters at the cut ("Navrang" + "g Electricals"); None when
    b is not a's continuation.  The two boxes must share the row (same height within
    a quarter, most of it overlapping vertically), b must start inside a and end
    beyond it, and the letters of b inside a's box must be a's last word-end.
    Boxes that merely touch (two columns, a label and its value) are left alone:
    on cards-dev, joining every overlap also joined two addresses printed side by side."""
    if a.box is None or b.box is None or not a.text or not b.text:
        return None
    A, B = a.box, b.box
    if abs(A.h - B.h) > 0.25 * max(A.h, B.h):
        return None
    if min(A.y2, B.y2) - max(A.y, B.y) < 0.6 * min(A.h, B.h):
        return None
    overlap = A.x2 - B.x
    if not (0 < overlap < 0.5 * B.w and B.x > A.x and B.x2 > A.x2):
        return None
    # The characters of b inside a's box are a repeat only when they match a's end.
    per_char = B.w / len(b.text)
    for k in range(min(round(overlap / per_char) + 1, len(b.text) - 1), 0, -1):
        if b.text[k].isspace() and a.text.endswith(b.text[:k]):
            return k
    return None


def join_split_lines(lines: Sequence[TextLine]) -> tuple[TextLine, ...]:
    """Lines the text detector cut in two joined again, in a's place: a's index,
    the union of the boxes, the lower confidence."""
    out = list(lines)
    i = 0
    while i < len(out):
        a = out[i]
        for j, b in enumerate(out):
            k = None if j == i else _split_pair(a, b)
            if k is None or a.box is None or b.box is None:
                continue
            text = f"{a.text} {b.text[k:].strip()}".strip()
            out[i] = TextLine(a.index, text, a.height, a.box.union(b.box), min(a.conf, b.conf))
            del out[j]
            i = -1  # a joined line may be cut again further right
            break
        i += 1
    return tuple(out)


def lines_of(items: Sequence[Line] | Sequence[TextLine]) -> tuple[TextLine, ...]:
    """Accept either model lines or already-normalised lines."""
    if all(isinstance(i, TextLine) for i in items):
        return tuple(i for i in items if isinstance(i, TextLine))
    return text_lines([i for i in items if isinstance(i, Line)])


# ---------------------------------------------------------------- vocabularies


def _read(name: str) -> str:
    return resources.files("cardscan").joinpath("vocab", name).read_text(encoding="utf-8")


@cache
def vocab_entries(name: str) -> tuple[str, ...]:
    """One entry per non-comment line of a vocab text file, folded."""
    out: list[str] = []
    for raw in _read(name).splitlines():
        entry = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if entry:
            out.append(fold(entry))
    return tuple(out)


@cache
def vocab_set(name: str) -> frozenset[str]:
    return frozenset(vocab_entries(name))


@cache
def vocab_words(name: str) -> frozenset[str]:
    """Whitespace-separated words of a vocab file (several per line), folded."""
    return frozenset(w for entry in vocab_entries(name) for w in entry.split())


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@cache
def vocab_toml(name: str) -> Mapping[str, Any]:
    frozen: Mapping[str, Any] = _freeze(tomllib.loads(_read(name)))
    return frozen


# ---------------------------------------------------------------- tokens and spans

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-])*", re.UNICODE)


def words(text: str) -> list[str]:
    """Letter words (apostrophes, dots and hyphens kept inside)."""
    return [m.group(0).rstrip(".-'") or m.group(0) for m in _WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """Folded tokens with surrounding punctuation stripped."""
    out = []
    for t in text.split():
        t = t.strip(".,;:()[]{}|/\"'!?*·•")
        if t:
            out.append(fold(t))
    return out


def alternation(entries: Iterable[str]) -> str:
    """Regex alternation of the entries, escaped, longest first (so "Tel." wins over "T")."""
    return "|".join(re.escape(e) for e in sorted(set(entries), key=lambda e: (-len(e), e)))


def phrase_pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """Regex matching any entry as a whole phrase (longest first), case-insensitive.

    Run it over folded text.  Spaces in an entry match any run of spaces/dots.
    """
    alts = []
    for e in sorted(set(entries), key=len, reverse=True):
        parts = [re.escape(p) for p in e.split()]
        alts.append(r"[\s.]*".join(parts))
    body = "|".join(alts) if alts else r"(?!x)x"
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE)


def residue(text: str, spans: Iterable[Span]) -> str:
    """The text with the given spans blanked out, spaces collapsed."""
    chars = list(text)
    for a, b in spans:
        for i in range(max(a, 0), min(b, len(chars))):
            chars[i] = " "
    return _SPACES.sub(" ", "".join(chars)).strip()


_PUNCT_ONLY = re.compile(r"^[\W_]*$", re.UNICODE)


def is_blank(text: str) -> bool:
    return bool(_PUNCT_ONLY.match(text))


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


@cache
def known_words() -> frozenset[str]:
    """Every vocabulary word (given names, title, company, department, address words,
    legal forms, country names): the dictionary glued OCR words are split with."""
    names = [
        "title_words.txt", "company_words.txt", "department_words.txt", "address_words.txt",
        "company_suffixes.txt",
    ]
    out: set[str] = set(vocab_words("given_names.txt"))
    for n in names:
        out |= {w for w in vocab_words(n) if len(w) >= 2 and w.isalpha()}
    out |= {fold(k) for k in vocab_toml("countries.toml")["names"] if " " not in k}
    return frozenset(out | {"of", "and", "the", "for", "de", "commerce", "freight", "express"})
