"""The planner with a fixed clock: exact dates, and properties over random cadences."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardscan.errors import CardscanError
from cardscan.followup.cadence import Cadence, Message, Step, load_cadence
from cardscan.followup.calendar import Calendar, Clock
from cardscan.followup.planner import complete, plan, referral_task, rerender, snooze
from cardscan.leads import Lead, PhoneNumber, Task
from cardscan.store.ids import task_id

D = dt.date
LEAD = Lead(
    id="lead00000001",
    name="Jane Q Doe",
    given_name="Jane",
    family_name="Doe",
    company="Acme",
    emails=("jane@example.com",),
    phones=(PhoneNumber("+14155550100", "mobile"),),
    event="Chamber breakfast",
)


def clock_at(day: D, hour: int = 18) -> Clock:
    return lambda: dt.datetime(day.year, day.month, day.day, hour, 0)


def dues(tasks: tuple[Task, ...]) -> list[D]:
    return [t.due for t in tasks]


@pytest.fixture(scope="module")
def cadence() -> Cadence:
    return load_cadence(None)


def test_default_plan_exact(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))  # met on a Friday
    assert dues(tasks) == [
        D(2024, 3, 4),
        D(2024, 3, 6),
        D(2024, 3, 13),
        D(2024, 3, 14),
        D(2024, 3, 22),
    ]
    assert [t.step for t in tasks] == [
        "intro-email",
        "coffee-call",
        "coffee",
        "thank-you",
        "reminder",
    ]
    assert [t.seq for t in tasks] == [1, 2, 3, 4, 5]
    assert [t.channel for t in tasks] == ["email", "call", "meeting", "email", "email"]
    assert [t.status for t in tasks] == ["open"] * 5
    assert tasks[0].depends_on is None
    assert [t.depends_on for t in tasks[1:]] == [t.id for t in tasks[:-1]]
    assert [t.offset for t in tasks] == [1, 2, 5, 1, 6]
    assert tasks[0].id == task_id(LEAD.id, "intro-email")
    assert tasks[0].subject == "Good to meet you at Chamber breakfast"
    assert tasks[0].body.startswith("Hi Jane,\n\nI enjoyed meeting you at Chamber breakfast")
    assert tasks[0].summary == "Email Jane Q Doe: good to meet you"
    assert "Acme" in tasks[4].body


def test_plan_is_deterministic(cadence: Cadence) -> None:
    a = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    b = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1), hour=9))
    assert a == b


def test_holidays_and_weekends_skipped(cadence: Cadence) -> None:
    cal = Calendar(holidays=frozenset({D(2024, 3, 4), D(2024, 3, 14)}))
    c = replace(cadence, calendar=cal)
    tasks = plan(LEAD, D(2024, 3, 1), c, clock_at(D(2024, 3, 1)))
    assert dues(tasks) == [
        D(2024, 3, 5),
        D(2024, 3, 7),
        D(2024, 3, 15),
        D(2024, 3, 18),
        D(2024, 3, 26),
    ]


def test_meeting_on_a_saturday(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 2), cadence, clock_at(D(2024, 3, 2)))
    assert tasks[0].due == D(2024, 3, 4)  # next business day after Saturday is Monday


def test_stale_meeting_starts_today_and_keeps_gaps(cadence: Cadence) -> None:
    # scanned a month after the event: nothing is planned in the past
    tasks = plan(LEAD, D(2024, 2, 1), cadence, clock_at(D(2024, 3, 1)))
    assert dues(tasks) == [
        D(2024, 3, 1),
        D(2024, 3, 5),
        D(2024, 3, 12),
        D(2024, 3, 13),
        D(2024, 3, 21),
    ]


def test_met_steps_keep_order() -> None:
    msg = Message("note", "x", "x", "")
    c = Cadence(
        steps=(Step("a", 5, "met", msg), Step("b", 1, "met", msg), Step("c", 0, "previous", msg)),
        referral=Step("referral", 0, "met", msg),
    )
    tasks = plan(LEAD, D(2024, 3, 4), c, clock_at(D(2024, 3, 4)))
    assert dues(tasks) == [D(2024, 3, 11), D(2024, 3, 11), D(2024, 3, 11)]
    assert tasks[1].depends_on is None and tasks[2].depends_on == tasks[1].id


def test_done_redates_following_steps_from_real_completion(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    after = complete(
        tasks,
        tasks[0].id,
        on=D(2024, 3, 7),
        note="sent",
        cadence=cadence,
        clock=clock_at(D(2024, 3, 8)),
    )
    assert (
        after[0].status == "done" and after[0].done_on == D(2024, 3, 7) and after[0].note == "sent"
    )
    assert dues(after) == [
        D(2024, 3, 4),
        D(2024, 3, 11),
        D(2024, 3, 18),
        D(2024, 3, 19),
        D(2024, 3, 27),
    ]
    assert [t.status for t in after[1:]] == ["open"] * 4
    # done early: the chain moves earlier too
    early = complete(
        tasks, tasks[0].id, on=D(2024, 3, 1), cadence=cadence, clock=clock_at(D(2024, 3, 1))
    )
    assert dues(early)[1] == D(2024, 3, 5)


def test_done_long_ago_never_dates_into_the_past(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    after = complete(
        tasks, tasks[0].id, on=D(2024, 3, 1), cadence=cadence, clock=clock_at(D(2024, 3, 20))
    )
    assert dues(after)[1:] == [D(2024, 3, 20), D(2024, 3, 27), D(2024, 3, 28), D(2024, 4, 5)]


def test_snooze_moves_only_that_step_and_its_dependents(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    now = clock_at(D(2024, 3, 8))
    s = snooze(tasks, tasks[2].id, until=D(2024, 3, 20), cadence=cadence, clock=now)
    assert dues(s) == [D(2024, 3, 4), D(2024, 3, 6), D(2024, 3, 20), D(2024, 3, 21), D(2024, 3, 29)]
    assert [t.status for t in s] == ["open", "open", "snoozed", "open", "open"]
    # the call is done late: the coffee keeps the date the user chose, so nothing after moves
    d = complete(s, s[1].id, on=D(2024, 3, 8), cadence=cadence, clock=now)
    assert dues(d) == dues(s)
    # the coffee happens a day early: the thank-you and reminder follow it
    d2 = complete(d, d[2].id, on=D(2024, 3, 19), cadence=cadence, clock=clock_at(D(2024, 3, 19)))
    assert dues(d2)[3:] == [D(2024, 3, 20), D(2024, 3, 28)]
    assert d2[2].status == "done" and d2[2].due == D(2024, 3, 20)  # due kept; done_on is the fact
    assert d2[2].done_on == D(2024, 3, 19)


def test_snooze_to_a_weekend_rolls_forward(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    s = snooze(
        tasks, tasks[0].id, until=D(2024, 3, 9), cadence=cadence, clock=clock_at(D(2024, 3, 1))
    )
    assert s[0].due == D(2024, 3, 11)
    assert s[1].due == D(2024, 3, 13)


def test_snooze_an_earlier_date(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    s = snooze(
        tasks, tasks[2].id, until=D(2024, 3, 7), cadence=cadence, clock=clock_at(D(2024, 3, 1))
    )
    assert dues(s)[2:] == [D(2024, 3, 7), D(2024, 3, 8), D(2024, 3, 18)]


def test_refusals(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    now = clock_at(D(2024, 3, 5))
    with pytest.raises(CardscanError, match="in the future"):
        complete(tasks, tasks[0].id, on=D(2024, 3, 6), cadence=cadence, clock=now)
    with pytest.raises(CardscanError, match="before today"):
        snooze(tasks, tasks[0].id, until=D(2024, 3, 4), cadence=cadence, clock=now)
    done = complete(tasks, tasks[0].id, on=D(2024, 3, 5), cadence=cadence, clock=now)
    with pytest.raises(CardscanError, match="is done"):
        snooze(done, tasks[0].id, until=D(2024, 3, 8), cadence=cadence, clock=now)
    with pytest.raises(KeyError):
        complete(tasks, "nope", on=D(2024, 3, 5), cadence=cadence, clock=now)


def test_skip_dates_dependents_like_done(cadence: Cadence) -> None:
    tasks = plan(LEAD, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    s = complete(
        tasks,
        tasks[1].id,
        on=D(2024, 3, 5),
        cadence=cadence,
        clock=clock_at(D(2024, 3, 5)),
        status="skipped",
    )
    assert s[1].status == "skipped" and s[2].due == D(2024, 3, 12)


def test_referral_task_due_today(cadence: Cadence) -> None:
    mary = Lead(
        id="lead00000002", name="Mary Major", phones=(PhoneNumber("+14155550101", "mobile"),)
    )
    t = referral_task(mary, LEAD, cadence, clock_at(D(2024, 3, 6)))
    assert t.due == D(2024, 3, 6)
    assert t.channel == "call"
    assert t.summary == "Call Mary Major (referred by Jane Q Doe)"
    assert t.id == task_id(mary.id, "referral")
    assert t.depends_on is None and t.seq == 0
    # recorded on a Saturday: due the next business day
    assert referral_task(mary, LEAD, cadence, clock_at(D(2024, 3, 9))).due == D(2024, 3, 11)
    emailed = referral_task(
        replace(mary, phones=(), emails=("m@x.io",)), LEAD, cadence, clock_at(D(2024, 3, 6))
    )
    assert emailed.channel == "email" and emailed.subject == "Jane Q Doe suggested we talk"


def test_rerender_after_contact_found(cadence: Cadence) -> None:
    phoneless = replace(LEAD, phones=())
    tasks = plan(phoneless, D(2024, 3, 1), cadence, clock_at(D(2024, 3, 1)))
    assert tasks[1].channel == "email"
    tasks = complete(
        tasks, tasks[0].id, on=D(2024, 3, 4), cadence=cadence, clock=clock_at(D(2024, 3, 4))
    )
    fresh = rerender(tasks, LEAD, cadence)
    assert fresh[1].channel == "call" and fresh[1].summary == "Call Jane Q Doe: invite for a coffee"
    assert fresh[0] == tasks[0]  # done tasks are history
    assert dues(fresh) == dues(tasks)
    assert [t.id for t in fresh] == [t.id for t in tasks]


# ---------------------------------------------------------------- properties

MSG = Message("email", "s", "s", "")


@st.composite
def cadences(draw: st.DrawFn, chained: bool = False) -> Cadence:
    n = draw(st.integers(1, 6))
    steps = []
    for i in range(n):
        rel = (
            "met"
            if i == 0
            else ("previous" if chained else draw(st.sampled_from(["met", "previous"])))
        )
        steps.append(Step(f"s{i}", draw(st.integers(0, 12)), rel, MSG))  # type: ignore[arg-type]
    weekend = draw(st.sets(st.integers(1, 7), max_size=3))
    base = D(2024, 1, 1)
    holidays = draw(
        st.sets(st.integers(0, 500).map(lambda k: base + dt.timedelta(days=k)), max_size=40)
    )
    cal = Calendar(frozenset(weekend), frozenset(holidays))
    return Cadence(tuple(steps), Step("referral", 0, "met", MSG), cal)


met_dates = st.integers(0, 300).map(lambda k: D(2024, 1, 1) + dt.timedelta(days=k))
lags = st.integers(-40, 40)


def downstream(tasks: tuple[Task, ...], tid: str) -> set[str]:
    out: set[str] = set()
    frontier = {tid}
    while frontier:
        frontier = {t.id for t in tasks if t.depends_on in frontier} - out
        out |= frontier
    return out


def check_business(tasks: tuple[Task, ...], cal: Calendar) -> None:
    for t in tasks:
        if t.status in ("open", "snoozed"):
            assert t.due.isoweekday() not in cal.weekend, t
            assert t.due not in cal.holidays, t


@settings(max_examples=300, deadline=None)
@given(cadences(), met_dates, lags)
def test_property_plan(c: Cadence, met: D, lag: int) -> None:
    today = met + dt.timedelta(days=lag)
    tasks = plan(LEAD, met, c, clock_at(today))
    assert len(tasks) == len(c.steps)
    check_business(tasks, c.calendar)
    assert all(t.due >= today for t in tasks)  # nothing planned in the past
    assert dues(tasks) == sorted(dues(tasks))  # order kept
    cal = c.calendar
    assert tasks[0].due == max(
        cal.add_business_days(met, c.steps[0].offset), cal.roll_forward(today)
    )
    for prev, t, step in zip(tasks, tasks[1:], c.steps[1:], strict=False):
        if step.relative_to == "previous":
            assert t.due >= cal.add_business_days(prev.due, step.offset)
            assert t.depends_on == prev.id
        else:
            assert t.due >= cal.add_business_days(met, step.offset)
    assert len({t.id for t in tasks}) == len(tasks)


@settings(max_examples=300, deadline=None)
@given(cadences(chained=True), met_dates, st.integers(0, 30), st.data())
def test_property_done_redates_exactly(c: Cadence, met: D, lag: int, data: st.DataObject) -> None:
    cal = c.calendar
    tasks = plan(LEAD, met, c, clock_at(met))
    today = met + dt.timedelta(days=lag)
    i = data.draw(st.integers(0, len(tasks) - 1))
    on = today - dt.timedelta(days=data.draw(st.integers(0, 20)))
    after = complete(tasks, tasks[i].id, on=on, cadence=c, clock=clock_at(today))
    moved = downstream(tasks, tasks[i].id)
    floor = cal.roll_forward(today)
    anchor = on
    for before, t in zip(tasks, after, strict=True):
        if t.id in moved:
            assert t.due == max(cal.add_business_days(anchor, t.offset), floor)
            anchor = t.due
        elif t.id != tasks[i].id:
            assert t == before  # nothing else changes
    assert after[i].status == "done" and after[i].done_on == on and after[i].due == tasks[i].due
    check_business(after, cal)
    assert dues(after[i + 1 :]) == sorted(dues(after[i + 1 :]))


@settings(max_examples=300, deadline=None)
@given(cadences(), met_dates, st.integers(0, 30), st.integers(0, 40), st.data())
def test_property_snooze_moves_only_dependents(
    c: Cadence, met: D, lag: int, ahead: int, data: st.DataObject
) -> None:
    cal = c.calendar
    tasks = plan(LEAD, met, c, clock_at(met))
    today = met + dt.timedelta(days=lag)
    i = data.draw(st.integers(0, len(tasks) - 1))
    until = today + dt.timedelta(days=ahead)
    after = snooze(tasks, tasks[i].id, until=until, cadence=c, clock=clock_at(today))
    assert after[i].due == cal.roll_forward(until) and after[i].status == "snoozed"
    moved = downstream(tasks, tasks[i].id)
    by_id = {t.id: t for t in after}
    for before, t in zip(tasks, after, strict=True):
        if t.id in moved:
            assert t.depends_on is not None
            parent = by_id[t.depends_on]
            assert t.due == max(
                cal.add_business_days(parent.due, t.offset), cal.roll_forward(today)
            )
        elif t.id != tasks[i].id:
            assert t == before
    check_business(after, cal)
    # a second snooze of the same task to the same date changes nothing more
    again = snooze(after, tasks[i].id, until=until, cadence=c, clock=clock_at(today))
    assert again == after


@settings(max_examples=200, deadline=None)
@given(cadences(), met_dates, st.integers(0, 15))
def test_property_add_business_days(c: Cadence, start: D, n: int) -> None:
    cal = c.calendar
    end = cal.add_business_days(start, n)
    assert cal.is_business_day(end)
    between = [start + dt.timedelta(days=k) for k in range(1, (end - start).days + 1)]
    assert sum(cal.is_business_day(d) for d in between) == max(n, 1 if end != start else 0)
