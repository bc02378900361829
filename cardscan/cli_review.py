"""Command-line review and follow-up over `cardscan.crm_review`: review, show,
edit, approve, merge, delete, restore, note, tag, profile.  Parsing and
printing only; `cardscan.cli.main` maps errors to exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import textwrap
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from . import crm_review as rv
from .cli_crm import (
    _open,
    _region,
    _table,
    cadence_from_args,
    clock_from_env,
    short_ids,
)
from .crm_drafts import Draft
from .leads import Lead
from .profile import FIELDS as PROFILE_FIELDS
from .profile import load_profile, profile_path, update_profile
from .store import Store


def _ids(store: Store) -> dict[str, str]:
    return short_ids([x.id for x in store.leads()] + [x.id for x in store.leads(deleted=True)])


def _who(lead: Lead | None) -> str:
    if lead is None:
        return ""
    name = lead.name or (lead.emails[0] if lead.emails else "(no name)")
    return f"{name} ({lead.company})" if lead.company else name


def _json(data: object) -> None:
    def default(value: object) -> str:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, bytes):
            return f"<{len(value)} bytes>"
        raise TypeError(type(value).__name__)

    print(json.dumps(data, ensure_ascii=False, indent=2, default=default))


# ------------------------------------------------------------------ review


def cmd_review(args: argparse.Namespace) -> int:
    with _open(args) as store:
        queue = rv.review_queue(store, include_new=args.all)
        pairs = rv.duplicates(store)
        ids = _ids(store)
    if args.format == "json":
        _json([
            {"id": i.lead.id, "name": i.lead.name, "company": i.lead.company,
             "emails": list(i.lead.emails), "review_status": i.lead.review_status,
             "reasons": list(i.reasons), "uncertain": [asdict(f) for f in i.uncertain],
             "has_card_image": i.has_card_image}
            for i in queue
        ])
        return 0
    if not queue:
        print("Nothing to review." if args.all else
              "Nothing needs a look (cardscan review --all lists leads not yet approved).")
        return 0
    rows = [
        [ids[i.lead.id], i.lead.name or "", i.lead.company,
         i.lead.emails[0] if i.lead.emails else "", i.lead.review_status.replace("_", " "),
         "; ".join(i.reasons)]
        for i in queue
    ]
    print(_table(["ID", "NAME", "COMPANY", "EMAIL", "STATUS", "WHY"], rows))
    for p in pairs:
        print(f"Possible duplicate ({p.reason}): cardscan merge {ids[p.keep.id]} "
              f"{ids[p.other.id]}")
    print("Fix with cardscan edit ID --email ..., then cardscan approve ID.")
    return 0


# ------------------------------------------------------------------ show


def _draft_lines(d: Draft, tid: str) -> list[str]:
    status = d.task.status if d.task.status != "done" else f"done {d.task.done_on}"
    out = [f"  {tid}  {d.task.due}  {d.channel:<7}  {status:<7}  {d.summary}"]
    if d.task.status in ("open", "snoozed"):
        if d.channel == "email":
            out.append(f"      To: {d.recipient or '(no e-mail address)'}")
            out.append(f"      Subject: {d.subject}")
        elif d.tel:
            out.append(f"      Call: {d.recipient}  ({d.tel})")
        out += ["      " + line if line else "" for line in d.body.splitlines()]
        if d.edited:
            out.append("      (your edit from the workspace, used instead of the template)")
    if d.task.note:
        out.append(f"      Note: {d.task.note}")
    return out


def cmd_show(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    with _open(args) as store:
        detail = rv.lead_detail(store, args.lead_id, cadence=cadence)
        task_ids = short_ids([t.id for t in store.tasks(detail.lead.id)])
        ids = _ids(store)
    lead = detail.lead
    if args.format == "json":
        _json({
            "id": lead.id, "review_status": lead.review_status,
            "reasons": list(lead.review_reasons), "tags": list(lead.tags),
            "event": lead.event, "met_on": lead.met_on, "deleted": lead.deleted_at is not None,
            "fields": [asdict(f) for f in detail.fields],
            "address_parts": lead.address_parts.to_dict() if lead.address_parts else None,
            "plan": [
                {"id": d.task.id, "due": d.task.due, "status": d.task.status,
                 "channel": d.channel, "summary": d.summary, "recipient": d.recipient,
                 "subject": d.subject, "body": d.body, "mailto": d.mailto, "tel": d.tel,
                 "edited": d.edited}
                for d in detail.drafts
            ],
            "notes": [{"at": n.created_at, "text": n.text} for n in detail.notes],
            "history": [asdict(h) for h in detail.history],
            "has_card_image": detail.has_card_image,
            "possible_duplicate_of": detail.possible_duplicate.id
            if detail.possible_duplicate else None,
        })
        return 0
    state = lead.review_status.replace("_", " ")
    if lead.deleted_at:
        state = f"deleted {lead.deleted_at:%Y-%m-%d} (cardscan restore {ids[lead.id]})"
    print(f"Lead {ids[lead.id]}  {_who(lead)}  [{state}]")
    if lead.event or lead.met_on:
        print(f"Met: {lead.met_on or ''} {lead.event or ''}".rstrip())
    if lead.tags:
        print(f"Tags: {', '.join(lead.tags)}")
    for reason in lead.review_reasons:
        print(f"Review: {reason}")
    if detail.possible_duplicate:
        dup = detail.possible_duplicate
        print(f"Possible duplicate of {ids.get(dup.id, dup.id)} {_who(dup)}: "
              f"cardscan merge {ids.get(dup.id, dup.id)} {ids[lead.id]}")
    print("Fields (? = uncertain reading):")
    for f in detail.fields:
        conf = f"{f.confidence:.2f}" if f.confidence is not None else "-"
        extra = " primary" if f.primary else f" {f.kind}" if f.kind else ""
        extra += ", not valid" if f.not_valid else ""
        mark = "?" if f.uncertain else " "
        print(f"  {mark} {f.field:<12} {f.value}  ({f.origin}, {conf}{extra})")
    if lead.address_parts:
        split = [f"{k} {v}" for k, v in lead.address_parts.to_dict().items() if v]
        print(f"Address split: {'; '.join(split)}")
    print(f"Card image: {'stored' if detail.has_card_image else 'none'}")
    print("Plan:")
    for d in detail.drafts:
        print("\n".join(_draft_lines(d, task_ids[d.task.id])))
    if detail.notes:
        print("Notes:")
        for n in detail.notes:
            print(f"  {n.created_at:%Y-%m-%d %H:%M}  {n.text}")
    print("History:")
    for h in detail.history:
        what = h.action + (f" {h.field}" if h.field else "")
        change = ""
        if h.action in ("scanned", "added"):
            change = _reading(h.new)
        elif h.old is not None or h.new is not None:
            change = f"{h.old or '(empty)'} -> {h.new or '(empty)'}"
        print(f"  {h.at:%Y-%m-%d %H:%M}  {what}  {change}".rstrip())
    return 0


def _reading(text: str | None) -> str:
    """A scan's original reading, in one line."""
    try:
        d = json.loads(text or "{}")
    except json.JSONDecodeError:
        return text or ""
    phones = [p["number"] for p in d.get("phones", [])]
    parts = [d.get("name"), d.get("company"), *d.get("emails", []), *phones]
    return textwrap.shorten(
        f"{d.get('source', '')}: " + ", ".join(str(p) for p in parts if p), 160
    )


