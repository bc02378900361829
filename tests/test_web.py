"""The workspace through Flask's test client: pages, actions, security.
(The real-browser tests are in test_web_browser.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from web_support import (
    HOST,
    HOSTILE_COMPANY,
    HOSTILE_NAME,
    IMG,
    SCRIPT,
    TODAY,
    config,
    copy_db,
    scanned_store,
    token,
)

from cardscan import crm, crm_review
from cardscan.cli import main
from cardscan.web import security
from cardscan.web.app import create_app
from cardscan.web.server import start_in_thread


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scanned_store(tmp_path_factory)


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
        mine = store.tasks(mary.id)  # the referral today, then her own plan after it
        assert mine[0].step == "referral" and mine[0].due == TODAY
        assert all(t.due > TODAY for t in mine[1:]) and len(mine) > 1
        thanks = [t for t in store.tasks(task.lead_id) if t.step == f"thank-intro:{mary.id}"]
        assert [t.due for t in thanks] == [TODAY]  # and Jonah is thanked today
    page = client.get(f"/lead/{mary.id}", headers=HOST).get_data(as_text=True)
    assert f'<a href="/lead/{task.lead_id}">Jonah Whitfield</a>' in page


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


# ------------------------------------------------------------------ review


def lead_named(db: Path, name: str) -> crm.Lead:
    with crm.open_store(db) as store:
        return next(x for x in crm.list_leads(store) if x.name == name and x.sources != ("manual",))


def test_review_starts_at_the_first_card_of_the_queue(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        first = crm_review.review_queue(store)[0].lead
    resp = client.get("/review", headers=HOST)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/review/{first.id}")
    listing = client.get("/review?list=1", headers=HOST).get_data(as_text=True)
    assert f"/review/{first.id}" in listing


def test_review_page_shows_the_card_and_highlights_weak_fields(
    client: FlaskClient, db: Path
) -> None:
    lukas = lead_named(db, "Lukas Brandt")
    page = client.get(f"/review/{lukas.id}", headers=HOST).get_data(as_text=True)
    assert f'src="/lead/{lukas.id}/card.jpg"' in page
    row = re.search(r'<div class="field-row ([a-z ]*)" data-field="email">\s*<label[^>]*>Email'
                    r'.*?value="([^"]*)"', page, re.S)
    assert row and "low" in row.group(1) and row.group(2) == "1.brandt@nordlicht-solar.de"
    email_input = re.search(r'<input[^>]*value="1\.brandt@nordlicht-solar\.de"[^>]*>', page)
    assert email_input and 'data-key="e"' in email_input.group(0)  # e goes to the weakest field
    assert "data-autofocus" in email_input.group(0)  # and the page opens there
    assert page.count("data-autofocus") == 1
    jumps = re.findall(r'<input[^>]*data-jump[^>]*>', page)  # Tab goes through the weak ones
    with crm.open_store(db) as store:
        weak = [f for f in crm_review.field_views(crm.get_lead(store, lukas.id)) if f.uncertain]
    assert len(jumps) == len(weak) >= 2
    with crm.open_store(db) as store:
        detail = crm_review.lead_detail(store, lukas.id, cadence=crm.load_cadence(None))
    sure = next(f for f in detail.fields if f.field == "phone" and not f.uncertain)
    sure_row = re.search(r'<div class="field-row ([a-z ]*)" data-field="phone">\s*<label[^>]*>'
                         rf'[^<]*(?:<small>[^<]*</small>)?</label>\s*<input[^>]*value="'
                         rf'{re.escape(sure.value)}"', page)
    assert sure_row and "low" not in sure_row.group(1)  # a sure reading is not highlighted


def test_review_page_of_a_sure_card_opens_in_no_field(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        sure = next(i.lead for i in crm_review.review_queue(store)
                    if not i.uncertain and i.lead.name)
    page = client.get(f"/review/{sure.id}", headers=HOST).get_data(as_text=True)
    assert "data-autofocus" not in page and "data-jump" not in page
    assert 'data-key="e"' in page  # e still reaches a field


def test_review_page_without_a_name_opens_in_the_name(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        queue = [i.lead for i in crm_review.review_queue(store)]
        nameless = next((lead for lead in queue if not lead.name), None)
        if nameless is None:  # every sample's name was read: a card whose name was not
            nameless = dataclasses.replace(queue[0], name=None, given_name=None,
                                           family_name=None)
            with store.transaction():
                store.save_lead(nameless, dt.datetime(2024, 3, 1, 18, 0))
    page = client.get(f"/review/{nameless.id}", headers=HOST).get_data(as_text=True)
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', page)
    assert name_input and "data-autofocus" in name_input.group(0)


def test_card_image_comes_from_the_store_by_lead_id(client: FlaskClient, db: Path) -> None:
    lukas = lead_named(db, "Lukas Brandt")
    resp = client.get(f"/lead/{lukas.id}/card.jpg", headers=HOST)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    assert resp.data[:3] == b"\xff\xd8\xff"
    with crm.open_store(db) as store:
        assert resp.data == crm_review.card_image(store, lukas.id)
    for bad in ("ffffffffffff", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"):
        assert client.get(f"/lead/{bad}/card.jpg", headers=HOST).status_code == 404


class _FormFields(HTMLParser):
    """The named inputs and textareas of the form with id `form_id`, in order."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif self.inside and tag == "input" and a.get("name"):
            self.fields.setdefault(a["name"] or "", []).append(a.get("value") or "")
        elif self.inside and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.setdefault(self._textarea or "", []).append("")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None


