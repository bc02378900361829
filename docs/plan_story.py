"""The plan follows the relationship: a scripted week of outcomes on samples/.

    .venv/bin/python docs/plan_story.py            # writes docs/plan-story.md, docs/plan-report.png

Scans samples/ with the recorded RapidOCR output (engine replay), then plays a
week after the "Chamber breakfast" (Tuesday 2026-11-24) with the clock pinned
day by day (CARDSCAN_TODAY): which e-mails went out when, who replied, who
booked a coffee, who declined, who never picked up, a one-sided coffee, a
cancelled one, a referral.  Every step is a real `cardscan` command.  Prints the
report's figures, writes the chart and the day-by-day story of one card (Tomas
Oliveira's) as Markdown with the commands and what they printed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cardscan import crm  # noqa: E402
from cardscan.cli import main as cli  # noqa: E402

SAMPLES_OCR = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
EVENT = "Chamber breakfast"
MET_ON = dt.date(2026, 11, 24)
HERO = "Tomas Oliveira"
D = dt.date


class Story:
    """Runs commands in a scratch folder; the hero's are kept for the Markdown."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.db = work / "cardscan.db"
        self.lines: list[str] = []
        self.day: D | None = None

    def heading(self, day: D) -> None:
        if day != self.day:
            self.lines += [f"\n## {day:%A %d %B %Y}\n"]
            self.day = day

    def show(self, day: D, intro: str, lang: str, text: str) -> None:
        self.heading(day)
        self.lines += [intro, "", f"```{lang}", text.rstrip(), "```", ""]

    def run(self, day: D, *argv: str, tell: str | None = None, head: int = 0) -> str:
        os.environ["CARDSCAN_TODAY"] = day.isoformat()
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = cli([*argv, "--db", str(self.db)] if argv[0] != "profile" else list(argv))
        text = out.getvalue()
        if code not in (0, 1):
            raise SystemExit(f"cardscan {' '.join(argv)} exited {code}:\n{text}")
        if tell is not None:
            shown = " ".join(a if " " not in a else f'"{a}"' for a in argv)
            lines = text.rstrip().splitlines()
            if head and len(lines) > head:
                lines = [*lines[:head], f"... ({len(lines) - head} more lines)"]
            self.show(day, tell, "console", "\n".join([f"$ cardscan {shown}", *lines]))
        return text

    def task(self, name: str, step: str) -> str:
        """The short id a user reads in `cardscan tasks` for `name`'s `step`."""
        with crm.open_store(self.db) as store:
            lead = next(x for x in store.leads() if x.name == name)
            return next(t.id for t in store.tasks(lead.id) if t.step.split(":")[0] == step)[:8]

    def lead(self, name: str) -> str:
        with crm.open_store(self.db) as store:
            return next(x.id for x in store.leads() if x.name == name)[:8]

    def done(self, day: D, name: str, step: str, *extra: str, tell: str | None = None) -> str:
        return self.run(day, "done", self.task(name, step), *extra, tell=tell)


