"""Review and follow-up: see every lead, fix what the scan got wrong, send drafts.

The library behind `cardscan review / show / edit / merge / approve / delete /
restore / note / tag` and the web workspace (`cardscan serve`).  Every write is
one store transaction; the clock is injected; errors are `CardscanError`
subclasses with a sentence for the user (`InvalidValueError` for a bad e-mail,
phone or name; `StoreError` for an unknown or deleted lead).

Reading
    review_queue(store)                -> [ReviewItem]  what needs a look, in order
    lead_detail(store, lead_id, cadence=...)
                                       -> LeadDetail   fields (confidence, origin),
                                          plan with rendered drafts, notes, history,
                                          has_card_image, possible duplicate
    card_image(store, lead_id)         -> JPEG bytes or None (always from the store)
    duplicates(store)                  -> [DuplicatePair]  (keep, other) to merge
    render_task(store, task_id, cadence=...)
                                       -> Draft  recipient, subject, body, mailto:, tel:
    due_drafts(store, due="today", cadence=..., clock=...)
                                       -> [PersonTasks]  due tasks grouped by person
    deleted_leads(store)               -> [Lead]  what `restore_lead` can bring back

Writing
    edit_lead(store, lead_id, cadence=..., clock=..., name=..., emails=[...], ...)
                                       -> Edit  re-validated, history kept, drafts re-rendered
    approve(store, lead_id, clock=...) -> Lead
    merge_leads(store, keep_id, other_id, cadence=..., clock=...) -> Lead
    delete_lead / restore_lead(store, lead_id, clock=...) -> Lead  (soft delete)
    add_note(store, lead_id, text, cadence=..., clock=...) -> Note
    tag_lead(store, lead_id, add=(), remove=(), clock=...) -> Lead
    edit_draft(store, task_id, subject=..., body=..., cadence=..., clock=...)
                                       -> Draft  a person's words kept for that task
    reset_draft(store, task_id, cadence=..., clock=...) -> Draft  back to the template

Drafts are rendered when shown (`render_task`), from the cadence, the lead as
it is now, the sender profile (`cardscan.profile`; pass `profile=` or it is
loaded from the config folder) and the notes ("promised: ..." in a done note
fills {promised}), unless a person edited that task's draft (`edit_draft`):
their subject and body are used until `reset_draft`.  Done and skipped tasks
keep the text stored when they were done.  Ids may be given as unique prefixes (>= 6 characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .crm import PENDING, DueFilter, list_tasks, normalize_email, normalize_phone, split_name
from .crm_drafts import Draft, mailto_url, refresh_drafts, render_draft, tel_url
from .errors import InvalidValueError, StoreError
from .followup import planner
from .followup.cadence import Cadence
from .followup.calendar import Clock
from .leads import (
    FieldInfo,
    HistoryEntry,
    Lead,
    Note,
    PhoneNumber,
    Task,
    phone_region,
    split_lead_address,
)
from .profile import Profile, load_profile
from .store import Store
from .store.ids import task_id
from .store.merge import merge_leads as _merge_fields

# Fields a person may correct, in the order a form shows them.
TEXT_FIELDS: tuple[str, ...] = (
    "name", "given_name", "family_name", "title", "company", "department", "address",
)


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class FieldView:
    """One value of a lead as review shows it."""

    field: str  # name, title, company, department, address, email, phone, website ...
    value: str
    confidence: float | None  # None: typed by a person, or not recorded
    origin: str  # card | qr | derived | user
    uncertain: bool  # confidence below UNCERTAIN_BELOW: highlight it
    primary: bool = False  # the first e-mail: the one drafts and exports use
    kind: str | None = None  # phones: mobile | work | fax | other
    not_valid: bool = False  # phones: phonenumbers does not call it valid (shown as printed)


@dataclass(frozen=True)
class ReviewItem:
    lead: Lead
    reasons: tuple[str, ...]  # in words, duplicates included
    uncertain: tuple[FieldView, ...]
    has_card_image: bool


@dataclass(frozen=True)
class LeadDetail:
    lead: Lead
    fields: tuple[FieldView, ...]
    drafts: tuple[Draft, ...]  # the whole plan, in plan order
    notes: tuple[Note, ...]
    history: tuple[HistoryEntry, ...]
    has_card_image: bool
    possible_duplicate: Lead | None


@dataclass(frozen=True)
class DuplicatePair:
    keep: Lead  # the lead stored first
    other: Lead  # the one flagged as its possible duplicate: `merge_leads(keep, other)`
    reason: str


@dataclass(frozen=True)
class PersonTasks:
    lead: Lead
    drafts: tuple[Draft, ...]


@dataclass(frozen=True)
class Edit:
    lead: Lead
    changed: tuple[str, ...]  # field names that changed, in form order


# ------------------------------------------------------------------ reading


def _lead(store: Store, lead_id: str, *, live: bool = True) -> Lead:
    lead = store.get_lead(store.resolve_lead_id(lead_id))
    if lead is None:  # pragma: no cover - resolve found it
        raise StoreError(f"unknown lead id {lead_id!r}")
    if live and lead.deleted_at is not None:
        if lead.merged_into:
            raise StoreError(f"lead {lead.id[:8]} was merged into lead {lead.merged_into[:8]}")
        raise StoreError(f"lead {lead.id[:8]} is deleted (cardscan restore brings it back)")
    return lead


def field_views(lead: Lead) -> tuple[FieldView, ...]:
    """Every value of the lead with its confidence and origin, in form order."""
    out: list[FieldView] = []

    scanned = any(s not in ("manual", "referral") for s in lead.sources)

    def view(field: str, value: str, **kw: object) -> FieldView:
        info = lead.info(field, value)
        if info is None and field in ("given_name", "family_name"):
            origin = "derived"  # split from the name
        elif info is None:
            origin = "card" if scanned and not lead.field_info else "user"
        else:
            origin = info.origin
        return FieldView(
            field, value, info.confidence if info else None, origin,
            bool(info and info.uncertain), **kw,  # type: ignore[arg-type]
        )

    for key in TEXT_FIELDS:
        value = getattr(lead, key)
        if value:
            out.append(view(key, value))
    out += [view("email", e, primary=i == 0) for i, e in enumerate(lead.emails)]
    out += [view("phone", p.number, kind=p.type) if p.valid or p.local_only
            else view("phone", p.number, kind=p.type, not_valid=True) for p in lead.phones]
    out += [view("website", w) for w in lead.websites]
    return tuple(out)


def _reasons(store: Store, lead: Lead) -> tuple[str, ...]:
    reasons = list(lead.review_reasons)
    if lead.possible_duplicate_of:
        other = store.get_lead(lead.possible_duplicate_of)
        if other is not None and other.deleted_at is None:
            reasons.append(f"possible duplicate of {_who(other)}")
    return tuple(reasons)


def review_queue(store: Store, *, include_new: bool = True) -> list[ReviewItem]:
    """Leads not yet approved: those with a reason to look first (a possible
    duplicate, a weak or missing field), then the rest (`include_new`), each
    group in scan order."""
    items = []
    for lead in store.leads():
        if lead.review_status == "approved":
            continue
        reasons = _reasons(store, lead)
        if not reasons and not include_new:
            continue
        uncertain = tuple(f for f in field_views(lead) if f.uncertain)
        items.append(ReviewItem(lead, reasons, uncertain, store.has_card_image(lead.id)))
    return sorted(items, key=lambda i: (not i.reasons, not i.lead.possible_duplicate_of))


def card_image(store: Store, lead_id: str) -> bytes | None:
    """The JPEG of the lead's card as scanned, or None (typed in, or scanned
    before card images were kept)."""
    return store.card_image(store.resolve_lead_id(lead_id))


def lead_detail(
    store: Store, lead_id: str, *, cadence: Cadence, profile: Profile | None = None
) -> LeadDetail:
    """Everything about one lead (a deleted one too, so it can be restored)."""
    lead = _lead(store, lead_id, live=False)
    profile = profile if profile is not None else load_profile()
    notes = store.notes(lead.id)
    tasks = sorted(store.tasks(lead.id), key=lambda t: (t.seq, t.due))
    dup = store.get_lead(lead.possible_duplicate_of) if lead.possible_duplicate_of else None
    return LeadDetail(
        lead=lead,
        fields=field_views(lead),
        drafts=tuple(render_draft(store, t, lead, cadence, profile, notes, tasks) for t in tasks),
        notes=tuple(notes),
        history=tuple(store.history(lead.id)),
        has_card_image=store.has_card_image(lead.id),
        possible_duplicate=dup if dup is not None and dup.deleted_at is None else None,
    )


def duplicates(store: Store) -> list[DuplicatePair]:
    """Pairs flagged as possibly the same person, to merge (or approve apart)."""
    live = {lead.id: lead for lead in store.leads()}
    out = []
    for lead in live.values():
        keep = live.get(lead.possible_duplicate_of or "")
        if keep is not None and keep.id != lead.id:
            out.append(DuplicatePair(keep, lead, _duplicate_reason(keep, lead)))
    return out


def _duplicate_reason(a: Lead, b: Lead) -> str:
    shared = {e.casefold() for e in a.emails} & {e.casefold() for e in b.emails}
    if shared:
        return f"same e-mail {sorted(shared)[0]}"
    phones = {p.number for p in a.phones} & {p.number for p in b.phones}
    if phones:
        return f"same phone {sorted(phones)[0]}"
    return "similar name and company"


def deleted_leads(store: Store) -> list[Lead]:
    return store.leads(deleted=True)


# ------------------------------------------------------------------ drafts


def render_task(
    store: Store, task_id: str, *, cadence: Cadence, profile: Profile | None = None
) -> Draft:
    """One task's draft as it would be sent now."""
    task = store.get_task(store.resolve_task_id(task_id))
    if task is None:  # pragma: no cover
        raise StoreError(f"unknown task id {task_id!r}")
    lead = _lead(store, task.lead_id, live=False)
    tasks = store.tasks(lead.id)
    profile = profile if profile is not None else load_profile()
    return render_draft(store, task, lead, cadence, profile, store.notes(lead.id), tasks)


