"""A timed walk through the workspace, counting a person's actions.

    .venv/bin/python docs/workspace_walkthrough.py                 # replayed OCR (seconds)
    .venv/bin/python docs/workspace_walkthrough.py --engine rapidocr

From `cardscan scan samples/` to every follow-up due today handled, driven in
Debian's chromium: the Review queue card by card, then Today task by task.
The script plays a person who knows what each card really says
(samples/labels.json) and counts what that person does:

- a key press (`e`, `a`, Tab, Shift+Tab, Shift+Enter = save and approve), a
  click or a triple-click (which selects a field's text), typing one value:
  1 action each; the field the Review page opens in (its least certain
  reading, text selected) costs nothing to reach;
- sending the e-mail in the mail client the `mailto:` link opened (or making
  the call a `tel:` link dialled): 1 action, counted, not performed (no mail
  client here; the link is checked instead: recipient, subject, body).

A field is "wrong" when the scoring rules of benchmarks/scoring.py give it less
than 1 against the label (accents and case are not counted as errors there).
Prints a Markdown report: counts per card and per task, and wall times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import chromium  # noqa: E402

from benchmarks import scoring  # noqa: E402
from cardscan import crm  # noqa: E402
from cardscan.cli import main as cli  # noqa: E402
from cardscan.web.app import WebConfig  # noqa: E402
from cardscan.web.server import start_in_thread  # noqa: E402

SAMPLES_OCR = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
MET_ON = dt.date(2026, 11, 24)  # the event (a Tuesday)
TODAY = dt.date(2026, 11, 25)  # the morning after: the intro e-mails are due
PROFILE = 'name = "Sam Rivera"\ncompany = "Northwind Consulting"\nemail = "sam@northwind.example"\n'
FIXABLE = ("name", "title", "company", "department", "address", "emails", "phones", "websites")
LIST_INPUT = {"emails": "email", "phones": "phone", "websites": "website"}
# The one draft the person changes before sending (the first e-mail of the day).
POSTSCRIPT = "\n\nP.S. I will bring the samples we talked about."


@dataclass
class CardWalk:
    who: str
    fixed: list[str] = field(default_factory=list)
    actions: int = 0
    seconds: float = 0.0


@dataclass
class TaskWalk:
    who: str
    channel: str
    edited: bool = False
    actions: int = 0
    seconds: float = 0.0
    link: str = ""


def scan(folder: Path, engine: str) -> tuple[Path, float]:
    os.environ["CARDSCAN_CONFIG_DIR"] = str(folder / "config")
    (folder / "config").mkdir()
    (folder / "config" / "profile.toml").write_text(PROFILE, encoding="utf-8")
    os.environ["CARDSCAN_TODAY"] = MET_ON.isoformat()
    db = folder / "cardscan.db"
    argv = ["scan", str(ROOT / "samples"), "--event", "Chamber breakfast",
            "--met-on", MET_ON.isoformat(), "--db", str(db), "--csv", str(folder / "leads.csv")]
    if engine == "replay":
        argv += ["--engine", f"replay:{SAMPLES_OCR}"]
    else:
        argv += ["--engine", engine]
    start = time.perf_counter()
    code = cli(argv)
    if code != 0:
        raise SystemExit(f"scan failed ({code})")
    return db, time.perf_counter() - start


def gold_card(lead: crm.Lead, cards: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The labelled card of a lead: the one it scores best against."""
    record = lead.contact_dict()
    best, best_score = None, 0.0
    for card in cards.values():
        s = sum(scoring.score_card(card, record).values())
        if s > best_score:
            best, best_score = card, s
    return best


def wrong_fields(lead: crm.Lead, card: Mapping[str, Any]) -> list[str]:
    scores = scoring.score_card(card, lead.contact_dict())
    return [f for f in FIXABLE if f in scores and scores[f] < 1.0]


def gold_text(card: Mapping[str, Any], fname: str) -> str:
    if fname == "name":
        return str(card.get("name_latin") or card.get("name") or "")
    return str(card.get(fname) or "")


def gold_list(card: Mapping[str, Any], fname: str) -> list[str]:
    if fname == "phones":
        return [p["e164"] for p in card.get("phones") or () if p.get("e164")]
    return [str(x) for x in card.get(fname) or ()]


def norm(fname: str, value: str) -> str:
    return {"emails": scoring.norm_email, "phones": scoring.norm_phone,
            "websites": scoring.norm_website}[fname](value)


_JUMP = """(el) => {
  const a = document.activeElement;
  if (!a || !a.form || a.form !== el.form) return null;
  const list = [...el.form.querySelectorAll('[data-jump]')];
  const after = list.filter(x => a.compareDocumentPosition(x) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = list.filter(x => a.compareDocumentPosition(x) & Node.DOCUMENT_POSITION_PRECEDING);
  if (after.length && after[0] === el) return 'Tab';
  if (before.length && before[before.length - 1] === el) return 'Shift+Tab';
  return null;
}"""
_SELECTED = """(el) => el === document.activeElement
  && el.selectionStart === 0 && el.selectionEnd === el.value.length"""
