"""Lead and task operations: thin functions over the store and the planner.

Everything the `add`, `leads`, `tasks`, `done`, `snooze`, `refer` commands
do is here, usable from Python; the command line only parses and prints.
Every write is one store transaction.  The clock is always injected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .crm_drafts import refresh_drafts
from .errors import ConfigError, InvalidValueError, StoreError
from .followup import planner
from .followup.cadence import REFERRAL_KEY, Cadence
from .followup.cadence import load_cadence as _load_cadence
from .followup.calendar import Clock
from .leads import (
    CONTACT_CHANNELS,
    OUTCOMES,
    PENDING,
    STAGES,
    FieldInfo,
    Lead,
    PhoneNumber,
    Task,
    split_lead_address,
)
from .model import CardRecord, ParsedCard
from .profile import load_profile, profile_path
from .store import Store
from .store.ids import lead_id_for_manual, lead_id_for_source, source_key
from .store.merge import callable_numbers, decide, merge_leads
from .validate import normalize_email, normalize_phone

if TYPE_CHECKING:
    import pandas as pd

DueFilter = Literal["today", "overdue", "week", "all"]
DUE_FILTERS: tuple[str, ...] = ("today", "overdue", "week", "all")


@dataclass(frozen=True)
class ImportResult:
    lead_id: str | None  # None: the record had no card (no_card / error)
    created: bool  # a new lead was stored
    merged_into: str | None  # the existing lead this card was merged into
    possible_duplicate_of: str | None  # flagged for review, not merged
    tasks: tuple[Task, ...]  # the lead's tasks after the import, by due date
    skipped: bool  # this image (content hash + card index) was imported before
    # What a re-import changed on the stored lead, in words ("event: Expo -> Fair").
    changes: tuple[str, ...] = ()
    # Why this card's lead needs a look (this card's reasons, a possible duplicate).
    review_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskChange:
    task: Task  # the task after the change
    moved: tuple[Task, ...]  # the lead's other tasks whose due date changed


def open_store(path: str | Path) -> Store:
    """Open (creating and migrating as needed) the SQLite lead store at `path`."""
    return Store(path)


def load_cadence(path: str | Path | None) -> Cadence:
    """The follow-up cadence: built-in default, or `path`'s TOML laid over it.
    Its calendar takes the sender profile's country when the cadence sets none."""
    cadence = _load_cadence(path)
    if cadence.calendar.country is None:
        country = load_profile().country
        if country:
            from .followup.calendar import supported_country

            code = supported_country(country)
            if code is None:
                raise ConfigError(
                    f"{profile_path()}: country {country!r} is not an ISO 3166 code the "
                    "holidays package knows (e.g. ES, GB, US)"
                )
            cadence = replace(cadence, calendar=replace(cadence.calendar, country=code))
    return cadence


# ------------------------------------------------------------------ import


def _taken_on(taken_at: str | None, cadence: Cadence) -> dt.date | None:
    """Date of an EXIF DateTimeOriginal given as ISO 8601 (or EXIF's own colons)."""
    if not taken_at:
        return None
    text = taken_at.strip()
    if re.match(r"^\d{4}:\d{2}:\d{2}", text):
        text = text[:10].replace(":", "-") + text[10:]
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return cadence.calendar.local_date(value)


def meeting_date(
    record: CardRecord, met_on: dt.date | None, cadence: Cadence, clock: Clock
) -> dt.date:
    """Explicit `met_on`, else the photo's EXIF date, else today (calendar zone)."""
    return met_on or _taken_on(record.taken_at, cadence) or cadence.calendar.today(clock)