def due_drafts(
    store: Store,
    *,
    due: DueFilter = "today",
    cadence: Cadence,
    clock: Clock,
    profile: Profile | None = None,
) -> list[PersonTasks]:
    """Pending tasks due (see `crm.list_tasks`), rendered, grouped by person;
    people ordered by their earliest task."""
    profile = profile if profile is not None else load_profile()
    groups: dict[str, list[Task]] = {}
    for t in list_tasks(store, due=due, cadence=cadence, clock=clock):
        if due != "all" or t.status in PENDING:
            groups.setdefault(t.lead_id, []).append(t)
    out = []
    for lead_id, tasks in groups.items():
        lead = store.get_lead(lead_id)
        if lead is None:
            continue
        every = store.tasks(lead_id)
        notes = store.notes(lead_id)
        drafts = tuple(render_draft(store, t, lead, cadence, profile, notes, every) for t in tasks)
        out.append(PersonTasks(lead, drafts))
    return out


def _pending_task(store: Store, task_id: str) -> Task:
    task = store.get_task(store.resolve_task_id(task_id))
    if task is None:  # pragma: no cover - resolve found it
        raise StoreError(f"unknown task id {task_id!r}")
    if task.status not in PENDING:
        raise InvalidValueError(
            f"task {task.id[:8]} is {task.status}: its draft is what was sent and stays as it is"
        )
    return task


