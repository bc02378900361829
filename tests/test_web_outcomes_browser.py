"""Issue 13 in a real browser: one click records what happened on Today
(booked takes the date typed beside it), and the Report page shows the chart."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import chromium, chromium_path
from web_support import coffee_call_due_store, config, copy_db, isolate_profile

from cardscan import crm
from cardscan.web.server import Running, start_in_thread

_MISSING = None
try:
    import playwright.sync_api  # noqa: F401
except ImportError:
    _MISSING = "playwright is not installed (pip install -e '.[dev]')"
if _MISSING is None and chromium_path() is None:
    _MISSING = "chromium is not installed (apt-get install chromium)"
if _MISSING and os.environ.get("CI"):
    pytest.fail(f"browser tests cannot run on CI: {_MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=_MISSING or "")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coffee_call_due_store(tmp_path_factory)


@pytest.fixture
def server(scanned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    isolate_profile(monkeypatch, tmp_path / "config")
    running = start_in_thread(config(copy_db(scanned, tmp_path)), port=0)
    yield running
    running.stop()


@pytest.fixture
def page(server: Running) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(base_url=server.url.rstrip("/"))
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        yield pg
        context.close()


def test_book_the_coffee_in_one_click(page: Any, server: Running, tmp_path: Path) -> None:
    db = tmp_path / "cardscan.db"
    with crm.open_store(db) as store:
        tomas = next(x for x in store.leads() if x.name == "Tomas Oliveira")
        call = next(t for t in store.tasks(tomas.id) if t.step == "coffee-call")
    page.goto("/today")
    block = page.locator(f"#task-{call.id}")
    block.locator("input[name=note]").fill("likes espresso")
    block.locator("input[name=meeting]").fill("2026-12-07")
    page.screenshot(path=str(tmp_path / "today-outcomes.png"), full_page=False)
    block.locator("button[data-outcome=booked]").click()
    page.wait_for_selector(".flash-ok")
    assert "Stage: meeting-booked." in page.locator(".flash-ok").inner_text()
    # the confirmation that names the date is due today, on the same page
    assert "confirm the coffee on 2026-12-07" in page.locator(f"#lead-{tomas.id}").inner_text()
    with crm.open_store(db) as store:
        coffee = next(t for t in store.tasks(tomas.id) if t.step == "coffee")
        assert coffee.due == dt.date(2026, 12, 7)
        assert crm.get_lead(store, tomas.id).stage == "meeting-booked"
    page.goto("/report")
    width = page.locator("img.chart").evaluate("img => img.naturalWidth")
    assert width > 300
