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
from dataclasses import dataclass
from functools import lru_cache

_EMAILISH = re.compile(r"[\w.+'-]+\s?@\s?[\w-]+(?:\s?\.\s?[\w-]+)*", re.UNICODE)
_DOMAINISH = re.compile(r"\b(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _valid(address: str) -> bool:
    # The email extractor's own judge, so readings are chosen by the rules the
    # address is later accepted by.
    from ..extract.emails import valid_email as accepted

    return accepted(address) is not None


def may_hold_email(text: str) -> bool:
    """An ``@``, or a domain-like token that is not a web address: the first
    pass often reads a small ``@`` as ``g``, ``Q`` or ``©``."""
    if "@" in text:
        return True
    low = text.lower()
    if "www" in low or "http" in low:
        return False
    return any(_known_tld(m.group(1)) for m in _DOMAINISH.finditer(low))


def _known_tld(domain: str) -> bool:
    """A real top-level domain (``fujimi.chiyoda`` in an address is not)."""
    from ..extract.text import vocab_words

    tld = domain.rsplit(".", 1)[-1]
    return len(tld) == 2 or tld in vocab_words("tlds.txt")


@dataclass(frozen=True)
class CardDomains:
    """Domains printed on one card: in web addresses, and in email addresses."""

    web: frozenset[str]
    mail: frozenset[str]


def card_domains(texts: Iterable[str]) -> CardDomains:
    web: set[str] = set()
    mail: set[str] = set()
    for t in texts:
        mail.update(e.rsplit("@", 1)[1] for e in _emails(t) if "." in e.rsplit("@", 1)[1])
        for m in _DOMAINISH.finditer(re.sub(r"\S+@\S+", " ", t)):
            web.add(m.group(1).lower())
    return CardDomains(frozenset(web), frozenset(mail))


def _close(a: str, b: str) -> bool:
    """At most one letter added, dropped or changed (``ij.ad.jp`` / ``iij.ad.jp``)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


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


def _webs(text: str) -> list[str]:
    return [m.group(1).lower() for m in _DOMAINISH.finditer(re.sub(r"\S+@\S+", " ", text))]


def worth_rereading(text: str, domains: CardDomains) -> bool:
    """Is a second reading likely to change something?  An address that does
    not validate, whose domain disagrees with the printed web address, or whose
    local part is one long run of letters (where a lost dot hides: ``jsmith``
    is fine, ``meganserratore`` probably is not); a web address that nearly,
    but not quite, matches an email domain on the card."""
    if may_hold_email(text):
        found = _emails(text, domains.web)
        for e in found:
            local, _, dom = e.rpartition("@")
            if not _valid(e) or (domains.web and dom not in domains.web):
                return True
            if len(local) >= 11 and local.isalpha():
                return True
        return not found
    return any(w not in domains.mail and any(_close(w, m) for m in domains.mail)
               for w in _webs(text))


def score_reading(text: str, domains: CardDomains) -> tuple[int, int]:
    """(addresses that agree with another part of the card, valid addresses):
    an email domain printed as the web address, a web address printed as an
    email domain."""
    valid = [e for e in _emails(text, domains.web) if _valid(e)]
    agree = sum(1 for e in valid if e.rsplit("@", 1)[1] in domains.web)
    agree += sum(1 for w in _webs(text) if w in domains.mail)
    return agree, len(valid)


def _recovers_drops(alt: str, primary: str) -> bool:
    """`alt` is `primary` with characters added and none changed: the typical
    gain of a sharper reading (a dot or thin letter the first pass lost)."""
    if len(alt) <= len(primary):
        return False
    it = iter(alt)
    return all(ch in it for ch in primary)


def _addresses(text: str) -> str:
    return "".join(_emails(text)) + "".join(_webs(text))


def choose(primary: str, alternates: Iterable[str], domains: CardDomains) -> str:
    """The reading the validators like best.  Between equally good readings
    the primary stays unless another only adds characters to its addresses."""
    best, best_score = primary, score_reading(primary, domains)
    for alt in alternates:
        s = score_reading(alt, domains)
        if s > best_score:
            best, best_score = alt, s
        elif s == best_score:
            a, b = _addresses(alt), _addresses(best)
            if a and b and _recovers_drops(a, b):
                best = alt
    return best
