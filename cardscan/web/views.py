"""What each page shows, assembled from library calls into frozen view models.

Pure glue: ordering and form layout for display only.  Every decision about
leads, tasks, drafts, links and validation is the library's (`cardscan.crm`,
`cardscan.crm_review`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .. import crm, crm_review
from ..crm_review import Draft, FieldView, ReviewItem
from ..followup.cadence import Cadence
from ..followup.calendar import Clock
from ..leads import Lead, Task
from ..store import Store

# Form layout of the editable fields: (form name, label).  The address is one
# line, as the store keeps it ("27 Chandler Row, London EC1V 9QX"), so Enter saves.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("title", "Title"),
    ("company", "Company"),
    ("department", "Department"),
    ("address", "Address"),
)
LIST_FIELDS: tuple[tuple[str, str], ...] = (
    ("email", "Email"),
    ("phone", "Phone"),
    ("website", "Website"),
)


@dataclass(frozen=True)
class Counts:
    review: int
    today: int


@dataclass(frozen=True)
class FormField:
    """One input of the edit form."""

    name: str  # form field name
    label: str
    value: str
    confidence: float | None  # None: typed by a person, or not recorded
    origin: str | None
    uncertain: bool
    note: str = ""  # e.g. "primary", "mobile"
    changed: bool = False  # a refused edit: the value typed differs from the stored one
    missing: bool = False  # a field every lead needs (the name) left empty by the scan

    @property
    def wanted(self) -> bool:
        """Highlighted: a reading to check or a name to type."""
        return self.uncertain or self.missing

    @property
    def percent(self) -> str:
        return "" if self.confidence is None else f"{round(self.confidence * 100)}%"


@dataclass(frozen=True)
class DraftView:
    draft: Draft
    overdue: bool
    outcomes: tuple[str, ...] = ()  # what the step accepts (`cardscan done --outcome`)
    books: tuple[str, ...] = ()  # those of them that need the meeting date

    @property
    def task(self) -> Task:
        return self.draft.task


@dataclass(frozen=True)
class PersonGroup:
    """One person's due tasks on the Today page."""

    lead: Lead
    drafts: tuple[DraftView, ...]


@dataclass(frozen=True)
class ReviewPage:
    """One lead on the Review page, with its place in the queue."""

    detail: crm_review.LeadDetail
    reasons: tuple[str, ...]
    fields: tuple[FormField, ...]
    position: int | None  # 1-based place in the queue; None: not in it
    total: int
    prev_id: str | None
    next_id: str | None
    duplicate_fields: tuple[FieldView, ...]

    @property
    def edit_index(self) -> int:
        """The input the `e` key goes to: after a refused edit the first value
        typed; else the least certain reading; else the first input."""
        typed = [i for i, f in enumerate(self.fields) if f.changed]
        if typed:
            return typed[0]
        doubtful = [(f.confidence or 0.0, i) for i, f in enumerate(self.fields) if f.wanted]
        return min(doubtful)[1] if doubtful else 0

    @property
    def autofocus_index(self) -> int | None:
        """The input the page opens in, its text selected so typing replaces it:
        the `e` input when something typed was refused, a reading is uncertain or
        the name is missing; None (no focus, so `a` approves) otherwise."""
        if any(f.changed or f.wanted for f in self.fields):
            return self.edit_index
        return None


@dataclass(frozen=True)
class LeadRow:
    lead: Lead
    next_task: Task | None


def nav_counts(store: Store, cadence: Cadence, clock: Clock) -> Counts:
    due = crm.list_tasks(store, due="today", cadence=cadence, clock=clock)
    return Counts(review=len(crm_review.review_queue(store)), today=len(due))


def _overdue(task: Task, today: dt.date) -> bool:
    return task.status in crm.PENDING and task.due < today


def today_groups(store: Store, cadence: Cadence, clock: Clock) -> list[PersonGroup]:
    """Due and overdue tasks with their rendered drafts, one group per person."""
    today = cadence.calendar.today(clock)
    return [
        PersonGroup(p.lead, tuple(draft_view(d, today, cadence) for d in p.drafts))
        for p in crm_review.due_drafts(store, due="today", cadence=cadence, clock=clock)
    ]


def draft_view(draft: Draft, today: dt.date, cadence: Cadence) -> DraftView:
    step = draft.task.step
    outcomes = cadence.outcomes(step)
    books = tuple(o for o in outcomes if (b := cadence.branch(step, o)) and b.meeting)
    return DraftView(draft, _overdue(draft.task, today), outcomes, books)


def outcome_message(change: crm.TaskChange, lead: Lead) -> str:
    """One sentence for an outcome: the step, what happened, and where the lead stands."""
    t = change.task
    text = f"{t.summary}: {(t.outcome or 'done').replace('-', ' ')} (on {t.done_on})."
    if change.moved:
        moved = "; ".join(f"{m.summary} now due {m.due}" for m in change.moved)
        text += f" Re-dated: {moved}."
    why = f" ({lead.stage_reason})" if lead.stage == "closed" and lead.stage_reason else ""
    return f"{text} Stage: {lead.stage}{why}."


def lead_drafts(detail: crm_review.LeadDetail, today: dt.date) -> tuple[DraftView, ...]:
    return tuple(DraftView(d, _overdue(d.task, today)) for d in detail.drafts)


