"""Shared set-up for the workspace tests: the samples scanned into a store
(through the real `cardscan scan`, replaying recorded RapidOCR output), a
hostile card, and the app's configuration on a pinned date."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cardscan import crm
from cardscan.api import parse_text
from cardscan.followup.calendar import Clock
from cardscan.model import CardRecord, Field
from cardscan.web import security
from cardscan.web.app import WebConfig

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLES_OCR = Path(__file__).parent / "fixtures" / "samples_rapidocr.jsonl"
MET_ON = dt.date(2026, 11, 24)  # a Tuesday: the intro emails fall due on the 25th
TODAY = dt.date(2026, 11, 26)  # the day after: overdue, so done re-dates what follows
EVENT = "Chamber breakfast"
HOST = {"Host": "127.0.0.1:8765"}  # the Host header the workspace accepts

# What a hostile card prints: markup that would run if any page failed to escape it.
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_NAME = f"Mallory {SCRIPT} Vex"
HOSTILE_COMPANY = f"{IMG} Labs GmbH"


def fixed_clock(day: dt.date) -> Clock:
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return lambda: moment


def scan_samples(db: Path, monkeypatch: pytest.MonkeyPatch, day: dt.date = MET_ON) -> None:
    """`cardscan scan samples/` into `db`, as a user would run it, on `day`."""
    from cardscan.cli import main

    monkeypatch.setenv("CARDSCAN_TODAY", day.isoformat())
    code = main(
        [
            "scan", str(SAMPLES),
            "--engine", f"replay:{SAMPLES_OCR}",
            "--workers", "1",
            "--event", EVENT,
            "--met-on", MET_ON.isoformat(),
            "--db", str(db),
            "--csv", str(db.with_suffix(".csv")),
        ]
    )
    assert code == 0


def hostile_record() -> CardRecord:
    """A card whose printed name and company are markup (as OCR could read them)."""
    text = "\n".join(
        [HOSTILE_NAME, HOSTILE_COMPANY, "mallory@vexlabs.example.com", "+1 415 555 0100"]
    )
    rec = parse_text(text, source="hostile.jpg")
    assert rec.parsed is not None
    name = Field(HOSTILE_NAME, HOSTILE_NAME, 0.4, line=0)
    company = Field(HOSTILE_COMPANY, HOSTILE_COMPANY, 0.9, line=1)
    parsed = replace(
        rec.parsed, name=name, company=company, given_name="Mallory", family_name="Vex"
    )
    return replace(rec, parsed=parsed, status="review", image_sha256="0" * 64)


def add_hostile(db: Path, day: dt.date = MET_ON) -> str:
    cadence = crm.load_cadence(None)
    with crm.open_store(db) as store:
        res = crm.import_card(
            store, hostile_record(), event=EVENT, met_on=MET_ON, cadence=cadence,
            clock=fixed_clock(day),
        )
    assert res.lead_id
    return res.lead_id


def add_duplicate(db: Path, day: dt.date = MET_ON) -> str:
    """Lukas Brandt met again, typed in with another address: a possible duplicate
    of his scanned card (same name and company), flagged, not merged."""
    cadence = crm.load_cadence(None)
    with crm.open_store(db) as store:
        res = crm.add_lead(
            store, name="Lukas Brandt", emails=["lukas@brandt-privat.de"],
            company="Nordlicht Solartechnik", cadence=cadence, clock=fixed_clock(day),
        )
    assert res.lead_id and res.possible_duplicate_of
    return res.lead_id


def copy_db(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / "cardscan.db"
    shutil.copyfile(src, dst)
    return dst


def isolate_profile(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Drafts read the sender profile from here, never the user's own."""
    monkeypatch.setenv("CARDSCAN_CONFIG_DIR", str(folder))


def config(db: Path, day: dt.date = TODAY) -> WebConfig:
    return WebConfig(db=db, cadence=crm.load_cadence(None), clock=fixed_clock(day))


def scanned_store(factory: pytest.TempPathFactory) -> Path:
    """The samples scanned into a new store, with a hostile card and a duplicate
    added: what the web tests start from (copy it before changing it)."""
    db = factory.mktemp("scan") / "cardscan.db"
    with pytest.MonkeyPatch.context() as mp:
        isolate_profile(mp, db.parent / "config")
        scan_samples(db, mp)
        add_hostile(db)
        add_duplicate(db)
    return db


def coffee_call_due_store(factory: pytest.TempPathFactory) -> Path:
    """`scanned_store` with Tomas Oliveira's intro e-mail done on the day of the
    breakfast, so his coffee call is due on TODAY (the outcome tests start here)."""
    db = scanned_store(factory)
    with crm.open_store(db) as store:
        tomas = next(x for x in store.leads() if x.name == "Tomas Oliveira")
        intro = next(t for t in store.tasks(tomas.id) if t.step == "intro-email")
        crm.done(store, intro.id, on=MET_ON, cadence=crm.load_cadence(None),
                 clock=fixed_clock(TODAY))
    return db


def token(client: FlaskClient) -> str:
    """The CSRF token of the workspace's forms."""
    page = client.get("/today", headers=HOST).get_data(as_text=True)
    m = re.search(rf'name="{security.CSRF_FIELD}" value="([^"]+)"', page)
    assert m, "every page with a form carries the CSRF token"
    return m.group(1)
