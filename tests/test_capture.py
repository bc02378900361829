"""Capture end to end: pages of PDFs and TIFFs, two-sided cards, sheets of
cards.  Pictures are generated into tmp_path by the test; the OCR engine is a
fixed text engine (what it reads is not under test here) or, marked
`rapidocr`, the real one on samples/generate_capture.py's cases."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardscan import scan
from cardscan.model import Block, Line, Page, Word
from cardscan.options import ScanOptions

ROOT = Path(__file__).resolve().parent.parent


class TextEngine:
    """Reads the same lines from every picture: enough to check what the
    pipeline does around OCR (pages, sources, refusals)."""

    name = "text"

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.calls = 0

    def read(self, rgb: np.ndarray) -> Page:
        self.calls += 1
        lines = tuple(Line((Word(t, 0.99, None),), None) for t in self.lines)
        return Page((Block(lines),), rgb.shape[1], rgb.shape[0], "text", 0)


CARD = ["Ana Ruiz", "Head of Research", "ana@brightlane.example", "+44 20 7946 0991"]


def _scan_page(colour: int) -> Image.Image:
    return Image.new("RGB", (1050, 600), (colour, colour, colour))


def test_every_page_of_a_pdf_and_a_tiff_is_its_own_record(tmp_path):
    tif, pdf = tmp_path / "scan.tif", tmp_path / "cards.pdf"
    _scan_page(250).save(tif, "TIFF", save_all=True, append_images=[_scan_page(240)])
    _scan_page(245).save(pdf, "PDF", save_all=True, append_images=[_scan_page(235)],
                         resolution=300)
    recs = list(scan([tmp_path], ScanOptions(workers=1), engine=TextEngine(CARD)))
    assert [r.source for r in recs] == [f"{pdf}#p1", f"{pdf}#p2", f"{tif}#p1", f"{tif}#p2"]
    assert [r.status for r in recs] == ["ok"] * 4
    assert len({r.image_sha256 for r in recs}) == 4  # each page its own store identity


def test_a_sheet_of_fifty_cards_is_refused_in_one_line_not_one_lead(tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    from test_detect import _card, _photo

    cw, ch = 150, 88
    cards = [(_card(850, 500), np.array([[x, y], [x + cw, y], [x + cw, y + ch], [x, y + ch]],
                                        np.float32))
             for x in range(30, 30 + 5 * 170, 170) for y in range(25, 25 + 10 * 106, 106)]
    p = tmp_path / "sheet.png"
    Image.fromarray(_photo(cards, size=(900, 1100), desk=(235, 232, 225))).save(p)
    eng = TextEngine(CARD)
    recs = list(scan([p], ScanOptions(workers=1), engine=eng))
    assert [r.status for r in recs] == ["error"]
    assert recs[0].error.startswith(f"{p}: more than 10 cards in one picture")
    assert eng.calls == 0


def test_a_picture_read_as_one_card_with_many_addresses_is_refused(tmp_path):
    p = tmp_path / "wall.png"
    Image.new("RGB", (800, 600), (250, 250, 250)).save(p)
    lines = [f"Person {i}\nperson{i}@firm{i}.example" for i in range(6)]
    recs = list(scan([p], ScanOptions(workers=1),
                     engine=TextEngine("\n".join(lines).splitlines())))
    assert [r.status for r in recs] == ["error"]
    assert "several cards read as one (6 e-mail addresses" in recs[0].error


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    pytest.importorskip("rapidocr_onnxruntime")
    sys.path.insert(0, str(ROOT / "samples"))
    import generate
    import generate_capture

    if generate.missing_fonts():
        pytest.skip("sample fonts not installed")
    out = tmp_path_factory.mktemp("capture")
    keep = ["cap_2cards.jpg", "cap_sides_1.jpg", "cap_sides_2.jpg", "cap_scan.tif"]
    labels = generate_capture.write(out, keep)
    recs = [r.to_dict() for r in scan([out / f for f in keep], ScanOptions(workers=1))]
    return out, labels, recs


@pytest.mark.rapidocr
def test_generated_capture_cases_read_field_by_field(cases):
    from benchmarks.scoring import score_card

    out, labels, recs = cases
    for key, meta in labels["images"].items():
        if meta["kind"] == "back" or not (out / key.split("#")[0]).exists():
            continue
        got = [r for r in recs if r["source"] == str(out / key) and r["status"] != "no_card"]
        assert len(got) == len(meta["cards"]), key
        for cid, rec in zip(meta["cards"], got, strict=True):  # reading order
            s = score_card(labels["cards"][cid], rec)
            for f in ("name", "emails", "phones", "websites"):
                assert s[f] == 1.0, (key, cid, f, rec[f])
            assert s["company"] >= 0.5, (key, cid, rec["company"])


@pytest.mark.rapidocr
def test_generated_two_sided_card_is_one_lead(cases):
    out, _, recs = cases
    back = [r for r in recs if r["source"] == str(out / "cap_sides_1.jpg")]
    front = [r for r in recs if r["source"] == str(out / "cap_sides_2.jpg")]
    assert [r["status"] for r in back] == ["no_card"]
    assert back[0]["side_of"] == str(out / "cap_sides_2.jpg")
    assert front[0]["name"] == "Priya Ramanathan"
    assert front[0]["other_side"] == str(out / "cap_sides_1.jpg")