def field_info(parsed: ParsedCard) -> tuple[FieldInfo, ...]:
    """Confidence and origin of every value read off a card."""
    out: list[FieldInfo] = []
    for key in ("name", "title", "company", "department", "address"):
        f = getattr(parsed, key)
        if f is not None:
            out.append(FieldInfo(key, f.value, round(f.confidence, 3), f.origin))
    out += [FieldInfo("email", e.value, round(e.confidence, 3), e.origin) for e in parsed.emails]
    out += [FieldInfo("phone", ph.number, round(ph.confidence, 3), "card") for ph in parsed.phones]
    out += [FieldInfo("website", w.value, round(w.confidence, 3), w.origin)
            for w in parsed.websites]
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in out:
        if (f.field, f.value) not in seen:
            seen.add((f.field, f.value))
            unique.append(f)
    return tuple(unique)


def uncertain_contacts(infos: Iterable[FieldInfo]) -> tuple[str, ...]:
    """A review reason for each e-mail read with low confidence: a wrong address
    means every follow-up to it is lost.  (Phones are only highlighted: on the
    dev set their confidence did not single out a misread number.)"""
    return tuple(
        f"{f.field} uncertain: {f.value} ({f.confidence:.2f})"
        for f in infos
        if f.field == "email" and f.uncertain
    )


def lead_from_record(record: CardRecord, *, lead_id: str) -> Lead:
    """The lead a card record describes (no event, date or id decisions)."""
    p = record.parsed or ParsedCard()
    infos = field_info(p)
    reasons = tuple(dict.fromkeys(record.review + uncertain_contacts(infos)))
    address = p.address.value if p.address else None
    return Lead(
        id=lead_id,
        name=p.name.value if p.name else None,
        given_name=p.given_name,
        family_name=p.family_name,
        title=p.title.value if p.title else None,
        company=p.company.value if p.company else None,
        department=p.department.value if p.department else None,
        address=address,
        # Anchored on the card's country (the region its numbers were read in).
        address_parts=split_lead_address(address, p.region),
        emails=tuple(dict.fromkeys(e.value for e in p.emails)),
        phones=tuple(PhoneNumber(ph.number, ph.type, ph.local_only,
                                 ph.valid or ph.local_only, ph.raw)
                     for ph in p.phones),
        websites=tuple(dict.fromkeys(w.value for w in p.websites)),
        status="review" if record.status == "review" or reasons else "ok",
        sources=(record.source,),
        field_info=infos,
        review_reasons=reasons,
        review_status="needs_review" if reasons else "new",
    )


def import_card(
    store: Store,
    record: CardRecord,
    *,
    event: str | None,
    met_on: dt.date | None,
    cadence: Cadence,
    clock: Clock,
) -> ImportResult:
    """Store one scanned card as a lead with its plan, in one transaction.

    Re-importing the same card (image content hash + card index) changes
    nothing.  Records with status no_card / error are kept as sources only.
    """
    key = source_key(record.image_sha256, record.card, record.source)
    event = _clean(event)
    seen = store.source(key)
    if seen and seen.lead_id and record.status in ("ok", "review"):
        return _refile(store, seen.lead_id, event=event, met_on=met_on, cadence=cadence,
                       clock=clock)
    if record.status not in ("ok", "review"):
        now = clock()
        with store.transaction():
            seen = store.source(key)
            if seen and seen.lead_id:
                return _skipped(store, seen.lead_id)
            store.save_source(
                key,
                path=record.source,
                status=record.status,
                now=now,
                image_sha256=record.image_sha256,
                card=record.card,
                error=record.error,
            )
        return ImportResult(None, False, None, None, (), False)
    incoming = lead_from_record(record, lead_id=lead_id_for_source(key))
    incoming = replace(incoming, event=event, met_on=meeting_date(record, met_on, cadence, clock))
    return _ingest(
        store,
        incoming,
        key=key,
        path=record.source,
        status=record.status,
        image_sha256=record.image_sha256,
        card=record.card,
        cadence=cadence,
        clock=clock,
        card_jpeg=record.card_jpeg,
    )