def edit_form(client: FlaskClient, lead_id: str) -> dict[str, list[str]]:
    """The edit form's fields as the page has them (CSRF token included)."""
    parser = _FormFields("edit-form")
    parser.feed(client.get(f"/review/{lead_id}", headers=HOST).get_data(as_text=True))
    assert parser.fields[security.CSRF_FIELD]
    return parser.fields


def test_edit_refuses_a_bad_email_with_a_sentence(client: FlaskClient, db: Path) -> None:
    lukas = lead_named(db, "Lukas Brandt")
    form = edit_form(client, lukas.id)
    form["email"][0] = "l.brandt@@nordlicht-solar.de"
    resp = client.post(f"/lead/{lukas.id}/edit", data=form, headers=HOST)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    alert = re.search(r'<p class="errors" role="alert">(.*?)</p>', page, re.S)
    assert alert and "l.brandt@@nordlicht-solar.de" in html.unescape(alert.group(1))
    assert 'value="l.brandt@@nordlicht-solar.de"' in page  # what was typed stays in the form
    assert lead_named(db, "Lukas Brandt").emails == lukas.emails


def test_edit_fixes_a_misread_email_and_keeps_the_reading(client: FlaskClient, db: Path) -> None:
    lukas = lead_named(db, "Lukas Brandt")
    form = edit_form(client, lukas.id)
    form["email"][0] = "l.brandt@nordlicht-solar.de"
    resp = client.post(f"/lead/{lukas.id}/edit", data=form, headers=HOST, follow_redirects=True)
    assert resp.status_code == 200
    assert "Saved: emails." in resp.get_data(as_text=True)
    fixed = lead_named(db, "Lukas Brandt")
    assert fixed.emails[0] == "l.brandt@nordlicht-solar.de"
    assert [p.number for p in fixed.phones] == [p.number for p in lukas.phones]
    with crm.open_store(db) as store:
        history = store.history(lukas.id)
    assert any(h.old and "1.brandt@nordlicht-solar.de" in h.old for h in history)
    lead_page = client.get(f"/lead/{lukas.id}", headers=HOST).get_data(as_text=True)
    assert "1.brandt@nordlicht-solar.de" in lead_page  # the history shows the original reading
    today = client.get("/today", headers=HOST).get_data(as_text=True)
    assert "mailto:l.brandt@nordlicht-solar.de?" in today


