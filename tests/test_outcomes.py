"""Issue 13: the plan follows the relationship.  Each branch of the built-in
cadence is walked on the samples scanned into a store (recorded RapidOCR
output), with every date checked against the business-day calendar and the
calendar export checked after each step (a cancelled event keeps its UID and
gets a SEQUENCE not lower than before)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar as ICal
from web_support import EVENT, MET_ON, fixed_clock, isolate_profile, scan_samples

from cardscan import crm
from cardscan.errors import CardscanError, ConfigError
from cardscan.export.ics import build_calendar, event_uid
from cardscan.followup.cadence import load_cadence, parse_cadence
from cardscan.leads import Lead, Task
from cardscan.store import Store

D = dt.date
CAD = load_cadence(None)
CAL = CAD.calendar


def bd(day: D, n: int) -> D:
    return CAL.add_business_days(day, n)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("outcomes") / "cardscan.db"
    with pytest.MonkeyPatch.context() as mp:
        isolate_profile(mp, db.parent / "config")
        scan_samples(db, mp)
    return db


@pytest.fixture
def st(scanned: Path, tmp_path: Path):
    shutil.copyfile(scanned, tmp_path / "cardscan.db")
    s = crm.open_store(tmp_path / "cardscan.db")
    yield s
    s.close()


def lead(store: Store, name: str) -> Lead:
    return next(x for x in store.leads() if x.name == name)


def plan(store: Store, who: Lead) -> dict[str, Task]:
    return {t.step: t for t in store.tasks(who.id)}


def done(store: Store, task: Task, day: D, outcome: str | None = None, **kw: object) -> None:
    crm.done(store, task.id, outcome=outcome, cadence=CAD, clock=fixed_clock(day), **kw)  # type: ignore[arg-type]


def events(store: Store, day: D) -> dict[str, tuple[str, int, D]]:
    """UID -> (STATUS, SEQUENCE, start date) of the calendar exported on `day`."""
    now = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    cal = ICal.from_ical(build_calendar(store.leads(), store.tasks(), now=now).to_ical())
    return {
        str(e["UID"]): (str(e.get("STATUS", "CONFIRMED")), int(e["SEQUENCE"]), _day(e))
        for e in cal.walk("VEVENT")
    }


def _day(event) -> D:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, dt.datetime) else start


def stages(store: Store, who: Lead) -> list[tuple[str, D]]:
    return [(s.stage, s.on) for s in store.stage_history(who.id)]


def test_scanned_leads_start_new(st: Store) -> None:
    tomas = lead(st, "Tomas Oliveira")
    assert tomas.stage == "new" and stages(st, tomas) == [("new", MET_ON)]
    assert tomas.event == EVENT


def test_booked_dates_the_coffee_and_the_research_before_it(st: Store) -> None:
    tomas = lead(st, "Tomas Oliveira")
    p = plan(st, tomas)
    done(st, p["intro-email"], D(2026, 11, 25), "replied")
    assert lead(st, "Tomas Oliveira").stage == "replied"
    friday = D(2026, 11, 27)
    monday = D(2026, 12, 7)  # the coffee agreed: research falls on the Friday before
    done(st, p["coffee-call"], friday, "booked", meeting=monday)
    p = plan(st, tomas)
    assert p["coffee"].due == monday and p["coffee"].status == "open"
    assert p["research"].due == D(2026, 12, 4) and p["research"].channel == "note"
    assert p["thank-you"].due == bd(monday, 1) == D(2026, 12, 8)
    assert p["reminder"].due == bd(bd(monday, 1), 6)
    assert p["confirm-coffee"].due == friday
    # drafts use what the outcome taught: the coffee and its confirmation name the date
    assert p["coffee"].summary == "Coffee with Tomas Oliveira - 2026-12-07"
    assert "our coffee on 2026-12-07" in p["confirm-coffee"].body
    # the research links come from the card only
    body = p["research"].body
    assert "Company site: https://www.verdemarlogistica.com.br" in body
    assert "https://duckduckgo.com/?q=Tomas+Oliveira+Verdemar+Logistica+Ltda." in body
    assert "linkedin.com/search/results/people/?keywords=Tomas+Oliveira+Verdemar" in body
    again = lead(st, "Tomas Oliveira")
    assert again.stage == "meeting-booked" and again.meeting_on == monday
    assert stages(st, tomas) == [
        ("new", MET_ON), ("replied", D(2026, 11, 25)), ("meeting-booked", friday)
    ]
    ev = events(st, friday)
    assert ev[event_uid(p["coffee"])][2] == monday
    assert ev[event_uid(p["research"])][2] == D(2026, 12, 4)


def test_research_uses_the_email_domain_unless_free_mail(st: Store) -> None:
    from cardscan.followup.templates import research_links

    base = Lead(id="x", name="Ann Lee", company="Acme", emails=("ann@acme-tools.example",))
    assert "Company site: https://acme-tools.example" in research_links(base)
    free = Lead(id="y", name="Ann Lee", company="Acme & Söhne", emails=("ann.lee@gmail.com",))
    links = research_links(free)
    assert "Company site" not in links
    assert "keywords=Ann+Lee+Acme+%26+S%C3%B6hne" in links  # & and ü encoded, not raw


def test_an_outcome_that_does_not_fit_is_one_line(st: Store) -> None:
    p = plan(st, lead(st, "Jonah Whitfield"))
    day = D(2026, 11, 25)
    with pytest.raises(CardscanError, match=r"outcome 'booked' does not fit this step "
                       r"\(it takes: replied, no-reply\)"):
        done(st, p["intro-email"], day, "booked")
    with pytest.raises(CardscanError, match=r"needs the meeting date \(--meeting DATE\)"):
        done(st, p["coffee-call"], day, "booked")
    with pytest.raises(CardscanError, match="is before today"):
        done(st, p["coffee-call"], day, "booked", meeting=D(2026, 11, 20))
    with pytest.raises(CardscanError, match="--meeting goes with an outcome that books"):
        done(st, p["intro-email"], day, "replied", meeting=D(2026, 12, 1))
    assert plan(st, lead(st, "Jonah Whitfield")) == p  # nothing changed


def test_no_answer_one_more_call_then_an_invitation_never_more(st: Store) -> None:
    harriet = lead(st, "Harriet Vance")
    p = plan(st, harriet)
    done(st, p["intro-email"], D(2026, 11, 25))
    friday = D(2026, 11, 27)
    done(st, p["coffee-call"], friday, "no-answer")
    p = plan(st, harriet)
    assert p["retry-call"].due == bd(friday, 2) == D(2026, 12, 1)
    assert p["retry-call"].channel == "call"
    assert p["coffee"].depends_on == p["retry-call"].id
    assert p["coffee"].due == bd(p["retry-call"].due, 5)
    done(st, p["retry-call"], D(2026, 12, 1), "no-answer")
    p = plan(st, harriet)
    assert p["invite-email"].due == D(2026, 12, 2) and p["invite-email"].channel == "email"
    assert "retry-call:2" not in p  # never a third call
    assert "no-answer" not in CAD.outcomes("invite-email")
    before = events(st, D(2026, 12, 2))
    done(st, p["invite-email"], D(2026, 12, 4), "no-reply")
    p = plan(st, harriet)
    assert {p[k].status for k in ("coffee", "thank-you", "reminder")} == {"cancelled"}
    h = lead(st, "Harriet Vance")
    assert h.stage == "closed" and h.stage_reason == "no answer to two calls and an invitation"
    after = events(st, D(2026, 12, 4))
    for key in ("coffee", "thank-you", "reminder"):
        uid = event_uid(p[key])
        assert after[uid][0] == "CANCELLED" and after[uid][1] >= before[uid][1]


def test_declined_cancels_every_later_step_and_closes(st: Store) -> None:
    jonah = lead(st, "Jonah Whitfield")
    p = plan(st, jonah)
    done(st, p["intro-email"], D(2026, 11, 25))
    assert lead(st, "Jonah Whitfield").stage == "contacted"
    before = events(st, D(2026, 11, 25))
    done(st, p["coffee-call"], D(2026, 11, 27), "declined")
    p2 = plan(st, jonah)
    for key in ("coffee", "thank-you", "reminder"):
        t = p2[key]
        assert t.status == "cancelled" and t.note == "declined the coffee" and t.id == p[key].id
    assert p2["coffee-call"].status == "done" and p2["coffee-call"].outcome == "declined"
    j = lead(st, "Jonah Whitfield")
    assert (j.stage, j.stage_reason) == ("closed", "declined the coffee")
    assert stages(st, jonah)[-1] == ("closed", D(2026, 11, 27))
    after = events(st, D(2026, 11, 27))
    for key in ("coffee", "thank-you", "reminder"):
        uid = event_uid(p[key])
        assert before[uid][0] == "CONFIRMED" and after[uid][0] == "CANCELLED"
        assert after[uid][1] > before[uid][1]
    assert after[event_uid(p["coffee-call"])][0] == "CANCELLED"  # done: its event is withdrawn


def test_met_thank_you_next_business_day_names_the_promise_then_one_reminder(st: Store) -> None:
    grace = lead(st, "Grace Adeyemi")
    p = plan(st, grace)
    done(st, p["intro-email"], D(2026, 11, 25))
    friday = D(2026, 12, 4)
    done(st, p["coffee-call"], D(2026, 11, 27), "booked", meeting=friday)
    done(st, plan(st, grace)["coffee"], friday, "met", note="promised: our pricing deck")
    p = plan(st, grace)
    assert p["research"].status == "cancelled"  # left undone: no use after the coffee
    assert p["thank-you"].due == D(2026, 12, 7)  # the Monday after a Friday coffee
    assert "As promised, here is our pricing deck." in p["thank-you"].body
    gap = (p["reminder"].due - p["thank-you"].due).days
    assert 7 <= gap <= 10 and p["reminder"].due == bd(p["thank-you"].due, 6)
    assert lead(st, "Grace Adeyemi").stage == "met"
    done(st, p["thank-you"], D(2026, 12, 7), "no-reply")
    done(st, p["confirm-coffee"], D(2026, 12, 7), "replied")
    done(st, plan(st, grace)["reminder"], p["reminder"].due)
    g = lead(st, "Grace Adeyemi")
    assert g.stage == "nurturing" and g.stage_reason is None
    assert not [t for t in st.tasks(grace.id) if t.status in crm.PENDING]  # the last step
    assert [s for s, _ in stages(st, grace)] == [
        "new", "contacted", "meeting-booked", "met", "nurturing"
    ]


def test_one_sided_thank_you_then_nothing_more(st: Store) -> None:
    elena = lead(st, "Elena Marchetti")
    p = plan(st, elena)
    done(st, p["intro-email"], D(2026, 11, 25))
    done(st, p["coffee-call"], D(2026, 11, 27), "booked", meeting=D(2026, 12, 2))
    before = events(st, D(2026, 11, 27))
    done(st, plan(st, elena)["coffee"], D(2026, 12, 2), "one-sided")
    p = plan(st, elena)
    assert p["thank-you"].status == "open" and p["thank-you"].due == D(2026, 12, 3)
    assert p["reminder"].status == "cancelled"
    e = lead(st, "Elena Marchetti")
    assert (e.stage, e.stage_reason) == ("closed", "one-sided: they never asked about yours")
    assert [s for s, _ in stages(st, elena)][-2:] == ["met", "closed"]
    after = events(st, D(2026, 12, 2))
    uid = event_uid(p["reminder"])
    assert after[uid][0] == "CANCELLED" and after[uid][1] > before[uid][1]
    done(st, p["thank-you"], D(2026, 12, 3))
    assert lead(st, "Elena Marchetti").stage == "closed"  # stays closed


def test_a_reply_to_the_thank_you_cancels_the_reminder(st: Store) -> None:
    priya = lead(st, "Priya Ramanathan")
    p = plan(st, priya)
    done(st, p["intro-email"], D(2026, 11, 25), "replied")
    done(st, p["coffee-call"], D(2026, 11, 27), "booked", meeting=D(2026, 12, 1))
    done(st, plan(st, priya)["coffee"], D(2026, 12, 1), "met")
    done(st, plan(st, priya)["thank-you"], D(2026, 12, 2), "replied")
    p = plan(st, priya)
    assert p["reminder"].status == "cancelled"
    assert lead(st, "Priya Ramanathan").stage == "nurturing"


def test_a_cancelled_coffee_is_rebooked(st: Store) -> None:
    sam = lead(st, "Samuel Okafor")
    p = plan(st, sam)
    done(st, p["intro-email"], D(2026, 11, 25))
    done(st, p["coffee-call"], D(2026, 11, 27), "booked", meeting=D(2026, 12, 2))
    done(st, plan(st, sam)["coffee"], D(2026, 12, 1), "cancelled")
    p = plan(st, sam)
    assert {p[k].status for k in ("coffee", "thank-you", "reminder", "research")} == {"cancelled"}
    assert p["rebook-call"].due == D(2026, 12, 2)
    ev = events(st, D(2026, 12, 1))
    assert ev[event_uid(p["coffee"])][0] == "CANCELLED"
    done(st, p["rebook-call"], D(2026, 12, 2), "booked", meeting=D(2026, 12, 9))
    p = plan(st, sam)
    assert p["coffee"].status == "open" and p["coffee"].due == D(2026, 12, 9)
    assert p["coffee"].outcome is None and p["coffee"].done_on is None
    assert p["thank-you"].status == "open" and p["thank-you"].due == D(2026, 12, 10)
    assert p["research"].status == "open" and p["research"].due == D(2026, 12, 8)
    ev = events(st, D(2026, 12, 2))
    assert ev[event_uid(p["coffee"])][0] == "CONFIRMED"  # the same UID, back on


def test_referral_first_contact_today_and_the_referrer_hears_back(st: Store) -> None:
    tomas = lead(st, "Tomas Oliveira")
    day = D(2026, 11, 26)
    res = crm.refer(st, tomas.id, name="Mary Chen", emails=["mary.chen@example.org"],
                    cadence=CAD, clock=fixed_clock(day))
    mary = lead(st, "Mary Chen")
    p = plan(st, mary)
    assert res.created and p["referral"].due == day
    assert "Tomas Oliveira suggested I get in touch" in p["referral"].body  # names the referrer
    assert "intro-email" not in p and p["coffee-call"].depends_on == p["referral"].id
    assert p["coffee-call"].due == bd(day, 2)
    thanks = st.get_task(next(t.id for t in st.tasks(tomas.id) if t.step.startswith("thank-intro")))
    assert thanks is not None and thanks.due == day
    assert "Thank you for introducing me to Mary Chen" in thanks.body
    done(st, p["referral"], day, "replied")
    done(st, p["coffee-call"], D(2026, 11, 30), "booked", meeting=D(2026, 12, 3))
    assert not [t for t in st.tasks(tomas.id) if t.step.startswith("how-it-went")]
    done(st, plan(st, mary)["coffee"], D(2026, 12, 3), "met")
    (told,) = [t for t in st.tasks(tomas.id) if t.step.startswith("how-it-went")]
    assert told.due == D(2026, 12, 4) and told.step == f"how-it-went:{mary.id}"
    assert "I had a coffee with Mary Chen" in told.body
    assert "Mary Chen" in told.summary


def test_plain_done_and_skip_keep_their_meaning(st: Store) -> None:
    aiko = lead(st, "Aiko Brennan")
    p = plan(st, aiko)
    crm.done(st, p["intro-email"].id, skipped=True, cadence=CAD, clock=fixed_clock(D(2026, 11, 25)))
    assert lead(st, "Aiko Brennan").stage == "new"  # nothing went out
    done(st, p["coffee-call"], D(2026, 11, 27))
    p2 = plan(st, aiko)
    assert p2["coffee-call"].status == "done" and p2["coffee-call"].outcome is None
    assert p2["coffee"].due == bd(D(2026, 11, 27), 5)  # the tentative date, as before
    assert lead(st, "Aiko Brennan").stage == "contacted"
    with pytest.raises(CardscanError, match="skipped step has no outcome"):
        crm.done(st, p["coffee"].id, skipped=True, outcome="met", cadence=CAD,
                 clock=fixed_clock(D(2026, 11, 27)))


# ---------------------------------------------------------------- the branches are data

BRANCHY = """
[[steps]]
key = "hello"
channel = "email"
summary = "Hello {full_name}"