def lead_rows(store: Store) -> list[LeadRow]:
    nxt = crm.next_actions(store)
    return [LeadRow(lead, nxt.get(lead.id)) for lead in crm.list_leads(store)]


def form_fields(
    detail: crm_review.LeadDetail, submitted: Mapping[str, Sequence[str]] | None = None
) -> tuple[FormField, ...]:
    """The edit form: every text field, every e-mail / phone / website plus one
    empty input to add another; `submitted` (after a refused edit) wins over
    the stored values so nothing typed is lost."""
    views: dict[str, list[FieldView]] = {}
    for f in detail.fields:
        views.setdefault(f.field, []).append(f)
    out: list[FormField] = []
    for name, label in TEXT_FIELDS:
        fv = views.get(name, [None])[0]
        stored = getattr(detail.lead, name) or ""
        value = submitted[name][0] if submitted and submitted.get(name) else stored
        if submitted is not None and name in submitted and not submitted[name][0]:
            value = ""
        typed = submitted is not None and " ".join(value.split()) != " ".join(stored.split())
        field = _form_field(name, label, value, fv, typed)
        out.append(replace(field, missing=True) if name == "name" and not value else field)
    for name, label in LIST_FIELDS:
        stored_views = views.get(name, [])
        if submitted is not None:
            values = [v for v in submitted.get(name, ()) if v.strip()]
            by_value = {fv.value: fv for fv in stored_views}
            pairs = [(v, by_value.get(v)) for v in values]
        else:
            pairs = [(fv.value, fv) for fv in stored_views]
        stored_values = {fv.value for fv in stored_views}
        for value, fv in [*pairs, ("", None)]:
            typed = submitted is not None and bool(value) and value not in stored_values
            out.append(_form_field(name, label, value, fv, typed))
    return tuple(out)


def _form_field(
    name: str, label: str, value: str, fv: FieldView | None, changed: bool
) -> FormField:
    if fv is not None and fv.value != value:
        fv = None  # a value typed over the reading: the reading's confidence is gone
    note = ""
    if fv is not None and fv.primary:
        note = "primary"
    elif fv is not None and fv.kind:
        note = fv.kind
    return FormField(
        name=name,
        label=label,
        value=value,
        confidence=fv.confidence if fv else None,
        origin=fv.origin if fv else None,
        uncertain=bool(fv and fv.uncertain),
        note=note,
        changed=changed,
    )


def review_page(
    store: Store,
    lead_id: str,
    cadence: Cadence,
    submitted: Mapping[str, Sequence[str]] | None = None,
) -> ReviewPage:
    detail = crm_review.lead_detail(store, lead_id, cadence=cadence)
    queue = crm_review.review_queue(store)
    ids = [item.lead.id for item in queue]
    item: ReviewItem | None = next((i for i in queue if i.lead.id == detail.lead.id), None)
    pos = ids.index(detail.lead.id) if item is not None else None
    dup = detail.possible_duplicate
    return ReviewPage(
        detail=detail,
        reasons=item.reasons if item is not None else tuple(detail.lead.review_reasons),
        fields=form_fields(detail, submitted),
        position=None if pos is None else pos + 1,
        total=len(ids),
        prev_id=ids[pos - 1] if pos is not None and pos > 0 else None,
        next_id=_after(ids, pos),
        duplicate_fields=crm_review.field_views(dup) if dup is not None else (),
    )


def _after(ids: Sequence[str], pos: int | None) -> str | None:
    if pos is None:
        return ids[0] if ids else None
    return ids[pos + 1] if pos + 1 < len(ids) else None


def next_in_queue(store: Store, lead_id: str) -> str | None:
    """The lead after `lead_id` in the review queue (before it changes)."""
    ids = [item.lead.id for item in crm_review.review_queue(store)]
    if lead_id not in ids:
        return ids[0] if ids else None
    pos = ids.index(lead_id)
    rest = ids[pos + 1 :] + ids[:pos]
    return rest[0] if rest else None


def edit_arguments(lead: Lead, form: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """The `crm_review.edit_lead` keyword arguments for what the form changed.
    A list is passed only when it differs from the stored one, so numbers the
    form did not touch are not re-validated (a number printed without its
    area code stays as it was read)."""
    args: dict[str, object] = {}
    for name, _label in TEXT_FIELDS:
        if name in form:
            value = (form[name] or [""])[0]
            if " ".join(value.split()) != " ".join((getattr(lead, name) or "").split()):
                args[name] = value
    current = {
        "email": list(lead.emails),
        "phone": [p.number for p in lead.phones],
        "website": list(lead.websites),
    }
    keyword = {"email": "emails", "phone": "phones", "website": "websites"}
    for name, _label in LIST_FIELDS:
        if name in form:
            values = [v.strip() for v in form[name] if v.strip()]
            if values != current[name]:
                args[keyword[name]] = values
    return args


def change_message(verb: str, change: crm.TaskChange) -> str:
    """One sentence for a done/snooze: what changed and what was re-dated."""
    t = change.task
    when = f"on {t.done_on}" if verb == "Done" and t.done_on else f"until {t.due}"
    text = f"{verb}: {t.summary} ({when})."
    if change.moved:
        moved = "; ".join(f"{m.summary} now due {m.due}" for m in change.moved)
        text += f" Re-dated: {moved}."
    return text
