"""ICS export parsed back with icalendar and compared field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from export_fixtures import ANA, LEADS, NOW, REFERRED, TASKS, TRICKY, task
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from cardscan.errors import ConfigError
from cardscan.export import write_export
from cardscan.export.common import CONTACT_SEPARATOR, clean_text, task_description, task_title
from cardscan.export.ics import SEQUENCE_FLOOR, build_calendar
from cardscan.leads import Lead, Task

BY_ID = {x.id: x for x in LEADS}
PENDING = [t for t in TASKS if t.status in ("open", "snoozed")]


def export(tmp_path: Path, name: str = "f.ics", **kw: object) -> tuple[bytes, Calendar]:
    out = tmp_path / name
    paths = write_export("ics", LEADS, TASKS, out, now=kw.pop("now", NOW), **kw)  # type: ignore[arg-type]
    assert paths == [out]
    raw = out.read_bytes()
    return raw, Calendar.from_ical(raw)


def events(cal: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_every_task_is_a_timed_event_with_an_alarm_before_it(tmp_path: Path) -> None:
    raw, cal = export(tmp_path)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]).startswith("-//cardscan//")
    evs = events(cal)
    assert set(evs) == {f"{t.id}@cardscan" for t in TASKS}
    assert not list(cal.walk("VTODO"))
    for t in TASKS:
        ev = evs[f"{t.id}@cardscan"]
        lead = BY_ID[t.lead_id]
        # No zone given: floating local time, 09:00 wherever the reader is.
        assert ev.decoded("dtstart") == dt.datetime.combine(t.due, dt.time(9))
        assert ev.decoded("duration") == dt.timedelta(minutes=15)
        assert ev.decoded("dtstamp") == NOW
        assert int(ev["sequence"]) == SEQUENCE_FLOOR + t.revision
        assert str(ev["summary"]) == task_title(t, lead)
        desc = str(ev["description"])
        referrer = BY_ID.get(lead.referred_by or "")
        assert desc == task_description(t, lead, referrer)
        assert clean_text(t.body).strip() in desc
        assert f"Subject: {t.subject.strip()}" in desc
        for email in lead.emails:
            assert f"Email: {email}" in desc
        assert str(ev["transp"]) == "TRANSPARENT"
        if t.status not in ("open", "snoozed"):
            assert str(ev["status"]) == "CANCELLED"
            assert not ev.walk("VALARM")
            continue
        assert str(ev["status"]) == "CONFIRMED"
        (alarm,) = ev.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == dt.timedelta(minutes=-15)  # before the start
        assert str(alarm["description"]) == task_title(t, lead)
    # RFC 5545: CRLF line ends, lines folded to at most 75 octets.
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_summary_and_description_read_as_expected_for_ana(tmp_path: Path) -> None:
    _, cal = export(tmp_path)
    ev = events(cal)["lead-ana:coffee-call@cardscan"]
    assert str(ev["summary"]) == "Call Ana Ruiz (Brightlane, S.L.; R&D): invite for coffee"
    desc = str(ev["description"])
    assert "Head of Sales, EMEA, Brightlane, S.L.; R&D (Sales)" in desc
    assert "Mobile: +34600111222" in desc
    assert "Fax: +34911222399" in desc
    assert "Address: Calle Mayor 1, 2ºB, 28013 Madrid" in desc
    assert "Met at Chamber breakfast on 2024-05-03" in desc
    referral = events(cal)["lead-mary:referral@cardscan"]
    assert "Referred by: Ana Ruiz" in str(referral["description"])


def test_done_and_skipped_tasks_stay_as_cancelled_events(tmp_path: Path) -> None:
    _, cal = export(tmp_path)
    evs = events(cal)
    assert str(evs["lead-ana:intro-email@cardscan"]["status"]) == "CANCELLED"  # done
    assert str(evs["lead-ana:reminder@cardscan"]["status"]) == "CANCELLED"  # skipped
    assert str(evs["lead-ana:thank-you@cardscan"]["status"]) == "CONFIRMED"  # snoozed


def test_description_separates_the_draft_from_the_contact_details() -> None:
    t = task(ANA, "intro-email", 1, dt.date(2024, 5, 6), "email",
             body="Hi Ana,\n\nlovely to meet you.\n\nBest regards,\nMe")
    desc = task_description(t, ANA)
    draft, _, contact = desc.partition(CONTACT_SEPARATOR)
    assert draft.rstrip().endswith("Best regards,\nMe")
    assert "Ana Ruiz" not in draft.split("Best regards,")[1]
    assert contact.lstrip("\n").startswith("Ana Ruiz\nHead of Sales")


@pytest.mark.parametrize("lead", TRICKY, ids=lambda x: repr(x.name)[:20])
def test_tricky_names_survive(tmp_path: Path, lead: Lead) -> None:
    _, cal = export(tmp_path)
    (t,) = [x for x in TASKS if x.lead_id == lead.id]
    ev = events(cal)[f"{t.id}@cardscan"]
    name = (lead.name or "").replace("\n", " ")
    # The summary already names the person, so the title does not repeat it.
    assert str(ev["summary"]) == name
    assert (lead.name or "") in str(ev["description"])


def test_uids_stable_and_sequence_follows_the_task_revision(tmp_path: Path) -> None:
    _, first = export(tmp_path, "a.ics")
    later = NOW + dt.timedelta(days=2, minutes=5)
    _, second = export(tmp_path, "b.ics", now=later)
    a, b = events(first), events(second)
    assert set(a) == set(b)
    for uid in a:
        assert int(b[uid]["sequence"]) == int(a[uid]["sequence"])  # nothing changed
        assert b[uid].decoded("dtstamp") == later
    bumped = [Task(**{**t.__dict__, "revision": t.revision + 3}) for t in TASKS]
    c = events(build_calendar(LEADS, bumped, now=later))
    assert all(int(c[uid]["sequence"]) == int(a[uid]["sequence"]) + 3 for uid in a)


def test_same_clock_gives_identical_bytes(tmp_path: Path) -> None:
    raw1, _ = export(tmp_path, "a.ics")
    raw2, _ = export(tmp_path, "b.ics")
    assert raw1 == raw2


def test_naive_now_is_taken_as_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    cal = build_calendar(LEADS, TASKS, now=naive)
    ev = next(iter(cal.walk("VEVENT")))
    assert ev.decoded("dtstamp") == NOW


def test_todo_adds_a_vtodo_per_task_with_its_status(tmp_path: Path) -> None:
    _, cal = export(tmp_path, todo=True)
    todos = {str(t["uid"]): t for t in cal.walk("VTODO")}
    assert set(todos) == {f"{t.id}-todo@cardscan" for t in TASKS}
    assert not set(todos) & set(events(cal))
    expected = {"open": "NEEDS-ACTION", "snoozed": "NEEDS-ACTION", "done": "COMPLETED"}
    for t in TASKS:
        td = todos[f"{t.id}-todo@cardscan"]
        assert td.decoded("due") == t.due
        assert str(td["status"]) == expected.get(t.status, "CANCELLED")
        assert str(td["summary"]) == task_title(t, BY_ID[t.lead_id])
    done = todos["lead-ana:intro-email-todo@cardscan"]
    assert done.decoded("completed") == dt.datetime(2024, 5, 3, 12, tzinfo=dt.UTC)
    assert int(str(done["percent-complete"])) == 100
    assert int(str(todos["lead-kim:intro-email-todo@cardscan"]["priority"])) == 1  # overdue
    assert int(str(todos["lead-ana:coffee-call-todo@cardscan"]["priority"])) == 5


def test_timed_events_in_a_time_zone(tmp_path: Path) -> None:
    _, cal = export(tmp_path, tz="Europe/Madrid", at=dt.time(9, 30))
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Madrid"]
    assert str(cal["x-wr-timezone"]) == "Europe/Madrid"
    ev = events(cal)["lead-ana:coffee-call@cardscan"]
    start = ev.decoded("dtstart")
    assert start == dt.datetime(2024, 5, 8, 9, 30, tzinfo=ZoneInfo("Europe/Madrid"))
    assert start.utcoffset() == dt.timedelta(hours=2)  # CEST on that date
    assert ev.decoded("duration") == dt.timedelta(minutes=15)
    (alarm,) = ev.walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(minutes=-15)


def test_unknown_time_zone_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        write_export("ics", LEADS, TASKS, tmp_path / "x.ics", now=NOW, tz="Mars/Olympus")
    assert not list(tmp_path.iterdir())


def test_task_of_unknown_lead_still_exports() -> None:
    stray = Task("t-x", "lead-gone", "call", 1, dt.date(2024, 5, 9), "call", "ring", "", "")
    cal = build_calendar([ANA], [stray], now=NOW)
    (ev,) = cal.walk("VEVENT")
    assert str(ev["summary"]) == "Call unknown contact: ring"
    assert str(ev["status"]) == "CANCELLED"  # its lead is gone
    assert "cardscan lead lead-gone" in str(ev["description"])


def test_empty_export_is_a_valid_calendar(tmp_path: Path) -> None:
    out = tmp_path / "e.ics"
    write_export("ics", [], [], out, now=NOW)
    cal = Calendar.from_ical(out.read_bytes())
    assert cal.name == "VCALENDAR"
    assert not cal.walk("VEVENT")


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=40), summary=st.text(max_size=60), body=st.text(max_size=200))
# icalendar's own escaping read the two characters "\\N" as a line break.
@example(name="", summary="\\N", body="C:\\New folder\\notes; a, b")
def test_any_text_survives_the_ics_round_trip(name: str, summary: str, body: str) -> None:
    lead = Lead(id="p", name=name, company=name, emails=("p@x.example",))
    t = task(lead, "s", 1, dt.date(2024, 6, 3), "email", summary=summary, body=body)
    t = Task(**{**t.__dict__, "subject": summary})
    cal = Calendar.from_ical(build_calendar([lead], [t], now=NOW, todo=True).to_ical())
    (ev,) = cal.walk("VEVENT")
    assert str(ev["summary"]) == task_title(t, lead)
    assert str(ev["description"]) == task_description(t, lead)
    (td,) = cal.walk("VTODO")
    assert str(td["description"]) == task_description(t, lead)


def test_referral_lead_fixture_is_linked() -> None:
    assert REFERRED.referred_by == ANA.id


def test_sequence_starts_above_what_earlier_versions_wrote() -> None:
    # They wrote the minutes since 2020-01-01 UTC; a client ignores any lower SEQUENCE.
    old_scheme_2037 = (dt.datetime(2038, 1, 1, tzinfo=dt.UTC)
                       - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds() // 60
    fresh = task(ANA, "x", 1, dt.date(2024, 5, 8), "call")
    (ev,) = build_calendar([ANA], [fresh], now=NOW).walk("VEVENT")
    assert int(ev["sequence"]) == SEQUENCE_FLOOR > old_scheme_2037
