"""The real OCR engines on a few samples (slower: marked, still part of `make test`)."""

from __future__ import annotations

import json
import shutil

import numpy as np
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


# -- the spacing decoder (cardscan/ocr/ctc.py) on hand-made CTC outputs ------------

_CHARS = ["blank", *"abcdefghijklmnopqrstuvwxyzMAENJRHLOWSYDIVCP@.", " "]


def _preds(steps: list[tuple[str, float]]) -> np.ndarray:
    """One line of CTC output: per step the emitted symbol ("" for blank) and,
    on blank steps, the probability left for the space class."""
    out = np.full((1, len(steps), len(_CHARS)), 0.001, dtype=np.float32)
    for t, (sym, p_space) in enumerate(steps):
        k = _CHARS.index(sym) if sym else 0
        out[0, t, k] = 0.9
        out[0, t, -1] = max(out[0, t, -1], p_space) if not sym else out[0, t, -1]
    return out


def _word(text: str) -> list[tuple[str, float]]:
    return [s for c in text for s in ((c, 0.0), ("", 0.01))]


@pytest.mark.parametrize(
    ("steps", "text"),
    [
        # The gap between the words leaves P(space) 0.42: the space comes back.
        ([*_word("MAEN"), ("", 0.42), *_word("JARRAR")], "MAEN JARRAR"),
        # A gap that weak stays glued.
        ([*_word("MAEN"), ("", 0.1), *_word("JARRAR")], "MAENJARRAR"),
        # Never inside an e-mail address, where the gap around "@" is wide.
        ([*_word("jo"), ("", 0.4), *_word("@ab.de")], "jo@ab.de"),
        # A space the model did emit is kept once.
        ([*_word("ab"), (" ", 0.0), ("", 0.5), *_word("cd")], "ab cd"),
        # Any dot before a top-level domain makes the token an address ("acme.info").
        ([*_word("acme."), ("", 0.4), *_word("info")], "acme.info"),
        # Upper-case domains are addresses too; "S.E.ASIA" is not one.
        ([*_word("ACME."), ("", 0.4), *_word("SHOP")], "ACME.SHOP"),
        ([*_word("S.E."), ("", 0.4), *_word("ASIA")], "S.E. ASIA"),
        # A word break between two equal letters is still one ("WESLEY YAN", "333 3979").
        ([*_word("WESLEY"), ("", 0.4), *_word("YAN")], "WESLEY YAN"),
        # An initial before an all-caps surname is not an address.
        ([*_word("D."), ("", 0.4), *_word("MALVIN")], "D. MALVIN"),
        # Repeats merge unless a blank separates them, as in plain CTC decoding.
        ([("a", 0.0), ("a", 0.0), ("", 0.0), ("a", 0.0)], "aa"),
    ],
)
def test_spacing_decoder(steps: list[tuple[str, float]], text: str) -> None:
    from cardscan.ocr.ctc import SpacingDecoder as _SpacingDecoder

    [(got, conf)] = _SpacingDecoder(_CHARS)(_preds(steps))
    assert got == text
    assert conf == pytest.approx(0.9)


@pytest.mark.rapidocr
def test_spacing_decoder_matches_rapidocr_when_no_gap_qualifies(monkeypatch) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from rapidocr_onnxruntime import RapidOCR

    import cardscan.ocr.ctc as ctc

    theirs = RapidOCR().text_rec.postprocess_op
    ours = ctc.SpacingDecoder(list(theirs.character))
    monkeypatch.setattr(ctc, "SPACE_P", 2.0)
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(3, 40, len(theirs.character))).astype(np.float32)
    logits[:, ::2, 0] += 4  # mostly blanks, as in real output
    preds = np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True)
    mine = ours(preds)
    ref = theirs(preds)
    assert [t for t, _ in mine] == [t for t, _ in ref]
    assert [c for _, c in mine] == pytest.approx([c for _, c in ref])


def test_spacing_decoder_leaves_word_boxes_to_rapidocr() -> None:
    from cardscan.ocr.ctc import SpacingDecoder as _SpacingDecoder

    calls = []

    def original(preds: np.ndarray, return_word_box: bool, **kw: object) -> list[object]:
        calls.append((return_word_box, kw))
        return [("x", 1.0, ["boxes"])]

    dec = _SpacingDecoder(_CHARS, original)
    preds = _preds(_word("ab"))
    assert dec(preds, True, wh_ratio_list=[1.0]) == [("x", 1.0, ["boxes"])]
    assert calls == [(True, {"wh_ratio_list": [1.0]})]
    assert dec(preds) == [("ab", pytest.approx(0.9))]
    with pytest.raises(ValueError, match="word boxes"):
        _SpacingDecoder(_CHARS)(preds, True)


# -- the engine registry (cardscan/ocr/registry.py) ----------------------------------


def test_registry_names_what_the_cli_accepts() -> None:
    from cardscan.cli import build_parser
    from cardscan.ocr.registry import ENGINES, check_name, engine_help, engine_names

    names = engine_names()
    assert names[0] == "auto"
    assert {n.split(":")[0] for n in names[1:]} == {e.name for e in ENGINES}
    for e in ENGINES:
        assert e.name in engine_help() and e.description in engine_help()
        assert check_name(f"{e.name}:x" if e.argument else e.name)
    for bad in ("replay", "rapidocr:x", "paddle"):
        with pytest.raises(ValueError, match="unknown engine"):
            check_name(bad)
    scan = build_parser().parse_args(["scan", "x.jpg", "--engine", "replay:f.jsonl"])
    assert scan.engine == "replay:f.jsonl"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["scan", "x.jpg", "--engine", "paddle"])


def test_get_engine_from_the_registry(tmp_path) -> None:
    from cardscan.errors import MissingDependencyError
    from cardscan.model import Page
    from cardscan.ocr import ReplayEngine, get_engine, page_to_dict, thumbprint

    rec = tmp_path / "pages.jsonl"
    page = Page.from_text("Ana Ruiz\nana@brightlane.example", engine="rapidocr")
    rgb = np.zeros((20, 30, 3), np.uint8)
    rec.write_text(json.dumps({"thumb": thumbprint(rgb).tolist(), "page": page_to_dict(page)}))
    eng = get_engine(f"replay:{rec}")
    assert isinstance(eng, ReplayEngine)
    assert eng.read(rgb).text == page.text
    with pytest.raises(MissingDependencyError, match="unknown OCR engine"):
        get_engine("paddle")
    with pytest.raises(MissingDependencyError, match="cannot load OCR recordings"):
        get_engine(f"replay:{tmp_path / 'missing.jsonl'}")
