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
from dataclasses import dataclass, replace

from ..errors import CardscanError
from ..leads import PENDING, Lead, Task, TaskStatus
from ..store.ids import task_id
from .cadence import CANCEL_REST, DONE_KEY, QUALIFIER_SEP, REFERRAL_KEY, Branch, Cadence, Step
from .cadence import base_key as _base
from .calendar import Calendar, Clock
from .templates import lead_values, render


def plan(lead: Lead, met_on: dt.date, cadence: Cadence, clock: Clock) -> tuple[Task, ...]:
    """Dated tasks for every cadence step, in cadence order."""
    return _chain(lead, cadence.steps, met_on, cadence, clock, None, 1)


def referral_plan(lead: Lead, referrer: Lead, cadence: Cadence, clock: Clock) -> tuple[Task, ...]:
    """A referred person's plan: the referral contact today (naming the referrer)
    in place of the first step, then the cadence's other steps after it."""
    first = referral_task(lead, referrer, cadence, clock)
    rest = _chain(lead, cadence.steps[1:], lead.met_on or first.due, cadence, clock, first, 2)
    return (first, *rest)


def _chain(
    lead: Lead,
    steps: Sequence[Step],
    met_on: dt.date,
    cadence: Cadence,
    clock: Clock,
    prev: Task | None,
    start: int,
) -> tuple[Task, ...]:
    cal = cadence.calendar
    floor = cal.roll_forward(cal.today(clock))
    tasks: list[Task] = []
    for seq, step in enumerate(steps, start=start):
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
    key: str | None = None,
    referral_name: str = "",
) -> Task:
    msg = step.message_for(lead)
    key = key or step.key
    tid = task_id(lead.id, key)
    values = lead_values(
        lead,
        met_on=met_on,
        me=cadence.me,
        fallbacks=cadence.fallbacks,
        referred_by=referred_by,
        task_id=tid,
        next_task_id=next_step_id(lead, step, cadence),
        referral_name=referral_name,
    )
    return Task(
        id=tid,
        lead_id=lead.id,
        step=key,
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


@dataclass(frozen=True)
class Recorded:
    """What recording an outcome did: the lead's tasks after it, and what the
    caller applies to the lead (stage, closing, meeting date, referrer's steps)."""

    tasks: tuple[Task, ...]
    branch: Branch | None
    meeting_on: dt.date | None = None


def record(
    tasks: Sequence[Task],
    tid: str,
    *,
    lead: Lead,
    outcome: str | None,
    on: dt.date,
    cadence: Cadence,
    clock: Clock,
    note: str | None = None,
    meeting: dt.date | None = None,
) -> Recorded:
    """Mark `tid` done on `on` with what happened, and let the plan follow the
    cadence's branch for that outcome (see default_cadence.toml).  A plain done
    (`outcome` None) follows the step's "done" rule when it has one."""
    by_id = _index(tasks, tid)
    task = by_id[tid]
    short = tid[:8]
    branch = cadence.branch(task.step, outcome or DONE_KEY)
    if outcome is not None:
        if branch is None:
            takes = ", ".join(cadence.outcomes(task.step)) or "no outcome, only a plain done"
            raise CardscanError(
                f"task {short} ({_base(task.step)}): outcome {outcome!r} does not fit this step"
                f" (it takes: {takes})"
            )
        if task.status not in PENDING:
            raise CardscanError(f"task {short} is {task.status}; an outcome goes on an open task")
    if meeting is not None and (branch is None or branch.meeting is None):
        raise CardscanError(f"task {short}: --meeting goes with an outcome that books a meeting")
    today = cadence.calendar.today(clock)
    if branch is not None and branch.meeting is not None:
        if meeting is None:
            raise CardscanError(
                f"task {short}: outcome {outcome!r} needs the meeting date (--meeting DATE)"
            )
        if meeting < today:
            raise CardscanError(f"task {short}: the meeting date {meeting} is before today")
    before = {t.id: t for t in tasks}
    out = list(complete(tasks, tid, on=on, cadence=cadence, clock=clock, note=note))
    out = [
        replace(t, outcome=outcome) if t.id == tid
        # A step dated before this one (research before a coffee) has no use once it is done.
        else replace(t, status="cancelled", due=before[t.id].due,
                     note=f"not needed after {_base(task.step)}")
        if t.depends_on == tid and t.offset < 0 and t.status in PENDING
        else t
        for t in out
    ]
    if branch is None:
        return Recorded(tuple(out), None)
    step = _Plan(out, lead, cadence, today)
    step.insert(tid, branch.insert, on)
    meeting_task = step.book(branch.meeting, meeting) if branch.meeting and meeting else None
    step.add(tid, branch.add, on, meeting_task)
    step.cancel(tid, branch.cancel, branch.close or f"{outcome or 'done'}: {_base(task.step)}")
    return Recorded(tuple(step.tasks), branch, meeting)


def referrer_tasks(
    referrer: Lead,
    about: Lead,
    keys: Sequence[str],
    existing: Sequence[Task],
    *,
    on: dt.date,
    cadence: Cadence,
    clock: Clock,
) -> tuple[Task, ...]:
    """Extra steps for the person who referred `about` (a thank-you for the
    introduction, news of the meeting), one per referred person, never twice."""
    have = {t.id for t in existing}
    floor = cadence.calendar.roll_forward(cadence.calendar.today(clock))
    seq = max((t.seq for t in existing), default=0)
    out = []
    for key in keys:
        step = cadence.step(key)
        if step is None:  # pragma: no cover - checked when the cadence loads
            continue
        qualified = f"{key}{QUALIFIER_SEP}{about.id}"
        due = max(cadence.calendar.add_business_days(on, step.offset), floor)
        seq += 1
        t = _task(referrer, step, seq, due, cadence, met_on=referrer.met_on, depends_on=None,
                  key=qualified, referral_name=about.name or "")
        if t.id not in have:
            out.append(t)
    return tuple(out)


class _Plan:
    """One lead's tasks while a branch is applied (a scratch list, then returned)."""

    def __init__(self, tasks: list[Task], lead: Lead, cadence: Cadence, today: dt.date) -> None:
        self.tasks = tasks
        self.lead = lead
        self.cadence = cadence
        self.cal = cadence.calendar
        self.floor = self.cal.roll_forward(today)
        self.today = today

    def _by_step(self, key: str) -> Task | None:
        found = [t for t in self.tasks if t.step == key]
        return found[0] if found else None

    def _put(self, task: Task) -> None:
        for i, t in enumerate(self.tasks):
            if t.id == task.id:
                self.tasks[i] = task
                return
        self.tasks.append(task)

    def _new(self, key: str, due: dt.date, depends_on: str | None, offset: int) -> Task:
        """A task for extra step `key`: a cancelled one of that step comes back;
        one already done is kept and the new one gets a numbered key."""
        step = self.cadence.step(key)
        assert step is not None  # checked when the cadence loads
        old = self._by_step(key)
        stored = key
        if old is not None and old.status not in (*PENDING, "cancelled"):
            n = 2
            while self._by_step(f"{key}{QUALIFIER_SEP}{n}") is not None:
                n += 1
            stored = f"{key}{QUALIFIER_SEP}{n}"
        seq = max((t.seq for t in self.tasks), default=0) + 1
        fresh = _task(self.lead, step, seq, due, self.cadence, met_on=self.lead.met_on,
                      depends_on=depends_on, key=stored)
        if old is not None and stored == key:
            fresh = replace(fresh, seq=old.seq, note=None)
        fresh = replace(fresh, offset=offset)
        self._put(fresh)
        return fresh

    def _after(self, anchor: dt.date, n: int) -> dt.date:
        return max(self.cal.add_business_days(anchor, n), self.floor)

    def insert(self, tid: str, keys: Sequence[str], on: dt.date) -> None:
        """Chain extra steps after `tid`; what followed `tid` now follows the last one."""
        if not keys:
            return
        followers = [t.id for t in self.tasks if t.depends_on == tid]
        prev = tid
        anchor = on
        for key in keys:
            step = self.cadence.step(key)
            assert step is not None
            anchor = self._after(anchor, step.offset)
            prev = self._new(key, anchor, prev, step.offset).id
        for i, t in enumerate(self.tasks):
            if t.id in followers:
                self.tasks[i] = replace(t, depends_on=prev)
        by_id = {t.id: t for t in self.tasks}
        self.tasks = list(_cascade(self.tasks, by_id, prev, self.cal, self.today))

    def book(self, key: str, day: dt.date) -> Task | None:
        """Date the meeting step on `day` (the date agreed, kept as given); a
        cancelled meeting and the steps cancelled with it come back."""
        meeting = self._by_step(key)
        if meeting is None:
            return None
        back = {meeting.id} | self._descendants(meeting.id)
        for i, t in enumerate(self.tasks):
            if t.id in back and t.status == "cancelled":
                self.tasks[i] = replace(t, status="open", done_on=None, outcome=None, note=None)
        meeting = replace(self._by_step(key) or meeting, due=day)
        self._put(meeting)
        by_id = {t.id: t for t in self.tasks}
        self.tasks = list(_cascade(self.tasks, by_id, meeting.id, self.cal, self.today))
        return meeting

    def _descendants(self, tid: str) -> set[str]:
        out: set[str] = set()
        frontier = [tid]
        while frontier:
            cur = frontier.pop()
            for t in self.tasks:
                if t.depends_on == cur and t.id not in out:
                    out.add(t.id)
                    frontier.append(t.id)
        return out

    def add(self, tid: str, keys: Sequence[str], on: dt.date, meeting: Task | None) -> None:
        for key in keys:
            step = self.cadence.step(key)
            assert step is not None
            if step.relative_to == "before-meeting":
                if meeting is None:
                    continue
                due = max(_before(self.cal, meeting.due, step.offset), self.floor)
                self._new(key, due, meeting.id, -step.offset)
            else:
                self._new(key, self._after(on, step.offset), tid, step.offset)

    def cancel(self, tid: str, keys: Sequence[str], reason: str) -> None:
        """Cancel steps (kept, with the reason): the named ones, or every pending one."""
        if not keys:
            return
        rest = CANCEL_REST in keys
        for i, t in enumerate(self.tasks):
            named = _base(t.step) in keys
            own = t.id == tid and named  # the step itself did not happen (a cancelled coffee)
            if own or (t.status in PENDING and (rest or named)):
                self.tasks[i] = replace(t, status="cancelled", note=reason,
                                        done_on=t.done_on if own else None)


def _before(cal: Calendar, day: dt.date, n: int) -> dt.date:
    """The n-th business day before `day` (n == 0: `day` itself)."""
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not cal.is_business_day(day):
            day -= dt.timedelta(days=1)
    return day


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
            due = (
                _before(cal, anchor, -child.offset)
                if child.offset < 0
                else cal.add_business_days(anchor, child.offset)
            )
            by_id[cid] = replace(child, due=max(due, floor))
            queue.append(cid)
    return tuple(by_id[t.id] for t in tasks)
