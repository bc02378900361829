"""Text helpers shared by every export format (private to cardscan.export).

Everything here is pure: the same lead and task always give the same text, so
two exports of an unchanged store are byte-identical apart from timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cardscan.extract.address_split import AddressParts, split_address
from cardscan.extract.region import country_name_by_iso
from cardscan.followup.cadence import REFERRAL_KEY
from cardscan.leads import PENDING, Lead, Task
from cardscan.outputs import atomic_open as atomic_open  # every export writes through it

# Statuses that still need doing: these become calendar events and open CRM tasks.

CHANNEL_VERB: Mapping[str, str] = {
    "email": "Email",
    "call": "Call",
    "meeting": "Meet",
    "note": "Note",
}

PHONE_LABEL: Mapping[str, str] = {
    "mobile": "Mobile",
    "work": "Work",
    "fax": "Fax",
    "other": "Phone",
}

# C0 controls and DEL except TAB and LF: OCR noise, forbidden in iCalendar TEXT
# (RFC 5545 3.3.11) and silently mangled by vCard readers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: object) -> str:
    """`value` as text with newlines normalised to LF and control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


@dataclass(frozen=True)
class NameParts:
    """A person's name in the five parts vCard N and every contact CSV have."""

    prefix: str = ""  # honorific printed before the name: "Dr.", "Prof."
    given: str = ""
    middle: str = ""
    family: str = ""
    suffix: str = ""  # post-nominal letters: "PhD", "Jr."


_EDGE_PUNCT = ",;"


def _fold(token: str) -> str:
    from cardscan.extract.text import fold

    return fold(token).strip(".,;:()\"'")


def name_parts(lead: Lead) -> NameParts:
    """Honorific, given, middle, family and suffix of a lead.

    The honorifics are those of ``vocab/honorifics.txt`` printed before the
    name, the suffixes the post-nominal letters the name reader knows
    (`cardscan.extract.person.name_suffixes`).  The given and family names
    the scan parsed win; otherwise the last remaining word is the family name.
    """
    from cardscan.extract.person import name_suffixes
    from cardscan.extract.text import vocab_set

    words = clean_text(lead.name).replace("\n", " ").split()
    honorifics = vocab_set("honorifics.txt")
    prefix: list[str] = []
    while len(words) > 1 and (_fold(words[0]) in honorifics or
                              _fold(words[0]) + "." in honorifics):
        prefix.append(words.pop(0).strip(_EDGE_PUNCT))
    suffix: list[str] = []
    while len(words) > 2 and _fold(words[-1]).replace(".", "") in name_suffixes():
        suffix.insert(0, words.pop().strip(_EDGE_PUNCT))
    if suffix:
        words[-1] = words[-1].rstrip(_EDGE_PUNCT)
    given = clean_text(lead.given_name).strip()
    family = clean_text(lead.family_name).strip()
    if not (given or family) and words:
        family = words[-1] if len(words) > 1 else ""
        given = " ".join(words[:-1]) if len(words) > 1 else words[0]
    return NameParts(" ".join(prefix), given, "", family, " ".join(suffix))


def split_name(lead: Lead) -> tuple[str, str]:
    """(given, family) for a lead: the parsed parts when known, else the last
    word of the full name (honorific and suffix set aside) is the family name."""
    parts = name_parts(lead)
    return parts.given, parts.family


def lead_country(lead: Lead) -> str | None:
    """The lead's country as its numbers say (the first valid one's region), the
    anchor `split_address` uses when the address names no country."""
    import phonenumbers

    for p in lead.phones:
        if p.valid and not p.local_only:
            try:
                region = phonenumbers.region_code_for_number(phonenumbers.parse(p.number))
            except phonenumbers.NumberParseException:
                continue
            if region and region != "001":
                return str(region)
    return None


def address_parts(lead: Lead) -> AddressParts:
    """The lead's address split into street, city, region, postcode, country
    (`cardscan.extract.address_split`, anchored on the lead's phone country).

    The parts the store keeps win (`Lead.address_parts`, split at scan time
    with the card's country); otherwise the stored text is split now.  Whatever the splitter does
    not recognise stays in the street, so no text is ever lost.
    """
    stored = lead.address_parts
    if stored is not None and any(
        (stored.street, stored.city, stored.region, stored.postcode, stored.country)
    ):
        return stored
    text = clean_text(lead.address).strip()
    if not text:
        return AddressParts()
    return split_address(text, lead_country(lead))


def country_name(code: str) -> str:
    """English short name of an ISO 3166 alpha-2 code ("ES" -> "Spain"); the
    text itself when it is not a code GeoNames knows."""
    code = clean_text(code).strip()
    return country_name_by_iso().get(code.upper(), code) if len(code) == 2 else code


