"""Exports people import: calendars, address books and CRMs.

`write_export` is the one entry point the ``cardscan export`` command and the
library use.  Formats:

=============  ==============================================================
``ics``        iCalendar: a timed VEVENT (alarm before it) per task, kept with
               STATUS:CANCELLED once done, skipped, cancelled or its lead
               deleted; VTODO too with ``todo=True``.  See `cardscan.export.ics`.
``vcf``        vCard 3.0 (4.0 with ``vcard_version=4``), one VCARD per lead.
``google``     Google Contacts CSV.
``outlook``    Outlook contacts CSV.
``hubspot``    HubSpot contacts CSV + ``<stem>-tasks.csv``.
``salesforce`` Salesforce Lead CSV for the Data Import Wizard (field labels),
               ``<stem>-dataloader.csv`` (API names) and ``<stem>-tasks.csv``
               (Task rows for Data Loader).
=============  ==============================================================

The CSV targets are described in `cardscan.export.crm_csv`; every CSV is UTF-8
with BOM and formula-injection safe (`cardscan.export.safecsv`).  Files are
written atomically (temporary sibling, then rename).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from cardscan.errors import CardscanError
from cardscan.followup.calendar import DEFAULT_AT
from cardscan.leads import Lead, Task

FORMATS: tuple[str, ...] = ("ics", "vcf", "google", "outlook", "hubspot", "salesforce")


def write_export(
    fmt: str,
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    out: Path,
    *,
    todo: bool = False,
    now: dt.datetime,
    tz: str | None = None,
    at: dt.time = DEFAULT_AT,
    vcard_version: int = 3,
    photos: Mapping[str, bytes] | None = None,
    salesforce_ids: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write `leads` and their `tasks` in format `fmt` to `out`; return the
    files written (hubspot also writes ``<stem>-tasks.csv``, salesforce
    ``<stem>-dataloader.csv`` and ``<stem>-tasks.csv``).

    `now` stamps the files (DTSTAMP, REV) and decides which tasks are already
    due (high priority).  `tz` and `at` only affect ``ics``: events start at
    `at` in zone `tz` (floating local time when None).  `photos` (lead id ->
    JPEG) and `vcard_version` only affect ``vcf``; `salesforce_ids` (cardscan
    lead id -> Salesforce Id) fills the WhoId of Salesforce tasks.
    """
    from . import crm_csv, ics, vcf  # deferred: icalendar/vobject load only when used

    out = Path(out)
    fmt = fmt.lower()
    if fmt == "ics":
        return [ics.write_ics(out, leads, tasks, now=now, todo=todo, tz=tz, at=at)]
    if fmt == "vcf":
        return [vcf.write_vcf(out, leads, tasks, now=now, version=vcard_version, photos=photos)]
    if fmt == "google":
        return crm_csv.write_google(out, leads, tasks)
    if fmt == "outlook":
        return crm_csv.write_outlook(out, leads, tasks)
    if fmt == "hubspot":
        return crm_csv.write_hubspot(out, leads, tasks, now=now)
    if fmt == "salesforce":
        return crm_csv.write_salesforce(out, leads, tasks, now=now, salesforce_ids=salesforce_ids)
    raise CardscanError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "write_export"]
