"""Hostile inputs and outputs: every file an answer, nothing destroyed.

The corpus is generated here (benchmarks/hostile.py `build_corpus`), never committed.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import time

import pytest
from conftest import SAMPLES, SAMPLES_OCR

from benchmarks.hostile import build_corpus, judge, scan
from cardscan.cli import main
from cardscan.inputs import find_inputs
from cardscan.options import ScanOptions

REPLAY = f"replay:{SAMPLES_OCR}"
CARD = SAMPLES / "01_scan_left_aligned.png"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_file_of_the_hostile_corpus_gets_one_answer(tmp_path):
    import json

    corpus, work = tmp_path / "corpus", tmp_path / "work"
    work.mkdir()
    cases = build_corpus(corpus)
    t0 = time.monotonic()
    res = scan(corpus, work, REPLAY, timeout=240)  # a hang fails here, not forever
    assert time.monotonic() - t0 < 240
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    records = [json.loads(ln) for ln in (work / "r.jsonl").read_text().splitlines()]
    bad = [o for o in judge(cases, records, corpus) if not o.ok]
    assert not bad, bad
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("cardscan: error: ")]
    assert len(errors) == sum(c.expect == "error" for c in cases)
    assert all("\n" not in r["error"] for r in records if r["error"])
    # the non-UTF-8 name is stored and exported as text
    con = sqlite3.connect(work / "c.db")
    assert any(p.endswith("caf\\xe9.jpg") for (p,) in con.execute("select path from sources"))
    con.close()
    assert "caf\\xe9.jpg" in (work / "leads.csv").read_text(encoding="utf-8-sig")
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


def test_unreadable_folder_is_an_error_record_not_a_silent_skip(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(CARD, locked / "a.png")
    shutil.copy(CARD, tmp_path / "b.png")
    real = os.scandir

    def scandir(path):  # root reads any folder: refuse like the kernel would for a user
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = find_inputs([tmp_path])
    assert [(f.source, f.error) for f in got] == [
        (str(tmp_path / "b.png"), None),
        (str(locked), f"{locked}: cannot list folder (permission denied)"),
    ]


def test_each_file_has_a_time_limit(replay_engine):
    from cardscan.pipeline import run

    class Slow:
        name = "slow"

        def read(self, rgb):
            time.sleep(5)
            return replay_engine.read(rgb)

    t0 = time.monotonic()
    recs = list(run([str(CARD)], ScanOptions(workers=1, time_limit=0.3), Slow()))
    assert time.monotonic() - t0 < 4
    assert [(r.status, r.error) for r in recs] == [
        ("error", f"{CARD}: time limit exceeded (0.3 s per file)")]


# ------------------------------------------------------------------ outputs


@pytest.fixture
def photo(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(CARD, d / "a.png")
    return d / "a.png"


@pytest.mark.parametrize("flag", ["--jsonl", "--csv"])
def test_an_output_that_is_an_input_is_refused_and_the_photo_kept(tmp_path, capsys, flag):
    # `cardscan scan --jsonl *.png`: the shell hands the first photo to --jsonl
    d = tmp_path / "in"
    d.mkdir()
    for n in ("a.png", "b.png"):
        shutil.copy(CARD, d / n)
    before = (d / "a.png").read_bytes()
    code, out, err = _run(capsys, "scan", flag, d / "a.png", d / "b.png", "--engine", REPLAY,
                          "--no-db")
    assert (code, out) == (2, "")
    assert err == (f"cardscan: error: {d}/a.png: exists and is not a "
                   f"{'JSONL' if flag == '--jsonl' else 'CSV'} cardscan wrote (a PNG image); "
                   f"refusing to overwrite it with {flag}\n")
    assert (d / "a.png").read_bytes() == before
    code, _, err = _run(capsys, "scan", d, flag, d / "a.png", "--engine", REPLAY, "--no-db")
    assert code == 2 and "is an input of this scan" in err
    assert (d / "a.png").read_bytes() == before


def test_same_path_for_two_outputs_or_the_database_is_refused(tmp_path, photo, capsys):
    x = tmp_path / "x.out"
    code, _, err = _run(capsys, "scan", photo, "--csv", x, "--jsonl", x, "--engine", REPLAY)
    assert code == 2
    assert err == (f"cardscan: error: {x}: given for both --csv and --jsonl; "
                   "each output needs its own file\n")
    db = tmp_path / "c.db"
    code, _, err = _run(capsys, "scan", photo, "--csv", db, "--db", db, "--engine", REPLAY)
    assert code == 2 and err.endswith("is the lead database; refusing to overwrite it with --csv\n")
    assert not x.exists()


def test_export_over_the_database_is_refused(tmp_path, photo, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "scan", photo, "--engine", REPLAY)[0] == 0
    db = tmp_path / "cardscan.db"
    before = db.read_bytes()
    code, _, err = _run(capsys, "export", "--format", "google", "--out", "cardscan.db")
    assert code == 2
    assert err == ("cardscan: error: cardscan.db: is the lead database; "
                   "refusing to overwrite it with --out\n")
    code, _, err = _run(capsys, "export", "--format", "hubspot", "--out", "in/a.png")
    assert code == 2 and "(a PNG image)" in err
    assert db.read_bytes() == before


def test_devices_folders_and_dangling_links_are_never_replaced(tmp_path, photo, capsys):
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "missing" / "x.csv")
    for target, why in (("/dev/null", "not a regular file"), (tmp_path, "a folder"),
                        (dangling, "a link to nothing")):
        code, _, err = _run(capsys, "scan", photo, "--csv", target, "--no-db", "--engine", REPLAY)
        assert code == 2 and why in err, err
    assert os.path.islink(dangling)


def test_csv_is_written_through_a_symlink(tmp_path, photo, capsys):
    real = tmp_path / "data" / "leads.csv"
    real.parent.mkdir()
    link = tmp_path / "leads.csv"
    link.symlink_to(real)
    code, _, _ = _run(capsys, "scan", photo, "--csv", link, "--no-db", "--engine", REPLAY)
    assert code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("source,")


def test_failed_scan_leaves_the_previous_csv_as_it_was(tmp_path, photo, capsys):
    out = tmp_path / "leads.csv"
    assert _run(capsys, "scan", photo, "--csv", out, "--no-db", "--engine", REPLAY)[0] == 0
    before = out.read_bytes()
    code, _, err = _run(capsys, "scan", tmp_path / "nonexistent", "--csv", out, "--no-db",
                        "--engine", REPLAY)
    assert code == 1
    assert err.splitlines() == [
        f"cardscan: error: {tmp_path}/nonexistent: no such file",
        "cardscan: 0 cards read from 1 file: 0 need review, 0 without a card, 1 failed; "
        f"nothing read, {out} left as it was",
    ]
    assert out.read_bytes() == before


def test_disk_full_is_one_line_exit_6_previous_csv_kept_no_temp_left(
        tmp_path, photo, capsys, monkeypatch):
    out = tmp_path / "leads.csv"
    assert _run(capsys, "scan", photo, "--csv", out, "--no-db", "--engine", REPLAY)[0] == 0
    before = out.read_bytes()

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    code, _, err = _run(capsys, "scan", photo, "--csv", out, "--no-db", "--engine", REPLAY)
    assert code == 6
    assert err == f"cardscan: error: {out}: cannot write (disk full)\n"
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "leads.csv"]


def test_an_unexpected_failure_on_one_file_is_its_error_record(replay_engine, monkeypatch):
    from cardscan import pipeline

    def broken(source, options, engine, data=None):
        raise UnicodeEncodeError("utf-8", "caf\udce9", 3, 4, "surrogates not allowed")

    monkeypatch.setattr(pipeline, "process_file", broken)
    recs = list(pipeline.run([str(CARD)], ScanOptions(workers=1), replay_engine))
    assert [(r.status, r.error) for r in recs] == [
        ("error", f"{CARD}: internal error (UnicodeEncodeError: 'utf-8' codec can't encode "
                  "character '\\udce9' in position 3: surrogates not allowed)")]