_IN_FIELD = "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)"


class Person:
    """Counts every action it takes in the page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.actions = 0

    def key(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1

    def in_field(self) -> bool:
        return bool(self.page.evaluate(_IN_FIELD))

    def select(self, locator: Any) -> None:
        """Put the cursor in a field with its text selected, the cheapest way:
        nothing when the page opened there (0 actions); Tab / Shift+Tab when it
        is the next / previous highlighted field; `e` when the cursor is in no
        field and `e` goes there; else a triple-click (1 action each)."""
        if locator.evaluate(_SELECTED):
            return
        step = locator.evaluate(_JUMP)
        if step:
            self.key(step)
            if not locator.evaluate(_SELECTED):
                raise SystemExit(f"{step} did not select the field it should have")
        elif not self.in_field() and locator.get_attribute("data-key") == "e":
            self.key("e")
        else:
            locator.click(click_count=3)
            self.actions += 1

    def type(self, text: str) -> None:
        if text:
            self.page.keyboard.type(text)
        else:
            self.page.keyboard.press("Delete")
        self.actions += 1

    def click(self, locator: Any) -> None:
        locator.click(no_wait_after=True)
        self.actions += 1

    def outside(self) -> None:
        """Send the e-mail / make the call in another program."""
        self.actions += 1


def field_row(fname: str) -> str:
    return f".field-row[data-field={LIST_INPUT.get(fname, fname)}]"


def fix_order(pg: Any, wrong: Sequence[str]) -> list[str]:
    """The wrong fields as a person fixes them: the one the cursor is in
    first (its text is selected), then the rest top to bottom."""
    here = [f for f in wrong if pg.locator(f"{field_row(f)} input:focus").count()]
    return here + [f for f in wrong if f not in here]


def fix_card(person: Person, lead: crm.Lead, card: Mapping[str, Any], wrong: Sequence[str]) -> None:
    pg = person.page
    for fname in fix_order(pg, wrong):
        if fname in LIST_INPUT:
            rows = pg.locator(f".field-row[data-field={LIST_INPUT[fname]}] input")
            values = rows.evaluate_all("els => els.map(e => e.value)")
            gold = gold_list(card, fname)
            have = {norm(fname, v) for v in values if v}
            missing = [g for g in gold if norm(fname, g) not in have]
            gold_norm = {norm(fname, g) for g in gold}
            extra = [i for i, v in enumerate(values) if v and norm(fname, v) not in gold_norm]
            empty = [i for i, v in enumerate(values) if not v]
            for i in extra:
                person.select(rows.nth(i))
                person.type(missing.pop(0) if missing else "")
            for value, i in zip(missing, empty, strict=False):
                person.select(rows.nth(i))
                person.type(value)
        else:
            person.select(pg.locator(f".field-row[data-field={fname}] input"))
            person.type(gold_text(card, fname))
    with pg.expect_navigation():
        person.key("Shift+Enter")  # save and approve: the next card comes up
    if pg.locator("[role=alert]").count():
        alert = pg.locator("[role=alert]").inner_text()
        raise SystemExit(f"{lead.name}: the fix was refused: {alert}")


def walk_review(pg: Any, url: str, db: Path, cards: Mapping[str, Any]) -> list[CardWalk]:
    out: list[CardWalk] = []
    pg.goto(url + "review")
    while "/review/" in pg.url:
        start = time.perf_counter()
        lead_id = pg.url.rstrip("/").rsplit("/", 1)[1]
        with crm.open_store(db) as store:
            lead = crm.get_lead(store, lead_id)
        card = gold_card(lead, cards)
        person = Person(pg)
        walk = CardWalk(lead.name or lead_id)
        if card is not None:
            walk.fixed = wrong_fields(lead, card)
        if card is not None and walk.fixed:
            fix_card(person, lead, card, walk.fixed)
        else:  # right as scanned: approve (Shift+Enter when the page opened in a field)
            with pg.expect_navigation():
                person.key("Shift+Enter" if person.in_field() else "a")
        walk.actions = person.actions
        walk.seconds = time.perf_counter() - start
        out.append(walk)
    return out


def mailto_parts(href: str) -> tuple[str, str, str]:
    parts = urlsplit(href)
    q = parse_qs(parts.query, keep_blank_values=True)
    return unquote(parts.path), q.get("subject", [""])[0], q.get("body", [""])[0]


def open_outside(person: Person, link: Any) -> None:
    """Click a mailto:/tel: link.  With no mail client or dialler the browser
    aborts that navigation; the page stays as it was."""
    from playwright.sync_api import Error

    try:
        with person.page.expect_navigation(timeout=5_000):
            person.click(link)
    except Error:
        pass  # net::ERR_ABORTED: handed to (absent) external handler


def add_postscript(person: Person, body: Any) -> None:
    """Click below the message's last line (the cursor lands at its end) and
    type a line: 2 actions, and no save: the page saves as it is typed."""
    box = body.bounding_box()
    body.click(position={"x": box["width"] - 30, "y": box["height"] - 8})
    person.actions += 1
    if not body.evaluate("el => el.selectionStart === el.value.length"):
        raise SystemExit("the click did not put the cursor at the end of the message")
    person.type(POSTSCRIPT)


def walk_today(pg: Any, url: str, db: Path) -> list[TaskWalk]:
    out: list[TaskWalk] = []
    pg.goto(url + "today")
    while pg.locator("article.task").count():
        start = time.perf_counter()
        task = pg.locator("article.task").first
        task_id = task.get_attribute("data-task") or ""
        with crm.open_store(db) as store:
            lead = crm.get_lead(store, crm.get_task(store, task_id).lead_id)
        person = Person(pg)
        channel = task.locator(".chip").first.inner_text().strip().lower()
        walk = TaskWalk(lead.name or lead.id, channel)
        mail, tel = task.locator("a.mailto"), task.locator("a.tel")
        if mail.count():
            walk.edited = not out  # the first one: add a line, then send at once
            if walk.edited:
                add_postscript(person, task.locator(".body"))
            open_outside(person, mail)
            href = mail.get_attribute("href") or ""
            to, subject, body = mailto_parts(href)
            if to != lead.emails[0] or not subject or not body or "[" in body:
                raise SystemExit(f"{walk.who}: the draft is not ready to send: {href}")
            if walk.edited and not body.endswith(POSTSCRIPT.replace("\n", "\r\n")):
                raise SystemExit(f"{walk.who}: the mail client did not get the edit: {href}")
            walk.link = f"mailto:{to}"
        elif tel.count():
            walk.link = tel.get_attribute("href") or ""
            open_outside(person, tel)
        person.outside()
        with pg.expect_navigation():
            person.click(task.get_by_role("button", name="Done"))
        walk.actions = person.actions
        walk.seconds = time.perf_counter() - start
        out.append(walk)
    return out


def report(scan_s: float, engine: str, cards: list[CardWalk], tasks: list[TaskWalk],
           left: int, total_s: float) -> str:
    lines = [f"scan ({engine}): {scan_s:.1f} s", ""]
    lines += ["| card | wrong fields fixed | actions | seconds (script) |", "|---|---|---|---|"]
    lines += [f"| {c.who} | {', '.join(c.fixed) or '-'} | {c.actions} | {c.seconds:.2f} |"
              for c in cards]
    fixes = [c for c in cards if c.fixed]
    ok = [c for c in cards if not c.fixed]
    lines += ["", f"cards: {len(cards)}; needing a fix: {len(fixes)} "
              f"(actions max {max((c.actions for c in fixes), default=0)}, "
              f"total {sum(c.actions for c in fixes)}); right as scanned: {len(ok)} "
              f"(actions max {max((c.actions for c in ok), default=0)})", ""]
    lines += ["| follow-up | channel | link | actions | seconds (script) |",
              "|---|---|---|---|---|"]
    lines += [f"| {t.who}{' (draft edited)' if t.edited else ''} | {t.channel} | {t.link} "
              f"| {t.actions} | {t.seconds:.2f} |" for t in tasks]
    by_channel: dict[str, list[int]] = {}
    for t in tasks:
        if not t.edited:
            by_channel.setdefault(t.channel, []).append(t.actions)
    summary = "; ".join(
        f"{ch}: {len(a)} tasks, max {max(a)} actions" for ch, a in by_channel.items()
    )
    edited = [t.actions for t in tasks if t.edited]
    lines += ["", f"follow-ups handled: {len(tasks)} (as drafted: {summary}; draft edited "
              f"first: {len(edited)}, actions {', '.join(map(str, edited)) or '-'}); "
              f"still due today: {left}"]
    per_card = statistics.median(c.seconds for c in cards) if cards else 0.0
    per_task = statistics.median(t.seconds for t in tasks) if tasks else 0.0
    lines += [f"script wall time: review {sum(c.seconds for c in cards):.1f} s "
              f"(median {per_card:.2f} s a card), today {sum(t.seconds for t in tasks):.1f} s "
              f"(median {per_task:.2f} s a task), whole walk with the scan {total_s:.1f} s"]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="replay",
                    help="replay (recorded RapidOCR output, default), rapidocr or tesseract")
    args = ap.parse_args()
    cards = scoring.load_labels(ROOT / "samples" / "labels.json").cards
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db, scan_s = scan(Path(tmp), args.engine)
        clock = lambda: dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=dt.UTC)  # noqa: E731
        cadence = crm.load_cadence(None)
        running = start_in_thread(WebConfig(db=db, cadence=cadence, clock=clock))
        try:
            with chromium() as browser:
                pg = browser.new_page(viewport={"width": 1280, "height": 900})
                pg.set_default_timeout(20_000)
                reviewed = walk_review(pg, running.url, db, cards)
                handled = walk_today(pg, running.url, db)
        finally:
            running.stop()
        with crm.open_store(db) as store:
            left = len(crm.list_tasks(store, due="today", cadence=cadence, clock=clock))
    print(report(scan_s, args.engine, reviewed, handled, left, time.perf_counter() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
