"""Lead and task records shared by the planner, the store and the exports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cardscan.extract.address_split import AddressParts

Channel = Literal["email", "call", "meeting", "note"]
TaskStatus = Literal["open", "done", "skipped", "snoozed", "cancelled"]
# Task statuses still waiting to be done (the one definition; planner, CRM and exports use it).
PENDING: frozenset[str] = frozenset({"open", "snoozed"})
# The channels whose done step counts as contacting the lead (stages, the report).
CONTACT_CHANNELS: frozenset[str] = frozenset({"email", "call"})
# Where a relationship stands, in the order it usually goes (issue 13).  A stage
# follows from the outcomes recorded; it only moves forward, except to `closed`.
Stage = Literal["new", "contacted", "replied", "meeting-booked", "met", "nurturing", "closed"]
STAGES: tuple[str, ...] = (
    "new", "contacted", "replied", "meeting-booked", "met", "nurturing", "closed",
)
# What can be recorded when a step is done (`cardscan done --outcome`); which of
# them a step accepts, and what each one does to the plan, is cadence data.
OUTCOMES: tuple[str, ...] = (
    "replied", "no-reply", "booked", "no-answer", "declined", "met", "one-sided", "cancelled",
)
# Where a lead stands in review: scanned and not yet looked at, scanned with a
# reason to look (a weak field, a possible duplicate), or checked by a person.
ReviewStatus = Literal["new", "needs_review", "approved"]
REVIEW_STATUSES: tuple[str, ...] = ("new", "needs_review", "approved")
# A field read with less confidence than this is shown as uncertain (highlighted
# in review) and, for an e-mail, is a review reason of its own.  Measured on the
# dev set's recorded OCR (docs/notes/review.md): the two misread e-mails of 80 had
# 0.80-0.85; below 0.85 flags 8 of 80 e-mails.
UNCERTAIN_BELOW = 0.85
# Field names a `FieldInfo` / history entry / edit may name.
LEAD_FIELDS: tuple[str, ...] = (
    "name", "given_name", "family_name", "title", "company", "department", "address",
    "email", "phone", "website",
)
# A lead's address split into the fields address books import (`Lead.address_parts`,
# in `AddressParts` order): the store's v8 columns and the leads CSV's columns.
ADDRESS_COLUMNS: tuple[str, ...] = (
    "address_street", "address_city", "address_region", "address_postcode", "address_country",
)


@dataclass(frozen=True)
class FieldInfo:
    """How one value of a lead was obtained: its confidence (None when typed or
    unknown) and origin (card | qr | derived | user, see `cardscan.model.FieldOrigin`).
    Multi-valued fields (email, phone, website) have one entry per value."""

    field: str
    value: str
    confidence: float | None
    origin: str = "card"

    @property
    def uncertain(self) -> bool:
        return self.confidence is not None and self.confidence < UNCERTAIN_BELOW


@dataclass(frozen=True)
class Note:
    id: int
    lead_id: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class DraftEdit:
    """A task's draft as a person edited it: used instead of the cadence's
    template until it is reset."""

    task_id: str
    subject: str
    body: str
    edited_at: dt.datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a lead.  `old` keeps what was there before, so the
    original reading of a corrected field is never lost."""

    id: int
    lead_id: str
    at: dt.datetime
    action: str  # scanned | edit | approve | merge | merged-into | delete | restore | tag | event
    field: str | None = None
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class PhoneNumber:
    number: str  # E.164 when `valid`; otherwise only the reading in the card's region
    type: str  # mobile | work | fax | other
    local_only: bool = False  # printed without its area code: country code + digits as printed
    # False only for a number printed with its area code that phonenumbers does not
    # call valid (`cardscan.model.Phone.valid`; a `local_only` number has its own flag
    # and keeps True).  Such a number never leaves as a dialable E.164: `raw` goes out.
    valid: bool = True
    # The text printed on the card, when read from one (not part of equality).
    raw: str | None = field(default=None, compare=False)

    @property
    def dialable(self) -> str:
        """What an address book or CRM should get: the E.164 number; for a number
        printed without its area code the local digits alone ("22949484"), since
        "+55 22949484" cannot be dialled from anywhere; for a number phonenumbers
        does not call valid the text printed ("+1 555 0100"), else (a number stored
        before v5 recorded that text) its digits without the "+"."""
        if self.valid and not self.local_only:
            return self.number
        if not self.local_only and self.raw and self.raw.strip():
            return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", self.raw).split())
        import phonenumbers

        try:
            return str(phonenumbers.parse(self.number, None).national_number)
        except phonenumbers.NumberParseException:
            return self.number.lstrip("+") if not self.local_only else self.number


