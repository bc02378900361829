"""The real OCR engines on a few samples (slower: marked, still part of `make test`)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SAMPLES

from benchmarks.scoring import fold
from cardscan import scan
from cardscan.detect import find_cards, warp
from cardscan.load import load_image
from cardscan.options import ScanOptions

LABELS = json.loads((SAMPLES / "labels.json").read_text())


def _gold(image: str, i: int = 0) -> dict:
    return LABELS["cards"][LABELS["images"][image]["cards"][i]]


def _crop(image: str):
    img = load_image(str(SAMPLES / image), max_pixels=80_000_000, work_side=2000)
    regions = find_cards(img.rgb)
    return warp(img.rgb, regions[0].quad) if regions else img.rgb


@pytest.mark.rapidocr
@pytest.mark.parametrize("image", [
    "03_photo_perspective.jpg", "04_photo_rot90.jpg", "05_photo_rot180.jpg",
    "06_photo_rot270.jpg", "07_photo_exif_orientation.jpg"])
def test_rapidocr_finds_orientation(image):
    pytest.importorskip("rapidocr_onnxruntime")
    from cardscan.ocr.rapid import RapidEngine

    page = RapidEngine(second_reader=False).read(_crop(image))
    # The generator records how far the card must turn clockwise to be upright.
    assert page.rotation == LABELS["images"][image]["upright_rotation"]
    # Compared folded, as the scoring rules do (PP-OCR drops some accents), and
    # without spaces: it sometimes glues words, which the extractors split again.
    assert fold(_gold(image)["name"]).replace(" ", "") in fold(page.text).replace(" ", "")


@pytest.mark.rapidocr
def test_rapidocr_end_to_end_dark_card():
    pytest.importorskip("rapidocr_onnxruntime")
    [rec] = list(scan([SAMPLES / "08_photo_dark_card.jpg"], ScanOptions(engine="rapidocr")))
    gold = _gold("08_photo_dark_card.jpg")
    assert rec.status == "ok"
    assert rec.to_dict()["emails"] == [e.lower() for e in gold["emails"]]
    assert {p["number"] for p in rec.to_dict()["phones"]} == {p["e164"] for p in gold["phones"]}


@pytest.mark.tesseract
def test_tesseract_reads_a_scan():
    if not shutil.which("tesseract"):
        pytest.skip("tesseract not installed")
    [rec] = list(scan([SAMPLES / "01_scan_left_aligned.png"], ScanOptions(engine="tesseract")))
    gold = _gold("01_scan_left_aligned.png")
    d = rec.to_dict()
    assert d["engine"] == "tesseract"
    assert d["emails"] == [e.lower() for e in gold["emails"]]
    assert d["name"] == gold["name"]