# ------------------------------------------------------------------ edits


def cmd_edit(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args) as store:
        edit = rv.edit_lead(
            store, args.lead_id, cadence=cadence, clock=clock, name=args.name,
            given_name=args.given_name, family_name=args.family_name, title=args.title,
            company=args.company, department=args.department, address=args.address,
            emails=args.email, primary_email=args.primary_email, phones=args.phone,
            websites=args.website, region=args.region,
        )
        ids = _ids(store)
    lead = edit.lead
    if not edit.changed:
        print(f"Lead {ids[lead.id]} {_who(lead)}: nothing changed.")
        return 0
    print(f"Edited lead {ids[lead.id]} {_who(lead)}: {', '.join(edit.changed)}.")
    for key in edit.changed:
        value = getattr(lead, key)
        if isinstance(value, tuple):
            value = ", ".join(str(getattr(v, "number", v)) for v in value)
        print(f"  {key}: {value or '(empty)'}")
    if lead.possible_duplicate_of:
        other = ids.get(lead.possible_duplicate_of, lead.possible_duplicate_of)
        print(f"Possible duplicate of lead {other}: cardscan merge {other} {ids[lead.id]}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    clock = clock_from_env()
    with _open(args) as store:
        leads = [rv.approve(store, x, clock=clock) for x in args.lead_ids]
        ids = _ids(store)
    for lead in leads:
        print(f"Approved lead {ids[lead.id]} {_who(lead)}.")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args) as store:
        other = rv.lead_detail(store, args.other_id, cadence=cadence).lead
        lead = rv.merge_leads(store, args.keep_id, args.other_id, cadence=cadence, clock=clock)
        ids = _ids(store)
    print(f"Merged lead {ids[other.id]} {_who(other)} into lead {ids[lead.id]} {_who(lead)}; "
          "its open tasks are cancelled.")
    print(f"  emails: {', '.join(lead.emails) or '(none)'}")
    print(f"  phones: {', '.join(p.number for p in lead.phones) or '(none)'}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    clock = clock_from_env()
    with _open(args) as store:
        lead = rv.delete_lead(store, args.lead_id, clock=clock)
        ids = _ids(store)
    print(f"Deleted lead {ids[lead.id]} {_who(lead)} and hid its tasks "
          f"(cardscan restore {ids[lead.id]} brings them back).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    clock = clock_from_env()
    with _open(args) as store:
        lead = rv.restore_lead(store, args.lead_id, clock=clock)
        ids = _ids(store)
    print(f"Restored lead {ids[lead.id]} {_who(lead)} with its tasks.")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone)
    with _open(args) as store:
        note = rv.add_note(store, args.lead_id, args.text, cadence=cadence, clock=clock)
        ids = _ids(store)
    print(f"Noted on lead {ids[note.lead_id]}: {note.text}")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    clock = clock_from_env()
    with _open(args) as store:
        lead = rv.tag_lead(store, args.lead_id, add=args.add or (), remove=args.remove or (),
                           clock=clock)
        ids = _ids(store)
    print(f"Lead {ids[lead.id]} tags: {', '.join(lead.tags) or '(none)'}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    changes = {k: getattr(args, k) for k in PROFILE_FIELDS if getattr(args, k) is not None}
    profile = update_profile(region=args.region, **changes) if changes else load_profile()
    if changes:
        print(f"Saved {profile_path()}")
    elif profile.is_empty():
        print("No sender profile yet: cardscan profile --name 'Your Name' --email you@example.com")
        return 0
    for key in PROFILE_FIELDS:
        value: Any = getattr(profile, key)
        print(f"{key + ':':<11}{value.replace(chr(10), ' / ') if value else '(not set)'}")
    return 0


# ------------------------------------------------------------------ registration


def register(
    subparsers: argparse._SubParsersAction,
    db: argparse.ArgumentParser,
    cad: argparse.ArgumentParser,
) -> None:
    """Add review, show, edit, approve, merge, delete, restore, note, tag, profile."""
    lead_arg: dict[str, Any] = {"metavar": "LEAD", "help": "lead id or a unique prefix"}

    p = subparsers.add_parser(
        "review", parents=[db], help="list the leads that need a look",
        description="Leads with a reason to look (uncertain e-mail or phone, no name, possible "
        "duplicate), first; with --all, every lead not yet approved.",
    )
    p.add_argument("--all", action="store_true", help="also leads with nothing flagged")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_review)

    p = subparsers.add_parser(
        "show", parents=[db, cad], help="everything about one lead",
        description="Fields (with confidence and origin), the plan with its drafts as they "
        "would be sent now, notes and the history of changes.",
    )
    p.add_argument("lead_id", **lead_arg)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser(
        "edit", parents=[db, cad], help="correct a lead",
        description="Correct a lead's fields; e-mails and phones are validated, the change "
        "is kept in the history and the drafts are re-rendered.  An empty value clears a "
        "field.  --email / --phone / --website replace the whole list.",
    )
    p.add_argument("lead_id", **lead_arg)
    for opt in ("name", "given-name", "family-name", "title", "company", "department",
                "address"):
        p.add_argument(f"--{opt}", metavar="TEXT")
    p.add_argument("--email", action="append", metavar="EMAIL",
                   help="repeatable; replaces the e-mails (the first is primary)")
    p.add_argument("--primary-email", metavar="EMAIL",
                   help="make this address the first one (added if new)")
    p.add_argument("--phone", action="append", metavar="PHONE",
                   help="repeatable; replaces the phones (+CC, or --region)")
    p.add_argument("--website", action="append", metavar="URL", help="repeatable; replaces")
    p.add_argument("--region", type=_region, metavar="CC",
                   help="country for numbers without +CC (default: the lead's phone's)")
    p.set_defaults(func=cmd_edit)

    p = subparsers.add_parser("approve", parents=[db], help="mark leads as checked",
                              description="Mark leads as checked: they leave the review list.")
    p.add_argument("lead_ids", nargs="+", metavar="LEAD", help="lead ids or unique prefixes")
    p.set_defaults(func=cmd_approve)

    p = subparsers.add_parser(
        "merge", parents=[db, cad], help="merge two leads that are the same person",
        description="Merge OTHER into KEEP: KEEP's fields win, OTHER's e-mails, phones, "
        "notes, sources and history move over, OTHER's open tasks are cancelled.",
    )
    p.add_argument("keep_id", metavar="KEEP", help="the lead to keep")
    p.add_argument("other_id", metavar="OTHER", help="the lead merged into it")
    p.set_defaults(func=cmd_merge)

    p = subparsers.add_parser("delete", parents=[db], help="delete a lead (recoverable)",
                              description="Hide a lead and its tasks; cardscan restore undoes it.")
    p.add_argument("lead_id", **lead_arg)
    p.set_defaults(func=cmd_delete)

    p = subparsers.add_parser("restore", parents=[db], help="bring back a deleted lead")
    p.add_argument("lead_id", **lead_arg)
    p.set_defaults(func=cmd_restore)

    p = subparsers.add_parser(
        "note", parents=[db, cad], help="add a note to a lead",
        description="Add a note; 'promised: X' fills the thank-you draft with X.",
    )
    p.add_argument("lead_id", **lead_arg)
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(func=cmd_note)

    p = subparsers.add_parser("tag", parents=[db], help="add or remove tags")
    p.add_argument("lead_id", **lead_arg)
    p.add_argument("--add", action="append", metavar="TAG", help="repeatable")
    p.add_argument("--remove", action="append", metavar="TAG", help="repeatable")
    p.set_defaults(func=cmd_tag)

    p = subparsers.add_parser(
        "profile", help="show or set who the drafts are from",
        description="Your name, company, e-mail, phone and signature for the drafts, kept in "
        "your config folder ($CARDSCAN_CONFIG_DIR overrides it).  An empty value clears one; "
        "write \\n for a line break in --signature.",
    )
    for key in PROFILE_FIELDS:
        p.add_argument(f"--{key}", metavar="TEXT")
    p.add_argument("--region", type=_region, metavar="CC", help="country for a phone without +CC")
    p.set_defaults(func=cmd_profile)


__all__: Sequence[str] = ("register",)
