"""Choosing between two readings of a contact line, with validators as judges.

PP-OCR on small print drops dots and thin letters (``megan.serratore`` ->
``meganserratore``) and reads a small ``@`` as ``g``; reading the same line
crop enlarged often keeps them, and makes other mistakes.  Neither reading is
right more often, so instead of trusting one the email-validator decides: a
reading whose address is valid and whose domain agrees with a web address
printed on the card wins; between equally valid readings, one that only adds
characters (a recovered dot) wins.  Only lines that may hold an address are
read twice, so the cost is one extra line recognition per email line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_EMAILISH = re.compile(r"[\w.+'-]+\s?@\s?[\w-]+(?:\s?\.\s?[\w-]+)*", re.UNICODE)
_DOMAINISH = re.compile(r"\b(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _valid(address: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def may_hold_email(text: str) -> bool:
    """An ``@``, or a domain-like token that is not a web address: the first
    pass often reads a small ``@`` as ``g``, ``Q`` or ``©``."""
    if "@" in text:
        return True
    low = text.lower()
    return bool(_DOMAINISH.search(low)) and "www" not in low and "http" not in low


def card_domains(texts: Iterable[str]) -> frozenset[str]:
    """Domains printed on the card outside email addresses (its web address)."""
    out = set()
    for t in texts:
        for m in _DOMAINISH.finditer(re.sub(r"\S+@\S+", " ", t)):
            out.add(m.group(1).lower())
    return frozenset(out)


def _dotless_close(a: str, b: str) -> bool:
    """Equal, or one substitution apart (``ubemozcamz`` / ``ubemozcomz``)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def _with_card_domain(address: str, domains: frozenset[str]) -> str:
    """Scoring only: an address whose domain lost its dots is compared as the
    card's printed domain when the letters agree."""
    local, _, dom = address.rpartition("@")
    flat = dom.replace(".", "")
    for d in domains:
        if dom != d and len(flat) >= 6 and _dotless_close(flat, d.replace(".", "")):
            return f"{local}@{d}"
    return address


def _emails(text: str, domains: frozenset[str] = frozenset()) -> list[str]:
    found = (re.sub(r"\s", "", m.group(0)).strip(".").lower() for m in _EMAILISH.finditer(text))
    return [_with_card_domain(e, domains) for e in found]


def score_reading(text: str, domains: frozenset[str]) -> tuple[int, int]:
    """(valid addresses agreeing with the card's domain, valid addresses)."""
    valid = [e for e in _emails(text, domains) if _valid(e)]
    agree = sum(1 for e in valid if e.rsplit("@", 1)[1] in domains)
    return agree, len(valid)


def _recovers_drops(alt: str, primary: str) -> bool:
    """`alt` is `primary` with characters added and none changed: the typical
    gain of a sharper reading (a dot or thin letter the first pass lost)."""
    if len(alt) <= len(primary):
        return False
    it = iter(alt)
    return all(ch in it for ch in primary)


def choose(primary: str, alternates: Iterable[str], domains: frozenset[str]) -> str:
    """The reading the validators like best.  Between equally valid readings
    the primary stays unless another only adds characters to its addresses."""
    best, best_score = primary, score_reading(primary, domains)
    for alt in alternates:
        s = score_reading(alt, domains)
        if s > best_score:
            best, best_score = alt, s
        elif s == best_score:
            a, b = "".join(_emails(alt)), "".join(_emails(best))
            if a and b and _recovers_drops(a, b):
                best = alt
    return best