def display_name(lead: Lead | None) -> str:
    """Best human label for a lead: name, else email, else company."""
    if lead is None:
        return "unknown contact"
    for candidate in (lead.name, " ".join(p for p in split_name(lead) if p)):
        text = clean_text(candidate).strip()
        if text:
            return text
    if lead.emails:
        return clean_text(lead.emails[0]).strip()
    if lead.company:
        return clean_text(lead.company).strip()
    return f"lead {lead.id}"


def task_title(task: Task, lead: Lead | None) -> str:
    """One-line title, e.g. "Call Ana Ruiz (Brightlane): invite for coffee"."""
    verb = CHANNEL_VERB.get(task.channel, task.channel.capitalize())
    name = display_name(lead)
    who = name
    company = clean_text(lead.company).strip() if lead else ""
    if company and company != who:
        who = f"{who} ({company})"
    summary = clean_text(task.summary).strip()
    if summary and name in summary:
        # The cadence's summaries already name the person ("Call Ana Ruiz: ...").
        title = summary.replace(name, who, 1)
    else:
        title = f"{verb} {who}: {summary}" if summary else f"{verb} {who}"
    return title.replace("\n", " ")


def phones_of(lead: Lead, kind: str) -> list[str]:
    """The lead's numbers of one type, as they go into an import file: a valid
    number as a plain E.164 `ImportNumber` (see `cardscan.export.safecsv`)."""
    from .safecsv import import_number

    return [import_number(p) for p in lead.phones if p.type == kind]


def is_high_priority(task: Task, today: dt.date) -> bool:
    """A referral ("call Mary"), or any task due today or overdue at export time."""
    return task.step == REFERRAL_KEY or task.due <= today


def contact_lines(lead: Lead, referrer: Lead | None = None) -> list[str]:
    """The lead's contact details, one per line, for event and note bodies."""
    lines = [display_name(lead)]
    role = ", ".join(
        x for x in (clean_text(lead.title).strip(), clean_text(lead.company).strip()) if x
    )
    if lead.department:
        role = f"{role} ({clean_text(lead.department).strip()})" if role else lead.department
    if role:
        lines.append(role)
    lines += [f"Email: {clean_text(e)}" for e in lead.emails]
    lines += [
        f"{PHONE_LABEL.get(p.type, 'Phone')}: {p.dialable}"
        + (" (no area code on the card)" if p.local_only
           else "" if p.valid else " (not a valid number: as printed on the card)")
        for p in lead.phones
    ]
    lines += [f"Web: {clean_text(w)}" for w in lead.websites]
    if lead.address:
        lines.append("Address: " + clean_text(lead.address).replace("\n", ", "))
    met = met_line(lead)
    if met:
        lines.append(met)
    if lead.referred_by:
        lines.append(f"Referred by: {display_name(referrer) if referrer else lead.referred_by}")
    return lines


def met_line(lead: Lead) -> str:
    """ "Met at Chamber breakfast on 2024-05-03" (either part may be missing)."""
    event = clean_text(lead.event).strip()
    if event and lead.met_on:
        return f"Met at {event} on {lead.met_on.isoformat()}"
    if event:
        return f"Met at {event}"
    if lead.met_on:
        return f"Met on {lead.met_on.isoformat()}"
    return ""


# Between the draft and the lead's details in event and task bodies, so the
# details never read as the draft's signature.
CONTACT_SEPARATOR = "---------- Contact (from the card) ----------"


def task_description(task: Task, lead: Lead | None, referrer: Lead | None = None) -> str:
    """Draft message, a separator line, then the lead's contact details: the
    body of calendar events and CRM tasks."""
    parts: list[str] = []
    subject = clean_text(task.subject).strip()
    body = clean_text(task.body).strip()
    if subject:
        parts.append(f"Subject: {subject}")
    if body:
        parts.append(body)
    if task.note:
        parts.append(f"Note: {clean_text(task.note).strip()}")
    if lead is not None:
        parts.append(CONTACT_SEPARATOR + "\n" + "\n".join(contact_lines(lead, referrer)))
    parts.append(f"cardscan lead {task.lead_id}, task {task.id}")
    return "\n\n".join(parts)


def next_task_by_lead(tasks: Sequence[Task]) -> dict[str, Task]:
    """The earliest pending task of each lead (ties broken by plan order)."""
    best: dict[str, Task] = {}
    for t in tasks:
        if t.status not in PENDING:
            continue
        cur = best.get(t.lead_id)
        if cur is None or (t.due, t.seq) < (cur.due, cur.seq):
            best[t.lead_id] = t
    return best


def lead_note(lead: Lead, next_task: Task | None, referrer: Lead | None = None) -> str:
    """Free-text note for contact formats: where we met, who referred, what's next."""
    parts = [met_line(lead)]
    if lead.referred_by:
        parts.append(f"Referred by {display_name(referrer) if referrer else lead.referred_by}")
    if next_task is not None:
        parts.append(f"Next: {task_title(next_task, lead)} (due {next_task.due.isoformat()})")
    parts.append(f"cardscan lead {lead.id}")
    return ". ".join(p for p in parts if p)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC datetime; a naive `now` is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
