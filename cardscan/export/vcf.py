"""Leads as vCard 3.0 (RFC 2426), built with `vobject`; one VCARD per lead.

3.0 rather than 4.0 because it is the version iOS Contacts and Google/Android
import reliably.  Mapping:

* N (family; given) and FN; a lead without a person's name is filed under its
  company (FN = company, plus Apple's ``X-ABShowAs:COMPANY`` hint) or email.
* ORG = company;department, TITLE.
* EMAIL;TYPE=INTERNET,WORK (the first one also PREF when there are several).
* TEL;TYPE=CELL (mobile), WORK,VOICE (work), WORK,FAX (fax), VOICE (other);
  numbers in E.164.
* URL per website; a bare domain gets ``https://`` so it is a URI as 3.0 asks.
* ADR;TYPE=WORK with the whole unparsed address in the street component (the
  card's address is not split into city/region/postcode; putting it all in
  one component keeps it intact in every client).
* NOTE: where and when we met, who referred them, the next follow-up, the
  lead id; CATEGORIES: cardscan and the event.
* UID = lead id (stable, so re-importing can match the same contact);
  REV = ``now``.
Text is escaped and folded by vobject; control characters other than newline
and tab are dropped first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vobject

from cardscan.leads import Lead, Task

from .common import (
    as_utc,
    atomic_open,
    clean_text,
    display_name,
    lead_note,
    next_task_by_lead,
    split_name,
)

TEL_TYPES: dict[str, list[str]] = {
    "mobile": ["CELL"],
    "work": ["WORK", "VOICE"],
    "fax": ["WORK", "FAX"],
    "other": ["VOICE"],
}


def as_url(website: str) -> str:
    site = clean_text(website).strip()
    return site if "://" in site or not site else f"https://{site}"


def build_vcard(
    lead: Lead,
    *,
    now: dt.datetime,
    next_task: Task | None = None,
    referrer: Lead | None = None,
) -> Any:
    """One vobject vCard component for `lead`."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    given, family = split_name(lead)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    person = bool(given or family)
    company = clean_text(lead.company).strip()
    if person:
        fn = display_name(lead)
    else:
        fn = company or (clean_text(lead.emails[0]).strip() if lead.emails else display_name(lead))
    card.add("fn").value = fn
    if not person and company:
        card.add("x-abshowas").value = "COMPANY"
    department = clean_text(lead.department).strip()
    if company or department:
        card.add("org").value = [company, department] if department else [company]
    if lead.title:
        card.add("title").value = clean_text(lead.title).strip()
    for i, email in enumerate(lead.emails):
        prop = card.add("email")
        prop.value = clean_text(email).strip()
        prop.type_paramlist = ["INTERNET", "WORK"] + (
            ["PREF"] if i == 0 and len(lead.emails) > 1 else []
        )
    for phone in lead.phones:
        prop = card.add("tel")
        prop.value = phone.dialable
        prop.type_paramlist = list(TEL_TYPES.get(phone.type, ["VOICE"]))
    for site in lead.websites:
        if as_url(site):
            card.add("url").value = as_url(site)
    if lead.address:
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(street=clean_text(lead.address).strip())
        adr.type_param = "WORK"
    note = lead_note(lead, next_task, referrer)
    if note:
        card.add("note").value = note
    categories = ["cardscan"] + ([clean_text(lead.event).strip()] if lead.event else [])
    card.add("categories").value = [c for c in categories if c]
    card.add("uid").value = lead.id
    card.add("rev").value = as_utc(now).strftime("%Y-%m-%dT%H:%M:%SZ")
    return card


def vcards(leads: Sequence[Lead], tasks: Sequence[Task], *, now: dt.datetime) -> str:
    """All leads as one vCard stream (CRLF line ends)."""
    by_id = {lead.id: lead for lead in leads}
    nxt = next_task_by_lead(tasks)
    out: list[str] = []
    for lead in leads:
        referrer = by_id.get(lead.referred_by) if lead.referred_by else None
        card = build_vcard(lead, now=now, next_task=nxt.get(lead.id), referrer=referrer)
        out.append(fold_octets(card.serialize()))
    return "".join(out)


def fold_octets(text: str, limit: int = 75) -> str:
    """Refold content lines at `limit` octets of UTF-8 (vCard/RFC 5322 style).

    vobject folds at 75 characters, so a line with accents can exceed 75
    octets; some importers reject such lines.  A fold never splits a
    multi-byte character.
    """
    unfolded = text.replace("\r\n ", "")
    out: list[str] = []
    for line in unfolded.split("\r\n"):
        first, room = True, limit
        while len(line.encode("utf-8")) > room:
            cut, size = 0, 0
            for ch in line:
                n = len(ch.encode("utf-8"))
                if size + n > room:
                    break
                size += n
                cut += 1
            out.append(("" if first else " ") + line[:cut])
            line, first, room = line[cut:], False, limit - 1
        out.append(("" if first else " ") + line)
    return "\r\n".join(out)


def write_vcf(
    path: Path, leads: Sequence[Lead], tasks: Sequence[Task], *, now: dt.datetime
) -> Path:
    with atomic_open(Path(path), newline="") as fh:
        fh.write(vcards(leads, tasks, now=now))
    return Path(path)