def _refile(
    store: Store,
    lead_id: str,
    *,
    event: str | None,
    met_on: dt.date | None,
    cadence: Cadence,
    clock: Clock,
) -> ImportResult:
    """A card imported before, scanned again: a new --event or --met-on given
    this time updates the stored lead (and re-dates a plan nobody has started),
    and the result says what changed.  Anything else changes nothing."""
    now = clock()
    changes: list[str] = []
    with store.transaction():
        lead = store.get_lead(lead_id)
        while lead is not None and lead.merged_into:  # follow a merge to the lead kept
            lead = store.get_lead(lead.merged_into)
        if lead is None:
            return ImportResult(None, False, None, None, (), True)
        event_changed = bool(event) and (lead.event or "").casefold() != (event or "").casefold()
        date_changed = met_on is not None and met_on != lead.met_on
        if not event_changed and not date_changed:
            return _skipped(store, lead.id)
        event_id = store.event_id(event, now) if event_changed and event else None
        if event_id is None and lead.event:
            event_id = store.event_id(lead.event, now)
        new_date = met_on if date_changed else lead.met_on
        store.set_event(lead.id, event_id, new_date, now)
        if event_changed and event_id is not None:
            store.link_event(lead.id, event_id, new_date)
            store.add_history(lead.id, now, "event", "event", lead.event, event)
            changes.append(f"event: {lead.event or '(none)'} -> {event}")
        if date_changed and new_date is not None:
            store.add_history(lead.id, now, "event", "met_on",
                              lead.met_on.isoformat() if lead.met_on else None,
                              new_date.isoformat())
            changes.append(f"met on: {lead.met_on or '(none)'} -> {new_date}")
            _redate_unstarted(store, replace(lead, met_on=new_date), new_date, cadence, clock,
                              now)
        tasks = tuple(store.tasks(lead.id))
    return ImportResult(lead.id, False, None, None, tasks, True, tuple(changes))


def _redate_unstarted(
    store: Store, lead: Lead, met_on: dt.date, cadence: Cadence, clock: Clock, now: dt.datetime
) -> None:
    """Re-date a plan from a corrected meeting date, unless a step is already done."""
    old = store.tasks(lead.id)
    if any(t.status in ("done", "skipped") for t in old):
        return
    fresh = {t.id: t.due for t in planner.plan(lead, met_on, cadence, clock)}
    store.save_tasks(
        [replace(t, due=fresh[t.id]) for t in old if t.id in fresh and t.status == "open"], now
    )


def add_lead(
    store: Store,
    *,
    name: str,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str | None = None,
    title: str | None = None,
    event: str | None = None,
    met_on: dt.date | None = None,
    region: str | None = None,
    cadence: Cadence,
    clock: Clock,
) -> ImportResult:
    """A lead met without a card, planned like a scanned one.  Adding the same
    person again merges (or, with identical details, changes nothing)."""
    lead = _manual_lead(name, emails, phones, company, title, region)
    lead = replace(
        lead,
        event=_clean(event),
        met_on=met_on or cadence.calendar.today(clock),
        sources=("manual",),
    )
    return _ingest(
        store,
        lead,
        key=f"manual:{lead.id}",
        path="manual",
        status="ok",
        cadence=cadence,
        clock=clock,
    )


def refer(
    store: Store,
    referrer_id: str,
    *,
    name: str,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str | None = None,
    title: str | None = None,
    region: str | None = None,
    cadence: Cadence,
    clock: Clock,
) -> ImportResult:
    """Record that lead `referrer_id` (or a unique prefix) referred `name`:
    a lead linked to the referrer with one task due today."""
    referrer = _require_lead(store, referrer_id)
    lead = _manual_lead(name, emails, phones, company, title, region)
    lead = replace(lead, referred_by=referrer.id, sources=("referral",))
    return _ingest(
        store,
        lead,
        key=f"referral:{referrer.id}:{lead.id}",
        path="referral",
        status="ok",
        cadence=cadence,
        clock=clock,
        referrer=referrer,
    )


