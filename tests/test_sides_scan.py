"""Two sides of one card through `cardscan scan` (in-process): one lead, and
a Ctrl-C between the two photos neither loses the first nor, on the rerun,
leaves it as a second lead."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardscan import crm, pipeline
from cardscan.cli import main
from cardscan.model import Block, Line, Page, Word

LOGO = ["BLUEFINCH", "Bluefinch Labs Ltd", "Since 2009"]
FRONT = ["Priya Ramanathan", "Head of Research", "priya@bluefinchlabs.io",
         "+1 415 555 0172", "www.bluefinchlabs.io"]
OTHER = ["Samuel Okafor", "Operations Manager", "samuel@ironbarkfreight.com",
         "+1 312 555 0148"]
PRINTED = {200: LOGO, 230: FRONT, 170: OTHER}  # grey level of the picture -> its text


class ByShade:
    """Reads the text printed on a plain picture of a given grey level; can be
    told to raise KeyboardInterrupt (Ctrl-C) instead of reading one shade."""

    name = "shade"

    def __init__(self, interrupt_on: int | None = None) -> None:
        self.interrupt_on = interrupt_on
        self.reads: list[int] = []

    def read(self, rgb: np.ndarray) -> Page:
        shade = round(float(rgb.mean()))
        if shade == self.interrupt_on:
            raise KeyboardInterrupt
        self.reads.append(shade)
        lines = tuple(Line((Word(t, 0.99, None),), None) for t in PRINTED.get(shade, []))
        return Page((Block(lines),), rgb.shape[1], rgb.shape[0], "shade", 0)


def _photo(path: Path, shade: int) -> Path:
    Image.new("RGB", (1050, 600), (shade, shade, shade)).save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    _photo(d / "IMG_01.png", 200)  # the logo side...
    _photo(d / "IMG_02.png", 230)  # ...then the contact side
    return d


def _scan(tmp_path: Path, folder: Path, engine: ByShade, monkeypatch, *extra: str) -> int:
    monkeypatch.setattr(pipeline, "load_engine", lambda options, threads=0: engine)
    return main(["scan", str(folder), "--workers", "1", "--db", str(tmp_path / "c.db"),
                 "--csv", str(tmp_path / "leads.csv"), "--jsonl", str(tmp_path / "r.jsonl"),
                 "--met-on", "2026-11-24", *extra])


def _rows(tmp_path: Path) -> list[dict[str, str]]:
    with open(tmp_path / "leads.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _leads(tmp_path: Path) -> list:
    store = crm.open_store(tmp_path / "c.db")
    try:
        return crm.list_leads(store)
    finally:
        store.close()


def test_logo_side_then_contact_side_is_one_lead_in_the_store(tmp_path, folder, monkeypatch):
    assert _scan(tmp_path, folder, ByShade(), monkeypatch) == 0
    rows = _rows(tmp_path)
    assert [(Path(r["source"]).name, r["status"]) for r in rows] == [
        ("IMG_01.png", "no_card"), ("IMG_02.png", "ok")]
    assert rows[1]["company"] == "Bluefinch Labs Ltd"  # printed only on the logo side
    assert not rows[0]["lead_id"] and rows[1]["lead_id"]
    [lead] = _leads(tmp_path)
    assert lead.name == "Priya Ramanathan" and lead.company == "Bluefinch Labs Ltd"
    jsonl = [json.loads(ln) for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert jsonl[0]["side_of"] == str(folder / "IMG_02.png")
    assert jsonl[1]["other_side"] == str(folder / "IMG_01.png")


def test_contact_side_first_then_logo_side_is_one_lead(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    _photo(d / "IMG_01.png", 230)
    _photo(d / "IMG_02.png", 200)
    assert _scan(tmp_path, d, ByShade(), monkeypatch) == 0
    assert [r["status"] for r in _rows(tmp_path)] == ["ok", "no_card"]
    assert len(_leads(tmp_path)) == 1


def test_a_different_card_after_a_logo_side_stays_two_leads(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    _photo(d / "IMG_01.png", 200)
    _photo(d / "IMG_02.png", 170)  # Ironbark's card: nothing of Bluefinch on it
    assert _scan(tmp_path, d, ByShade(), monkeypatch) == 0
    assert [r["status"] for r in _rows(tmp_path)] == ["review", "ok"]
    assert len(_leads(tmp_path)) == 2


def test_join_sides_off_keeps_both_pictures_apart(tmp_path, folder, monkeypatch):
    from cardscan.options import ScanOptions
    from cardscan.scanjob import ScanOutputs, run_scan

    eng = ByShade()
    outs = ScanOutputs(tmp_path / "leads.csv", None, tmp_path / "c.db")
    run_scan([folder], ScanOptions(workers=1, join_sides=False), outs, engine=eng)
    assert [r["status"] for r in _rows(tmp_path)] == ["review", "ok"]
    assert len(_leads(tmp_path)) == 2


def test_ctrl_c_between_the_sides_keeps_the_first_and_the_rerun_makes_one_lead(
        tmp_path, folder, monkeypatch):
    # Ctrl-C while the contact side is being read: the logo side, read and held
    # back for its pair, is stored and written all the same.
    first = ByShade(interrupt_on=230)
    assert _scan(tmp_path, folder, first, monkeypatch) == 130
    assert first.reads == [200]
    assert [(Path(r["source"]).name, r["status"]) for r in _rows(tmp_path)] == [
        ("IMG_01.png", "review")]
    assert [lead.company for lead in _leads(tmp_path)] == ["Bluefinch Labs Ltd"]

    again = ByShade()
    assert _scan(tmp_path, folder, again, monkeypatch) == 0
    assert again.reads == [230]  # the logo side's stored reading is reused, not read again
    rows = _rows(tmp_path)
    assert [r["status"] for r in rows] == ["no_card", "ok"]
    [lead] = _leads(tmp_path)  # the logo side's lead of the first run joined the card's
    assert lead.name == "Priya Ramanathan" and lead.company == "Bluefinch Labs Ltd"
    assert rows[1]["lead_id"] == lead.id

    third = ByShade()
    assert _scan(tmp_path, folder, third, monkeypatch) == 0
    assert third.reads == [] and len(_leads(tmp_path)) == 1
    assert _rows(tmp_path) == rows