def edit_draft(
    store: Store,
    task_id: str,
    *,
    subject: str,
    body: str,
    cadence: Cadence,
    clock: Clock,
    profile: Profile | None = None,
) -> Draft:
    """Keep a person's subject and body for a pending task: shown, sent and
    exported instead of the template's text (which no longer follows profile,
    notes or corrections for this task) until `reset_draft`.  Line breaks are
    kept (as LF); the subject is one line.  An edit that reads exactly as the
    template is dropped, so the draft follows the template again."""
    subject = " ".join(subject.splitlines()).strip()
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    now = clock()
    with store.transaction():
        task = _pending_task(store, task_id)
        lead = _lead(store, task.lead_id)
        store.drop_draft_edit(task.id)
        template = render_task(store, task.id, cadence=cadence, profile=profile)
        if (subject, body) != (template.subject, template.body):
            store.save_draft_edit(task.id, subject, body, now)
        refresh_drafts(store, lead, cadence=cadence, now=now, profile=profile)
    return render_task(store, task.id, cadence=cadence, profile=profile)


def reset_draft(
    store: Store, task_id: str, *, cadence: Cadence, clock: Clock, profile: Profile | None = None
) -> Draft:
    """Drop a pending task's edited draft: it is rendered from the template again."""
    now = clock()
    with store.transaction():
        task = _pending_task(store, task_id)
        lead = _lead(store, task.lead_id)
        store.drop_draft_edit(task.id)
        refresh_drafts(store, lead, cadence=cadence, now=now, profile=profile)
    return render_task(store, task.id, cadence=cadence, profile=profile)