def _ingest(
    store: Store,
    incoming: Lead,
    *,
    key: str,
    path: str,
    status: str,
    cadence: Cadence,
    clock: Clock,
    image_sha256: str | None = None,
    card: int = 0,
    referrer: Lead | None = None,
    card_jpeg: bytes | None = None,
) -> ImportResult:
    now = clock()
    with store.transaction():
        seen = store.source(key)
        if seen and seen.lead_id:
            return _skipped(store, seen.lead_id)
        event_id = store.event_id(incoming.event, now) if incoming.event else None
        decision = decide(
            incoming,
            store.leads_by_email(incoming.emails),
            store.leads_by_phone(callable_numbers(incoming)),
            store.name_index(),
        )
        merge_into = decision.merge_into
        if merge_into is None and store.get_lead(incoming.id) is not None:
            merge_into = incoming.id  # same content-derived id: the same entry again
        existing = store.get_lead(merge_into) if merge_into else None
        if existing is not None:
            lead = merge_leads(existing, incoming)
            old = store.tasks(lead.id)
        else:
            dup = decision.possible_duplicate_of
            lead = replace(
                incoming,
                possible_duplicate_of=dup,
                created_at=now,
                review_status="needs_review" if dup else incoming.review_status,
            )
            old = []
        store.save_lead(lead, now, event_id=event_id)
        store.add_history(lead.id, now, "scanned" if image_sha256 else "added", None, None,
                          _reading(incoming, path))
        referred_by = referrer.name if referrer else _referrer_name(store, lead)
        tasks = list(planner.rerender(old, lead, cadence, referred_by=referred_by))
        have = {t.id for t in tasks}
        if referrer is not None and not any(t.step != REFERRAL_KEY for t in tasks):
            fresh: Sequence[Task] = planner.referral_plan(lead, referrer, cadence, clock)
        elif referrer is not None:
            fresh = (planner.referral_task(lead, referrer, cadence, clock),)
        elif not any(t.step != REFERRAL_KEY for t in tasks):
            # No plan yet (new lead, or one only known by referral so far).
            fresh = planner.plan(lead, lead.met_on or cadence.calendar.today(clock), cadence, clock)
        else:
            fresh = ()
        tasks += [t for t in fresh if t.id not in have]
        store.save_tasks(tasks, now)
        if existing is None:
            store.set_stage(lead.id, "new", None, cadence.calendar.today(clock), now)
        if referrer is not None:
            _tell_referrer(store, lead, cadence.on_referral, cadence.calendar.today(clock),
                           cadence, clock, now)
        if event_id is not None:
            store.link_event(lead.id, event_id, incoming.met_on)
        store.save_source(
            key,
            path=path,
            status=status,
            now=now,
            image_sha256=image_sha256,
            card=card,
            lead_id=lead.id,
            event_id=event_id,
            card_jpeg=card_jpeg,
        )
        saved = tuple(store.tasks(lead.id))
    return ImportResult(
        lead_id=lead.id,
        created=existing is None,
        merged_into=existing.id if existing is not None else None,
        possible_duplicate_of=lead.possible_duplicate_of if existing is None else None,
        tasks=saved,
        skipped=False,
        review_reasons=incoming.review_reasons
        + (("possible duplicate",) if existing is None and lead.possible_duplicate_of else ()),
    )


def _reading(lead: Lead, path: str) -> str:
    """The fields as first read (or typed), kept in the history as JSON."""
    import json

    return json.dumps({"source": path, **lead.contact_dict()}, ensure_ascii=False)


def _skipped(store: Store, lead_id: str) -> ImportResult:
    return ImportResult(lead_id, False, None, None, tuple(store.tasks(lead_id)), True)


def _referrer_name(store: Store, lead: Lead) -> str | None:
    if not lead.referred_by:
        return None
    ref = store.get_lead(lead.referred_by)
    return ref.name if ref else None


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