def phone_region(phones: tuple[PhoneNumber, ...]) -> str | None:
    """The country of the first phone that parses: where the lead likely is."""
    import phonenumbers

    for p in phones:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(p.number, None))
        except phonenumbers.NumberParseException:
            continue
        if region and region != "ZZ":
            return str(region)
    return None


def split_lead_address(address: str | None, country: str | None) -> AddressParts | None:
    """The address split into its parts (`cardscan.extract.address_split`), None without
    an address.  `country` anchors it: the card's region, else its phones' country."""
    if not address or not address.strip():
        return None
    from cardscan.extract.address_split import split_address

    return split_address(address, country)


def phone_is_valid(number: str) -> bool:
    """phonenumbers' verdict on a stored number (E.164 text); False when it does not parse."""
    import phonenumbers

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, None)))
    except phonenumbers.NumberParseException:
        return False


@dataclass(frozen=True)
class Lead:
    id: str  # stable content-derived id (see cardscan.store)
    name: str | None
    given_name: str | None = None
    family_name: str | None = None
    title: str | None = None
    company: str | None = None
    department: str | None = None
    address: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[PhoneNumber, ...] = ()
    websites: tuple[str, ...] = ()
    event: str | None = None
    met_on: dt.date | None = None
    status: str = "ok"  # ok | review
    possible_duplicate_of: str | None = None
    referred_by: str | None = None  # lead id of the person who referred this one
    sources: tuple[str, ...] = ()  # image paths or "manual"
    created_at: dt.datetime | None = None
    review_status: ReviewStatus = "new"
    review_reasons: tuple[str, ...] = ()  # why it needs a look, in words for the user
    tags: tuple[str, ...] = ()
    field_info: tuple[FieldInfo, ...] = ()
    deleted_at: dt.datetime | None = None  # soft-deleted (restore brings it back)
    merged_into: str | None = None  # set on a lead merged into another one
    stage: str = "new"  # one of STAGES
    stage_reason: str | None = None  # why it was closed ("declined the coffee")
    meeting_on: dt.date | None = None  # the date a meeting was booked for
    # `address` split into street, city, region, postcode and country (store v8);
    # None without an address.  Set where the address is set (scan, edit, merge).
    address_parts: AddressParts | None = None

    def info(self, field: str, value: str | None = None) -> FieldInfo | None:
        """The `FieldInfo` of `field` (and of `value`, for multi-valued fields)."""
        for f in self.field_info:
            if f.field == field and (value is None or f.value == value):
                return f
        return None

    @property
    def first_name(self) -> str:
        return self.given_name or (self.name or "").split(" ")[0]

    def contact_dict(self) -> dict[str, Any]:
        """The card fields in the shape of a scan record (`CardRecord.to_dict`)."""
        return {
            "name": self.name,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "title": self.title,
            "company": self.company,
            "department": self.department,
            "address": self.address,
            "address_parts": self.address_parts.to_dict() if self.address_parts else None,
            "emails": list(self.emails),
            "phones": [
                {"number": p.number, "type": p.type, "local_only": p.local_only,
                 "valid": p.valid, "raw": p.raw}
                for p in self.phones
            ],
            "websites": list(self.websites),
        }

    def phone(self, *types: str) -> str | None:
        for t in types or ("mobile", "work", "other"):
            for p in self.phones:
                if p.type == t:
                    return p.number
        return None


@dataclass(frozen=True)
class Task:
    id: str  # stable: derived from lead id and step key, so re-planning never duplicates
    lead_id: str
    step: str  # cadence step key, e.g. "intro-email"
    seq: int  # order within the lead's plan
    due: dt.date
    channel: Channel
    summary: str
    subject: str
    body: str
    status: TaskStatus = "open"
    done_on: dt.date | None = None
    note: str | None = None
    depends_on: str | None = None  # task id whose completion dates this one
    offset: int = 0  # business days after depends_on's completion (or the meeting);
    # negative: that many business days before depends_on's date (research before a coffee)
    outcome: str | None = None  # what happened (one of OUTCOMES), recorded with done
    # How many times what a calendar shows of it changed (store trigger, v9);
    # the calendar's SEQUENCE.  Not part of equality: it is bookkeeping.
    revision: int = field(default=0, compare=False)


@dataclass(frozen=True)
class StageChange:
    """One move of a lead's stage, on the day it happened."""

    lead_id: str
    on: dt.date
    stage: str
    reason: str | None = None