__all__ = [
    "Draft",
    "DuplicatePair",
    "Edit",
    "FieldView",
    "LeadDetail",
    "PersonTasks",
    "ReviewItem",
    "add_note",
    "approve",
    "card_image",
    "delete_lead",
    "deleted_leads",
    "due_drafts",
    "duplicates",
    "edit_draft",
    "edit_lead",
    "field_views",
    "lead_detail",
    "mailto_url",
    "merge_leads",
    "refresh_drafts",
    "render_task",
    "reset_draft",
    "restore_lead",
    "review_queue",
    "tag_lead",
    "tel_url",
]


# ------------------------------------------------------------------ edit


def _clean(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None


def _region_of(lead: Lead) -> str | None:
    """The country of the lead's first phone: where its other numbers are likely from."""
    return phone_region(lead.phones)


def _website(raw: str) -> str:
    value = raw.strip()
    host = value.split("://", 1)[-1].split("/", 1)[0]
    if not value or " " in value or "." not in host or host.startswith(".") or "@" in host:
        raise InvalidValueError(f"website {raw!r} is not a web address (like example.com)")
    return value


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        items = [p.number if isinstance(p, PhoneNumber) else str(p) for p in value]
        return ", ".join(items) if items else None
    return str(value)


def edit_lead(
    store: Store,
    lead_id: str,
    *,
    cadence: Cadence,
    clock: Clock,
    name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    title: str | None = None,
    company: str | None = None,
    department: str | None = None,
    address: str | None = None,
    emails: Sequence[str] | None = None,
    primary_email: str | None = None,
    phones: Sequence[str] | None = None,
    websites: Sequence[str] | None = None,
    region: str | None = None,
    profile: Profile | None = None,
) -> Edit:
    """Correct a lead.  None leaves a field as it is; "" (or an empty list)
    clears it.  `emails` / `phones` / `websites` replace the whole list;
    `primary_email` puts that address first (adding it when new).  Every
    e-mail is checked with email-validator and every phone with phonenumbers
    (numbers without +CC are read in `region`, else the country of the lead's
    first phone); a bad value raises InvalidValueError and changes nothing.
    A changed name re-splits given and family names unless they are given.
    Each change is kept in the history with the value it replaced; the
    pending drafts are re-rendered."""
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id)
        new: dict[str, object] = {}
        if name is not None:
            full = _clean(name)
            if not full:
                raise InvalidValueError("a lead needs a name: the name given is empty")
            new["name"] = full
            if full != lead.name and given_name is None and family_name is None:
                new["given_name"], new["family_name"] = split_name(full)
        for key, value in (("given_name", given_name), ("family_name", family_name),
                           ("title", title), ("company", company),
                           ("department", department)):
            if value is not None:
                new[key] = _clean(value)
        if address is not None:
            new["address"] = ", ".join(x for x in (_clean(p) for p in address.split("\n")) if x) \
                or None
        mails = list(lead.emails) if emails is None else [normalize_email(e) for e in emails
                                                          if e.strip()]
        if primary_email is not None and primary_email.strip():
            first = normalize_email(primary_email)
            mails = [first] + [m for m in mails if m.casefold() != first.casefold()]
        if emails is not None or primary_email is not None:
            new["emails"] = tuple({m.casefold(): m for m in reversed(mails)}[k] for k in
                                  dict.fromkeys(m.casefold() for m in mails))
        if phones is not None:
            reg = region or _region_of(lead)
            old_types = {p.number: p for p in lead.phones}
            nums: dict[str, PhoneNumber] = {}
            for raw in (x for x in phones if x.strip()):
                typed = normalize_phone(raw, reg)
                nums.setdefault(typed.number, old_types.get(typed.number, typed))
            new["phones"] = tuple(nums.values())
        if websites is not None:
            new["websites"] = tuple(dict.fromkeys(_website(w) for w in websites if w.strip()))
        changed = [k for k, v in new.items() if getattr(lead, k) != v]
        if not changed:
            return Edit(lead, ())
        infos = _user_infos(lead, new, changed)
        updated = replace(lead, field_info=infos, **{k: new[k] for k in changed})  # type: ignore[arg-type]
        updated = replace(updated, review_reasons=_still_true(updated))
        if "address" in changed:  # re-split, anchored on the phones' country or the old split's
            old_country = lead.address_parts.country if lead.address_parts else None
            updated = replace(updated, address_parts=split_lead_address(
                updated.address, phone_region(updated.phones) or old_country or None))
        updated = _flag_duplicate(store, updated)
        store.save_lead(updated, now)
        for key in changed:
            store.add_history(lead.id, now, "edit", key, _shown(getattr(lead, key)),
                              _shown(new[key]))
        refresh_drafts(store, updated, cadence=cadence, now=now, profile=profile)
        return Edit(updated, tuple(changed))