# ------------------------------------------------------------------ manual input


def _manual_lead(
    name: str,
    emails: Sequence[str],
    phones: Sequence[str],
    company: str | None,
    title: str | None,
    region: str | None,
) -> Lead:
    full = _clean(name)
    if not full:
        raise InvalidValueError("a lead needs a name: the name given is empty")
    mails = tuple(dict.fromkeys(normalize_email(e) for e in emails))
    nums = tuple({p.number: p for p in (normalize_phone(x, region) for x in phones)}.values())
    given, family = split_name(full)
    company = _clean(company)
    return Lead(
        id=lead_id_for_manual(full, mails, [p.number for p in nums], company),
        name=full,
        given_name=given,
        family_name=family,
        title=_clean(title),
        company=company,
        emails=mails,
        phones=nums,
    )


def split_name(full: str) -> tuple[str | None, str | None]:
    try:
        from nameparser import HumanName
    except ImportError:  # pragma: no cover - nameparser is a dependency
        parts = full.split()
        return parts[0], (parts[-1] if len(parts) > 1 else None)
    hn = HumanName(full)
    return (hn.first or None), (hn.last or None)


# ------------------------------------------------------------------ queries


def _require_lead(store: Store, lead_id: str) -> Lead:
    lead = store.get_lead(store.resolve_lead_id(lead_id))
    if lead is None:  # pragma: no cover - resolve_lead_id found it
        raise StoreError(f"unknown lead id {lead_id!r}")
    return lead


def get_lead(store: Store, lead_id: str) -> Lead:
    """The lead with this id or unique prefix (>= 6 chars); StoreError otherwise."""
    return _require_lead(store, lead_id)


def get_task(store: Store, task_id: str) -> Task:
    """The task with this id or unique prefix (>= 6 chars); StoreError otherwise."""
    task = store.get_task(store.resolve_task_id(task_id))
    if task is None:  # pragma: no cover
        raise StoreError(f"unknown task id {task_id!r}")
    return task


def list_leads(store: Store) -> list[Lead]:
    """Every lead, oldest first."""
    return store.leads()


def list_tasks(
    store: Store, *, due: DueFilter = "all", cadence: Cadence, clock: Clock
) -> list[Task]:
    """Tasks by due date.  today: pending and due today or earlier; overdue:
    pending and due before today; week: pending and due within the next 7
    days (overdue included); all: every task, whatever its status."""
    if due not in DUE_FILTERS:
        raise InvalidValueError(f"which tasks: {due!r} is not one of {', '.join(DUE_FILTERS)}")
    tasks = store.tasks()
    if due == "all":
        return tasks
    today = cadence.calendar.today(clock)
    limit = {
        "today": today,
        "overdue": today - dt.timedelta(days=1),
        "week": today + dt.timedelta(days=6),
    }[due]
    return [t for t in tasks if t.status in PENDING and t.due <= limit]


def next_action(store: Store, lead_id: str, clock: Clock) -> Task | None:
    """The lead's earliest pending task (an overdue one included), or None.

    `clock` is accepted for symmetry with the other operations; the next
    action does not depend on the date.
    """
    pending = [t for t in store.tasks(lead_id) if t.status in PENDING]
    return min(pending, key=lambda t: (t.due, t.seq), default=None)


# ------------------------------------------------------------------ task changes


