"""Resume: a photo read once is not read again; kills and SIGTERM lose nothing."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, SAMPLES_OCR

from benchmarks.hostile import batch_state, cardscan_cmd, kill_trial, scan
from cardscan import scanjob
from cardscan.options import ScanOptions
from cardscan.scanjob import ScanOutputs, run_scan

PHOTOS = ("01_scan_left_aligned.png", "12_photo_two_cards.jpg", "16_crop_app.jpg",
          "17_negative_desk.jpg")
REPLAY = f"replay:{SAMPLES_OCR}"


class Counting:
    """The replay engine, counting the cards it was asked to read."""

    name = "replay"

    def __init__(self, inner):
        self.inner = inner
        self.reads = 0

    def read(self, rgb):
        self.reads += 1
        return self.inner.read(rgb)


@pytest.fixture
def photos(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in PHOTOS:
        shutil.copy(SAMPLES / name, d / name)
    return d


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(r["source"], r["card"], r["status"], r["lead_id"]) for r in csv.DictReader(f)]


def _scan(photos, tmp_path, engine, **kw):
    outs = ScanOutputs(tmp_path / "leads.csv", tmp_path / "r.jsonl", tmp_path / "c.db")
    options = kw.pop("options", ScanOptions(workers=1))
    return run_scan([photos], options, outs, engine=engine, **kw)


def test_rerun_reuses_every_stored_reading_and_lists_the_whole_batch(
        tmp_path, photos, replay_engine):
    eng = Counting(replay_engine)
    first = _scan(photos, tmp_path, eng)
    reads, rows = eng.reads, _rows(tmp_path / "leads.csv")
    assert reads > 0 and first.reused == 0 and first.files_done == len(PHOTOS)
    second = _scan(photos, tmp_path, eng)
    assert eng.reads == reads  # not one card read again
    assert second.reused == len(PHOTOS) and second.cards == first.cards
    assert _rows(tmp_path / "leads.csv") == rows
    lines = (tmp_path / "r.jsonl").read_text().splitlines()
    assert len(lines) == len(rows)  # appended, never twice


def test_other_options_another_version_or_reread_read_again(
        tmp_path, photos, replay_engine, monkeypatch):
    eng = Counting(replay_engine)
    _scan(photos, tmp_path, eng)
    n = eng.reads
    _scan(photos, tmp_path, eng, options=ScanOptions(workers=1, region="GB"))
    assert eng.reads == 2 * n  # a reading made for another region is not reused
    _scan(photos, tmp_path, eng, reread=True)
    assert eng.reads == 3 * n
    monkeypatch.setattr(scanjob, "__version__", "99.0")
    s = _scan(photos, tmp_path, eng)
    assert eng.reads == 4 * n and s.reused == 0
    s = _scan(photos, tmp_path, eng)
    assert eng.reads == 4 * n and s.reused == len(PHOTOS)


def test_same_bytes_under_a_new_name_are_not_read_again(tmp_path, photos, replay_engine):
    eng = Counting(replay_engine)
    _scan(photos, tmp_path, eng)
    n = eng.reads
    shutil.copy(photos / PHOTOS[0], photos / "00_copy.png")
    s = _scan(photos, tmp_path, eng)
    assert eng.reads == n and s.reused == len(PHOTOS) + 1
    assert _rows(tmp_path / "leads.csv")[0][0] == str(photos / "00_copy.png")


def test_jsonl_line_cut_by_a_crash_is_repaired(tmp_path, photos, replay_engine):
    _scan(photos, tmp_path, replay_engine)
    jl = tmp_path / "r.jsonl"
    lines = jl.read_text().splitlines(keepends=True)
    jl.write_text("".join(lines[:2]) + lines[2][:40])  # killed in the middle of line 3
    _scan(photos, tmp_path, replay_engine)
    again = jl.read_text().splitlines(keepends=True)
    assert sorted(again) == sorted(lines)
    assert all(json.loads(ln) for ln in again)


def test_exif_date_in_the_future_is_not_the_meeting_date(tmp_path, replay_engine):
    import datetime as dt

    from PIL import Image

    d = tmp_path / "in"
    d.mkdir()
    exif = Image.Exif()
    exif[0x0132] = "2099:06:01 10:00:00"
    Image.open(SAMPLES / PHOTOS[0]).convert("RGB").save(d / "a.jpg", exif=exif)
    exif[0x0132] = "1980:01:01 10:00:00"
    Image.open(SAMPLES / PHOTOS[0]).convert("RGB").save(d / "b.jpg", exif=exif)
    clock = lambda: dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)  # noqa: E731
    _scan(d, tmp_path, replay_engine, clock=clock)
    recs = [json.loads(ln) for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    notes = [r["date_note"] for r in recs]
    assert notes == ["EXIF date 2099-06-01 is in the future; meeting date is today",
                     "EXIF date 1980-01-01 is before 2000; meeting date is today"]
    import sqlite3

    con = sqlite3.connect(tmp_path / "c.db")
    assert {m for (m,) in con.execute("select met_on from leads")} == {"2026-11-25"}
    con.close()


def test_plausible_date_is_kept():
    import datetime as dt

    from cardscan.model import CardRecord

    rec = CardRecord("a.jpg", taken_at="2026-11-20T09:00:00")
    assert scanjob.plausible_taken_at(rec, dt.date(2026, 11, 25)) is rec


# ------------------------------------------------------------------ real processes


@pytest.fixture(scope="module")
def shared_photos(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    for name in PHOTOS:
        shutil.copy(SAMPLES / name, d / name)
    return d


@pytest.fixture(scope="module")
def reference(tmp_path_factory, shared_photos):
    """A clean run's CSV rows, JSONL records and stored cards."""
    work = tmp_path_factory.mktemp("ref")
    assert scan(shared_photos, work, REPLAY).returncode == 0
    return batch_state(work)


