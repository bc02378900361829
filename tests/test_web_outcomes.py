"""Issue 13 in the workspace: outcome buttons on Today (one click each, booked
with a date), CSRF on every POST, the same re-dating as the command line, and
the report's chart rendered from the store."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from web_support import (
    HOST,
    TODAY,
    coffee_call_due_store,
    token,
)

from cardscan import crm
from cardscan.web import security


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coffee_call_due_store(tmp_path_factory)


def step_task(db: Path, name: str, step: str) -> crm.Task:
    with crm.open_store(db) as store:
        lead = next(x for x in store.leads() if x.name == name)
        return next(t for t in store.tasks(lead.id) if t.step == step)


def snapshot(db: Path, name: str) -> list[tuple[str, str, dt.date, str | None, str]]:
    with crm.open_store(db) as store:
        lead = next(x for x in store.leads() if x.name == name)
        return sorted((t.step, t.status, t.due, t.outcome, t.summary)
                      for t in store.tasks(lead.id))


def article(page: str, task_id: str) -> str:
    start = page.index(f'id="task-{task_id}"')
    return page[start : page.index("</article>", start)]


def test_today_offers_the_outcomes_each_step_takes(client: FlaskClient, db: Path) -> None:
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    call = step_task(db, "Tomas Oliveira", "coffee-call")
    block = article(page, call.id)
    assert f'formaction="/task/{call.id}/outcome"' in block
    assert re.findall(r'name="outcome" value="([a-z-]+)"', block) == [
        "booked", "no-answer", "declined"
    ]
    assert f'type="date" name="meeting" aria-label="meeting date" min="{TODAY}"' in block
    intro = step_task(db, "Jonah Whitfield", "intro-email")
    block = article(page, intro.id)
    assert re.findall(r'name="outcome" value="([a-z-]+)"', block) == ["replied", "no-reply"]
    assert 'name="meeting"' not in block  # no date where nothing is booked


def test_booked_in_the_workspace_re_dates_as_the_command_line_does(
    client: FlaskClient, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cardscan.cli import main

    twin = tmp_path / "twin" / "cardscan.db"
    twin.parent.mkdir()
    shutil.copyfile(db, twin)
    call = step_task(db, "Tomas Oliveira", "coffee-call")
    resp = client.post(
        f"/task/{call.id}/outcome",
        data={security.CSRF_FIELD: token(client), "outcome": "booked",
              "meeting": "2026-12-07", "note": "likes espresso", "next": "/today"},
        headers=HOST,
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Stage: meeting-booked." in page
    monkeypatch.setenv("CARDSCAN_TODAY", TODAY.isoformat())
    assert main(["done", call.id, "--outcome", "booked", "--meeting", "2026-12-07",
                 "--note", "likes espresso", "--db", str(twin)]) == 0
    capsys.readouterr()
    web, cli = snapshot(db, "Tomas Oliveira"), snapshot(twin, "Tomas Oliveira")
    assert web == cli
    dues = {step: due for step, _, due, _, _ in web}
    assert dues["coffee"] == dt.date(2026, 12, 7) and dues["research"] == dt.date(2026, 12, 4)
    lead_page = client.get(f"/lead/{call.lead_id}", headers=HOST).get_data(as_text=True)
    assert "meeting-booked" in lead_page and "done: booked" in lead_page
    assert "- 2026-11-26: likes espresso" in step_task(db, "Tomas Oliveira", "research").body


def test_outcomes_need_the_token_and_a_date_for_booked(client: FlaskClient, db: Path) -> None:
    call = step_task(db, "Tomas Oliveira", "coffee-call")
    before = snapshot(db, "Tomas Oliveira")
    resp = client.post(f"/task/{call.id}/outcome",
                       data={"outcome": "declined"}, headers=HOST)
    assert resp.status_code == 403
    resp = client.post(f"/task/{call.id}/outcome",
                       data={security.CSRF_FIELD: token(client), "outcome": "booked"},
                       headers=HOST)
    assert resp.status_code == 400
    assert "needs the meeting date" in resp.get_data(as_text=True)
    resp = client.post(f"/task/{call.id}/outcome",
                       data={security.CSRF_FIELD: token(client), "outcome": "booked",
                             "meeting": "next tuesday"},
                       headers=HOST)
    assert resp.status_code == 400 and "is not a date" in resp.get_data(as_text=True)
    resp = client.post(f"/task/{call.id}/done",  # Enter in the date field submits Done
                       data={security.CSRF_FIELD: token(client), "meeting": "2026-12-07"},
                       headers=HOST)
    assert resp.status_code == 400 and "click booked" in resp.get_data(as_text=True)
    for bad in ("", "ghosted"):
        resp = client.post(f"/task/{call.id}/outcome",
                           data={security.CSRF_FIELD: token(client), "outcome": bad},
                           headers=HOST)
        assert resp.status_code == 400
        text = html.unescape(resp.get_data(as_text=True))
        assert f"outcome {bad!r} is not one of replied, no-reply" in text
    assert snapshot(db, "Tomas Oliveira") == before


def test_declined_in_the_workspace_closes_the_lead(client: FlaskClient, db: Path) -> None:
    call = step_task(db, "Tomas Oliveira", "coffee-call")
    resp = client.post(
        f"/task/{call.id}/outcome",
        data={security.CSRF_FIELD: token(client), "outcome": "declined",
              "meeting": "2026-12-07"},  # a date typed for booked does not count here
        headers=HOST, follow_redirects=True,
    )
    assert "Stage: closed (declined the coffee)." in resp.get_data(as_text=True)
    page = client.get(f"/lead/{call.lead_id}", headers=HOST).get_data(as_text=True)
    assert "closed: declined the coffee" in page
    assert page.count("status-cancelled") == 3


def test_the_report_page_and_its_chart(client: FlaskClient) -> None:
    page = client.get("/report", headers=HOST).get_data(as_text=True)
    assert '<img class="chart" src="/report.png"' in page
    assert "<h2>Chamber breakfast</h2>" in page
    assert "<dt>contacted within 1 business day</dt><dd>1</dd>" in page  # Tomas, on the day
    resp = client.get("/report.png", headers=HOST)
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.data.startswith(b"\x89PNG")
    assert client.get("/report.png?path=/etc/passwd", headers=HOST).data == resp.data
