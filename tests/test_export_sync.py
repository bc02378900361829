"""The calendar stays in sync (issue 9): task revisions kept by store triggers,
cancelled events that keep their UID, timed events with a zone and an alarm
before the start, the subscription feed, and holidays in business days.

Every calendar is read back by two independent parsers, `icalendar` and `ics`,
and compared with the store both ways."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
import pytest
from icalendar import Calendar

from cardscan import crm
from cardscan.calendar_feed import calendar_feed, feed_token, feed_url, reset_feed_token
from cardscan.cli import main
from cardscan.crm_review import delete_lead, restore_lead
from cardscan.errors import ConfigError
from cardscan.export.ics import SEQUENCE_FLOOR
from cardscan.followup.cadence import load_cadence, parse_cadence
from cardscan.followup.calendar import Calendar as BusinessCalendar
from cardscan.store import Store
from cardscan.store.migrations import _V7_TASK_REVISION, MIGRATIONS, migrate

MADRID = ZoneInfo("Europe/Madrid")
MET = dt.date(2026, 12, 23)  # a Wednesday; the 25th is Christmas Day


def clock(day: dt.date, hour: int = 12):  # type: ignore[no-untyped-def]
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
    return lambda: moment


def add_ana(store: Store, cadence=None):  # type: ignore[no-untyped-def]
    return crm.add_lead(
        store, name="Ana Ruiz", emails=["ana@brightlane.example"], phones=["+34 600 111 222"],
        company="Brightlane", event="Expo", met_on=MET,
        cadence=cadence or load_cadence(None), clock=clock(MET),
    )


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with crm.open_store(tmp_path / "c.db") as s:
        yield s


def feed(store: Store, day: dt.date = MET, **kw: object) -> tuple[Calendar, ics.Calendar]:
    data = calendar_feed(store, load_cadence(None), now=clock(day)(), **kw)  # type: ignore[arg-type]
    return Calendar.from_ical(data), ics.Calendar(data.decode("utf-8"))


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


# ---- the revision counter (store, migration v7) ------------------------------------------


def test_revision_grows_on_every_change_a_calendar_shows(store: Store) -> None:
    add_ana(store)
    first, second = store.tasks()[:2]
    assert first.revision == 0
    with store.transaction():  # saving the same task again changes nothing
        store.save_tasks([first], clock(MET)())
    assert store.get_task(first.id).revision == 0  # type: ignore[union-attr]
    crm.done(store, first.id, cadence=load_cadence(None), clock=clock(MET))
    assert store.get_task(first.id).revision == 1  # type: ignore[union-attr]
    snoozed = crm.snooze(store, second.id, until=dt.date(2027, 1, 8),
                         cadence=load_cadence(None), clock=clock(MET))
    assert snoozed
    after = store.get_task(second.id)
    assert after is not None and after.due == dt.date(2027, 1, 8) and after.revision >= 1


def test_deleting_and_restoring_a_lead_bumps_its_tasks(store: Store) -> None:
    lead_id = add_ana(store).lead_id
    before = {t.id: t.revision for t in store.tasks()}
    delete_lead(store, lead_id, clock=clock(MET))
    assert store.tasks() == []  # hidden from every list ...
    hidden = store.tasks(include_deleted=True)  # ... but the calendar still sees them
    assert {t.id: t.revision for t in hidden} == {k: v + 1 for k, v in before.items()}
    restore_lead(store, lead_id, clock=clock(MET))
    assert {t.id: t.revision for t in store.tasks()} == {k: v + 2 for k, v in before.items()}


def test_trigger_survives_the_rebuild_of_tasks(tmp_path: Path) -> None:
    """v8 (outcomes) rebuilds `tasks` for its wider status CHECK, which drops the
    table's triggers; the revision triggers are made after it, so a cancelled task
    still counts, and a change no calendar shows does not."""
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    revision_version = next(v for v, sql in MIGRATIONS if sql is _V7_TASK_REVISION)
    assert revision_version == len(MIGRATIONS)  # nothing after it rebuilds `tasks`
    migrate(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"tasks_revision", "leads_task_revision"} <= names
    conn.execute(
        "INSERT INTO leads (id, name, created_at, updated_at) VALUES ('l', 'L', 'x', 'x')")
    conn.execute(
        "INSERT INTO tasks (id, lead_id, step, seq, due, channel, summary, subject, body, status,"
        " created_at, updated_at) VALUES ('t', 'l', 's', 1, '2026-12-24', 'email', 'S', 'S', 'B',"
        " 'open', 'x', 'x')")
    conn.execute("UPDATE tasks SET status = 'cancelled' WHERE id = 't'")
    conn.execute("UPDATE tasks SET updated_at = 'y' WHERE id = 't'")  # not shown: no bump
    assert conn.execute("SELECT status, revision FROM tasks").fetchone() == ("cancelled", 1)


# ---- the calendar: both parsers, both directions ------------------------------------------


def test_feed_matches_the_store_in_both_parsers(store: Store) -> None:
    add_ana(store)
    tasks = {f"{t.id}@cardscan": t for t in store.tasks()}
    cal, other = feed(store, tz="Europe/Madrid", at=dt.time(8, 30))
    evs = vevents(cal)
    assert set(evs) == set(tasks) == {e.uid for e in other.events}  # store -> file -> store
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Madrid"]
    for e in other.events:
        t = tasks[e.uid]
        ev = evs[e.uid]
        start = dt.datetime.combine(t.due, dt.time(8, 30), tzinfo=MADRID)
        assert ev.decoded("dtstart") == start  # type: ignore[attr-defined]
        assert e.begin.datetime == start
        assert e.status == "CONFIRMED" == str(ev["status"])  # type: ignore[index]
        (trigger,) = [a.trigger for a in e.alarms]
        assert trigger == dt.timedelta(minutes=-15)  # before the start, in both parsers
        assert "Ana Ruiz" in e.name and e.description == str(ev["description"])  # type: ignore[index]
        assert int(str(ev["sequence"])) == SEQUENCE_FLOOR + t.revision  # type: ignore[index]


def test_done_and_deleted_tasks_stay_cancelled_with_a_higher_sequence(store: Store) -> None:
    lead_id = add_ana(store).lead_id
    first = store.tasks()[0]
    before = vevents(feed(store)[0])
    crm.done(store, first.id, cadence=load_cadence(None), clock=clock(MET))
    cal, other = feed(store)
    after = vevents(cal)
    assert set(after) == set(before)  # nothing vanished: the UID is kept
    uid = f"{first.id}@cardscan"
    assert str(after[uid]["status"]) == "CANCELLED"  # type: ignore[index]
    assert int(str(after[uid]["sequence"])) > int(str(before[uid]["sequence"]))  # type: ignore[index]
    assert {e.uid: e.status for e in other.events}[uid] == "CANCELLED"
    delete_lead(store, lead_id, clock=clock(MET))
    gone = vevents(feed(store)[0])
    assert set(gone) == set(before)
    for u, ev in gone.items():
        assert str(ev["status"]) == "CANCELLED"  # type: ignore[index]
        assert int(str(ev["sequence"])) > int(str(before[u]["sequence"]))  # type: ignore[index]


def test_snoozed_task_moves_under_the_same_uid(store: Store) -> None:
    add_ana(store)
    second = store.tasks()[1]
    uid = f"{second.id}@cardscan"
    before = vevents(feed(store)[0])[uid]
    crm.snooze(store, second.id, until=dt.date(2027, 1, 8), cadence=load_cadence(None),
               clock=clock(MET))
    after = vevents(feed(store)[0])[uid]
    assert after.decoded("dtstart").date() == dt.date(2027, 1, 8)  # type: ignore[attr-defined]
    assert int(str(after["sequence"])) > int(str(before["sequence"]))  # type: ignore[index]


# ---- the subscription: workspace route and feed-only server ------------------------------


def test_workspace_serves_the_feed_only_with_its_token(store: Store, tmp_path: Path) -> None:
    from cardscan.web.app import WebConfig, create_app
    from cardscan.web.feed import create_feed_app

    add_ana(store)
    config = WebConfig(db=tmp_path / "c.db", cadence=load_cadence(None), clock=clock(MET))
    token = feed_token()
    assert feed_token() == token  # stable across restarts: kept in the config folder
    for app in (create_app(config), create_feed_app(config)):
        client = app.test_client()
        assert client.get("/calendar.ics").status_code == 404
        assert client.get("/calendar.ics?token=wrong").status_code == 404
        resp = client.get(f"/calendar.ics?token={token}")
        assert resp.status_code == 200
        assert resp.content_type == "text/calendar; charset=utf-8"
        assert {e.uid for e in ics.Calendar(resp.get_data(as_text=True)).events} == {
            f"{t.id}@cardscan" for t in store.tasks()}
        assert client.post(f"/calendar.ics?token={token}").status_code in (403, 405)
        bad_host = client.get(f"/calendar.ics?token={token}", headers={"Host": "evil.example"})
        assert bad_host.status_code == 400  # DNS rebinding guard, as for the workspace
    new = reset_feed_token()
    assert new != token
    assert create_feed_app(config).test_client().get(
        f"/calendar.ics?token={token}").status_code == 404
    assert feed_url("http://127.0.0.1:8765/") == f"http://127.0.0.1:8765/calendar.ics?token={new}"


# ---- CLI ------------------------------------------------------------------------------------


def test_cli_export_times_events_from_the_cadence(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    cad = tmp_path / "cadence.toml"
    cad.write_text('[calendar]\ntimezone = "America/New_York"\ntime = "10:15"\n', "utf-8")
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    assert main(["add", "--name", "Ana Ruiz", "--email", "ana@x.example", "--db", str(db),
                 "--cadence", str(cad), "--met-on", MET.isoformat()]) == 0
    out = tmp_path / "plan.ics"
    assert main(["export", "--format", "ics", "--out", str(out), "--db", str(db),
                 "--cadence", str(cad)]) == 0
    cal = Calendar.from_ical(out.read_bytes())
    starts = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    assert starts and all(s.time() == dt.time(10, 15) for s in starts)
    assert all(str(s.tzinfo) == "America/New_York" for s in starts)
    assert main(["export", "--format", "ics", "--out", str(out), "--db", str(db),
                 "--cadence", str(cad), "--tz", "Asia/Tokyo", "--at", "07:00"]) == 0
    starts = [e.decoded("dtstart") for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    assert all((s.time(), str(s.tzinfo)) == (dt.time(7), "Asia/Tokyo") for s in starts)
    assert main(["export", "--format", "ics", "--out", str(out), "--db", str(db),
                 "--tz", "Mars/Olympus"]) == 4
    capsys.readouterr()
    assert main(["calendar", "url", "--db", str(db), "--port", "9000"]) == 0
    assert capsys.readouterr().out.strip() == feed_url("http://127.0.0.1:9000/")


# ---- holidays ---------------------------------------------------------------------------------


def test_no_due_date_on_a_public_holiday() -> None:
    plain = BusinessCalendar()
    spain = BusinessCalendar(country="ES")
    assert plain.add_business_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 25)
    assert spain.add_business_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 28)
    assert spain.roll_forward(dt.date(2027, 1, 1)) == dt.date(2027, 1, 4)  # Fri holiday, weekend
    us = BusinessCalendar(country="US")
    assert us.add_business_days(dt.date(2026, 7, 2), 1) == dt.date(2026, 7, 6)  # 3rd observed


def test_country_from_the_cadence_or_the_profile(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cardscan.profile import update_profile

    base = load_cadence(None)
    assert base.calendar.country is None
    assert parse_cadence(
        _default_with('country = "es"')).calendar.country == "ES"
    with pytest.raises(ConfigError, match="country 'XX'"):
        parse_cadence(_default_with('country = "XX"'))
    with pytest.raises(ConfigError, match="time"):
        parse_cadence(_default_with('time = "25:99"').replace('time = "09:00"', ""))
    update_profile(country="gb")
    assert crm.load_cadence(None).calendar.country == "GB"
    with pytest.raises(ConfigError, match="country 'Narnia'"):
        update_profile(country="Narnia")
    # Added on the 23rd, met on the 24th: the intro email is due the next business day,
    # which in Great Britain is neither Christmas nor Boxing Day (nor the weekend).
    lead = crm.add_lead(store, name="Pat Lee", emails=["pat@x.example"],
                        met_on=dt.date(2026, 12, 24), cadence=crm.load_cadence(None),
                        clock=clock(MET))
    assert store.tasks(lead.lead_id)[0].due == dt.date(2026, 12, 29)


def _default_with(line: str) -> str:
    from importlib import resources

    text = resources.files("cardscan.followup").joinpath("default_cadence.toml").read_text("utf-8")
    return text.replace("[calendar]\n", f"[calendar]\n{line}\n", 1)


def test_serve_announces_the_subscription_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardscan.web import server as srv
    from cardscan.web.app import WebConfig

    class Listening:  # the bound server, without the blocking loop
        server_port = 8123

        def serve_forever(self) -> None: ...
        def server_close(self) -> None: ...

    monkeypatch.setattr(srv, "make", lambda *a, **k: Listening())
    lines: list[str] = []
    config = WebConfig(db=tmp_path / "c.db", cadence=load_cadence(None), clock=clock(MET))
    srv.serve(config, 0, lines.append)
    assert lines[0].startswith("cardscan workspace: open http://127.0.0.1:8123/")
    assert lines[1].endswith(feed_url("http://127.0.0.1:8123/"))


def test_bad_country_in_the_cadence_is_exit_4(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cad = tmp_path / "cadence.toml"
    cad.write_text('[calendar]\ncountry = "Atlantis"\n', "utf-8")
    db = tmp_path / "c.db"
    assert main(["add", "--name", "Ana Ruiz", "--db", str(db), "--cadence", str(cad)]) == 4
    err = capsys.readouterr().err
    assert "cadence.toml: [calendar]: country 'Atlantis'" in err and len(err.splitlines()) == 1


def test_editing_the_card_details_bumps_the_revision(store: Store) -> None:
    lead_id = add_ana(store).lead_id
    before = {t.id: t.revision for t in store.tasks()}
    lead = store.get_lead(str(lead_id))
    assert lead is not None
    with store.transaction():
        store.save_lead(lead, clock(MET)())  # unchanged: no bump
    assert {t.id: t.revision for t in store.tasks()} == before
    with store.transaction():
        store.save_lead(replace(lead, address="Calle Mayor 1\n28013 Madrid"), clock(MET)())
    assert {t.id: t.revision for t in store.tasks()} == {k: v + 1 for k, v in before.items()}
