"""The workspace through Flask's test client: pages, actions, security.
(The real-browser tests are in test_web_browser.py.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from web_support import (
    HOSTILE_COMPANY,
    HOSTILE_NAME,
    IMG,
    SCRIPT,
    TODAY,
    add_hostile,
    config,
    copy_db,
    scan_samples,
)

from cardscan import crm
from cardscan.cli import main
from cardscan.web import security
from cardscan.web.app import create_app
from cardscan.web.server import start_in_thread

HOST = {"Host": "127.0.0.1:8765"}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("scan") / "cardscan.db"
    with pytest.MonkeyPatch.context() as mp:
        scan_samples(db, mp)
    add_hostile(db)
    return db


@pytest.fixture
def db(scanned: Path, tmp_path: Path) -> Path:
    return copy_db(scanned, tmp_path)


@pytest.fixture
def client(db: Path) -> Iterator[FlaskClient]:
    app = create_app(config(db))
    with app.test_client() as c:
        yield c


def token(client: FlaskClient) -> str:
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    m = re.search(rf'name="{security.CSRF_FIELD}" value="([^"]+)"', page)
    assert m, "every page with a form carries the CSRF token"
    return m.group(1)


def due_task(db: Path, name: str) -> crm.Task:
    with crm.open_store(db) as store:
        lead = next(x for x in crm.list_leads(store) if x.name == name)
        return next(t for t in store.tasks(lead.id) if t.status == "open")


def test_today_groups_due_tasks_by_person(client: FlaskClient, db: Path) -> None:
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    with crm.open_store(db) as store:
        due = crm.list_tasks(store, due="today", cadence=crm.load_cadence(None),
                             clock=config(db).clock)
        names = {x.id: x.name for x in crm.list_leads(store)}
    assert due, "the samples' intro emails are due on TODAY"
    for t in due:
        assert f'id="task-{t.id}"' in page
    sections = re.findall(r'<section class="person" id="lead-([0-9a-f]+)"', page)
    assert len(sections) == len({t.lead_id for t in due}) == len(set(sections))
    assert str(escape(names[due[0].lead_id] or "")) in page


def test_done_redates_the_plan_exactly_as_the_cli(
    client: FlaskClient, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = due_task(db, "Harriet Vance")
    other = tmp_path / "cli"
    other.mkdir()
    cli_db = copy_db(db, other)
    resp = client.post(
        f"/task/{task.id}/done",
        data={security.CSRF_FIELD: token(client), "note": "sent"},
        headers=HOST,
    )
    assert resp.status_code == 302
    monkeypatch.setenv("CARDSCAN_TODAY", TODAY.isoformat())
    assert main(["done", task.id, "--note", "sent", "--db", str(cli_db)]) == 0
    with crm.open_store(db) as web_store, crm.open_store(cli_db) as cli_store:
        web_tasks = web_store.tasks(task.lead_id)
        assert web_tasks == cli_store.tasks(task.lead_id)
    done = next(t for t in web_tasks if t.id == task.id)
    assert (done.status, done.done_on, done.note) == ("done", TODAY, "sent")
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    assert "Done: " in page and "Re-dated:" in page
    assert f'id="task-{task.id}"' not in page


@pytest.mark.parametrize(("until", "days"), [("+1d", 1), ("+3d", 3), ("+1w", 7)])
def test_snooze_buttons(client: FlaskClient, db: Path, until: str, days: int) -> None:
    task = due_task(db, "Grace Adeyemi")
    resp = client.post(
        f"/task/{task.id}/snooze",
        data={security.CSRF_FIELD: token(client), "until": until},
        headers=HOST,
    )
    assert resp.status_code == 302
    with crm.open_store(db) as store:
        moved = store.get_task(task.id)
    assert moved is not None and moved.status == "snoozed"
    cal = crm.load_cadence(None).calendar
    assert moved.due == cal.roll_forward(TODAY + dt.timedelta(days=days))


def test_refer_adds_a_lead_due_today(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Jonah Whitfield")
    resp = client.post(
        f"/lead/{task.lead_id}/refer",
        data={security.CSRF_FIELD: token(client), "name": "Mary Chen",
              "email": "mary.chen@example.org"},
        headers=HOST,
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "Added Mary Chen" in resp.get_data(as_text=True)
    with crm.open_store(db) as store:
        mary = next(x for x in crm.list_leads(store) if x.name == "Mary Chen")
        assert mary.referred_by == task.lead_id
        assert [t.due for t in store.tasks(mary.id)] == [TODAY]


def test_bad_input_is_a_sentence_not_a_crash(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Jonah Whitfield")
    resp = client.post(
        f"/lead/{task.lead_id}/refer",
        data={security.CSRF_FIELD: token(client), "name": "Mary Chen", "email": "not-an-address"},
        headers=HOST,
    )
    assert resp.status_code == 400
    assert "not-an-address" in resp.get_data(as_text=True)
    resp = client.get("/lead/ffffffffffff", headers=HOST)
    assert resp.status_code == 404
    assert "unknown lead id" in resp.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Harriet Vance")
    for data in ({}, {security.CSRF_FIELD: "forged"}):
        resp = client.post(f"/task/{task.id}/done", data=data, headers=HOST)
        assert resp.status_code == 403
    with crm.open_store(db) as store:
        assert store.get_task(task.id) == task  # nothing changed


def test_foreign_host_header_is_refused(client: FlaskClient) -> None:
    assert client.get("/today", headers={"Host": "attacker.example:8765"}).status_code == 400
    assert client.get("/today", headers={"Host": "localhost:8765"}).status_code == 200


def test_security_headers(client: FlaskClient) -> None:
    resp = client.get("/today", headers=HOST)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_card_is_escaped_everywhere(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        lead = next(x for x in crm.list_leads(store) if x.name == HOSTILE_NAME)
    pages = ["/today", "/leads", "/review", f"/lead/{lead.id}"]
    for url in pages:
        page = client.get(url, headers=HOST).get_data(as_text=True)
        assert SCRIPT not in page and IMG not in page, url
        assert "<img src=x" not in page, url
    lead_page = client.get(f"/lead/{lead.id}", headers=HOST).get_data(as_text=True)
    assert str(escape(HOSTILE_NAME)) in lead_page
    assert str(escape(HOSTILE_COMPANY)) in lead_page


def test_host_check_rules() -> None:
    loop = security.allowed_hosts("127.0.0.1")
    assert security.host_ok("127.0.0.1:8765", loop)
    assert security.host_ok("[::1]:8765", loop)
    assert not security.host_ok("evil.example", loop)
    assert not security.host_ok(None, loop)
    assert security.allowed_hosts("0.0.0.0") is None  # the user asked for the network
    assert security.host_ok("192.168.1.5:8765", None)


def test_server_binds_loopback_by_default(db: Path) -> None:
    running = start_in_thread(config(db), port=0)
    try:
        host, port = running.server.server_address[:2]
        assert host == "127.0.0.1" and port > 0
        assert running.url == f"http://127.0.0.1:{port}/"
    finally:
        running.stop()


def test_serve_needs_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--db", str(tmp_path / "none.db"), "--port", "0"])
    assert code == 5
    assert "no lead database" in capsys.readouterr().err


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "99999"])
    assert exc.value.code == 2
    assert "not a port number" in capsys.readouterr().err
