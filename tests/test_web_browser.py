"""The workspace in a real browser: Debian's chromium driven by Playwright.

Scans the samples into a temporary store (replaying recorded RapidOCR output),
serves it on a free loopback port from a thread, and works through it as a
person would.  Skips only when chromium or Playwright is missing locally; on
CI (CI=true) a missing browser fails instead, since CI installs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import chromium, chromium_path
from web_support import (
    HOSTILE_COMPANY,
    HOSTILE_NAME,
    TODAY,
    config,
    copy_db,
    isolate_profile,
    scanned_store,
)

from cardscan import crm, crm_review
from cardscan.web.server import Running, start_in_thread


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return "chromium is not installed (apt-get install chromium)"
    return None


_MISSING = _browser_missing()
if _MISSING and os.environ.get("CI"):
    pytest.fail(f"browser tests cannot run on CI: {_MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=_MISSING or "")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scanned_store(tmp_path_factory)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def db(scanned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_profile(monkeypatch, tmp_path / "config")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "profile.toml").write_text(
        'name = "Sam Rivera"\ncompany = "Northwind Consulting"\n', encoding="utf-8"
    )
    return copy_db(scanned, tmp_path)


@pytest.fixture
def server(db: Path) -> Iterator[Running]:
    running = start_in_thread(config(db), port=0)
    yield running
    running.stop()


class Dialogs(list[str]):
    """Every alert/confirm/prompt the page opened (there must be none)."""


@pytest.fixture
def page(browser: Any, server: Running) -> Iterator[tuple[Any, Dialogs]]:
    context = browser.new_context(base_url=server.url.rstrip("/"))
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    dialogs = Dialogs()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg, dialogs
    context.close()


def _lead_named(db: Path, name: str) -> crm.Lead:
    with crm.open_store(db) as store:
        return next(
            x for x in crm.list_leads(store) if x.name == name and x.sources != ("manual",)
        )


_FOCUSED_AND_SELECTED = """el => el === document.activeElement
    && el.selectionStart === 0 && el.selectionEnd === el.value.length"""


def _focused_name(pg: Any) -> str | None:
    """The form name of the input the cursor is in (None: no field)."""
    return pg.evaluate("() => document.activeElement.closest('form') ? "
                       "document.activeElement.name : null")


def test_review_fix_a_misread_email_and_approve(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    lukas = _lead_named(db, "Lukas Brandt")
    pg.goto("/review")
    pg.wait_for_url(re.compile(r"/review/[0-9a-f]+$"))
    pg.goto(f"/review/{lukas.id}")
    assert pg.locator("img.card-image").evaluate("img => img.naturalWidth") > 100
    email_row = pg.locator(".field-row[data-field=email]").first
    assert "low" in (email_row.get_attribute("class") or "")
    # the page opens in the least certain reading, its text selected
    email = email_row.locator("input")
    assert email.evaluate(_FOCUSED_AND_SELECTED)
    # a wrong fix is refused with a sentence, and the page reopens in what was typed
    pg.keyboard.type("l.brandt@@nordlicht-solar.de")
    pg.keyboard.press("Enter")
    alert = pg.get_by_role("alert")
    assert "l.brandt@@nordlicht-solar.de" in alert.inner_text()
    email = pg.locator(".field-row[data-field=email] input").first
    assert email.input_value() == "l.brandt@@nordlicht-solar.de"
    assert email.evaluate(_FOCUSED_AND_SELECTED)
    # the fix: type, Enter (save), Escape (leave the field), a (approve)
    pg.keyboard.type("l.brandt@nordlicht-solar.de")
    pg.keyboard.press("Enter")
    pg.wait_for_selector(".flash")
    assert "Saved: emails." in pg.locator(".flash").inner_text()
    pg.keyboard.press("Escape")
    pg.keyboard.press("a")
    pg.wait_for_url(lambda u: not u.endswith(f"/review/{lukas.id}"))
    with crm.open_store(db) as store:
        fixed = crm.get_lead(store, lukas.id)
        history = store.history(lukas.id)
    assert fixed.emails[0] == "l.brandt@nordlicht-solar.de"
    assert fixed.review_status == "approved"
    assert any(h.old == "1.brandt@nordlicht-solar.de" for h in history)
    assert dialogs == []


def test_review_two_wrong_fields_fixed_in_four_actions(
    page: tuple[Any, Dialogs], db: Path
) -> None:
    """Elena Marchetti's card: title and address misread, both highlighted."""
    pg, dialogs = page
    elena = _lead_named(db, "Elena Marchetti")
    title = "Associate Director / Heritage Projects"
    address = "The Old Mill, 3 Weaver Street, Manchester M4 6BQ"
    pg.goto(f"/review/{elena.id}")
    assert _focused_name(pg) == "address"  # the least certain reading (no action)
    pg.keyboard.type(address)  # 1
    pg.keyboard.press("Shift+Tab")  # 2: the previous highlighted field
    assert _focused_name(pg) == "title"
    assert pg.locator("input[name=title]").evaluate(_FOCUSED_AND_SELECTED)
    pg.keyboard.type(title)  # 3
    pg.keyboard.press("Shift+Enter")  # 4: save and approve, the next card comes up
    pg.wait_for_url(lambda u: not u.endswith(f"/review/{elena.id}"))
    assert "Approved" in pg.locator(".flash").inner_text()
    with crm.open_store(db) as store:
        fixed = crm.get_lead(store, elena.id)
    assert (fixed.title, fixed.address) == (title, address)
    assert fixed.review_status == "approved"
    assert dialogs == []


