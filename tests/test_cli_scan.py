"""`cardscan scan` and `cardscan parse` in-process: exact exit codes and output."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest
from conftest import SAMPLES, SAMPLES_OCR

from cardscan.cli import main

REPLAY = f"replay:{SAMPLES_OCR}"


@pytest.fixture
def photos(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("03_photo_perspective.jpg", "12_photo_two_cards.jpg", "17_negative_desk.jpg"):
        shutil.copy(SAMPLES / name, d / name)
    return d


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_scan_writes_csv_and_store_and_rerun_adds_nothing(tmp_path, photos, capsys, monkeypatch):
    monkeypatch.setenv("CARDSCAN_TODAY", "2026-11-25")
    db, out = tmp_path / "c.db", tmp_path / "leads.csv"
    argv = ["scan", str(photos), "--engine", REPLAY, "--workers", "1", "--db", str(db),
            "--csv", str(out), "--event", "Chamber breakfast", "--met-on", "2026-11-24"]
    code, stdout, err = _run(capsys, *argv)
    assert code == 0
    assert stdout == ""
    assert err.strip().splitlines()[-1] == (
        f"cardscan: 3 cards read from 3 files: 1 need review, 1 without a card, 0 failed; "
        f"leads in {out}; stored in {db}"
    )  # the store's review: one e-mail read with low confidence (1.brandt@ for l.brandt@)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(out)
    assert [(r["card"], r["status"]) for r in rows] == [
        ("0", "ok"), ("0", "ok"), ("1", "review"), ("0", "no_card")]
    assert rows[2]["review_reason"] == "email uncertain: 1.brandt@nordlicht-solar.de (0.72)"
    for r in rows[:3]:
        assert r["event"] == "Chamber breakfast"
        assert r["lead_id"] and r["next_action_due"] == "2026-11-25"
        assert r["next_action_channel"] in ("email", "call")
        assert r["draft_subject"] and r["draft_body"]
        phones = [p for k in ("phone_mobile", "phone_work") for p in r[k].split(" ; ") if p]
        assert phones and all(p.startswith("'+") for p in phones)  # E.164, formula-safe
    con = sqlite3.connect(db)
    counts = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("leads", "tasks")]
    assert counts[0] == 3 and counts[1] >= 9  # at least three dated tasks per lead
    con.close()

    code, _, _ = _run(capsys, *argv)
    assert code == 0
    con = sqlite3.connect(db)
    again = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("leads", "tasks")]
    assert again == counts
    assert {r["lead_id"] for r in _rows(out)} == {r["lead_id"] for r in rows}


def test_bad_file_one_line_error_batch_goes_on_exit_1(tmp_path, photos, capsys):
    (photos / "00_empty.jpg").write_bytes(b"")
    (photos / "99_notes.png").write_text("not an image")
    code, _, err = _run(capsys, "scan", str(photos), "--engine", REPLAY, "--workers", "1",
                        "--no-db", "--jsonl", str(tmp_path / "r.jsonl"))
    assert code == 1
    errors = [ln for ln in err.splitlines() if ln.startswith("cardscan: error:")]
    assert errors == [
        f"cardscan: error: {photos}/00_empty.jpg: empty file (0 bytes)",
        f"cardscan: error: {photos}/99_notes.png: not an image (unrecognised format)",
    ]
    assert "Traceback" not in err
    recs = [json.loads(ln) for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["status"] for r in recs] == ["error", "ok", "ok", "ok", "no_card", "error"]
    assert not (tmp_path / "leads.csv").exists()  # --jsonl alone: no default CSV


def test_no_images_is_a_usage_error(tmp_path, capsys):
    code, _, err = _run(capsys, "scan", str(tmp_path), "--no-db")
    assert code == 2
    assert err == f"cardscan: error: no images found in {tmp_path}\n"


def test_bad_region_is_rejected(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["scan", str(tmp_path), "--region", "XX"])
    assert e.value.code == 2
    assert "unknown region 'XX'" in capsys.readouterr().err


def test_parse_file_and_batch(tmp_path, capsys, monkeypatch):
    card = tmp_path / "card.txt"
    card.write_text("Ana Ruiz\nHead of Research\nBrightlane Labs Ltd\n"
                    "Mobile: +44 7400 123456\nana.ruiz@brightlane.co.uk\n")
    code, out, _ = _run(capsys, "parse", str(card))
    assert code == 0
    rec = json.loads(out)
    assert (rec["name"], rec["given_name"], rec["family_name"]) == ("Ana Ruiz", "Ana", "Ruiz")
    assert rec["emails"] == ["ana.ruiz@brightlane.co.uk"]
    assert rec["phones"] == [{"number": "+447400123456", "type": "mobile",
                              "raw": "+44 7400 123456", "local_only": False, "valid": True}]
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": "a1", "text": card.read_text()}) + "\n"
                     + json.dumps({"id": "b2", "text": "Tel 020 7946 0018"}) + "\n")
    code, out, _ = _run(capsys, "parse", "--batch", str(batch), "--region", "GB")
    assert code == 0
    got = [json.loads(ln) for ln in out.splitlines()]
    assert [g["id"] for g in got] == ["a1", "b2"]
    assert got[1]["phones"][0]["number"] == "+442079460018"


def test_parse_batch_answers_every_bad_line_and_goes_on(tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"id": 1}\n'
                     'not json\n'
                     + json.dumps({"id": "big", "text": "x" * 9000}) + "\n"
                     + json.dumps({"id": "ok", "text": "Ana Ruiz\nana@brightlane.example"})
                     + "\n[1, 2]\n")
    code, out, err = _run(capsys, "parse", "--batch", str(batch))
    assert code == 1
    got = [json.loads(ln) for ln in out.splitlines()]
    assert [(g["id"], g["status"]) for g in got] == [
        (1, "error"), (None, "error"), ("big", "error"), ("ok", "ok"), (None, "error")]
    assert got[0]["error"] == f'{batch}:1: expected a JSON object with "id" and "text"'
    assert got[1]["error"] == f"{batch}:2: not JSON"
    assert got[2]["error"] == (f"{batch}:3: text too long for a card "
                               "(over 8192 characters); not parsed")
    assert got[3]["emails"] == ["ana@brightlane.example"]
    assert len(err.splitlines()) == 4 and "Traceback" not in err


def test_parse_missing_batch_file_is_one_line(tmp_path, capsys):
    code, out, err = _run(capsys, "parse", "--batch", str(tmp_path / "missing.jsonl"))
    assert (code, out) == (2, "")
    assert err == (f"cardscan: error: {tmp_path}/missing.jsonl: "
                   "cannot read (No such file or directory)\n")


def test_parse_refuses_a_text_longer_than_a_card(tmp_path, capsys):
    big = tmp_path / "big.txt"
    big.write_text("Ana Ruiz\n" * 5_000_000)  # 45 MB: refused after reading 8 KB
    code, out, err = _run(capsys, "parse", str(big))
    assert (code, out) == (2, "")
    assert err == (f"cardscan: error: {big}: text too long for a card "
                   "(over 8192 characters); not parsed\n")


def test_every_sample_card_gets_a_plan_and_rescan_adds_nothing(tmp_path, capsys, monkeypatch):
    """The issue's acceptance check, on the whole of samples/."""
    monkeypatch.setenv("CARDSCAN_TODAY", "2026-11-25")
    db = tmp_path / "c.db"
    argv = ["scan", str(SAMPLES), "--engine", REPLAY, "--workers", "1", "--db", str(db),
            "--csv", str(tmp_path / "leads.csv"), "--event", "Expo", "--met-on", "2026-11-24"]
    assert _run(capsys, *argv)[0] == 0
    rows = [r for r in _rows(tmp_path / "leads.csv") if r["status"] in ("ok", "review")]
    cards = 0
    for labels_json in (SAMPLES / "labels.json", SAMPLES / "capture" / "labels.json"):
        labels = json.loads(labels_json.read_text(encoding="utf-8"))
        cards += sum(len(e["cards"]) for e in labels["images"].values())
    assert len(rows) == cards  # a card's logo side joins its contact side: no lead of its own
    con = sqlite3.connect(db)
    per_lead = dict(con.execute("select lead_id, count(*) from tasks group by lead_id"))
    assert all(per_lead.get(r["lead_id"], 0) >= 3 for r in rows)
    due = [d for (d,) in con.execute("select due from tasks")]
    assert due and all(d >= "2026-11-25" for d in due)
    before = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("leads", "tasks")]
    assert _run(capsys, *argv)[0] == 0
    after = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("leads", "tasks")]
    assert after == before
    con.close()