def test_approve_leaves_the_queue_and_goes_to_the_next(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        ids = [i.lead.id for i in crm_review.review_queue(store)]
    resp = client.post(f"/lead/{ids[0]}/approve", data={security.CSRF_FIELD: token(client)},
                       headers=HOST)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/review/{ids[1]}")
    with crm.open_store(db) as store:
        assert [i.lead.id for i in crm_review.review_queue(store)] == ids[1:]
        assert crm.get_lead(store, ids[0]).review_status == "approved"


def test_merge_the_suggested_duplicate(client: FlaskClient, db: Path) -> None:
    with crm.open_store(db) as store:
        dup = next(x for x in crm.list_leads(store) if x.possible_duplicate_of)
        keep = crm.get_lead(store, dup.possible_duplicate_of or "")
    page = client.get(f"/review/{dup.id}", headers=HOST).get_data(as_text=True)
    assert "Possible duplicate" in page and f'name="keep" value="{keep.id}"' in page
    resp = client.post("/merge", data={security.CSRF_FIELD: token(client), "keep": keep.id,
                                       "other": dup.id}, headers=HOST)
    assert resp.status_code == 302
    with crm.open_store(db) as store:
        merged = crm.get_lead(store, keep.id)
        assert set(dup.emails) <= set(merged.emails)
        assert all(x.id != dup.id for x in crm.list_leads(store))
        assert {t.status for t in store.tasks(dup.id)} <= {"skipped", "done"}
    gone = client.get(f"/review/{dup.id}", headers=HOST, follow_redirects=True)
    assert "This lead was merged into" in gone.get_data(as_text=True)


def test_note_delete_and_restore(client: FlaskClient, db: Path) -> None:
    grace = lead_named(db, "Grace Adeyemi")
    tok = token(client)
    client.post(f"/lead/{grace.id}/note", data={security.CSRF_FIELD: tok,
                                                "text": "promised: our pricing deck"},
                headers=HOST)
    page = client.get(f"/lead/{grace.id}", headers=HOST).get_data(as_text=True)
    assert "promised: our pricing deck" in page
    client.post(f"/lead/{grace.id}/delete", data={security.CSRF_FIELD: tok}, headers=HOST)
    assert all(x.id != grace.id for x in crm.list_leads(crm.open_store(db)))
    assert "This lead is deleted." in client.get(f"/lead/{grace.id}", headers=HOST).get_data(
        as_text=True)
    client.post(f"/lead/{grace.id}/restore", data={security.CSRF_FIELD: tok}, headers=HOST)
    assert any(x.id == grace.id for x in crm.list_leads(crm.open_store(db)))


JSON = {**HOST, "Accept": "application/json"}


def _save_draft(client: FlaskClient, task_id: str, subject: str, body: str) -> dict[str, object]:
    resp = client.post(f"/task/{task_id}/draft", headers=JSON, data={
        security.CSRF_FIELD: token(client), "subject": subject, "body": body})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert isinstance(resp.json, dict)
    return resp.json


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    import json

    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_an_edited_draft_is_kept_and_used_everywhere(
    client: FlaskClient, db: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    task = due_task(db, "Harriet Vance")
    # the browser sends the textarea's line breaks as CRLF
    answer = _save_draft(client, task.id, "Hi & bye", "line 1\r\nline 2 — ok")
    assert answer == {
        "subject": "Hi & bye", "body": "line 1\nline 2 — ok", "edited": True,
        "mailto": crm_review.mailto_url(
            "harriet.vance@ashgroveanalytics.co.uk", "Hi & bye", "line 1\nline 2 — ok"),
    }
    assert "%0D%0A" in str(answer["mailto"])
    # shown again on the page: the edit, its mailto: link, the reset button
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    block = page[page.index(f'id="task-{task.id}"'):]
    block = block[:block.index("</article>")]
    assert 'value="Hi &amp; bye"' in block and ">line 1\nline 2 — ok</textarea>" in block
    assert html.escape(str(answer["mailto"])) in block
    assert re.search(r'<button[^>]*class="quiet reset-draft"[^>]*>', block)
    assert not re.search(r'<button[^>]*class="quiet reset-draft"[^>]*hidden', block)
    # the CLI: tasks --format json, show --format json, show
    monkeypatch.setenv("CARDSCAN_TODAY", TODAY.isoformat())
    rows = _cli_json(capsys, "tasks", "--db", str(db), "--format", "json", "--due", "all")
    assert isinstance(rows, list)
    row = next(r for r in rows if r["id"] == task.id)
    assert (row["subject"], row["body"], row["edited"]) == ("Hi & bye", "line 1\nline 2 — ok", True)
    assert row["mailto"] == answer["mailto"]
    assert all(not r["edited"] for r in rows if r["id"] != task.id)
    shown = _cli_json(capsys, "show", task.lead_id, "--db", str(db), "--format", "json")
    assert isinstance(shown, dict)
    step = next(x for x in shown["plan"] if x["id"] == task.id)
    assert (step["subject"], step["edited"]) == ("Hi & bye", True)
    assert main(["show", task.lead_id, "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "Subject: Hi & bye" in text and "your edit from the workspace" in text
    # the calendar export carries it in the event's description
    ics = tmp_path / "plan.ics"
    assert main(["export", "--db", str(db), "--format", "ics", "--out", str(ics)]) == 0
    unfolded = ics.read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Subject: Hi & bye" in unfolded and "line 1\\nline 2 — ok" in unfolded


def test_a_profile_change_reaches_every_draft_but_an_edited_one(
    client: FlaskClient, db: Path, tmp_path: Path
) -> None:
    edited = due_task(db, "Harriet Vance")
    other = due_task(db, "Oliver Grant")
    _save_draft(client, edited.id, "My own words", "Dear Harriet, see you soon.")
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "profile.toml").write_text('name = "Robin Quill"\n', encoding="utf-8")
    cadence = crm.load_cadence(None)
    with crm.open_store(db) as store:
        mine = crm_review.render_task(store, edited.id, cadence=cadence)
        theirs = crm_review.render_task(store, other.id, cadence=cadence)
    assert (mine.subject, mine.body, mine.edited) == (
        "My own words", "Dear Harriet, see you soon.", True)
    assert "Robin Quill" in theirs.body and not theirs.edited


def test_reset_drops_the_edit_and_the_template_returns(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Harriet Vance")
    cadence = crm.load_cadence(None)
    with crm.open_store(db) as store:
        template = crm_review.render_task(store, task.id, cadence=cadence)
    _save_draft(client, task.id, "Changed", template.body)
    # a plain form post (no JavaScript): back to the task with a message
    resp = client.post(f"/task/{task.id}/draft/reset", headers=HOST,
                       data={security.CSRF_FIELD: token(client), "next": "/today"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/today#task-{task.id}")
    with crm.open_store(db) as store:
        again = crm_review.render_task(store, task.id, cadence=cadence)
        assert store.draft_edit(task.id) is None
    assert (again.subject, again.body, again.edited) == (template.subject, template.body, False)
    # an "edit" that reads as the template is not kept: the draft follows the template
    answer = _save_draft(client, task.id, template.subject, template.body.replace("\n", "\r\n"))
    assert answer["edited"] is False
    with crm.open_store(db) as store:
        assert store.draft_edit(task.id) is None


def test_draft_edits_need_the_token_and_a_pending_task(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Harriet Vance")
    resp = client.post(f"/task/{task.id}/draft", headers=JSON,
                       data={"subject": "x", "body": "y"})
    assert resp.status_code == 403
    client.post(f"/task/{task.id}/done", headers=HOST, data={security.CSRF_FIELD: token(client)})
    resp = client.post(f"/task/{task.id}/draft", headers=HOST, data={
        security.CSRF_FIELD: token(client), "subject": "late", "body": "too late"})
    assert resp.status_code == 400
    assert "its draft is what was sent" in resp.get_data(as_text=True)
    with crm.open_store(db) as store:
        assert store.draft_edit(task.id) is None


def test_today_says_when_drafts_have_no_sender(client: FlaskClient, db: Path) -> None:
    # the test profile folder is empty: no name to sign with
    assert "signed with no name yet" in client.get("/today", headers=HOST).get_data(as_text=True)


def test_calls_get_a_tel_link(db: Path) -> None:
    day = TODAY + dt.timedelta(days=7)  # the calls to invite for coffee are due by then
    app = create_app(config(db, day))
    with app.test_client() as c:
        page = c.get("/today", headers=HOST).get_data(as_text=True)
    with crm.open_store(db) as store:
        grace = next(x for x in crm.list_leads(store) if x.name == "Grace Adeyemi")
        call = next(t for t in store.tasks(grace.id) if t.channel == "call")
    block = page.split(f'id="task-{call.id}"')[1].split("</article>")[0]
    assert f'href="tel:{grace.phone()}"' in block


def test_an_edited_draft_is_escaped_on_the_page(client: FlaskClient, db: Path) -> None:
    task = due_task(db, "Harriet Vance")
    _save_draft(client, task.id, 'x" autofocus onfocus="alert(1)', f"</textarea>{SCRIPT}{IMG}")
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    assert SCRIPT not in page and IMG not in page and 'onfocus="alert' not in page
    assert f"&lt;/textarea&gt;{escape(SCRIPT)}" in page