def test_review_keys_never_eat_typed_text(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    with crm.open_store(db) as store:
        queue = crm_review.review_queue(store)
    weak = next(i.lead for i in queue if i.uncertain)
    sure = next(i.lead for i in queue if not i.uncertain and i.lead.name)
    pg.goto(f"/review/{weak.id}")
    start = _focused_name(pg)
    assert start
    # every shortcut letter goes into the field: no navigation, no approval
    pg.keyboard.type("jake m")
    assert pg.locator(f"input[name={start}]").first.input_value() == "jake m"
    assert pg.url.endswith(f"/review/{weak.id}")
    # Tab and the arrows move between fields; Escape leaves; then the keys act
    pg.keyboard.press("ArrowDown")
    below = _focused_name(pg)
    pg.keyboard.press("ArrowUp")
    assert _focused_name(pg) == start and below != start
    pg.keyboard.press("Escape")
    assert _focused_name(pg) is None
    pg.keyboard.press("e")
    assert _focused_name(pg) == start
    pg.keyboard.press("Escape")
    pg.goto(f"/review/{sure.id}")  # (leaving the page drops what was typed)
    # a card with no uncertain reading opens in no field: `a` approves it at once
    assert _focused_name(pg) is None
    pg.keyboard.press("a")
    pg.wait_for_url(lambda u: not u.endswith(f"/review/{sure.id}"))
    with crm.open_store(db) as store:
        assert crm.get_lead(store, weak.id).review_status != "approved"
        assert crm.get_lead(store, sure.id).review_status == "approved"
        assert "jake" not in str(crm.get_lead(store, weak.id).contact_dict())
    assert dialogs == []


def test_review_keys_move_through_the_queue(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    with crm.open_store(db) as store:
        ids = [i.lead.id for i in crm_review.review_queue(store)]
    pg.goto(f"/review/{ids[0]}")
    pg.keyboard.press("Escape")  # out of the field the page opened in (if any)
    pg.keyboard.press("j")
    pg.wait_for_url(re.compile(f"/review/{ids[1]}$"))
    pg.keyboard.press("Escape")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_url(re.compile(f"/review/{ids[2]}$"))
    pg.keyboard.press("Escape")
    pg.keyboard.press("k")
    pg.wait_for_url(re.compile(f"/review/{ids[1]}$"))
    # Shift+Enter in a field: save and approve, and the next card comes up
    pg.keyboard.press("Escape")
    pg.keyboard.press("e")
    field = pg.locator("input[data-key=e]")
    name = field.get_attribute("name")
    pg.keyboard.type("Fixed by hand")
    pg.keyboard.press("Shift+Enter")
    pg.wait_for_url(re.compile(f"/review/{ids[2]}$"))
    assert "Approved" in pg.locator(".flash").inner_text()
    with crm.open_store(db) as store:
        lead = crm.get_lead(store, ids[1])
        assert lead.review_status == "approved"
        assert ids[1] not in [i.lead.id for i in crm_review.review_queue(store)]
    assert name and "Fixed by hand" in str(getattr(lead, name, None) or lead.contact_dict())
    assert dialogs == []


def test_review_merge_two_duplicates(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    with crm.open_store(db) as store:
        dup = next(x for x in crm.list_leads(store) if x.possible_duplicate_of)
    keep_id = dup.possible_duplicate_of or ""
    pg.goto(f"/review/{dup.id}")
    assert "Possible duplicate" in pg.locator("#duplicate").inner_text()
    pg.keyboard.press("m")
    pg.wait_for_url(re.compile(f"/review/{keep_id}$"))
    assert "Merged into" in pg.locator(".flash").inner_text()
    emails = pg.locator(".field-row[data-field=email] input").evaluate_all(
        "els => els.map(e => e.value)"
    )
    assert set(dup.emails) <= set(emails)
    with crm.open_store(db) as store:
        assert all(x.id != dup.id for x in crm.list_leads(store))
        assert crm.get_lead(store, keep_id).possible_duplicate_of is None
    assert dialogs == []


def test_today_mailto_link_has_recipient_subject_and_body(
    page: tuple[Any, Dialogs], db: Path
) -> None:
    pg, _ = page
    harriet = _lead_named(db, "Harriet Vance")
    with crm.open_store(db) as store:
        intro = next(t for t in store.tasks(harriet.id) if t.step == "intro-email")
    pg.goto("/today")
    task = pg.locator(f"#task-{intro.id}")
    link = task.locator("a.mailto")
    to, subject, body = _mailto_parts(link.get_attribute("href") or "")
    assert to == "harriet.vance@ashgroveanalytics.co.uk"
    assert subject == task.locator(".subject").input_value()
    assert body == task.locator(".body").input_value().replace("\n", "\r\n")
    assert body.startswith("Hi Harriet,") and "Sam Rivera" in body
    # an edited draft changes what the link sends
    task.locator(".subject").fill("Lovely to meet you, Harriet")
    pg.wait_for_function(
        "el => el.href.includes('Lovely%20to%20meet%20you')", arg=link.element_handle()
    )
    assert _mailto_parts(link.get_attribute("href") or "")[1] == "Lovely to meet you, Harriet"


def test_today_edited_draft_is_kept_and_reset(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    harriet = _lead_named(db, "Harriet Vance")
    with crm.open_store(db) as store:
        intro = next(t for t in store.tasks(harriet.id) if t.step == "intro-email")
    pg.goto("/today")
    task = pg.locator(f"#task-{intro.id}")
    template_subject = task.locator(".subject").input_value()
    template_body = task.locator(".body").input_value()
    assert task.locator(".reset-draft").is_hidden()
    assert task.locator(".save-draft").is_hidden()  # saved as typed
    task.locator(".subject").fill("Our chat about data partnerships")
    task.locator(".body").fill("Hi Harriet,\nHere is the deck I promised.\nSam")
    task.locator("form[data-draft][data-state=saved]").wait_for()  # saved as typed
    assert "Saved" in task.locator(".status").inner_text()
    assert task.locator(".reset-draft").is_visible()
    # reload: the edit is still there, and the link carries it
    pg.reload()
    task = pg.locator(f"#task-{intro.id}")
    assert task.locator(".subject").input_value() == "Our chat about data partnerships"
    assert task.locator(".body").input_value() == "Hi Harriet,\nHere is the deck I promised.\nSam"
    to, subject, body = _mailto_parts(task.locator("a.mailto").get_attribute("href") or "")
    assert to == "harriet.vance@ashgroveanalytics.co.uk"
    assert subject == "Our chat about data partnerships"
    assert body == "Hi Harriet,\r\nHere is the deck I promised.\r\nSam"
    # typed and sent at once: the link waits for the save, the mail client gets the words
    task.locator(".subject").fill("Last-second subject")
    with pg.expect_request(lambda r: r.url.endswith(f"/task/{intro.id}/draft")):
        task.locator("a.mailto").click(no_wait_after=True)
    pg.wait_for_function(
        "el => el.href.includes('Last-second%20subject')",
        arg=task.locator("a.mailto").element_handle(),
    )
    with crm.open_store(db) as store:
        kept = store.draft_edit(intro.id)
    assert kept is not None and kept.subject == "Last-second subject"
    # reset to the template
    task.locator(".reset-draft").click()
    pg.wait_for_url(re.compile(r"/today#task-"))
    task = pg.locator(f"#task-{intro.id}")
    assert "reset to the template" in pg.locator(".flash").inner_text()
    assert task.locator(".subject").input_value() == template_subject
    assert task.locator(".body").input_value() == template_body
    assert task.locator(".reset-draft").is_hidden()
    with crm.open_store(db) as store:
        assert store.draft_edit(intro.id) is None
    assert dialogs == []


def _mailto_parts(href: str) -> tuple[str, str, str]:
    from urllib.parse import parse_qs, unquote, urlsplit

    assert href.startswith("mailto:")
    parts = urlsplit(href)
    query = parse_qs(parts.query, keep_blank_values=True)
    return unquote(parts.path), query["subject"][0], query["body"][0]


def test_today_done_redates_the_plan(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    lead = _lead_named(db, "Harriet Vance")
    with crm.open_store(db) as store:
        before = {t.step: t for t in store.tasks(lead.id)}
    intro = before["intro-email"]
    pg.goto("/today")
    task = pg.locator(f"#task-{intro.id}")
    assert "overdue" in task.locator(".due").inner_text()
    task.get_by_role("button", name="Done").click()
    pg.wait_for_url(re.compile(r"/today$"))
    flash = pg.locator(".flash").inner_text()
    assert "Done:" in flash and "Re-dated:" in flash
    assert pg.locator(f"#task-{intro.id}").count() == 0
    with crm.open_store(db) as store:
        after = {t.step: t for t in store.tasks(lead.id)}
    assert after["intro-email"].status == "done" and after["intro-email"].done_on == TODAY
    moved = [k for k in after if after[k].due != before[k].due and k != "intro-email"]
    assert moved, "the steps after the intro are re-dated from today"
    pg.goto(f"/lead/{lead.id}")
    for key in moved:
        row = pg.locator(f"#task-{after[key].id}")
        assert after[key].due.isoformat() in row.inner_text()
    assert dialogs == []


def test_hostile_card_renders_as_text_everywhere(page: tuple[Any, Dialogs], db: Path) -> None:
    pg, dialogs = page
    lead = _lead_named(db, HOSTILE_NAME)
    pages = ("/today", "/leads", "/review?list=1", f"/review/{lead.id}", f"/lead/{lead.id}")
    for url in pages:
        pg.goto(url)
        text = pg.locator("main").inner_text()
        assert HOSTILE_NAME in text, url
        if url in ("/today", "/leads", f"/lead/{lead.id}"):
            assert HOSTILE_COMPANY in text, url
        assert pg.locator("main img[src='x']").count() == 0, url
        assert pg.locator("main script").count() == 0, url
    pg.goto(f"/review/{lead.id}")
    company = pg.locator(".field-row[data-field=company] input").input_value()
    assert company == HOSTILE_COMPANY  # in the form as typed text, ready to fix
    assert dialogs == []
