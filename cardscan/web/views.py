"""What each page shows, assembled from library calls into frozen view models.

Pure glue: grouping and ordering for display only.  Every decision about
leads, tasks, drafts and links is the library's (`cardscan.crm`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .. import crm
from ..followup.cadence import Cadence
from ..followup.calendar import Clock
from ..leads import Lead, Task
from ..store import Store


@dataclass(frozen=True)
class Counts:
    review: int
    today: int


@dataclass(frozen=True)
class TaskView:
    task: Task
    overdue: bool


@dataclass(frozen=True)
class PersonGroup:
    """One person's due tasks on the Today page."""

    lead: Lead
    tasks: tuple[TaskView, ...]


@dataclass(frozen=True)
class LeadDetail:
    lead: Lead
    tasks: tuple[TaskView, ...]
    referrer: Lead | None


@dataclass(frozen=True)
class LeadRow:
    lead: Lead
    next_task: Task | None


def nav_counts(store: Store, cadence: Cadence, clock: Clock) -> Counts:
    due = crm.list_tasks(store, due="today", cadence=cadence, clock=clock)
    return Counts(review=len(review_queue(store)), today=len(due))


def _task_views(tasks: Sequence[Task], today: dt.date) -> tuple[TaskView, ...]:
    return tuple(TaskView(t, t.status in crm.PENDING and t.due < today) for t in tasks)


def today_groups(store: Store, cadence: Cadence, clock: Clock) -> list[PersonGroup]:
    """Due and overdue tasks, one group per person, most overdue person first."""
    today = cadence.calendar.today(clock)
    tasks = crm.list_tasks(store, due="today", cadence=cadence, clock=clock)
    by_lead: dict[str, list[Task]] = {}
    for t in sorted(tasks, key=lambda t: (t.due, t.seq)):
        by_lead.setdefault(t.lead_id, []).append(t)
    return [
        PersonGroup(crm.get_lead(store, lead_id), _task_views(group, today))
        for lead_id, group in by_lead.items()
    ]


def lead_detail(store: Store, lead_id: str, cadence: Cadence, clock: Clock) -> LeadDetail:
    lead = crm.get_lead(store, lead_id)
    today = cadence.calendar.today(clock)
    tasks = sorted(store.tasks(lead.id), key=lambda t: (t.seq, t.due))
    referrer = crm.get_lead(store, lead.referred_by) if lead.referred_by else None
    return LeadDetail(lead, _task_views(tasks, today), referrer)


def lead_rows(store: Store) -> list[LeadRow]:
    nxt = crm.next_actions(store)
    return [LeadRow(lead, nxt.get(lead.id)) for lead in crm.list_leads(store)]


def review_queue(store: Store) -> list[Lead]:
    """Leads that need a look, in stored order."""
    return [
        lead
        for lead in crm.list_leads(store)
        if lead.status == "review" or lead.possible_duplicate_of
    ]


def change_message(verb: str, change: crm.TaskChange) -> str:
    """One sentence for a done/snooze: what changed and what was re-dated."""
    t = change.task
    when = f"on {t.done_on}" if verb == "Done" and t.done_on else f"until {t.due}"
    text = f"{verb}: {t.summary} ({when})."
    if change.moved:
        moved = "; ".join(f"{m.summary} now due {m.due}" for m in change.moved)
        text += f" Re-dated: {moved}."
    return text
