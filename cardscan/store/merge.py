"""Dedupe rules: when is a newly seen card the same person as a stored lead?

1. A shared email address merges, 2. else a shared E.164 phone number
(fax excluded) merges, 3. else a fuzzy match of name *and* company only
flags `possible_duplicate_of` for review; it never merges silently.

Rules 1 and 2 guard against shared addresses (info@, a switchboard
number): when both leads carry names that clearly differ, they are kept
apart and flagged instead of merged.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from typing import Literal

from ..leads import Lead, ReviewStatus

log = logging.getLogger(__name__)

NAME_SIMILARITY = 0.85  # SequenceMatcher ratio over normalized names
COMPANY_SIMILARITY = 0.85
# Honorifics printed before names; they say nothing about identity.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mx"})


@dataclass(frozen=True)
class Decision:
    merge_into: str | None = None  # lead id to merge into
    possible_duplicate_of: str | None = None  # lead id to flag for review
    rule: Literal["email", "phone", "fuzzy", "none"] = "none"


def _fold(text: str | None) -> str:
    """Case-fold, strip accents and punctuation, collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain.casefold())
    return " ".join(cleaned.split())


def normalize_email(email: str) -> str:
    return email.strip().casefold()


@lru_cache(maxsize=65536)  # the fuzzy pass normalizes every stored lead on each import
def normalize_name(name: str | None) -> str:
    return " ".join(t for t in _fold(name).split() if t not in _HONORIFICS)


@lru_cache(maxsize=1)
def _company_suffixes() -> frozenset[str]:
    # The extractor's vocabulary of legal forms (Inc, GmbH, S.A. ...), shared as data.
    try:
        text = resources.files("cardscan").joinpath("vocab/company_suffixes.txt").read_text("utf-8")
    except (FileNotFoundError, OSError):
        log.debug("company suffix vocabulary not found; comparing full company names")
        return frozenset()
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(_fold(line).replace(" ", ""))
    return frozenset(out)


@lru_cache(maxsize=65536)
def normalize_company(company: str | None) -> str:
    tokens = _fold(company).split()
    suffixes = _company_suffixes()
    kept = [t for t in tokens if t not in suffixes]
    return " ".join(kept or tokens)


def _similar(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    sm = SequenceMatcher(None, a, b)
    # The cheap upper bounds reject most pairs before the full ratio.
    return (
        sm.real_quick_ratio() >= threshold
        and sm.quick_ratio() >= threshold
        and sm.ratio() >= threshold
    )


def same_name(a: str | None, b: str | None) -> bool:
    """Both names present and plausibly the same person (OCR slips, middle
    names, initials, given/family order)."""
    x, y = normalize_name(a), normalize_name(b)
    if not x or not y:
        return False
    if _similar(x, y, NAME_SIMILARITY):
        return True
    tx, ty = x.split(), y.split()
    if sorted(tx) == sorted(ty):
        return True
    small, big = (tx, ty) if len(tx) <= len(ty) else (ty, tx)
    if len(small) >= 2 and set(small) <= set(big):
        return True  # "Jane Doe" vs "Jane Q Doe"
    # "J Doe" vs "Jane Doe": same family name, initials agree
    return (
        tx[-1] == ty[-1]
        and len(tx) >= 2
        and len(ty) >= 2
        and tx[0][0] == ty[0][0]
        and (len(tx[0]) == 1 or len(ty[0]) == 1)
    )


def names_conflict(a: str | None, b: str | None) -> bool:
    """True only when both names are present and clearly different people."""
    return bool(normalize_name(a)) and bool(normalize_name(b)) and not same_name(a, b)


def same_company(a: str | None, b: str | None) -> bool:
    x, y = normalize_company(a), normalize_company(b)
    return bool(x) and bool(y) and _similar(x, y, COMPANY_SIMILARITY)


def decide(
    incoming: Lead,
    by_email: Sequence[Lead],
    by_phone: Sequence[Lead],
    others: Iterable[Lead],
) -> Decision:
    """Where `incoming` goes. `by_email` / `by_phone`: stored leads sharing an
    email / a callable phone with it; `others`: every stored lead (fuzzy pass)."""
    flagged: str | None = None
    for rule, group in (("email", by_email), ("phone", by_phone)):
        for lead in group:
            if not names_conflict(incoming.name, lead.name):
                return Decision(merge_into=lead.id, rule=rule)  # type: ignore[arg-type]
            flagged = flagged or lead.id
    if flagged:
        return Decision(possible_duplicate_of=flagged, rule="fuzzy")
    for lead in others:
        # Company first: it rules out most stored leads more cheaply than the name.
        if (
            lead.id != incoming.id
            and same_company(incoming.company, lead.company)
            and same_name(incoming.name, lead.name)
        ):
            return Decision(possible_duplicate_of=lead.id, rule="fuzzy")
    return Decision()


def callable_numbers(lead: Lead) -> list[str]:
    """Numbers that identify a person: not fax, not a local number without its area
    code, not a number phonenumbers does not call valid (a misreading may be anyone's)."""
    return [p.number for p in lead.phones if p.type != "fax" and not p.local_only and p.valid]


def merge_leads(existing: Lead, incoming: Lead) -> Lead:
    """`existing` completed with what `incoming` adds; what is known is kept."""
    emails = list(existing.emails)
    seen = {normalize_email(e) for e in emails}
    for e in incoming.emails:
        if normalize_email(e) not in seen:
            emails.append(e)
            seen.add(normalize_email(e))
    phones = list(existing.phones)
    index = {p.number: i for i, p in enumerate(phones)}
    for p in incoming.phones:
        if p.number not in index:
            index[p.number] = len(phones)
            phones.append(p)
        elif phones[index[p.number]].type == "other" and p.type != "other":
            # a label read this time
            phones[index[p.number]] = p
    websites = list(existing.websites)
    websites += [w for w in incoming.websites if w not in websites]
    sources = list(existing.sources)
    sources += [s for s in incoming.sources if s not in sources]
    named = existing if existing.name else incoming
    infos = list(existing.field_info)
    have = {(f.field, f.value) for f in infos}
    infos += [f for f in incoming.field_info if (f.field, f.value) not in have]
    reasons = tuple(dict.fromkeys(existing.review_reasons + incoming.review_reasons))
    review_status: ReviewStatus
    if existing.review_status == "approved":
        review_status = existing.review_status  # a person checked it; a new card adds to it
    else:
        review_status = "needs_review" if reasons or existing.possible_duplicate_of else "new"
    return replace(
        existing,
        name=named.name,
        given_name=named.given_name,
        family_name=named.family_name,
        title=existing.title or incoming.title,
        company=existing.company or incoming.company,
        department=existing.department or incoming.department,
        address=existing.address or incoming.address,
        address_parts=existing.address_parts if existing.address else incoming.address_parts,
        emails=tuple(emails),
        phones=tuple(phones),
        websites=tuple(websites),
        event=existing.event or incoming.event,
        met_on=existing.met_on or incoming.met_on,
        status="ok" if "ok" in (existing.status, incoming.status) else existing.status,
        referred_by=existing.referred_by or incoming.referred_by,
        sources=tuple(sources),
        field_info=tuple(infos),
        review_reasons=reasons if review_status != "approved" else existing.review_reasons,
        review_status=review_status,
        tags=tuple(dict.fromkeys(existing.tags + incoming.tags)),
    )
