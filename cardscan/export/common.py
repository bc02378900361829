"""Text helpers shared by every export format (private to cardscan.export).

Everything here is pure: the same lead and task always give the same text, so
two exports of an unchanged store are byte-identical apart from timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

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


def split_name(lead: Lead) -> tuple[str, str]:
    """(given, family) for a lead: the parsed parts when known, else the last
    word of the full name is taken as the family name."""
    given = clean_text(lead.given_name).strip()
    family = clean_text(lead.family_name).strip()
    if given or family:
        return given, family
    full = clean_text(lead.name).strip()
    if not full:
        return "", ""
    head, _, tail = full.rpartition(" ")
    return (head.strip(), tail) if head else (tail, "")


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
    return [p.dialable for p in lead.phones if p.type == kind]


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
        + (" (no area code on the card)" if p.local_only else "")
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


def task_description(task: Task, lead: Lead | None, referrer: Lead | None = None) -> str:
    """Draft message plus the contact details, for calendar events and CRM notes."""
    parts: list[str] = []
    subject = clean_text(task.subject).strip()
    body = clean_text(task.body).strip()
    if subject:
        parts.append(f"Subject: {subject}")
    if body:
        parts.append(body)
    if lead is not None:
        parts.append("\n".join(contact_lines(lead, referrer)))
    if task.note:
        parts.append(f"Note: {clean_text(task.note).strip()}")
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
