"""Follow-up tasks as an iCalendar file (RFC 5545), built with `icalendar`.

Decisions:

* Every open or snoozed task is a VEVENT, because Google Calendar ignores
  VTODO.  By default it is an **all-day event** on the due date (the planner
  dates tasks, it does not time them) marked TRANSPARENT so it never blocks
  free/busy, with a DISPLAY alarm at 09:00 on the morning of the day
  (``TRIGGER:PT9H`` relative to the all-day start, the form Apple Calendar
  itself writes for "on the day of the event").  With ``tz="Europe/Madrid"``
  the event is instead timed at ``at`` (09:00) in that zone for 15 minutes,
  with a VTIMEZONE, and the alarm fires 15 minutes before.
* ``todo=True`` adds a VTODO per task for task-list clients, including done
  (COMPLETED) and skipped (CANCELLED) ones so a re-import ticks them off.
* UIDs are stable: ``<task.id>@cardscan`` for the event and
  ``<task.id>-todo@cardscan`` for the to-do (one UID must not name two
  components).  Task ids are derived from lead and cadence step, so a
  re-import updates the same events instead of duplicating them.
* SEQUENCE must grow for a client to accept an update.  Tasks carry no revision
  counter, so it is the number of minutes from 2020-01-01 UTC to ``now``: every
  later export wins over an earlier one, and it fits a 32-bit integer until
  the year 6000.  DTSTAMP is ``now`` (a naive ``now`` is taken as UTC).
* Text (names with commas, semicolons, newlines, emoji) is escaped and folded
  by the library; control characters other than newline and tab are dropped
  first because RFC 5545 forbids them in TEXT values.
* Done and skipped tasks produce no VEVENT: a one-off import cannot delete an
  event, and a cancelled event would only add clutter.  A task the plan
  cancelled (a declined coffee, issue 13) is the exception: its VEVENT goes out
  once more with STATUS:CANCELLED, the same UID and a later SEQUENCE, so a
  calendar that imported it drops it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Todo

from cardscan import __version__
from cardscan.errors import ConfigError
from cardscan.leads import Lead, Task

from .common import PENDING, as_utc, atomic_open, clean_text, is_high_priority, task_description
from .common import task_title as _title

PRODID = f"-//cardscan//cardscan {__version__}//EN"
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
TIMED_DURATION = dt.timedelta(minutes=15)
TIMED_REMINDER = dt.timedelta(minutes=-15)
TODO_STATUS = {"open": "NEEDS-ACTION", "snoozed": "NEEDS-ACTION", "done": "COMPLETED"}
CANCELLED = "cancelled"  # the task status whose event is sent as STATUS:CANCELLED


def event_uid(task: Task) -> str:
    return f"{task.id}@cardscan"


def todo_uid(task: Task) -> str:
    return f"{task.id}-todo@cardscan"


def sequence_for(now: dt.datetime) -> int:
    return max(0, int((as_utc(now) - SEQUENCE_EPOCH).total_seconds() // 60))


def _zone(tz: str | None) -> ZoneInfo | None:
    if not tz:
        return None
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ConfigError(f"unknown time zone {tz!r} for the calendar export") from exc


def _common(
    comp: Event | Todo,
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
    seq: int,
) -> None:
    comp.add("dtstamp", stamp)
    comp.add("sequence", seq)
    comp.add("summary", _title(task, lead))
    comp.add("description", task_description(task, lead, referrer))
    comp.add("categories", ["cardscan", task.channel])
    if lead is not None and lead.event:
        comp.add("x-cardscan-event", clean_text(lead.event))


def _event(
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
    seq: int,
    zone: ZoneInfo | None,
    at: dt.time,
) -> Event:
    ev = Event()
    ev.add("uid", event_uid(task))
    _common(ev, task, lead, referrer, stamp, seq)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _title(task, lead))
    if zone is None:
        ev.add("dtstart", task.due)
        ev.add("dtend", task.due + dt.timedelta(days=1))
        # Relative to the all-day start (local midnight): fires at `at` that morning.
        alarm.add("trigger", dt.timedelta(hours=at.hour, minutes=at.minute))
    else:
        ev.add("dtstart", dt.datetime.combine(task.due, at, tzinfo=zone))
        ev.add("duration", TIMED_DURATION)
        alarm.add("trigger", TIMED_REMINDER)
    ev.add("transp", "TRANSPARENT")
    if task.status == CANCELLED:
        ev.add("status", "CANCELLED")
    else:
        ev.add_component(alarm)
    return ev


def _todo(
    task: Task,
    lead: Lead | None,
    referrer: Lead | None,
    stamp: dt.datetime,
    seq: int,
    today: dt.date,
) -> Todo:
    td = Todo()
    td.add("uid", todo_uid(task))
    _common(td, task, lead, referrer, stamp, seq)
    td.add("due", task.due)
    td.add("status", TODO_STATUS.get(task.status, "CANCELLED"))
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
    at: dt.time = dt.time(9, 0),
) -> Calendar:
    """The VCALENDAR for `tasks` (pure: same input, same calendar)."""
    zone = _zone(tz)
    by_id = {lead.id: lead for lead in leads}
    stamp = as_utc(now).replace(microsecond=0)
    seq = sequence_for(now)
    today = now.date()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "cardscan follow-ups")
    ordered = sorted(tasks, key=lambda t: (t.due, t.lead_id, t.seq, t.id))
    todos = []  # after all the events, as before: calendars list VEVENTs first
    for task in ordered:
        lead = by_id.get(task.lead_id)
        referrer = by_id.get(lead.referred_by) if lead and lead.referred_by else None
        if task.status in PENDING or task.status == CANCELLED:
            cal.add_component(_event(task, lead, referrer, stamp, seq, zone, at))
        if todo:
            todos.append(_todo(task, lead, referrer, stamp, seq, today))
    for component in todos:
        cal.add_component(component)
    if zone is not None and ordered:
        first = min(t.due for t in ordered) - dt.timedelta(days=366)
        last = max(t.due for t in ordered) + dt.timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def write_ics(
    path: Path,
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    todo: bool = False,
    tz: str | None = None,
    at: dt.time = dt.time(9, 0),
) -> Path:
    """Write the calendar to `path` (UTF-8, CRLF line ends as RFC 5545 wants)."""
    data = build_calendar(leads, tasks, now=now, todo=todo, tz=tz, at=at).to_ical()
    with atomic_open(Path(path), newline="") as fh:
        fh.write(data.decode("utf-8"))
    return Path(path)
