"""What the exports of the bundled samples give the tools that import them.

Scans samples/ with the recorded RapidOCR output (no OCR run), exports every
format through the CLI, and counts what an importer would get: phone cells
with an apostrophe, emails and phones kept, addresses split, calendar events
timed / alarmed before the start / cancelled after a task is done and a lead
deleted, vCards with N prefix and PHOTO.  Runs against whichever cardscan is
on PYTHONPATH (so the same command measures before and after a change):

    PYTHONPATH=$PWD python benchmarks/exports_check.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MET = "2026-12-23"


def run(*args: str, env: dict[str, str]) -> str:
    cmd = [sys.executable, "-m", "cardscan", *args]
    # cwd elsewhere: `python -m` puts the cwd first on sys.path, PYTHONPATH must decide.
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False,
                          cwd=tempfile.gettempdir())
    if done.returncode:
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


def rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def csv_figures(out: Path, store_phones: set[str], store_emails: set[str]) -> dict[str, object]:
    figures: dict[str, object] = {}
    for name in ("google", "outlook", "hubspot", "salesforce", "salesforce-dataloader"):
        data = rows(out / f"{name}.csv")
        if not data:
            continue
        cells = [c for r in data for c in r.values() if c]
        text = " ".join(cells)
        quoted = [c for c in cells if c.startswith("'+")]
        figures[name] = {
            "rows": len(data),
            "phone cells with an apostrophe": len(quoted),
            "store phones found": sum(1 for p in store_phones if p in text),
            "store emails found": sum(1 for e in store_emails if e in text),
            "city filled": sum(1 for r in data for k, v in r.items() if v and "City" in k),
            "postcode filled": sum(1 for r in data for k, v in r.items()
                                   if v and ("Postal" in k or "PostalCode" in k)),
            "country filled": sum(1 for r in data for k, v in r.items()
                                  if v and "Country" in k),
        }
    return figures


def ics_figures(path: Path) -> dict[str, object]:
    import ics as ics_lib
    from icalendar import Calendar

    raw = path.read_bytes()
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    timed = [e for e in events if hasattr(e.decoded("dtstart"), "hour")]
    before = [
        e for e in events for a in e.walk("VALARM")
        if a.decoded("trigger").total_seconds() < 0
    ]
    return {
        "events": len(events),
        "timed": len(timed),
        "with a zone (TZID)": sum(1 for e in events if "TZID" in e["dtstart"].params),
        "alarm before the start": len(before),
        "cancelled": sum(1 for e in events if str(e.get("status", "")) == "CANCELLED"),
        "VTIMEZONE": len(cal.walk("VTIMEZONE")),
        "ics package reads": len(ics_lib.Calendar(raw.decode("utf-8")).events),
        "max SEQUENCE": max((int(e.get("sequence", 0)) for e in events), default=0),
    }


def vcf_figures(path: Path) -> dict[str, object]:
    import vobject

    cards = list(vobject.readComponents(path.read_text("utf-8")))
    photos = [c for c in cards if "photo" in c.contents]
    adr = [c.adr.value for c in cards if "adr" in c.contents]
    return {
        "cards": len(cards),
        "with PHOTO": len(photos),
        "PHOTO bytes (largest)": max((len(c.photo.value) for c in photos), default=0),
        "ADR": len(adr),
        "ADR with city": sum(1 for a in adr if a.city),
        "ADR with postcode": sum(1 for a in adr if a.code),
        "N with prefix": sum(1 for c in cards if c.n.value.prefix),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the exports here (default: a temp dir)")
    args = ap.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="cardscan-exports-"))
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CARDSCAN_TODAY": MET, "CARDSCAN_CONFIG_DIR": str(out / "config")}
    db = out / "c.db"
    if db.exists():
        db.unlink()
    replay = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
    run("scan", str(ROOT / "samples"), "--engine", f"replay:{replay}", "--workers", "1",
        "--event", "Expo", "--met-on", MET, "--db", str(db), "--csv", str(out / "scan.csv"),
        env=env)
    leads = json.loads(run("leads", "--db", str(db), "--format", "json", env=env))
    phones = {p["number"] if isinstance(p, dict) else p
              for x in leads for p in x.get("phones", [])}
    emails = {e for x in leads for e in x.get("emails", [])}
    for fmt in ("google", "outlook", "hubspot", "salesforce", "vcf", "ics"):
        target = out / {"vcf": "c.vcf", "ics": "a.ics"}.get(fmt, f"{fmt}.csv")
        extra = {"vcf": ["--photos"], "ics": ["--tz", "Europe/Madrid"]}.get(fmt, [])
        try:
            run("export", "--format", fmt, "--out", str(target), "--db", str(db), *extra, env=env)
        except SystemExit:  # an older cardscan without the option: export it plain
            run("export", "--format", fmt, "--out", str(target), "--db", str(db), env=env)
    report: dict[str, object] = {
        "leads": len(leads), "phones in the store": len(phones), "emails": len(emails),
        "csv": csv_figures(out, phones, emails),
        "vcf": vcf_figures(out / "c.vcf"),
        "ics": ics_figures(out / "a.ics"),
    }
    # One task done and one lead deleted: what a subscribed calendar sees next.
    tasks = json.loads(run("tasks", "--db", str(db), "--format", "json", env=env))
    run("done", tasks[0]["id"], "--db", str(db), env=env)
    run("delete", leads[-1]["id"], "--db", str(db), env=env)
    for extra in (["--tz", "Europe/Madrid"], []):  # [] for an older cardscan
        try:
            run("export", "--format", "ics", "--out", str(out / "b.ics"), "--db", str(db),
                *extra, env=env)
            break
        except SystemExit:
            continue
    report["ics after done + delete"] = ics_figures(out / "b.ics")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
