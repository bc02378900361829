"""Follow-up tasks as an iCalendar file or feed (RFC 5545), built with `icalendar`.

Decisions (issue 9):

* Every task is a **timed VEVENT** at ``at`` (the cadence's hour, 09:00 by
  default) on its due date, 15 minutes long, TRANSPARENT so it never blocks
  free/busy, with a DISPLAY alarm 15 minutes **before** the start: Outlook
  ignores an alarm after the start, which is what an all-day event's
  "09:00 on the day" alarm is.  With a time zone name the start carries its
  TZID and the calendar a VTIMEZONE for it (``X-WR-TIMEZONE`` too, which
  Google reads as the feed's zone); without one the start is floating local
  time (RFC 5545 3.3.5 form 1: 09:00 wherever the reader is).
* Google Calendar drops VALARM on import and on subscription and applies the
  calendar's own default notification instead; that is Google's behaviour and
  no file can change it.  The alarm is there for Apple Calendar, Outlook and
  Thunderbird.
* A task that is done, skipped, cancelled, or whose lead was deleted stays in
  the feed with its UID and ``STATUS:CANCELLED``, so a calendar that already
  has the event removes it (a one-off import adds and updates, it never
  deletes; a CANCELLED copy with a higher SEQUENCE is how RFC 5546 publishes a
  removal).  A snoozed task moves: same UID, new date, higher SEQUENCE.
* SEQUENCE is `SEQUENCE_FLOOR` plus the task's ``revision``: a counter the
  store's triggers bump whenever what the calendar shows changes (date,
  status, texts, the lead's name or deletion; see
  `cardscan.store.migrations._V7_TASK_REVISION`), so it only ever grows for a
  task, and two exports of an unchanged store are identical apart from
  DTSTAMP.  The floor is there because earlier cardscan versions wrote the
  minutes since 2020 (about 3.7 million at the end of 2026): a calendar that
  imported such a file keeps ignoring any lower SEQUENCE, so ours start above
  every value that scheme could write before 2038.
* ``todo=True`` adds a VTODO per task for task-list clients (NEEDS-ACTION,
  COMPLETED, CANCELLED).
* UIDs are stable: ``<task.id>@cardscan`` for the event and
  ``<task.id>-todo@cardscan`` for the to-do (one UID must not name two
  components).  Task ids are derived from lead and cadence step.
* The description is the draft to send, then a separator line, then the
  lead's details from the card, so the details never read as the signature.
* Text (names with commas, semicolons, newlines, emoji) is escaped and folded
  by the library; control characters other than newline and tab are dropped
  first because RFC 5545 forbids them in TEXT values.
* REFRESH-INTERVAL and X-PUBLISHED-TTL (RFC 7986) ask subscribed clients to
  poll hourly (Google polls on its own schedule, typically several hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Todo, vText
from icalendar.parser_tools import DEFAULT_ENCODING

from cardscan import __version__
from cardscan.errors import ConfigError
from cardscan.followup.calendar import DEFAULT_AT
from cardscan.leads import Lead, Task

from .common import PENDING, as_utc, atomic_open, clean_text, is_high_priority, task_description
from .common import task_title as _title

PRODID = f"-//cardscan//cardscan {__version__}//EN"
CALENDAR_NAME = "cardscan follow-ups"
TIMED_DURATION = dt.timedelta(minutes=15)
REMINDER_BEFORE = dt.timedelta(minutes=15)
REFRESH = dt.timedelta(hours=1)
SEQUENCE_FLOOR = 10_000_000  # above every SEQUENCE earlier versions wrote (see above)
TODO_STATUS = {"open": "NEEDS-ACTION", "snoozed": "NEEDS-ACTION", "done": "COMPLETED"}


def event_uid(task: Task) -> str:
    return f"{task.id}@cardscan"


def todo_uid(task: Task) -> str:
    return f"{task.id}-todo@cardscan"


def sequence_of(task: Task) -> int:
    return SEQUENCE_FLOOR + max(0, task.revision)


def zone_for(tz: str | None) -> ZoneInfo | None:
    """The IANA zone `tz` names (None for floating time); ConfigError when unknown."""
    if not tz:
        return None
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ConfigError(f"unknown time zone {tz!r} for the calendar export") from exc


def lead_alive(lead: Lead | None) -> bool:
    """The lead exists and is not deleted."""
    return lead is not None and lead.deleted_at is None


def is_live(task: Task, lead: Lead | None) -> bool:
    """Still to do: pending, and its lead exists and is not deleted."""
    return task.status in PENDING and lead_alive(lead)


class _Text(vText):
    """TEXT escaped by RFC 5545 section 3.3.11 alone.  icalendar's own escaping
    first turns the two characters "\\N" of a text into a line break, so a draft
    holding "C:\\New" or "\\N" came back changed; here a backslash is always a
    backslash."""

    def to_ical(self) -> bytes:
        text = (str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
        return text.encode(DEFAULT_ENCODING)  # what vText encodes with, and the file


def _common(
    comp: Event | Todo,
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
) -> None:
    comp.add("dtstamp", stamp)
    comp.add("sequence", sequence_of(task))
    comp.add("summary", _Text(_title(task, lead)))
    comp.add("description", _Text(task_description(task, lead, referrer)))
    comp.add("categories", ["cardscan", task.channel])
    if lead is not None and lead.event:
        comp.add("x-cardscan-event", _Text(clean_text(lead.event)))


def _event(
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
    zone: ZoneInfo | None,
    at: dt.time,
) -> Event:
    ev = Event()
    ev.add("uid", event_uid(task))
    _common(ev, task, lead, referrer, stamp)
    start = dt.datetime.combine(task.due, at.replace(tzinfo=None))
    ev.add("dtstart", start.replace(tzinfo=zone) if zone is not None else start)
    ev.add("duration", TIMED_DURATION)
    ev.add("transp", "TRANSPARENT")
    if is_live(task, lead):
        ev.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _Text(_title(task, lead)))
        alarm.add("trigger", -REMINDER_BEFORE)
        ev.add_component(alarm)
    else:
        ev.add("status", "CANCELLED")
    return ev


def _todo(
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
    today: dt.date,
) -> Todo:
    td = Todo()
    td.add("uid", todo_uid(task))
    _common(td, task, lead, referrer, stamp)
    td.add("due", task.due)
    live = TODO_STATUS.get(task.status, "CANCELLED")
    td.add("status", live if lead_alive(lead) else "CANCELLED")
    td.add("priority", 1 if is_high_priority(task, today) else 5)
    if task.status == "done":
        done_on = task.done_on or task.due
        # COMPLETED must be a UTC date-time; midday keeps the date in every zone.
        td.add("completed", dt.datetime.combine(done_on, dt.time(12), tzinfo=dt.UTC))
        td.add("percent-complete", 100)
    return td


def build_calendar(
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    todo: bool = False,
    tz: str | None = None,
    at: dt.time = DEFAULT_AT,
) -> Calendar:
    """The VCALENDAR for `tasks` (pure: same input, same calendar).

    `leads` should include deleted leads (``Store.leads(deleted=True)``): their
    tasks are published as cancelled.  A task of a lead not given at all is
    cancelled too.
    """
    zone = zone_for(tz)
    by_id = {lead.id: lead for lead in leads}
    stamp = as_utc(now).replace(microsecond=0)
    today = now.date()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("name", CALENDAR_NAME)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    if zone is not None:
        cal.add("x-wr-timezone", str(tz))
    ordered = sorted(tasks, key=lambda t: (t.due, t.lead_id, t.seq, t.id))
    todos = []  # after all the events: calendars list VEVENTs first
    for task in ordered:
        lead = by_id.get(task.lead_id)
        referrer = by_id.get(lead.referred_by) if lead and lead.referred_by else None
        cal.add_component(_event(task, lead, referrer, stamp, zone, at))
        if todo:
            todos.append(_todo(task, lead, referrer, stamp, today))
    for component in todos:
        cal.add_component(component)
    if zone is not None and ordered:
        first = min(t.due for t in ordered) - dt.timedelta(days=366)
        last = max(t.due for t in ordered) + dt.timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def calendar_bytes(
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    todo: bool = False,
    tz: str | None = None,
    at: dt.time = DEFAULT_AT,
) -> bytes:
    """The calendar as RFC 5545 text (UTF-8, CRLF line ends): file or feed."""
    return build_calendar(leads, tasks, now=now, todo=todo, tz=tz, at=at).to_ical()


def write_ics(
    path: Path,
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    todo: bool = False,
    tz: str | None = None,
    at: dt.time = DEFAULT_AT,
) -> Path:
    """Write the calendar to `path` atomically."""
    data = calendar_bytes(leads, tasks, now=now, todo=todo, tz=tz, at=at)
    with atomic_open(Path(path), newline="") as fh:
        fh.write(data.decode("utf-8"))
    return Path(path)
