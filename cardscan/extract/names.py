"""Person-name data: given and family names of many countries.

Evidence that a line reads as a person's name rather than a shop's or a
company's ("Priya Agarwal" against "Navrang Saree Centre"): the share of its
words that people are called.  The lists are the given and family names that
the Faker package ships for its ~80 locales (MIT; India, Malaysia, Brazil,
Vietnam, Korea and Japan romanised, Nigeria, Kenya ...), with
vocab/given_names.txt, folded like every other vocabulary.  Words that are
also organisation, title or department words ("Sales", "Mart") are left out.
Soft evidence only: a name need not be listed, and many listed names are
words too.  Without Faker installed there is only the vocabulary file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .text import fold, vocab_set, vocab_words

# Provider attributes holding given names and family names (tuples, or dicts of
# name -> weight), as Faker's person providers spell them.
_GIVEN_ATTRS = ("first_names", "first_names_male", "first_names_female",
                "first_romanized_names", "first_names_nonbinary")
_FAMILY_ATTRS = ("last_names", "last_names_male", "last_names_female",
                 "last_romanized_names")


def _words(values: Iterable[object]) -> set[str]:
    out = set()
    for v in values:
        if not isinstance(v, str):
            continue
        for w in fold(v).replace("-", " ").split():
            w = w.strip(".'’")
            if len(w) >= 2 and w.isalpha():
                out.add(w)
    return out


def person_providers(region: str | None = None) -> Iterator[object]:
    """Faker's person providers (one per locale), or only those of locales of
    ``region`` ("tr_TR" for "TR"); none without Faker.  A locale that does not
    import is left out: it is only missing evidence."""
    try:
        people = importlib.import_module("faker.providers.person")
    except ImportError:
        return
    for mod in pkgutil.iter_modules(people.__path__):
        if region is not None and not mod.name.endswith(f"_{region}"):
            continue
        try:
            yield importlib.import_module(f"{people.__name__}.{mod.name}").Provider
        except Exception:
            continue


def _faker_names() -> tuple[set[str], set[str]]:
    given: set[str] = set()
    family: set[str] = set()
    for provider in person_providers():
        for attrs, into in ((_GIVEN_ATTRS, given), (_FAMILY_ATTRS, family)):
            for attr in attrs:
                values = getattr(provider, attr, None)
                if isinstance(values, (tuple, list, dict, set, frozenset)):
                    into |= _words(values)
    return given, family


@lru_cache(maxsize=1)
def name_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, family names), folded, lower case."""
    given, family = _faker_names()
    given |= set(vocab_words("given_names.txt"))
    words = (vocab_set("company_words.txt") | vocab_set("title_words.txt")
             | vocab_set("department_words.txt") | vocab_set("not_name_words.txt")
             | vocab_set("company_suffixes.txt"))
    return frozenset(given - words), frozenset(family - words)


def name_share(words: Sequence[str]) -> float:
    """Share of ``words`` that people are called: the first as a given or family
    name (family names come first in much of Asia), the others as either."""
    given, family = name_sets()
    bare = [fold(w).strip(".,;:()\"'’") for w in words]
    bare = [w for w in bare if len(w) >= 2]  # initials say nothing
    if not bare:
        return 0.0
    return sum(1 for w in bare if w in given or w in family) / len(bare)
