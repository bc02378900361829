"""Two sides of one card, photographed one after the other, end as one lead.

People photograph the logo side of a card, turn it over, and photograph the
contact side (or the other way round).  Read alone, the logo side is a card
with a company and nobody to follow up: a second, useless lead.  This is a
transform over the record stream, in output order, that joins such pairs.

The rule is conservative; all of these must hold:

1. the two records come from consecutive pictures (files, or pages of one
   file) and each picture holds exactly one card;
2. one of them, the *logo side*, has no contact channel (no e-mail, no
   phone), and the other, the *contact side*, has at least one;
3. evidence that they are one card, either
   - **text**: a distinctive word of the logo side (4+ letters, not a legal
     form or a word common in company names such as "Consulting") is a word
     of the contact side's company, or part of the contact side's e-mail or
     web domain (`Bluefinch` ~ `priya@bluefinchlabs.io`); or
   - **outline and time**: both were found as card outlines whose
     proportions agree within 1.5 %, and both photos carry capture times
     at most two minutes apart.

The logo side is paired with the picture after it first (the usual order),
else with the one before.  The contact side's record is kept and gains what
only the logo side printed (a company it lacks or only derived from its
domain, web addresses), plus
`other_side` (the logo side's source).  The logo side's record stays in the
stream, so every picture still gets an answer, as `no_card` with `side_of`
naming the contact side: it is not a lead of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import Generic, TypeVar

from .model import CardRecord, ParsedCard

T = TypeVar("T")

MIN_WORD = 4  # letters: shorter words ("the", "co", "inc") match too much
ASPECT_TOLERANCE = 0.015  # relative difference of the two outlines' long/short ratio
MAX_SECONDS_APART = 120  # the card is turned over, not put away


def _fold(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch))


def _words(text: str) -> set[str]:
    """Distinctive words: 4+ letters, not a legal form or a word common to
    many companies' names ("Consulting", "Group": vocab/company_*.txt)."""
    from .extract.text import vocab_words

    generic = vocab_words("company_words.txt") | vocab_words("company_suffixes.txt")
    words = re.findall(r"[^\W\d_]+", _fold(text))
    return {w for w in words if len(w) >= MIN_WORD and w not in generic}


def _has_channel(p: ParsedCard | None) -> bool:
    return p is not None and bool(p.emails or p.phones)


def _domains(p: ParsedCard) -> list[str]:
    hosts = [e.value.rpartition("@")[2] for e in p.emails]
    hosts += [re.sub(r"^[a-z]+://", "", w.value.lower()).split("/")[0] for w in p.websites]
    return [_fold(h.removeprefix("www.")) for h in hosts if h]


def text_matches(logo: CardRecord, contact: CardRecord) -> bool:
    """A word the logo side prints is in the contact side's company or domain."""
    if contact.parsed is None:
        return False
    lp = logo.parsed
    printed = " ".join(
        [logo.text] + ([lp.company.value] if lp is not None and lp.company else [])
    )
    words = _words(printed)
    company = _words(contact.parsed.company.value) if contact.parsed.company else set()
    domains = _domains(contact.parsed)
    return any(w in company or any(w in d for d in domains) for w in words)


def _when(rec: CardRecord) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(rec.taken_at) if rec.taken_at else None
    except ValueError:
        return None


def outline_and_time_match(a: CardRecord, b: CardRecord) -> bool:
    ra, rb = a.extra.get("aspect"), b.extra.get("aspect")
    ta, tb = _when(a), _when(b)
    if not (ra and rb and ta and tb):
        return False
    return (abs(ra - rb) / max(ra, rb) <= ASPECT_TOLERANCE
            and abs((ta - tb).total_seconds()) <= MAX_SECONDS_APART)


def is_logo_side_of(logo: CardRecord, contact: CardRecord) -> bool:
    """The rule of this module for one ordered pair of single-card pictures."""
    if logo.status not in ("ok", "review") or contact.status not in ("ok", "review"):
        return False
    if _has_channel(logo.parsed) or not _has_channel(contact.parsed):
        return False
    return text_matches(logo, contact) or outline_and_time_match(logo, contact)