_INFO_KEY = {"emails": "email", "phones": "phone", "websites": "website"}


def _still_true(lead: Lead) -> tuple[str, ...]:
    """The lead's review reasons an edit has not made moot (an uncertain value
    no longer on the lead, a missing name or contact now given)."""
    values = {f.value for f in lead.field_info} | set(lead.emails)
    values |= {p.number for p in lead.phones}
    out = []
    for reason in lead.review_reasons:
        head, _, rest = reason.partition(": ")
        if head.endswith(" uncertain") and rest and rest.rsplit(" (", 1)[0] not in values:
            continue
        if reason == "no name found" and lead.name:
            continue
        if reason == "no email or phone found" and (lead.emails or lead.phones):
            continue
        typed = lead.info("name")
        if reason == "name uncertain" and typed is not None and typed.origin == "user":
            continue
        if head == "phone without area code" and not any(p.local_only for p in lead.phones):
            continue
        if head.startswith("phone not valid") and all(p.valid or p.local_only
                                                      for p in lead.phones):
            continue
        out.append(reason)
    return tuple(out)


def _user_infos(lead: Lead, new: dict[str, object], changed: list[str]) -> tuple[FieldInfo, ...]:
    """Field info after an edit: values a person typed are origin "user"; values
    kept from the card keep their confidence and origin."""
    infos = list(lead.field_info)
    for key in changed:
        field = _INFO_KEY.get(key, key)
        value = new[key]
        values = [p.number if isinstance(p, PhoneNumber) else str(p)
                  for p in (value if isinstance(value, tuple) else (value,)) if p]
        kept = {f.value: f for f in infos if f.field == field and f.value in values}
        infos = [f for f in infos if f.field != field]
        infos += [kept.get(v) or FieldInfo(field, v, None, "user") for v in values]
    return tuple(infos)


