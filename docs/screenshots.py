"""Screenshots of the workspace's Review and Today pages into docs/.

    .venv/bin/python docs/screenshots.py            # writes docs/review.png, docs/today.png

Scans samples/ into a temporary store (replaying the recorded RapidOCR output,
so it takes seconds), serves it on a free loopback port, and photographs the
pages in Debian's chromium (the same set-up as tests/test_web_browser.py).
Nothing outside the temporary folder and the two PNGs is touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import chromium  # noqa: E402

from cardscan import crm  # noqa: E402
from cardscan.cli import main as cli  # noqa: E402
from cardscan.web.app import WebConfig  # noqa: E402
from cardscan.web.server import start_in_thread  # noqa: E402

SAMPLES_OCR = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
MET_ON = dt.date(2026, 11, 24)
TODAY = dt.date(2026, 11, 26)
PROFILE = 'name = "Sam Rivera"\ncompany = "Northwind Consulting"\nemail = "sam@northwind.example"\n'


def prepare(folder: Path) -> Path:
    """The samples scanned into folder/cardscan.db, with a sender profile."""
    os.environ["CARDSCAN_CONFIG_DIR"] = str(folder / "config")
    (folder / "config").mkdir()
    (folder / "config" / "profile.toml").write_text(PROFILE, encoding="utf-8")
    os.environ["CARDSCAN_TODAY"] = MET_ON.isoformat()
    db = folder / "cardscan.db"
    code = cli(["scan", str(ROOT / "samples"), "--engine", f"replay:{SAMPLES_OCR}",
                "--event", "Chamber breakfast", "--met-on", MET_ON.isoformat(),
                "--db", str(db), "--csv", str(folder / "leads.csv")])
    if code != 0:
        raise SystemExit(f"scan failed ({code})")
    return db


def clock() -> dt.datetime:
    return dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC)


def edit_first_draft(page: object) -> None:
    """Add a line to the first draft, as a person would, and wait until it is
    saved: the shot shows an edited draft with its "Reset to the template"."""
    body = page.locator("article.task .body").first  # type: ignore[attr-defined]
    body.press("Control+End")
    body.type("\n\nP.S. The case study I mentioned is attached.")
    page.locator("form[data-draft][data-state=saved]").first.wait_for()  # type: ignore[attr-defined]
    page.evaluate("() => window.scrollTo(0, 0)")  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare(Path(tmp))
        config = WebConfig(db=db, cadence=crm.load_cadence(None), clock=clock)
        running = start_in_thread(config)
        try:
            with chromium() as browser:
                page = browser.new_page(viewport={"width": args.width, "height": args.height})
                page.goto(running.url + "review")
                page.screenshot(path=str(args.out / "review.png"))
                page.goto(running.url + "today")
                edit_first_draft(page)
                page.screenshot(path=str(args.out / "today.png"))
        finally:
            running.stop()
    for name in ("review.png", "today.png"):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