def join(logo: CardRecord, contact: CardRecord) -> tuple[CardRecord, CardRecord]:
    """(the logo side as a `no_card` pointing at the contact side, the contact
    side with what only the logo side printed)."""
    p = contact.parsed or ParsedCard()
    lp = logo.parsed or ParsedCard()
    # The company the logo side prints beats none, and one only guessed from a domain.
    if lp.company is not None and (p.company is None or p.company.origin == "derived"):
        p = dataclasses.replace(p, company=lp.company)
    have = set(_domains(p))
    extra_sites = tuple(
        w for w in lp.websites if not set(_domains(ParsedCard(websites=(w,)))) & have
    )
    if extra_sites:
        p = dataclasses.replace(p, websites=p.websites + extra_sites)
    merged = dataclasses.replace(
        contact, parsed=p, extra={**contact.extra, "other_side": logo.source}
    )
    side = dataclasses.replace(
        logo, status="no_card", parsed=None, review=(),
        extra={**logo.extra, "side_of": contact.source},
    )
    return side, merged


def _groups(records: Iterable[CardRecord]) -> Iterator[list[CardRecord]]:
    """Records of one picture together (the pipeline emits them contiguously)."""
    group: list[CardRecord] = []
    for r in records:
        if group and r.source != group[0].source:
            yield group
            group = []
        group.append(r)
    if group:
        yield group


def _single(group: list[CardRecord]) -> CardRecord | None:
    return group[0] if len(group) == 1 else None


class Pairing(Generic[T]):
    """The rule of this module over items that each carry one picture's (or
    one file's) records, fed one at a time: `push` returns the items whose
    records are decided, with the records to use (joined or as read), in
    input order; `flush` decides what is still held.  At most three items are
    held, and only while a pair may still form: `merge_sides` runs on it, and
    `scanjob.run_scan` holds a file's commit back with it."""

    def __init__(self) -> None:
        self._held: deque[tuple[T, list[CardRecord]]] = deque()

    def push(self, item: T, records: list[CardRecord]) -> list[tuple[T, list[CardRecord]]]:
        self._held.append((item, list(records)))
        return self._decide(final=False)

    def flush(self) -> list[tuple[T, list[CardRecord]]]:
        return self._decide(final=True)

    def _decide(self, final: bool) -> list[tuple[T, list[CardRecord]]]:
        out: list[tuple[T, list[CardRecord]]] = []
        while self._held and self._step(out, final):
            pass
        return out

    def _step(self, out: list[tuple[T, list[CardRecord]]], final: bool) -> bool:
        """Decide the first held item (and its pair); False: wait for more."""
        held = self._held
        a = _single(held[0][1])
        b = _single(held[1][1]) if len(held) > 1 else None
        if a is not None and len(held) == 1 and not final:
            return False  # the next picture may be its other side
        if a is not None and b is not None:
            if is_logo_side_of(a, b):  # logo side first: the usual order
                side, merged = join(a, b)
                out.extend(self._pop_pair(side, merged))
                return True
            if is_logo_side_of(b, a):
                if len(held) < 3 and not final:
                    return False  # b may be the logo side of the picture after it
                c = _single(held[2][1]) if len(held) > 2 else None
                if not (c is not None and is_logo_side_of(b, c)):
                    side, merged = join(b, a)
                    out.extend(self._pop_pair(merged, side))
                    return True
        out.append(held.popleft())
        return True

    def _pop_pair(self, first: CardRecord, second: CardRecord) -> list[tuple[T, list[CardRecord]]]:
        (i, _), (j, _) = self._held.popleft(), self._held.popleft()
        return [(i, [first]), (j, [second])]


def merge_sides(records: Iterable[CardRecord]) -> Generator[CardRecord, None, None]:
    """The record stream with two-sided cards joined (see the module's rule).
    Streams: holds at most three pictures' records at a time."""
    pairing: Pairing[None] = Pairing()
    try:
        for group in _groups(records):
            for _, recs in pairing.push(None, group):
                yield from recs
        for _, recs in pairing.flush():
            yield from recs
    finally:
        close = getattr(records, "close", None)
        if close is not None:  # closing early stops the pipeline's workers at once
            close()