def _flag_duplicate(store: Store, lead: Lead) -> Lead:
    """After an edit, another lead sharing an e-mail or phone is a possible duplicate."""
    if lead.possible_duplicate_of:
        return lead
    from .store.merge import callable_numbers

    others = store.leads_by_email(lead.emails) + store.leads_by_phone(callable_numbers(lead))
    other = next((o for o in others if o.id != lead.id), None)
    if other is None:
        return lead
    status = "needs_review" if lead.review_status != "approved" else lead.review_status
    return replace(lead, possible_duplicate_of=other.id, review_status=status)


# ------------------------------------------------------------------ status


def approve(store: Store, lead_id: str, *, clock: Clock) -> Lead:
    """A person checked the lead: it leaves the review queue.  A possible
    duplicate flag is cleared (approving says they are different people)."""
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id)
        if lead.review_status == "approved" and not lead.possible_duplicate_of:
            return lead
        updated = replace(lead, review_status="approved", status="ok", possible_duplicate_of=None)
        store.save_lead(updated, now)
        store.add_history(lead.id, now, "approve", "review_status", lead.review_status,
                          "approved")
        if lead.possible_duplicate_of:
            store.add_history(lead.id, now, "approve", "possible_duplicate_of",
                              lead.possible_duplicate_of, None)
        return updated


def delete_lead(store: Store, lead_id: str, *, clock: Clock) -> Lead:
    """Hide a lead and its tasks everywhere (lists, tasks, exports, matching);
    `restore_lead` brings both back unchanged."""
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id)
        updated = replace(lead, deleted_at=now)
        store.save_lead(updated, now)
        store.add_history(lead.id, now, "delete")
        return updated


def restore_lead(store: Store, lead_id: str, *, clock: Clock) -> Lead:
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id, live=False)
        if lead.deleted_at is None:
            return lead
        if lead.merged_into:
            raise StoreError(
                f"lead {lead.id[:8]} was merged into lead {lead.merged_into[:8]}; "
                "edit that lead instead"
            )
        updated = replace(lead, deleted_at=None)
        store.save_lead(updated, now)
        store.add_history(lead.id, now, "restore")
        return updated


# ------------------------------------------------------------------ merge


def merge_leads(
    store: Store,
    keep_id: str,
    other_id: str,
    *,
    cadence: Cadence,
    clock: Clock,
    profile: Profile | None = None,
) -> Lead:
    """Merge lead `other_id` into `keep_id`: the kept lead's fields win, the
    other's e-mails, phones, websites, tags, sources (card images), notes and
    history move over; the other's pending tasks are cancelled (skipped, with
    a note) and it is kept, hidden, as merged.  The kept lead's plan goes on,
    with the other's progress carried over: a step done (or skipped, or
    snoozed) on the other is done on the kept one too, and what follows it is
    re-dated as `done` would; a step only the other had (a referral) moves."""
    now = clock()
    with store.transaction():
        keep = _lead(store, keep_id)
        other = _lead(store, other_id)
        if keep.id == other.id:
            raise InvalidValueError("a lead cannot be merged with itself")
        merged = _merge_fields(keep, other)
        # What one lacked the other may give ("no name found" on a card's logo side).
        merged = replace(merged, review_reasons=_still_true(merged))
        if merged.possible_duplicate_of == other.id:
            merged = replace(merged, possible_duplicate_of=None)
        if merged.review_status == "needs_review" and not merged.possible_duplicate_of \
                and not merged.review_reasons:
            merged = replace(merged, review_status="new")
        store.save_lead(merged, now)
        store.move_sources(other.id, keep.id)
        store.relink(other.id, keep.id)
        store.save_tasks(
            _carry_progress(store.tasks(keep.id), store.tasks(other.id), keep.id, cadence, clock),
            now,
        )
        cancelled = [
            replace(t, status="skipped", done_on=clock().date(),
                    note=f"cancelled: merged into lead {keep.id[:8]}")
            for t in store.tasks(other.id) if t.status in PENDING
        ]
        store.save_tasks(cancelled, now)
        store.save_lead(
            replace(other, deleted_at=now, merged_into=keep.id, possible_duplicate_of=None), now
        )
        store.add_history(keep.id, now, "merge", None, other.id,
                          json.dumps(other.contact_dict(), ensure_ascii=False))
        store.add_history(other.id, now, "merged-into", None, None, keep.id)
        refresh_drafts(store, merged, cadence=cadence, now=now, profile=profile)
        saved = store.get_lead(keep.id)
        assert saved is not None
        return saved