def done(
    store: Store,
    task_id: str,
    *,
    on: dt.date | None = None,
    note: str | None = None,
    skipped: bool = False,
    outcome: str | None = None,
    meeting: dt.date | None = None,
    cadence: Cadence,
    clock: Clock,
) -> TaskChange:
    """Mark a task done (or skipped) on `on` (default today), with what happened
    (`outcome`, one the step accepts; `meeting`: the date a `booked` outcome
    agreed).  The steps that follow are re-dated from that real date, and the
    plan and the lead's stage follow the cadence's branch for the outcome."""
    now = clock()
    on = on or cadence.calendar.today(clock)
    note = (note or "").strip() or None
    if skipped and (outcome or meeting):
        raise InvalidValueError("a skipped step has no outcome: give --skip or --outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise InvalidValueError(
            f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}"
        )
    with store.transaction():
        task = get_task(store, task_id)
        before = store.tasks(task.lead_id)
        lead = _require_lead(store, task.lead_id)
        if skipped:
            after = planner.complete(before, task.id, on=on, note=note, cadence=cadence,
                                     clock=clock, status="skipped")
            return _apply(store, before, after, task.id, now)
        rec = planner.record(before, task.id, lead=lead, outcome=outcome, on=on, cadence=cadence,
                             clock=clock, note=note, meeting=meeting)
        change = _apply(store, before, rec.tasks, task.id, now)
        if rec.meeting_on is not None:
            store.set_meeting(lead.id, rec.meeting_on, now)
        _follow_stage(store, lead, task, rec, on, now)
        if rec.branch is not None and rec.branch.referrer:
            _tell_referrer(store, lead, rec.branch.referrer, on, cadence, clock, now)
        lead = _require_lead(store, lead.id)
        refresh_drafts(store, lead, cadence=cadence, now=now)  # promise, meeting date, notes
        fresh = {t.id: t for t in store.tasks(lead.id)}  # texts as re-rendered
        return TaskChange(fresh.get(task.id, change.task),
                          tuple(fresh.get(t.id, t) for t in change.moved))


def _follow_stage(
    store: Store, lead: Lead, task: Task, rec: planner.Recorded, on: dt.date, now: dt.datetime
) -> None:
    """The lead's stage after a step is done: the branch's stage (forward only),
    closed with the branch's reason, and nurturing once nothing is left to do
    (judged on `rec.tasks`, the lead's tasks as just saved)."""
    stage, branch = lead.stage, rec.branch
    if branch is None and task.channel in CONTACT_CHANNELS and stage == "new":
        stage = _move(store, lead.id, stage, "contacted", None, on, now)
    if branch is not None and branch.stage:
        stage = _move(store, lead.id, stage, branch.stage, None, on, now)
    if branch is not None and branch.close:
        stage = _move(store, lead.id, stage, "closed", branch.close, on, now)
    left = any(t.status in PENDING for t in rec.tasks)
    if stage not in ("new", "closed") and not left:
        _move(store, lead.id, stage, "nurturing", None, on, now)


def _move(
    store: Store, lead_id: str, current: str, stage: str, reason: str | None, on: dt.date,
    now: dt.datetime,
) -> str:
    """Move forward to `stage` (closed always applies; a closed lead stays closed)."""
    if current == "closed" or stage == current:
        return current
    if stage != "closed" and STAGES.index(stage) < STAGES.index(current):
        return current
    store.set_stage(lead_id, stage, reason, on, now)
    return stage


def _tell_referrer(
    store: Store, lead: Lead, keys: Sequence[str], on: dt.date, cadence: Cadence, clock: Clock,
    now: dt.datetime,
) -> None:
    """Steps for the person who referred `lead` (none when nobody did)."""
    referrer = store.get_lead(lead.referred_by) if lead.referred_by else None
    if referrer is None or referrer.deleted_at is not None:
        return
    existing = store.tasks(referrer.id)
    fresh = planner.referrer_tasks(referrer, lead, keys, existing, on=on, cadence=cadence,
                                   clock=clock)
    store.save_tasks(fresh, now)


def snooze(
    store: Store, task_id: str, *, until: dt.date, cadence: Cadence, clock: Clock
) -> TaskChange:
    """Move a task to `until` (next business day if that is not one); only
    the steps that depend on it move with it."""
    now = clock()
    with store.transaction():
        task = get_task(store, task_id)
        before = store.tasks(task.lead_id)
        after = planner.snooze(before, task.id, until=until, cadence=cadence, clock=clock)
        return _apply(store, before, after, task.id, now)