[referral]
channel = "call"
summary = "Call {full_name}"

[[extra_steps]]
key = "again"
offset = 3
channel = "call"
summary = "Call {full_name} again"

[branches.hello]
no-reply = { insert = ["again"], stage = "contacted" }
"""


def test_a_user_cadence_changes_the_branches(tmp_path: Path) -> None:
    c = parse_cadence(BRANCHY, "mine.toml")
    assert c.outcomes("hello") == ("no-reply",) and c.step("again") is not None
    assert c.branch("hello", "no-reply").insert == ("again",)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('stage = "contacted"', None),
        ('stage = "won"', r"mine.toml: \[branches.hello\] no-reply: stage must be one of new,"),
        ('insert = ["nope"]', r"\[branches.hello\] no-reply: 'insert' names step 'nope'"),
        ('cancel = 3', r"'cancel' must be a list of step keys"),
        ('colour = "red"', r"unknown key 'colour'"),
    ],
)
def test_bad_branches_are_config_errors(change: str, message: str | None) -> None:
    text = BRANCHY.replace('{ insert = ["again"], stage = "contacted" }', "{ " + change + " }")
    assert text != BRANCHY
    if message is None:
        parse_cadence(text, "mine.toml")
        return
    with pytest.raises(ConfigError, match=message):
        parse_cadence(text, "mine.toml")


def test_unknown_outcome_and_step_in_branches() -> None:
    with pytest.raises(ConfigError, match=r"\[branches.hello\] ghosted: unknown outcome"):
        parse_cadence(BRANCHY.replace("no-reply = {", "ghosted = {"), "mine.toml")
    with pytest.raises(ConfigError, match=r"\[branches.bye\]: no step is called 'bye'"):
        parse_cadence(BRANCHY.replace("[branches.hello]", "[branches.bye]"), "mine.toml")
    with pytest.raises(ConfigError, match="dated before a meeting this rule does not book"):
        parse_cadence(
            BRANCHY.replace('offset = 3\n', 'offset = 1\nrelative_to = "before-meeting"\n')
            .replace('insert = ["again"]', 'add = ["again"]'),
            "mine.toml",
        )


def test_own_steps_without_branches_drop_the_built_in_ones(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(BRANCHY.split("[[extra_steps]]")[0])
    c = load_cadence(mine)
    assert c.branches == {} and c.extra == () and c.outcomes("hello") == ()


# ---------------------------------------------------------------- command line, report


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, day: D,
        *argv: str) -> tuple[int, str]:
    from cardscan.cli import main

    monkeypatch.setenv("CARDSCAN_TODAY", day.isoformat())
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_cli_outcomes_stage_filter_and_report(
    st: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    db = str(st.path)
    jonah, tomas = lead(st, "Jonah Whitfield"), lead(st, "Tomas Oliveira")
    pj, pt = plan(st, jonah), plan(st, tomas)
    st.close()
    code, out = cli(capsys, monkeypatch, D(2026, 11, 25), "done", pj["intro-email"].id[:8],
                    "--db", db)
    assert code == 0 and "Stage" not in out  # a plain done prints as before
    code, out = cli(capsys, monkeypatch, D(2026, 11, 27), "done", pj["coffee-call"].id[:8],
                    "--outcome", "declined", "--db", db)
    assert code == 0
    assert f"Cancelled: {pj['coffee'].id[:8]} Coffee with Jonah Whitfield" in out
    assert out.rstrip().endswith("Stage: closed (declined the coffee).")
    code, out = cli(capsys, monkeypatch, D(2026, 11, 25), "done", pt["intro-email"].id[:8],
                    "--outcome", "met", "--db", db)
    assert code == 2 and out.count("\n") == 1 and "does not fit this step" in out
    code, out = cli(capsys, monkeypatch, D(2026, 11, 25), "done", pt["intro-email"].id[:8],
                    "--outcome", "replied", "--db", db)
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "done", pt["coffee-call"].id[:8],
                    "--outcome", "booked", "--meeting", "2026-12-01", "--db", db)
    assert code == 0 and "Research Tomas Oliveira before the coffee on 2026-12-01" in out
    assert out.rstrip().endswith("Stage: meeting-booked.")
    _, out = cli(capsys, monkeypatch, D(2026, 11, 26), "tasks", "--due", "all", "--format",
                 "json", "--db", db)
    mine = {t["step"]: t for t in json.loads(out) if t["lead_id"] == tomas.id}
    assert mine["coffee-call"]["outcome"] == "booked" and mine["coffee"]["outcome"] is None
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "leads", "--stage", "closed",
                    "--format", "json", "--db", db)
    rows = json.loads(out)
    assert [(r["name"], r["stage"], r["stage_reason"]) for r in rows] == [
        ("Jonah Whitfield", "closed", "declined the coffee")
    ]
    _, out = cli(capsys, monkeypatch, D(2026, 11, 26), "leads", "--format", "json", "--db", db)
    booked = next(r for r in json.loads(out) if r["name"] == "Tomas Oliveira")
    assert booked["stage"] == "meeting-booked" and booked["meeting_on"] == "2026-12-01"
    chart = st.path.parent / "funnel.png"
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "report", "--db", db, "--out",
                    str(chart))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == EVENT
    figures = {ln[:34].strip(): ln[34:].strip() for ln in lines[1:] if ln.startswith("  ")}
    assert figures["cards"] == "19"
    # Jonah and Tomas were e-mailed on the 25th, the day after the breakfast
    assert figures["contacted within 1 business day"].startswith("2 ")
    assert figures["replied"].startswith("1 ") and figures["meeting booked"].startswith("1 ")
    assert figures["met"].startswith("0 ") and figures["closed"].startswith("1 ")
    assert figures["median days to first contact"] == "1"
    # 17 intro e-mails due on the 25th are overdue on the 26th
    assert figures["overdue tasks"] == "17"
    data = chart.read_bytes()
    assert data.startswith(b"\x89PNG") and b"cardscan report" in data[:4096]
    code, _ = cli(capsys, monkeypatch, D(2026, 11, 26), "report", "--db", db, "--out", str(chart))
    assert code == 0  # our own chart may be replaced
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "report", "--db", db,
                    "--event", "Nowhere")
    assert code == 2 and "no lead was met at event 'Nowhere' (events: Chamber breakfast)" in out


def test_report_never_replaces_a_photo(
    st: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import Image

    photo = tmp_path / "card.png"
    Image.new("RGB", (8, 8), "white").save(photo)
    before = photo.read_bytes()
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "report", "--db", str(st.path),
                    "--out", str(photo))
    assert code == 2 and "refusing to overwrite it with --out" in out
    assert photo.read_bytes() == before


def test_a_bad_cadence_file_exits_4_naming_file_and_key(
    st: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[branches.coffee-call]\nbooked = { stage = "won" }\n')
    t = plan(st, lead(st, "Tomas Oliveira"))["coffee-call"]
    code, out = cli(capsys, monkeypatch, D(2026, 11, 26), "done", t.id, "--outcome", "booked",
                    "--meeting", "2026-12-01", "--db", str(st.path), "--cadence", str(bad))
    assert code == 4
    assert out == (f"cardscan: error: {bad}: [branches.coffee-call] booked: stage must be one "
                   "of new, contacted, replied, meeting-booked, met, nurturing, closed, "
                   "not 'won'\n")


def test_migration_v6_keeps_every_task_and_adds_stages(tmp_path: Path) -> None:
    import sqlite3

    from cardscan.store.migrations import _V6_OUTCOMES, LATEST, MIGRATIONS, migrate

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    mine = next(i for i, (_, sql) in enumerate(MIGRATIONS) if sql is _V6_OUTCOMES)
    migrate(conn, MIGRATIONS[:mine])
    now = "2026-01-05T10:00:00"
    conn.execute("INSERT INTO leads (id, name, created_at, updated_at) VALUES ('L1', 'Ann', ?, ?)",
                 (now, now))
    row = "INSERT INTO tasks VALUES (?, 'L1', ?, ?, ?, ?, 's', 's', 'b', ?, ?, ?, ?, ?, ?, ?)"
    conn.execute(row, ("t1", "intro-email", 1, "2026-01-06", "email", "done", "2026-01-06",
                       "promised: deck", None, 1, now, now))
    conn.execute(row, ("t2", "coffee-call", 2, "2026-01-08", "call", "open", None, None, "t1",
                       2, now, now))
    has_edits = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'draft_edits'").fetchone() is not None
    if has_edits:  # a draft a person edited survives the rebuild of `tasks`
        conn.execute("INSERT INTO draft_edits VALUES ('t2', 'Coffee?', 'Edited body', ?)", (now,))
    conn.close()
    with Store(path) as store:
        assert store.schema_version == LATEST
        tasks = {t.id: t for t in store.tasks("L1")}
        assert tasks["t1"].note == "promised: deck" and tasks["t1"].outcome is None
        assert tasks["t2"].depends_on == "t1" and tasks["t2"].offset == 2
        ann = store.get_lead("L1")
        assert ann is not None and ann.stage == "contacted"
        assert [(s.stage, s.on) for s in store.stage_history("L1")] == [
            ("new", D(2026, 1, 5)), ("contacted", D(2026, 1, 6))
        ]
        with store.transaction():  # the new status is allowed now
            store.save_tasks([replace_status(tasks["t2"], "cancelled")], dt.datetime(2026, 1, 7))
        assert store.get_task("t2").status == "cancelled"  # type: ignore[union-attr]
    if has_edits:
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT task_id, body FROM draft_edits").fetchall() == [
            ("t2", "Edited body")
        ]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()


def replace_status(t: Task, status: str) -> Task:
    from dataclasses import replace

    return replace(t, status=status)  # type: ignore[arg-type]


def test_an_unanswered_referral_call_leaves_the_coffee_call_as_the_next_try(st: Store) -> None:
    tomas = lead(st, "Tomas Oliveira")
    day = D(2026, 11, 26)
    crm.refer(st, tomas.id, name="Ravi Shah", phones=["+44 20 7946 0018"], cadence=CAD,
              clock=fixed_clock(day))
    ravi = lead(st, "Ravi Shah")
    p = plan(st, ravi)
    assert p["referral"].channel == "call"
    done(st, p["referral"], day, "no-answer")
    p = plan(st, ravi)
    assert "retry-call" not in p and p["coffee-call"].due == bd(day, 2)
    assert lead(st, "Ravi Shah").stage == "contacted"
    with pytest.raises(CardscanError, match="is not one of replied"):
        done(st, p["coffee-call"], day, "ghosted")


def test_report_of_an_empty_store(store: Store) -> None:
    from cardscan import report

    assert report.funnel(store, cadence=CAD, clock=fixed_clock(MET_ON)) == []
    assert report.format_report([]) == "No leads yet."
    assert report.chart_png([]).startswith(b"\x89PNG")