def _carry_progress(
    keep: Sequence[Task], other: Sequence[Task], keep_id: str, cadence: Cadence, clock: Clock
) -> list[Task]:
    """The kept lead's tasks with the other lead's progress applied (see merge_leads)."""
    ids = {o.id: task_id(keep_id, o.step) for o in other}
    mine = {t.step: t for t in keep}
    tasks = list(keep)
    finished: list[Task] = []
    for o in sorted(other, key=lambda t: t.seq):
        k = mine.get(o.step)
        if k is None:
            if o.status in PENDING:
                dep = ids.get(o.depends_on or "")
                tasks.append(replace(o, id=ids[o.id], lead_id=keep_id, depends_on=dep))
        elif o.status in ("done", "skipped") and k.status in PENDING and o.done_on:
            finished.append(replace(k, status=o.status, done_on=o.done_on, note=o.note or k.note))
        elif o.status == "snoozed" and k.status == "open":
            tasks = [replace(t, status="snoozed", due=o.due) if t.id == k.id else t
                     for t in tasks]
    for f in finished:  # re-date what follows, as `done` does
        tasks = list(planner.complete(tasks, f.id, on=f.done_on or cadence.calendar.today(clock),
                                      cadence=cadence, clock=clock, note=f.note,
                                      status="skipped" if f.status == "skipped" else "done"))
    return tasks


# ------------------------------------------------------------------ notes, tags


def add_note(
    store: Store,
    lead_id: str,
    text: str,
    *,
    cadence: Cadence,
    clock: Clock,
    profile: Profile | None = None,
) -> Note:
    """A note on the lead ("promised: our pricing deck" feeds the next drafts)."""
    body = text.strip()
    if not body:
        raise InvalidValueError("the note is empty")
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id)
        note = store.add_note(lead.id, body, now)
        refresh_drafts(store, lead, cadence=cadence, now=now, profile=profile)
        return note


def _tag(raw: str) -> str:
    tag = " ".join(raw.replace(",", " ").split()) if "," in raw else " ".join(raw.split())
    if not tag:
        raise InvalidValueError("a tag cannot be empty")
    return tag


def tag_lead(
    store: Store,
    lead_id: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    *,
    clock: Clock,
) -> Lead:
    """Add and remove tags (compared without case); the history keeps each change."""
    now = clock()
    with store.transaction():
        lead = _lead(store, lead_id)
        drop = {_tag(t).casefold() for t in remove}
        tags = [t for t in lead.tags if t.casefold() not in drop]
        have = {t.casefold() for t in tags}
        for t in (_tag(x) for x in add):
            if t.casefold() not in have:
                tags.append(t)
                have.add(t.casefold())
        if tuple(tags) == lead.tags:
            return lead
        updated = replace(lead, tags=tuple(tags))
        store.save_lead(updated, now)
        store.add_history(lead.id, now, "tag", "tags", _shown(lead.tags), _shown(updated.tags))
        return updated


def _who(lead: Lead) -> str:
    name = lead.name or (lead.emails[0] if lead.emails else lead.id[:8])
    return f"{name} ({lead.company})" if lead.company else name
