"""Command-line sub-commands over `cardscan.crm`: add, leads, tasks, done,
snooze, refer, export.  Parsing and printing only; errors are raised as
`cardscan.errors` exceptions and mapped to exit codes by `cardscan.cli.main`.

The clock can be pinned for reproducible runs and tests with the
environment variable CARDSCAN_TODAY=YYYY-MM-DD (read only here).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import crm
from .crm_drafts import render_drafts, rendered_tasks
from .errors import CardscanError, StoreError
from .export.leads_csv import LEAD_COLUMNS
from .followup.cadence import Cadence, qualifier
from .followup.calendar import Clock, parse_time
from .leads import OUTCOMES, STAGES, Lead, Task
from .store import Store
from .store.ids import SHORT_LEN

EXPORT_FORMATS = ("ics", "vcf", "google", "outlook", "hubspot", "salesforce")
OUTPUT_FORMATS = ("table", "csv", "json")
TODAY_ENV = "CARDSCAN_TODAY"
CADENCE_ENV = "CARDSCAN_CADENCE"

Handler = Callable[[argparse.Namespace], int]


# ------------------------------------------------------------------ shared options


def db_parent() -> argparse.ArgumentParser:
    """Parent parser with `--db PATH`, shared by every sub-command (scan included)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db",
        type=Path,
        default=Path("cardscan.db"),
        metavar="PATH",
        help="lead database (default: cardscan.db in the current folder)",
    )
    return p


