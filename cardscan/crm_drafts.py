"""Drafts rendered when shown: a task's text from the cadence, the lead as it
is now, the sender profile and the notes, with mailto: and tel: links.  A
draft a person edited (`Store.draft_edit`) keeps their subject and body until
it is reset; everything else (recipient, links) is still worked out when shown.

Used by `cardscan.crm` (a done note re-renders the next steps) and
`cardscan.crm_review` (review, show, the web workspace).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from .followup.cadence import REFERRAL_KEY, Cadence, qualifier
from .followup.planner import PENDING, next_step_id
from .followup.templates import lead_values, promise_in, render
from .leads import Channel, Lead, Note, PhoneNumber, Task
from .profile import Profile, load_profile
from .store import Store


@dataclass(frozen=True)
class Draft:
    """A task ready to act on: who to reach, how, and what to say."""

    task: Task
    lead: Lead
    channel: Channel
    summary: str
    subject: str
    body: str
    recipient: str | None  # e-mail address (email) or E.164 number (call), if known
    recipient_name: str | None
    mailto: str | None  # RFC 6068 URL with to, subject and body
    tel: str | None  # RFC 3966 URL
    edited: bool = False  # subject and body are a person's edit, not the template's




def mailto_url(to: str, subject: str, body: str) -> str:
    """A mailto: URL (RFC 6068): the address, subject and body percent-encoded
    as UTF-8, line breaks as %0D%0A."""
    def enc(text: str) -> str:
        return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    return f"mailto:{quote(to, safe='@')}?subject={enc(subject)}&body={enc(body)}"


def tel_url(phone: PhoneNumber) -> str:
    """A tel: URL (RFC 3966); a number printed without its area code gets its
    country as phone-context; a number phonenumbers does not call valid is never
    dialled as +E.164: it gets the digits printed alone (a local number, no "+")."""
    if phone.valid and not phone.local_only:
        return f"tel:{phone.number}"
    if not phone.local_only:
        digits = re.sub(r"\D", "", phone.dialable)
        return f"tel:{digits or phone.dialable.lstrip('+')}"
    import phonenumbers

    try:
        num = phonenumbers.parse(phone.number, None)
    except phonenumbers.NumberParseException:
        return f"tel:{phone.number}"
    return f"tel:{num.national_number};phone-context=+{num.country_code}"


def _callable(lead: Lead) -> PhoneNumber | None:
    for kind in ("mobile", "work", "other"):
        for p in lead.phones:
            if p.type == kind:
                return p
    return None


def _promise(task: Task, tasks: Sequence[Task], notes: Sequence[Note]) -> str:
    """The latest "promised: ..." among earlier steps' done notes and lead notes."""
    dated: list[tuple[dt.date, int, str]] = [
        (t.done_on or t.due, 0, t.note or "") for t in tasks if t.seq < task.seq and t.note
    ]
    dated += [(n.created_at.date(), 1, n.text) for n in notes]
    return promise_in([text for *_, text in sorted(dated, key=lambda x: (x[0], x[1]))])


def _notes_so_far(tasks: Sequence[Task], notes: Sequence[Note]) -> str:
    """The lead's notes and the notes recorded with done steps, oldest first."""
    dated = [(n.created_at.date(), n.text) for n in notes]
    dated += [(t.done_on, t.note) for t in tasks
              if t.note and t.done_on and t.status in ("done", "skipped")]
    return "\n".join(f"- {day}: {' '.join(text.split())}" for day, text in sorted(dated))


def render_draft(
    store: Store,
    task: Task,
    lead: Lead,
    cadence: Cadence,
    profile: Profile,
    notes: Sequence[Note],
    tasks: Sequence[Task],
) -> Draft:
    step = cadence.step(task.step)
    channel, summary, subject, body = task.channel, task.summary, task.subject, task.body
    if step is not None and task.status in PENDING:
        msg = step.message_for(lead)
        referrer = store.get_lead(lead.referred_by) if lead.referred_by else None
        about = store.get_lead(qualifier(task.step)) if qualifier(task.step) else None
        values = lead_values(
            lead,
            met_on=lead.met_on,
            me=cadence.me,
            fallbacks=cadence.fallbacks,
            referred_by=(referrer.name or referrer.id) if referrer else None,
            profile=profile,
            promised=_promise(task, tasks, notes),
            task_id=task.id,
            next_task_id="" if step.key == REFERRAL_KEY else next_step_id(lead, step, cadence),
            referral_name=(about.name or "") if about else "",
            notes=_notes_so_far(tasks, notes),
        )
        channel = msg.channel
        summary, subject, body = (render(x, values) for x in (msg.summary, msg.subject, msg.body))
    edit = store.draft_edit(task.id)
    if edit is not None:  # a person's words win over the template until reset
        subject, body = edit.subject, edit.body
    recipient = mailto = tel = None
    if channel == "email" and lead.emails:
        recipient = lead.emails[0]
        mailto = mailto_url(recipient, subject, body)
    elif channel in ("call", "meeting"):
        phone = _callable(lead)
        if phone is not None:
            shown = phone.number if phone.valid or phone.local_only else phone.dialable
            recipient, tel = shown, tel_url(phone)
    return Draft(task, lead, channel, summary, subject, body, recipient, lead.name, mailto, tel,
                 edited=edit is not None)


def refresh_drafts(
    store: Store, lead: Lead, *, cadence: Cadence, now: dt.datetime,
    profile: Profile | None = None,
) -> None:
    """Store freshly rendered texts for the lead's pending tasks (exports read
    the stored text).  Runs inside the caller's transaction."""
    profile = profile if profile is not None else load_profile()
    tasks = store.tasks(lead.id)
    notes = store.notes(lead.id)
    changed = []
    for t in tasks:
        if t.status not in PENDING:
            continue
        d = render_draft(store, t, lead, cadence, profile, notes, tasks)
        fresh = replace(t, channel=d.channel, summary=d.summary,
                        subject=d.subject, body=d.body)
        if fresh != t:
            changed.append(fresh)
    store.save_tasks(changed, now)


def render_drafts(
    store: Store, tasks: Sequence[Task], cadence: Cadence, profile: Profile | None = None
) -> list[Draft]:
    """Drafts for many tasks at once (each lead, its tasks and notes read once)."""
    profile = profile if profile is not None else load_profile()
    cache: dict[str, tuple[Lead, list[Task], list[Note]]] = {}
    out = []
    for t in tasks:
        if t.lead_id not in cache:
            lead = store.get_lead(t.lead_id)
            if lead is None:  # pragma: no cover - tasks belong to leads
                continue
            cache[t.lead_id] = (lead, store.tasks(t.lead_id), store.notes(t.lead_id))
        lead, every, notes = cache[t.lead_id]
        out.append(render_draft(store, t, lead, cadence, profile, notes, every))
    return out


def rendered_tasks(
    store: Store, tasks: Sequence[Task], cadence: Cadence, profile: Profile | None = None
) -> list[Task]:
    """`tasks` with each pending one's texts as they would be sent now (exports)."""
    drafts = render_drafts(store, tasks, cadence, profile)
    by_id = {d.task.id: d for d in drafts}
    out = []
    for t in tasks:
        d = by_id.get(t.id)
        if d is not None and (t.status in PENDING or d.edited):
            t = replace(t, channel=d.channel, summary=d.summary,
                        subject=d.subject, body=d.body)
        out.append(t)
    return out