@pytest.mark.parametrize("flag", ["--csv", "--jsonl", "--db"])
def test_output_in_a_missing_folder_is_one_line_error(tmp_path, capsys, flag):
    target = tmp_path / "missing" / "out.x"
    code, _, err = _run(capsys, "scan", str(SAMPLES / "01_scan_left_aligned.png"),
                        "--engine", REPLAY, flag, str(target))
    assert code == 2
    assert err == f"cardscan: error: {target}: folder {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_unwritable_debug_dir_does_not_cost_the_card(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, _ = _run(capsys, "scan", str(SAMPLES / "01_scan_left_aligned.png"), "--engine",
                      REPLAY, "--no-db", "--csv", str(tmp_path / "l.csv"),
                      "--debug-dir", str(blocker / "sub"))
    assert code == 0
    assert [r["status"] for r in _rows(tmp_path / "l.csv")] == ["ok"]


def test_an_engine_the_workers_cannot_load_fails_the_run_once(tmp_path, photos, capsys):
    """With a pool, the engine is loaded only by the workers: the first of them that
    cannot load it stops the run with one line and exit code 3, nothing stored."""
    missing = tmp_path / "no-such-recording.jsonl"
    db = tmp_path / "c.db"
    code, out, err = _run(capsys, "scan", str(photos), "--engine", f"replay:{missing}",
                          "--workers", "2", "--db", str(db), "--csv", str(tmp_path / "l.csv"))
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and "cannot load OCR recordings" in err and str(missing) in err
    if db.exists():
        assert sqlite3.connect(db).execute("select count(*) from leads").fetchone()[0] == 0