def cadence_parent() -> argparse.ArgumentParser:
    """Parent parser with `--cadence FILE` (scan reuses it)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--cadence",
        type=Path,
        metavar="FILE",
        help=f"follow-up cadence TOML (default: ${CADENCE_ENV}, else the built-in cadence)",
    )
    return p


_cadence_parent = cadence_parent  # the name cardscan.cli imported first


def clock_from_env(tz: str | None = None, env: Mapping[str, str] | None = None) -> Clock:
    """The real clock, or noon of $CARDSCAN_TODAY in zone `tz` (local when None)."""
    value = (os.environ if env is None else env).get(TODAY_ENV, "").strip()
    if not value:
        return lambda: dt.datetime.now(dt.UTC)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CardscanError(f"{TODAY_ENV}={value!r}: expected YYYY-MM-DD") from None
    if tz:
        from zoneinfo import ZoneInfo

        fixed = dt.datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(tz))
    else:
        fixed = dt.datetime(day.year, day.month, day.day, 12).astimezone()
    return lambda: fixed


def cadence_from_args(args: argparse.Namespace) -> Cadence:
    path = getattr(args, "cadence", None) or os.environ.get(CADENCE_ENV) or None
    return crm.load_cadence(path)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _region(text: str) -> str:
    """One check for every `--region`: a region phonenumbers knows."""
    import phonenumbers

    from .extract.text import vocab_toml

    code = text.strip().upper()
    # "UK" is what people type for GB (the same table maps the .uk domain).
    code = str(vocab_toml("countries.toml")["tld_region"].get(code.lower(), code))
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise argparse.ArgumentTypeError(f"unknown region {text!r} (ISO 3166 code like US, GB)")
    return code


def _open(args: argparse.Namespace, *, create: bool = False) -> Store:
    path = Path(args.db)
    if not create and not path.exists():
        raise StoreError(
            f"{path}: no lead database here yet (cardscan scan or cardscan add makes one)"
        )
    return crm.open_store(path)


# ------------------------------------------------------------------ output helpers


def short_ids(ids: Sequence[str], *, min_len: int = SHORT_LEN) -> dict[str, str]:
    """The shortest prefix of each id, at least `min_len`, that no other id shares."""
    ordered = sorted(set(ids))
    out: dict[str, str] = {}

    def common(a: str, b: str) -> int:
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return n

    for i, x in enumerate(ordered):
        need = 0
        if i > 0:
            need = max(need, common(x, ordered[i - 1]) + 1)
        if i + 1 < len(ordered):
            need = max(need, common(x, ordered[i + 1]) + 1)
        out[x] = x[: max(min_len, need)]
    return out


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [len(h) for h in header]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(v))
    lines = []
    for row in [list(header), *cells]:
        parts = [v.ljust(widths[i]) for i, v in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    # one line per row: a newline in OCR text must not break the table
    return " ".join(str(value).split())


def _write_csv(rows: Sequence[Mapping[str, Any]], header: Sequence[str]) -> None:
    from .export.safecsv import safe_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(row.get(h)) for h in header])


def _write_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _who(lead: Lead | None) -> str:
    if lead is None:
        return ""
    name = lead.name or (lead.emails[0] if lead.emails else lead.phone() or "(no name)")
    return f"{name} ({lead.company})" if lead.company else name


def _task_table(tasks: Sequence[Task], ids: Mapping[str, str]) -> str:
    return _table(
        ["ID", "DUE", "CHANNEL", "SUMMARY"],
        [[ids.get(t.id, t.id[:SHORT_LEN]), t.due, t.channel, t.summary] for t in tasks],
    )


def _all_task_ids(store: Store) -> dict[str, str]:
    return short_ids([t.id for t in store.tasks()])


# ------------------------------------------------------------------ handlers


def cmd_add(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args, create=True) as store:
        result = crm.add_lead(
            store,
            name=args.name,
            emails=args.email or (),
            phones=args.phone or (),
            company=args.company,
            title=args.title,
            event=args.event,
            met_on=args.met_on,
            region=args.region,
            cadence=cadence,
            clock=clock,
        )
        _print_import(store, result, verb="Added")
    return 0


def _print_import(store: Store, result: crm.ImportResult, *, verb: str, suffix: str = "") -> None:
    lead = store.get_lead(result.lead_id or "")
    lead_ids = short_ids([x.id for x in store.leads()])
    lid = lead_ids.get(result.lead_id or "", result.lead_id or "")
    if result.skipped:
        print(f"Already stored: lead {lid} {_who(lead)}; nothing changed.")
    elif result.merged_into:
        print(f"Merged into lead {lid} {_who(lead)} (same person){suffix}.")
    else:
        print(f"{verb} lead {lid} {_who(lead)}{suffix}.")
    for change in result.changes:
        print(f"Updated lead {lid}: {change}.")
    if result.possible_duplicate_of:
        other = store.get_lead(result.possible_duplicate_of)
        oid = lead_ids.get(result.possible_duplicate_of, result.possible_duplicate_of)
        print(
            f"Possible duplicate of lead {oid} {_who(other)}: "
            f"cardscan merge {oid} {lid} if it is the same person, else cardscan approve {lid}."
        )
    pending = [t for t in result.tasks if t.status in crm.PENDING]
    if pending and not result.skipped:
        print(_task_table(pending, _all_task_ids(store)))


# One column set for every leads CSV: the scan's (cardscan.export.leads_csv).
LEAD_CSV_COLUMNS = LEAD_COLUMNS


def cmd_leads(args: argparse.Namespace) -> int:
    with _open(args) as store:
        leads = crm.list_leads(store)
        nxt = crm.next_actions(store)
        task_ids = _all_task_ids(store)
    if args.stage:
        leads = [x for x in leads if x.stage == args.stage]
    if args.format == "csv":
        _write_csv([crm.lead_row(x, nxt.get(x.id)) for x in leads], LEAD_CSV_COLUMNS)
    elif args.format == "json":
        _write_json([_lead_json(x, nxt.get(x.id)) for x in leads])
    elif not leads:
        print("No leads yet.")
    else:
        ids = short_ids([x.id for x in leads])
        rows = []
        for x in leads:
            t = nxt.get(x.id)
            status = x.status + (
                f", dup? {ids[x.possible_duplicate_of]}" if x.possible_duplicate_of in ids else ""
            )
            rows.append(
                [
                    ids[x.id],
                    x.name or "",
                    x.company,
                    x.emails[0] if x.emails else "",
                    x.phone() or "",
                    x.event,
                    x.met_on,
                    x.stage,
                    status,
                    f"{t.due} {t.channel} {task_ids.get(t.id, t.id[:SHORT_LEN])}" if t else "",
                ]
            )
        header = [
            "ID", "NAME", "COMPANY", "EMAIL", "PHONE", "EVENT", "MET", "STAGE", "STATUS", "NEXT",
        ]
        print(_table(header, rows))
    return 0


def _lead_json(lead: Lead, nxt: Task | None) -> dict[str, Any]:
    return {
        "id": lead.id,
        **lead.contact_dict(),
        "event": lead.event,
        "met_on": lead.met_on,
        "status": lead.status,
        "review_status": lead.review_status,
        "review_reasons": list(lead.review_reasons),
        "tags": list(lead.tags),
        "possible_duplicate_of": lead.possible_duplicate_of,
        "referred_by": lead.referred_by,
        "stage": lead.stage,
        "stage_reason": lead.stage_reason,
        "meeting_on": lead.meeting_on,
        "sources": list(lead.sources),
        "created_at": lead.created_at.isoformat() if lead.created_at else None,
        "next_action": (
            {"id": nxt.id, "due": nxt.due, "channel": nxt.channel, "summary": nxt.summary}
            if nxt
            else None
        ),
    }


TASK_COLUMNS = (
    "id",
    "lead_id",
    "lead_name",
    "company",
    "due",
    "channel",
    "summary",
    "status",
    "overdue",
    "recipient",
    "subject",
    "body",
    "step",
    "done_on",
    "note",
    "outcome",
    "mailto",
    "tel",
    "edited",  # the draft is a person's edit (workspace), not the template's
)
_EMPTY = {
    "today": "Nothing due today.",
    "overdue": "Nothing overdue.",
    "week": "Nothing due in the next 7 days.",
    "all": "No tasks yet.",
}


def cmd_tasks(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    today = cadence.calendar.today(clock)
    with _open(args) as store:
        tasks = crm.list_tasks(store, due=args.due, cadence=cadence, clock=clock)
        leads = {x.id: x for x in store.leads()}
        ids = _all_task_ids(store)
        drafts = render_drafts(store, tasks, cadence)
    # Drafts are rendered now: the profile, notes and corrections of today.
    rows = [
        {
            **crm.task_row(t, leads.get(t.lead_id), today),
            "summary": d.summary,
            "channel": d.channel,
            "subject": d.subject,
            "body": d.body,
            "recipient": d.recipient,
            "mailto": d.mailto,
            "tel": d.tel,
            "edited": d.edited,
        }
        for t, d in zip(tasks, drafts, strict=True)
    ]
    if args.format == "csv":
        _write_csv(rows, TASK_COLUMNS)
    elif args.format == "json":
        _write_json([{k: r[k] for k in TASK_COLUMNS} for r in rows])
    elif not tasks:
        print(_EMPTY[args.due])
    else:
        print(
            _table(
                ["ID", "DUE", "CHANNEL", "STATUS", "LEAD", "TO", "SUMMARY"],
                [
                    [
                        ids[t.id],
                        t.due,
                        r["channel"],
                        "overdue" if r["overdue"] else t.status,
                        _who(leads.get(t.lead_id)),
                        r["recipient"] or "-",
                        r["summary"],
                    ]
                    for t, r in zip(tasks, rows, strict=True)
                ],
            )
        )
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args) as store:
        change = crm.done(
            store,
            args.task_id,
            on=args.on,
            note=args.note,
            skipped=args.skip,
            outcome=args.outcome,
            meeting=args.meeting,
            cadence=cadence,
            clock=clock,
        )
        ids = _all_task_ids(store)
        lead = store.get_lead(change.task.lead_id)
        after = store.tasks(change.task.lead_id)
    t = change.task
    verb = "Skipped" if args.skip else "Cancelled" if t.status == "cancelled" else "Done"
    what = f", {t.outcome}" if t.outcome else ""
    print(f"{verb}: {ids[t.id]} {t.summary} (on {t.done_on}{what}).")
    _print_moved(change.moved, ids)
    if args.outcome and lead is not None:
        _print_followed(before_ids=ids, lead=lead, tasks=after, moved=change.moved, done=t)
    return 0


def _print_followed(
    *, before_ids: Mapping[str, str], lead: Lead, tasks: Sequence[Task], moved: Sequence[Task],
    done: Task,
) -> None:
    """What the outcome changed: the plan from here, and the lead's stage."""
    shown = {t.id for t in moved} | {done.id}
    pending = [t for t in tasks if t.status in crm.PENDING and t.id not in shown]
    if pending:
        print("Plan:")
        print(_task_table(pending, before_ids))
    cancelled = [t for t in tasks if t.status == "cancelled" and t.id != done.id
                 and t.note and t.done_on is None]
    for t in cancelled:
        print(f"Cancelled: {before_ids.get(t.id, t.id[:SHORT_LEN])} {t.summary}.")
    reason = f" ({lead.stage_reason})" if lead.stage == "closed" and lead.stage_reason else ""
    print(f"Stage: {lead.stage}{reason}.")


