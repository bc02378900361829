"""Debian's chromium driven by Playwright (never Playwright's own browser
download), shared by the browser tests and the docs scripts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str | None:
    env = os.environ.get("CARDSCAN_CHROMIUM", "").strip()
    for candidate in (env, *CHROMIUM_CANDIDATES, shutil.which("chromium") or ""):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian chromium under Playwright."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (Debian package: chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