def test_kill_9_then_rerun_loses_and_duplicates_nothing(tmp_path, shared_photos, reference):
    t = kill_trial(shared_photos, tmp_path / "k", reference, signal.SIGKILL, 3.0, REPLAY)
    assert (t.lost, t.duplicated) == (0, 0)


def _first_record(jsonl: Path, proc: subprocess.Popen, limit: float = 60) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        if jsonl.exists() and jsonl.read_text().count("\n") >= 1:
            return
        time.sleep(0.05)
    raise AssertionError("no record written before the deadline")


def test_sigterm_is_ctrl_c_exit_143_what_was_read_is_written(tmp_path, shared_photos,
                                                            reference):
    photos = shared_photos
    import os

    work = tmp_path / "t"
    work.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.Popen(
        cardscan_cmd("scan", str(photos), "--engine", REPLAY, "--workers", "1",
                     "--db", str(work / "c.db"), "--csv", str(work / "leads.csv"),
                     "--jsonl", str(work / "r.jsonl"), "--met-on", "2026-11-24"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _first_record(work / "r.jsonl", proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("cardscan: interrupted; ")
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]
    state = batch_state(work)
    # What was stored is exactly what was written: CSV and JSONL agree with the store.
    assert sum(state["csv"].values()) == sum(state["sources"].values()) >= 1
    assert state["jsonl"] == state["csv"]
    assert sum(state["csv"].values()) < sum(reference["csv"].values())
    assert scan(photos, work, REPLAY).returncode == 0
    assert batch_state(work) == reference


def test_stored_reading_rebuilds_equal_records(replay_engine):
    from cardscan.pipeline import run
    from cardscan.store.records import record_from_json, record_to_json

    recs = list(run([str(SAMPLES / n) for n in PHOTOS], ScanOptions(workers=1), replay_engine))
    assert any(r.parsed and r.parsed.phones and r.parsed.name for r in recs)
    for r in recs:
        back = record_from_json(json.loads(json.dumps(record_to_json(r))))
        assert back == r and back.extra == r.extra
    thumb = dataclasses.replace(recs[0], extra={"thumb": b"\xff\xd8\x00"})
    assert record_from_json(json.loads(json.dumps(record_to_json(thumb)))).extra == {
        "thumb": b"\xff\xd8\x00"}