def week(s: Story) -> None:
    s.run(MET_ON, "profile", "--name", "Sam Seller", "--company", "Harbour Consulting")
    out = s.run(
        MET_ON, "scan", str(ROOT / "samples"), "--engine", f"replay:{SAMPLES_OCR}",
        "--workers", "1", "--event", EVENT, "--met-on", MET_ON.isoformat(),
        "--csv", str(s.work / "leads.csv"),
    )
    s.lines += [
        "# One card, day by day\n",
        f"The samples were scanned after the {EVENT} on {MET_ON:%A %d %B %Y}:",
        "", "```console", f"$ cardscan scan samples/ --event \"{EVENT}\" --met-on {MET_ON}",
        out.strip().splitlines()[-1].replace(f"{s.work}/", ""), "```", "",
        f"This is what happened next with one of them, {HERO}, with the commands.",
    ]
    wed, thu, fri = D(2026, 11, 25), D(2026, 11, 26), D(2026, 11, 27)
    mon, tue2, wed2, thu2 = D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3)

    # Wednesday: most intro e-mails go out the day after; four reply the same day.
    s.run(wed, "tasks", "--due", "today", head=4,
          tell="The morning after, the intro e-mails are due:")
    late = {"Dr. Marcus Feld", "Chloe Nguyen", "Oliver Grant"}
    names = [n for n in _names(s) if n not in late]
    for name in names:
        if name == HERO:
            s.done(wed, name, "intro-email", "--outcome", "replied",
                   tell=f"{HERO} answered the e-mail the same afternoon:")
        elif name in ("Priya Ramanathan", "Grace Adeyemi", "Elena Marchetti", "Samuel Okafor"):
            s.done(wed, name, "intro-email", "--outcome", "replied")
        else:
            s.done(wed, name, "intro-email")
    for name in late:  # Thursday: two business days after the breakfast
        s.done(thu, name, "intro-email")

    # Friday: the coffee calls.
    s.done(fri, HERO, "coffee-call", "--outcome", "booked", "--meeting", "2026-12-02",
           tell="Two business days later the call invites him for a coffee; he says Wednesday:")
    s.done(fri, HERO, "confirm-coffee", tell="The confirmation e-mail, which names the date, "
           "goes out the same day:")
    s.done(fri, "Grace Adeyemi", "coffee-call", "--outcome", "booked", "--meeting", "2026-12-01")
    s.done(fri, "Elena Marchetti", "coffee-call", "--outcome", "booked", "--meeting", "2026-12-01")
    s.done(fri, "Priya Ramanathan", "coffee-call", "--outcome", "booked", "--meeting", "2026-12-03")
    s.done(fri, "Samuel Okafor", "coffee-call", "--outcome", "booked", "--meeting", "2026-12-02")
    s.done(fri, "Jonah Whitfield", "coffee-call", "--outcome", "declined")
    s.done(fri, "Harriet Vance", "coffee-call", "--outcome", "no-answer")
    s.done(fri, "Lukas Brandt", "coffee-call", "--outcome", "no-answer")

    # Monday: research before Tuesday's coffees (Tomas's is due Tuesday).
    s.done(mon, "Grace Adeyemi", "research")
    s.done(mon, "Elena Marchetti", "research")
    # Tuesday: research for Wednesday, two coffees, the second calls.
    research = s.run(tue2, "tasks", "--due", "today", "--format", "json")
    body = next(t["body"] for t in _json(research) if t["step"] == "research"
                and t["lead_name"] == HERO)
    s.show(tue2, "The research task, due the business day before the coffee, lists links "
           "built from the card (nothing is fetched) and the notes so far:", "text", body)
    s.done(tue2, HERO, "research")
    s.done(tue2, "Grace Adeyemi", "coffee", "--outcome", "met", "--note",
           "promised: the logistics benchmark")
    s.done(tue2, "Elena Marchetti", "coffee", "--outcome", "one-sided")
    s.done(tue2, "Samuel Okafor", "coffee", "--outcome", "cancelled")
    s.done(tue2, "Harriet Vance", "retry-call", "--outcome", "no-answer")
    s.done(tue2, "Lukas Brandt", "retry-call", "--outcome", "booked", "--meeting", "2026-12-09")

    # Wednesday: Tomas's coffee; he introduces a colleague.
    s.done(wed2, HERO, "coffee", "--outcome", "met", "--note",
           "promised: our warehouse rate card",
           tell="The coffee. He asked about our business too, and we promised a rate card:")
    s.run(wed2, "refer", s.lead(HERO), "--name", "Mary Chen", "--email",
          "mary.chen@verdemarlogistica.com.br", "--company", "Verdemar Logistica Ltda.",
          tell="He suggested we talk to Mary Chen, his head of procurement:")
    s.done(wed2, "Grace Adeyemi", "thank-you")
    s.done(wed2, "Elena Marchetti", "thank-you")
    s.done(wed2, "Samuel Okafor", "rebook-call", "--outcome", "booked", "--meeting", "2026-12-08")
    s.done(wed2, HERO, "thank-intro")
    s.done(wed2, "Mary Chen", "referral", "--outcome", "booked", "--meeting", "2026-12-07")

    # Thursday: the thank-you; Tomas answers it, so no reminder is needed.
    out = s.run(thu2, "tasks", "--due", "today", "--format", "json")
    thanks = next(t for t in _json(out) if t["step"] == "thank-you" and t["lead_name"] == HERO)
    s.show(thu2, "The thank-you is due the next business day and names the promise:", "text",
           f"Subject: {thanks['subject']}\n\n{thanks['body']}")
    s.done(thu2, HERO, "thank-you", "--outcome", "replied",
           tell="He replied to it: the one reminder is cancelled, the lead is nurtured:")
    s.done(thu2, "Harriet Vance", "invite-email", "--outcome", "no-reply")
    s.run(thu2, "leads", "--stage", "nurturing", tell="Where he stands now:")


def _names(s: Story) -> list[str]:
    with crm.open_store(s.db) as store:
        return [x.name for x in store.leads() if x.name]


def _json(text: str) -> list[dict[str, str]]:
    import json

    return list(json.loads(text))


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs",
                    help="where plan-story.md and plan-report.png go (default: docs/)")
    out_dir = ap.parse_args(argv).out_dir
    out_md = out_dir / "plan-story.md"
    out_png = out_dir / "plan-report.png"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CARDSCAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        s = Story(Path(tmp))
        week(s)
        last = D(2026, 12, 3)
        report = s.run(last, "report", "--event", EVENT, "--out", str(Path(tmp) / "chart.png"))
        out_png.write_bytes((Path(tmp) / "chart.png").read_bytes())
        s.lines += [f"\n## The report, {last:%A %d %B %Y}\n",
                    "After the scripted week for all the samples:", "", "```console",
                    f"$ cardscan report --event \"{EVENT}\" --out docs/plan-report.png",
                    report.strip().replace(str(Path(tmp) / "chart.png"), "docs/plan-report.png"),
                    "```", "", "![the follow-up funnel](plan-report.png)", ""]
        history = s.run(last, "leads", "--format", "json")
        hero = next(x for x in _json(history) if x["name"] == HERO)
        print(report.replace(str(Path(tmp) / "chart.png"), str(out_png)))
        print(f"{HERO}: stage {hero['stage']}")
    out_md.write_text(
        "<!-- written by docs/plan_story.py; do not edit -->\n" + "\n".join(s.lines) + "\n",
        encoding="utf-8",
    )
    print(f"Wrote {out_md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