def _apply(
    store: Store, before: Sequence[Task], after: Sequence[Task], tid: str, now: dt.datetime
) -> TaskChange:
    old = {t.id: t for t in before}
    changed = [t for t in after if t != old.get(t.id)]
    # New tasks first: a task re-pointed to follow a new one references it.
    store.save_tasks(sorted(changed, key=lambda t: t.id in old), now)
    task = next(t for t in after if t.id == tid)
    moved = tuple(
        sorted(
            (t for t in changed
             if t.id != tid and t.id in old and t.due != old[t.id].due and t.status in PENDING),
            key=lambda t: t.seq,
        )
    )
    return TaskChange(task, moved)


_RELATIVE = re.compile(r"^\+(\d{1,4})([dw])$")


def parse_until(text: str, today: dt.date) -> dt.date:
    """`YYYY-MM-DD`, `+Nd` (N days from today) or `+Nw` (N weeks)."""
    value = text.strip().lower()
    m = _RELATIVE.match(value)
    if m:
        n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        return today + dt.timedelta(days=n)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(
            f"snooze date {text!r} is not a date: give YYYY-MM-DD, +Nd or +Nw"
        ) from None


# ------------------------------------------------------------------ flat rows


def lead_row(lead: Lead, next_task: Task | None) -> dict[str, Any]:
    """One flat row per lead, in the leads CSV's columns (`export.leads_csv.LEAD_COLUMNS`),
    the same columns `cardscan scan` writes."""
    from .export.leads_csv import flatten, lead_to_dict

    return flatten(lead_to_dict(lead, next_task))


def task_row(task: Task, lead: Lead | None, today: dt.date | None = None) -> dict[str, Any]:
    """One flat row per task (CSV / JSON / DataFrame)."""
    return {
        "id": task.id,
        "lead_id": task.lead_id,
        "lead_name": lead.name if lead else None,
        "company": lead.company if lead else None,
        "due": task.due,
        "channel": task.channel,
        "summary": task.summary,
        "status": task.status,
        "overdue": bool(today and task.status in PENDING and task.due < today),
        "subject": task.subject,
        "body": task.body,
        "step": task.step,
        "done_on": task.done_on,
        "note": task.note,
        "outcome": task.outcome,
    }


def next_actions(store: Store) -> dict[str, Task]:
    """Each lead's earliest pending task, for all leads at once."""
    out: dict[str, Task] = {}
    for t in store.tasks():
        if t.status in PENDING:
            cur = out.get(t.lead_id)
            if cur is None or (t.due, t.seq) < (cur.due, cur.seq):
                out[t.lead_id] = t
    return out


def leads_dataframe(store: Store) -> pd.DataFrame:
    """Leads as a pandas DataFrame (columns of `lead_row`)."""
    import pandas as pd

    nxt = next_actions(store)
    return pd.DataFrame([lead_row(lead, nxt.get(lead.id)) for lead in store.leads()])


def tasks_dataframe(
    store: Store, *, due: DueFilter = "all", cadence: Cadence, clock: Clock
) -> pd.DataFrame:
    """Tasks as a pandas DataFrame (columns of `task_row`)."""
    import pandas as pd

    leads = {lead.id: lead for lead in store.leads()}
    today = cadence.calendar.today(clock)
    rows = [
        task_row(t, leads.get(t.lead_id), today)
        for t in list_tasks(store, due=due, cadence=cadence, clock=clock)
    ]
    return pd.DataFrame(rows)


def tasks_for(leads: Iterable[Lead], tasks: Iterable[Task]) -> list[Task]:
    """The tasks that belong to `leads` (e.g. to export a subset)."""
    ids = {lead.id for lead in leads}
    return [t for t in tasks if t.lead_id in ids]
