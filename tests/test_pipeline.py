"""The whole pipeline on samples/ with recorded OCR: detection, QR and
extraction run for real; only the OCR engine is replayed."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SAMPLES

from cardscan import scan
from cardscan.options import ScanOptions

LABELS = json.loads((SAMPLES / "labels.json").read_text())


@pytest.fixture(scope="module")
def records(replay_engine):
    return [r.to_dict() for r in scan([SAMPLES], ScanOptions(workers=1), engine=replay_engine)]


def _by_source(records):
    out: dict[str, list[dict]] = {}
    for r in records:
        out.setdefault(r["source"].split("/")[-1], []).append(r)
    return out


def test_every_sample_photo_gives_its_cards_in_order(records):
    got = _by_source(records)
    assert list(got) == sorted(got)  # input order is kept
    for name, meta in LABELS["images"].items():
        recs = got[name]
        assert [r["card"] for r in recs] == list(range(len(meta["cards"]))), name
        assert all(r["status"] in ("ok", "review") for r in recs), name


def test_negative_photo_is_no_card(records):
    got = _by_source(records)
    for name in LABELS.get("negatives", {}):
        assert [r["status"] for r in got[name]] == ["no_card"]


def test_emails_and_phones_match_ground_truth(records):
    from benchmarks.scoring import group_records, load_labels, score

    labels = load_labels(SAMPLES / "labels.json")
    report = score(labels, group_records(records, labels, SAMPLES)[0])
    assert report.field_stats("emails")[0] >= 0.9
    assert report.field_stats("phones")[0] >= 0.85
    assert report.field_stats("name")[0] >= 0.85


def test_qr_vcard_is_read(records):
    qr = [r for r in records if r["qr"]]
    assert qr, "the QR sample's vCard was not decoded"
    assert any(p.startswith("BEGIN:VCARD") for r in qr for p in r["qr"])


def test_bad_files_do_not_stop_the_batch(tmp_path, replay_engine):
    good = tmp_path / "a_good.jpg"
    shutil.copy(SAMPLES / "03_photo_perspective.jpg", good)
    (tmp_path / "b_empty.jpg").write_bytes(b"")
    (tmp_path / "c_text.png").write_text("not an image")
    cut = tmp_path / "d_cut.jpg"
    cut.write_bytes(good.read_bytes()[:2000])
    recs = list(scan([tmp_path], ScanOptions(workers=1), engine=replay_engine))
    assert [(r.source.split("/")[-1], r.status) for r in recs] == [
        ("a_good.jpg", recs[0].status),
        ("b_empty.jpg", "error"),
        ("c_text.png", "error"),
        ("d_cut.jpg", "error"),
    ]
    assert recs[0].status in ("ok", "review")
    assert recs[1].error == f"{tmp_path}/b_empty.jpg: empty file (0 bytes)"
    assert recs[2].error == f"{tmp_path}/c_text.png: not an image (unrecognised format)"
    assert recs[3].error.startswith(f"{tmp_path}/d_cut.jpg: cannot decode image")
