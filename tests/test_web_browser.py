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
    add_hostile,
    config,
    copy_db,
    scan_samples,
)

from cardscan import crm
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
    db = tmp_path_factory.mktemp("scan") / "cardscan.db"
    with pytest.MonkeyPatch.context() as mp:
        scan_samples(db, mp)
    add_hostile(db)
    return db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def db(scanned: Path, tmp_path: Path) -> Path:
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
        return next(x for x in crm.list_leads(store) if x.name == name)


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
    for url in ("/today", "/leads", "/review", f"/lead/{lead.id}"):
        pg.goto(url)
        text = pg.locator("main").inner_text()
        assert HOSTILE_NAME in text, url
        if url != "/review":
            assert HOSTILE_COMPANY in text, url
        assert pg.locator("main img[src='x']").count() == 0, url
        assert pg.locator("main script").count() == 0, url
    assert dialogs == []
