"""Fictional leads and tasks shared by the export tests (no real people)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from cardscan.export.safecsv import DANGEROUS_FIRST
from cardscan.leads import Lead, PhoneNumber, Task

NOW = dt.datetime(2024, 5, 6, 17, 30, tzinfo=dt.UTC)  # a Monday
MET = dt.date(2024, 5, 3)
BOM = b"\xef\xbb\xbf"

# Names that break naive writers: separators of CSV/ICS/vCard, line breaks,
# accents, emoji, and every spreadsheet formula prefix.
TRICKY_NAMES = (
    "Ruiz, Ana",
    "Zoë O'Brien; PhD",
    "Line\nBreak",
    "José Ñúñez-Güell",
    "Emoji 😀 Person",
    "=cmd|' /C calc'!A0",
    "+Plus Person",
    "-Minus Person",
    "@At Person",
    'Quote "The Hammer" Smith',
    "Back\\slash",
)

ANA = Lead(
    id="lead-ana",
    name="Ana Ruiz",
    given_name="Ana",
    family_name="Ruiz",
    title="Head of Sales, EMEA",
    company="Brightlane, S.L.; R&D",
    department="Sales",
    address="Calle Mayor 1, 2ºB\n28013 Madrid",
    emails=("ana@brightlane.example", "ana.ruiz@example.org"),
    phones=(
        PhoneNumber("+34600111222", "mobile"),
        PhoneNumber("+34911222333", "work"),
        PhoneNumber("+34911222334", "work"),
        PhoneNumber("+34911222399", "fax"),
        PhoneNumber("+34911222000", "other"),
    ),
    websites=("brightlane.example", "https://blog.brightlane.example/ana"),
    event="Chamber breakfast",
    met_on=MET,
    sources=("photos/ana.jpg",),
)
NO_COMPANY = Lead(
    id="lead-pat",
    name="Pat Lee",
    emails=("pat@mail.northwind-traders.co.uk",),
    phones=(PhoneNumber("+447700900123", "mobile"),),
    event="Chamber breakfast",
    met_on=MET,
)
NO_EMAIL = Lead(id="lead-sam", name="Sam", phones=(PhoneNumber("+12025550143", "work"),))
NO_PHONE = Lead(id="lead-kim", name="Kim Park", emails=("kim.park@gmail.com",))
NO_NAME = Lead(id="lead-acme", name=None, company="Acme Widgets Ltd", emails=("info@acme.example",))
REFERRED = Lead(
    id="lead-mary",
    name="Mary Jones",
    phones=(PhoneNumber("+34600999888", "mobile"),),
    referred_by="lead-ana",
)
TRICKY = tuple(
    Lead(id=f"lead-tricky-{i}", name=name, company=name, title=name, emails=(f"t{i}@x.example",))
    for i, name in enumerate(TRICKY_NAMES)
)

LEADS: tuple[Lead, ...] = (ANA, NO_COMPANY, NO_EMAIL, NO_PHONE, NO_NAME, REFERRED, *TRICKY)


def task(lead: Lead, step: str, seq: int, due: dt.date, channel: str, **kw: object) -> Task:
    return Task(
        id=f"{lead.id}:{step}",
        lead_id=lead.id,
        step=step,
        seq=seq,
        due=due,
        channel=channel,  # type: ignore[arg-type]
        summary=str(kw.pop("summary", f"{step} summary")),
        subject=str(kw.pop("subject", f"Great to meet you, {lead.first_name}")),
        body=str(kw.pop("body", f"Hi {lead.first_name},\n\nlovely to meet you; talk soon.")),
        **kw,  # type: ignore[arg-type]
    )


TASKS: tuple[Task, ...] = (
    task(ANA, "intro-email", 1, dt.date(2024, 5, 6), "email", status="done", done_on=MET),
    task(ANA, "coffee-call", 2, dt.date(2024, 5, 8), "call", summary="invite for coffee"),
    task(ANA, "thank-you", 3, dt.date(2024, 5, 15), "email", status="snoozed"),
    task(ANA, "reminder", 4, dt.date(2024, 5, 24), "email", status="skipped"),
    task(NO_COMPANY, "intro-email", 1, dt.date(2024, 5, 6), "email"),
    task(NO_EMAIL, "coffee-call", 2, dt.date(2024, 5, 8), "call"),
    task(NO_PHONE, "intro-email", 1, dt.date(2024, 5, 2), "email"),  # overdue
    task(NO_NAME, "note", 1, dt.date(2024, 5, 9), "note"),
    task(REFERRED, "referral", 1, dt.date(2024, 5, 6), "call", summary="call Mary (from Ana)"),
    *(
        task(x, "intro-email", 1, dt.date(2024, 5, 7), "meeting", summary=x.name, body=x.name)
        for x in TRICKY
    ),
)


def read_csv(path: Path) -> tuple[bytes, list[str], list[dict[str, str]]]:
    """Raw bytes, header and rows of a CSV written by cardscan."""
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return raw, list(reader.fieldnames or []), rows


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_formula(cell: str) -> bool:
    """Whether a spreadsheet opening the CSV would evaluate `cell` (as read by
    csv) as a formula or a command: it starts with one of the OWASP CSV
    injection characters and is not a plain number ("+442079460123" and
    "-12.5" are numbers: digits only, nothing to call or reference)."""
    if not cell or _PLAIN_NUMBER.fullmatch(cell):
        return False
    return cell[0] in DANGEROUS_FIRST
