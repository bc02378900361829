"""Letters the OCR model cannot write, given back to a person's name.

RapidOCR's recogniser has no Turkish, Polish or Nordic letters: "Yılmaz" comes out
"Yilmaz", "Gökhan" "Gokhan".  Folding for comparison drops accents but keeps ı, ł,
ø and đ apart from i, l, o and d, so such a name is not the printed one.  The
spellings come from the given and family names that Faker ships for the locales of
the card's country (``tr_TR`` for a card whose numbers are Turkish) and from
``vocab/name_letters.toml`` (the commonest names with such letters, which Faker
misses): a word read in plain ASCII whose folded form is the folded form of
exactly one listed spelling with letters beyond ASCII takes that spelling.  The
recogniser cannot write those letters, so reading "Yilmaz" says nothing against
"Yılmaz"; on a card of that country the country's spelling is the likely one.
(Cards that print a name in plain ASCII in mixed case lose here.)  Words printed
in capitals are left as read (the capital of ı is I).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from cardscan.model import Field

from .names import person_providers
from .text import LETTER_RUN, fold, vocab_toml

# Provider attributes that hold people's names in Faker's person providers.
_NAME_ATTR = re.compile(r"^(first|last|middle)_(names|name)(_male|_female|_nonbinary)?$")


def _locale_names(region: str) -> set[str]:
    out: set[str] = set()
    for provider in person_providers(region):
        for attr in dir(provider):
            values = getattr(provider, attr, None) if _NAME_ATTR.match(attr) else None
            if isinstance(values, tuple | list | dict | set | frozenset):
                out |= {w for v in values if isinstance(v, str) for w in LETTER_RUN.findall(v)}
    return out


def _listed_names(region: str) -> set[str]:
    """The names `vocab/name_letters.toml` lists for `region` (Faker misses some of
    the commonest)."""
    entry = vocab_toml("name_letters.toml").get(region, {})
    return {w for v in entry.get("names", ()) for w in LETTER_RUN.findall(str(v))}


@lru_cache(maxsize=32)
def spellings(region: str) -> Mapping[str, str]:
    """Folded name -> its spelling with the country's letters, for names that have
    letters beyond ASCII; a folded form that two spellings share is left out."""
    seen: dict[str, set[str]] = {}
    for name in _locale_names(region.upper()) | _listed_names(region.upper()):
        if len(name) >= 2 and not name.isascii():
            seen.setdefault(fold(name), set()).add(name)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _restore_word(word: str, table: Mapping[str, str]) -> str:
    if not word.isascii() or word.isupper():
        return word
    spelled = table.get(fold(word))
    if spelled is None:
        return word
    return spelled if word[:1].isupper() else spelled.lower()


def restore(text: str, region: str | None) -> str:
    """`text` with each plain-ASCII word that is a name of `region` spelled as there."""
    table = spellings(region) if region else {}
    if not table:
        return text
    return LETTER_RUN.sub(lambda m: _restore_word(m.group(0), table), text)


def restore_field(f: Field | None, region: str | None) -> Field | None:
    if f is None:
        return None
    value = restore(f.value, region)
    return f if value == f.value else replace(f, value=value)
