"""The planner: pure functions from (lead, meeting date, cadence, clock) to tasks.

Dating rules
- A step relative to "met" is `offset` business days after the meeting; a
  step relative to "previous" is `offset` business days after the previous
  step's completion (its due date until it is done).
- A task being dated is never put before today (a card scanned weeks after
  the event starts its plan today, with the gaps between steps kept) nor,
  in a fresh plan, before the step before it.
- `complete` re-dates the open tasks that depend on the finished one from the
  real completion date, transitively; `snooze` moves one task and what
  depends on it.  Done, skipped and snoozed tasks keep their dates: a snooze
  is a date the user chose.  Nothing else moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from ..errors import CardscanError
from ..leads import PENDING, Lead, Task, TaskStatus
from ..store.ids import task_id
from .cadence import REFERRAL_KEY, Cadence, Step
from .calendar import Calendar, Clock
from .templates import lead_values, render


def plan(lead: Lead, met_on: dt.date, cadence: Cadence, clock: Clock) -> tuple[Task, ...]:
    """Dated tasks for every cadence step, in cadence order."""
    cal = cadence.calendar
    floor = cal.roll_forward(cal.today(clock))
    tasks: list[Task] = []
    prev: Task | None = None
    for seq, step in enumerate(cadence.steps, start=1):
        chained = step.relative_to == "previous" and prev is not None
        anchor = prev.due if chained and prev is not None else met_on
        due = max(cal.add_business_days(anchor, step.offset), floor)
        if prev is not None:
            due = max(due, prev.due)  # order kept even for "met" steps
        task = _task(
            lead,
            step,
            seq,
            due,
            cadence,
            met_on=met_on,
            depends_on=prev.id if chained and prev is not None else None,
        )
        tasks.append(task)
        prev = task
    return tuple(tasks)


def referral_task(lead: Lead, referrer: Lead, cadence: Cadence, clock: Clock) -> Task:
    """The task for a referral: due today (the next business day if today is not one)."""
    cal = cadence.calendar
    due = cal.roll_forward(cal.today(clock))
    return _task(
        lead,
        cadence.referral,
        0,
        due,
        cadence,
        met_on=lead.met_on,
        depends_on=None,
        referred_by=referrer.name or referrer.id,
    )


def complete(
    tasks: Sequence[Task],
    tid: str,
    *,
    on: dt.date,
    cadence: Cadence,
    clock: Clock,
    note: str | None = None,
    status: TaskStatus = "done",
) -> tuple[Task, ...]:
    """Mark `tid` done (or skipped) on `on`; its dependents are re-dated from `on`."""
    if status not in ("done", "skipped"):
        raise ValueError(status)
    today = cadence.calendar.today(clock)
    if on > today:
        raise CardscanError(f"task {tid[:8]}: completion date {on} is in the future")
    by_id = _index(tasks, tid)
    task = by_id[tid]
    by_id[tid] = replace(task, status=status, done_on=on, note=note if note else task.note)
    return _cascade(tasks, by_id, tid, cadence.calendar, today)


def snooze(
    tasks: Sequence[Task], tid: str, *, until: dt.date, cadence: Cadence, clock: Clock
) -> tuple[Task, ...]:
    """Move `tid` to `until` (rolled to a business day) and re-date what depends on it."""
    cal = cadence.calendar
    today = cal.today(clock)
    by_id = _index(tasks, tid)
    task = by_id[tid]
    if task.status not in PENDING:
        raise CardscanError(f"task {tid[:8]} is {task.status}; only open tasks can be snoozed")
    if until < today:
        raise CardscanError(f"task {tid[:8]}: cannot snooze to {until}, which is before today")
    by_id[tid] = replace(task, status="snoozed", due=cal.roll_forward(until))
    return _cascade(tasks, by_id, tid, cal, today)


def rerender(
    tasks: Sequence[Task], lead: Lead, cadence: Cadence, *, referred_by: str | None = None
) -> tuple[Task, ...]:
    """Pending tasks re-rendered for an updated lead (e.g. a phone found on the
    back of the card turns a fallback email back into a call).  Dates,
    statuses and ids are untouched; steps the cadence no longer has are kept."""
    out: list[Task] = []
    for t in tasks:
        step = cadence.step(t.step)
        if t.status not in PENDING or step is None:
            out.append(t)
            continue
        fresh = _task(
            lead,
            step,
            t.seq,
            t.due,
            cadence,
            met_on=lead.met_on,
            depends_on=t.depends_on,
            referred_by=referred_by,
        )
        out.append(
            replace(
                t,
                channel=fresh.channel,
                summary=fresh.summary,
                subject=fresh.subject,
                body=fresh.body,
            )
        )
    return tuple(out)


def _task(
    lead: Lead,
    step: Step,
    seq: int,
    due: dt.date,
    cadence: Cadence,
    *,
    met_on: dt.date | None,
    depends_on: str | None,
    referred_by: str | None = None,
) -> Task:
    msg = step.message_for(lead)
    tid = task_id(lead.id, step.key)
    values = lead_values(
        lead,
        met_on=met_on,
        me=cadence.me,
        fallbacks=cadence.fallbacks,
        referred_by=referred_by,
        task_id=tid,
        next_task_id=next_step_id(lead, step, cadence),
    )
    return Task(
        id=tid,
        lead_id=lead.id,
        step=step.key,
        seq=seq,
        due=due,
        channel=msg.channel,
        summary=render(msg.summary, values),
        subject=render(msg.subject, values),
        body=render(msg.body, values),
        depends_on=depends_on,
        offset=0 if step.key == REFERRAL_KEY else step.offset,
    )


def next_step_id(lead: Lead, step: Step, cadence: Cadence) -> str:
    """The id of the cadence step after `step` ("" for the last one or a referral)."""
    keys = [s.key for s in cadence.steps]
    if step.key not in keys or keys.index(step.key) + 1 >= len(keys):
        return ""
    return task_id(lead.id, keys[keys.index(step.key) + 1])


def _index(tasks: Sequence[Task], tid: str) -> dict[str, Task]:
    by_id = {t.id: t for t in tasks}
    if tid not in by_id:
        raise KeyError(tid)
    return by_id


def _cascade(
    tasks: Sequence[Task], by_id: dict[str, Task], start: str, cal: Calendar, today: dt.date
) -> tuple[Task, ...]:
    children: dict[str, list[str]] = {}
    for t in tasks:
        if t.depends_on:
            children.setdefault(t.depends_on, []).append(t.id)
    floor = cal.roll_forward(today)
    queue = [start]
    seen = {start}
    while queue:
        parent = by_id[queue.pop(0)]
        done = parent.status in ("done", "skipped") and parent.done_on is not None
        anchor = parent.done_on if done and parent.done_on else parent.due
        for cid in children.get(parent.id, ()):
            child = by_id[cid]
            if child.status != "open" or cid in seen:
                continue  # a fixed date stops the chain: nothing after it moves
            seen.add(cid)
            by_id[cid] = replace(child, due=max(cal.add_business_days(anchor, child.offset), floor))
            queue.append(cid)
    return tuple(by_id[t.id] for t in tasks)