def cmd_snooze(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    until = crm.parse_until(args.until, cadence.calendar.today(clock))
    with _open(args) as store:
        change = crm.snooze(store, args.task_id, until=until, cadence=cadence, clock=clock)
        ids = _all_task_ids(store)
    t = change.task
    why = f" ({until} is not a business day)" if t.due != until else ""
    print(f"Snoozed: {ids[t.id]} {t.summary} until {t.due}{why}.")
    _print_moved(change.moved, ids)
    return 0


def _print_moved(moved: Sequence[Task], ids: Mapping[str, str]) -> None:
    if moved:
        print("Re-dated:")
        print(_task_table(moved, ids))


def cmd_refer(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args) as store:
        referrer = crm.get_lead(store, args.lead_id)
        result = crm.refer(
            store,
            referrer.id,
            name=args.name,
            emails=args.email or (),
            phones=args.phone or (),
            company=args.company,
            title=args.title,
            region=args.region,
            cadence=cadence,
            clock=clock,
        )
        _print_import(store, result, verb="Added", suffix=f", referred by {_who(referrer)}")
        thanks = [t for t in store.tasks(referrer.id)
                  if t.status in crm.PENDING and qualifier(t.step) == result.lead_id]
        if thanks and not result.skipped:
            print(f"For {_who(referrer)}, who introduced you:")
            print(_task_table(thanks, _all_task_ids(store)))
    return 0


def _time_of_day(text: str) -> dt.time:
    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day (HH:MM)") from None


def cmd_export(args: argparse.Namespace) -> int:
    from .calendar_feed import feed_items, zone_name
    from .export import write_export
    from .export.crm_csv import dataloader_path_for, read_salesforce_ids, tasks_path_for
    from .outputs import Output, OutputKind, check_outputs

    out = Path(args.out)
    kind: OutputKind = "ics" if args.format == "ics" else "vcf" if args.format == "vcf" else "csv"
    files = [Output("--out", kind, out)]
    if args.format in ("hubspot", "salesforce"):
        files.append(Output("--out (its tasks file)", "csv", tasks_path_for(out)))
    if args.format == "salesforce":
        files.append(Output("--out (its Data Loader file)", "csv", dataloader_path_for(out)))
    check_outputs(files, database=Path(args.db))  # never over the database or a photo
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    sf_ids = read_salesforce_ids(args.salesforce_ids) if args.salesforce_ids else None
    with _open(args) as store:
        if args.format == "ics":  # deleted leads and finished tasks go out as cancelled
            leads, tasks = feed_items(store, cadence)
        else:
            leads = crm.list_leads(store)
            tasks = rendered_tasks(store, store.tasks(), cadence)  # drafts as sent now
        photos = (
            {x.id: jpeg for x in leads if (jpeg := store.card_image(x.id))}
            if args.photos and args.format == "vcf" else None
        )
    paths = write_export(
        args.format, leads, tasks, Path(args.out), todo=args.todo, now=clock(),
        tz=zone_name(args.tz, cadence), at=args.at or cadence.calendar.at,
        vcard_version=args.vcard_version, photos=photos, salesforce_ids=sf_ids,
    )
    for p in paths:
        print(f"Wrote {p}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from . import report

    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    if args.out is not None:  # refused before anything is computed
        from .outputs import Output, check_outputs

        check_outputs([Output("--out", "png", Path(args.out))], database=Path(args.db))
    with _open(args) as store:
        funnels = report.funnel(store, cadence=cadence, clock=clock, event=args.event)
    print(report.format_report(funnels))
    if args.out is not None:
        path = report.write_chart(Path(args.out), funnels, database=Path(args.db))
        print(f"Wrote {path}")
    return 0


# ------------------------------------------------------------------ registration


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the add, leads, tasks, done, snooze, refer and export sub-commands."""
    db = db_parent()
    cad = cadence_parent()
    fmt: dict[str, Any] = {
        "choices": OUTPUT_FORMATS,
        "default": "table",
        "help": "output format (default: table)",
    }

    p = subparsers.add_parser(
        "add",
        parents=[db, cad],
        help="add a lead met without a card",
        description="Add a lead met without a card; its follow-up is planned like a scanned one.",
    )
    _person_options(p)
    p.add_argument("--event", help="where you met, e.g. 'Chamber breakfast'")
    p.add_argument("--met-on", type=_iso_date, metavar="DATE", help="YYYY-MM-DD (default: today)")
    p.set_defaults(func=cmd_add)

    p = subparsers.add_parser(
        "leads",
        parents=[db],
        help="list leads",
        description="List every lead with its next action.",
    )
    p.add_argument("--format", **fmt)
    p.add_argument("--stage", choices=STAGES, help="only the leads at this stage")
    p.set_defaults(func=cmd_leads)

    p = subparsers.add_parser(
        "tasks",
        parents=[db, cad],
        help="list follow-up tasks",
        description="List follow-up tasks. today: due today or overdue; overdue: past due; "
        "week: due in the next 7 days (overdue included); all: every task, done ones too.",
    )
    p.add_argument(
        "--due", choices=crm.DUE_FILTERS, default="week", help="which tasks (default: week)"
    )
    p.add_argument("--format", **fmt)
    p.set_defaults(func=cmd_tasks)

    p = subparsers.add_parser(
        "done",
        parents=[db, cad],
        help="mark a task done",
        description="Mark a task done; the steps after it are re-dated from that day.",
    )
    p.add_argument("task_id", metavar="TASK_ID", help="task id or a unique prefix (>= 6 chars)")
    p.add_argument("--on", type=_iso_date, metavar="DATE", help="when it was done (default: today)")
    p.add_argument("--note", metavar="TEXT", help="what happened, what you promised")
    p.add_argument("--skip", action="store_true", help="record it as skipped instead of done")
    p.add_argument(
        "--outcome",
        choices=OUTCOMES,
        metavar="OUTCOME",
        help="what happened: email steps replied, no-reply; calls booked (with --meeting), "
        "no-answer, declined; meetings met, one-sided, cancelled.  The plan follows it.",
    )
    p.add_argument(
        "--meeting", type=_iso_date, metavar="DATE", help="with --outcome booked: the date agreed"
    )
    p.set_defaults(func=cmd_done)

    p = subparsers.add_parser(
        "snooze",
        parents=[db, cad],
        help="move a task to a later date",
        description="Move a task; only the steps that depend on it move with it.",
    )
    p.add_argument("task_id", metavar="TASK_ID", help="task id or a unique prefix (>= 6 chars)")
    p.add_argument(
        "--until",
        required=True,
        metavar="DATE|+Nd",
        help="YYYY-MM-DD, +Nd (days from today) or +Nw (weeks)",
    )
    p.set_defaults(func=cmd_snooze)

    p = subparsers.add_parser(
        "refer",
        parents=[db, cad],
        help="record a referral (a task due today)",
        description="Record that a lead referred someone: a new lead linked to the referrer, "
        "with a task due today.",
    )
    p.add_argument("lead_id", metavar="LEAD_ID", help="the referrer's lead id or unique prefix")
    _person_options(p)
    p.set_defaults(func=cmd_refer)

    p = subparsers.add_parser(
        "report",
        parents=[db, cad],
        help="how far each event's cards went: the follow-up funnel",
        description="Per event: cards, contacted within one business day, replied, meetings "
        "booked, met, closed; overdue tasks; median days to first contact.  With --out, "
        "the same as a chart (PNG).",
    )
    p.add_argument("--event", metavar="NAME", help="only this event")
    p.add_argument("--out", type=Path, metavar="FILE.png", help="also draw the chart here")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "export",
        parents=[db, cad],
        help="export leads and tasks for a calendar or CRM",
        description="Export leads and open tasks: ics (calendar), vcf (contacts), "
        "google / outlook (contacts CSV), hubspot / salesforce (CRM CSVs).",
    )
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="file to write")
    p.add_argument("--todo", action="store_true", help="ics: add a VTODO for each task as well")
    p.add_argument("--tz", metavar="ZONE", help="ics: IANA time zone of the events (default: "
                   "the cadence's [calendar] timezone, else this machine's)")
    p.add_argument("--at", type=_time_of_day, metavar="HH:MM",
                   help="ics: when each day's follow-ups start (default: the cadence's "
                   "[calendar] time, 09:00)")
    p.add_argument("--vcard-version", type=int, choices=(3, 4), default=3,
                   help="vcf: vCard 3.0 (default, what phones import best) or 4.0")
    p.add_argument("--photos", action="store_true",
                   help="vcf: add the picture of each card (small JPEG) as PHOTO")
    p.add_argument("--salesforce-ids", type=Path, metavar="SUCCESS.csv",
                   help="salesforce: Data Loader's success file of the -dataloader.csv import; "
                   "fills each task's WhoId")
    p.set_defaults(func=cmd_export)


def _person_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", required=True, help="full name")
    p.add_argument("--email", action="append", metavar="EMAIL", help="repeatable")
    p.add_argument(
        "--phone", action="append", metavar="PHONE", help="repeatable; +CC, or use --region"
    )
    p.add_argument("--company")
    p.add_argument("--title")
    p.add_argument(
        "--region",
        type=_region,
        metavar="CC",
        help="country for phone numbers without +CC, e.g. US",
    )
