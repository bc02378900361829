"""Several cards in one large JPEG are cut from it at full resolution, not
from the copy libjpeg decoded at half size (`load.full_resolution`)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardscan.load import full_resolution, load_image
from cardscan.model import Block, Line, Page, Word
from cardscan.options import ScanOptions
from cardscan.pipeline import process_image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_detect import _card, _photo

SIZE = (4000, 3000)  # a 12 MP phone photo: decoded at 2000x1500 by default


class Sizes:
    """Notes the size of every picture it is asked to read; reads one card's text."""

    name = "sizes"

    def __init__(self) -> None:
        self.shapes: list[tuple[int, int]] = []

    def read(self, rgb: np.ndarray) -> Page:
        self.shapes.append(rgb.shape[:2])
        lines = tuple(Line((Word(t, 0.99, None),), None)
                      for t in ("Ana Ruiz", "ana@brightlane.example", "+44 20 7946 0991"))
        return Page((Block(lines),), rgb.shape[1], rgb.shape[0], "sizes", 0)


def _quad(x: float, y: float, w: float, h: float) -> np.ndarray:
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)


def _jpeg(path: Path, cards: int) -> Path:
    spots = [_quad(300, 400, 1600, 940), _quad(2150, 500, 1600, 940),
             _quad(300, 1700, 1600, 940), _quad(2150, 1750, 1600, 940)][:cards]
    photo = _photo([(_card(1700, 1000), q) for q in spots], size=SIZE)
    Image.fromarray(photo).save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def options() -> ScanOptions:
    return ScanOptions(workers=1)


def test_full_resolution_decodes_a_reduced_jpeg_again(tmp_path, options):
    img = load_image(str(_jpeg(tmp_path / "desk.jpg", 4)), max_pixels=options.max_pixels,
                     work_side=options.work_side)
    assert img.rgb.shape[:2] == (1500, 2000)
    full = full_resolution(img)
    assert full is not None and full.shape == (3000, 4000, 3)
    (tmp_path / "desk.jpg").write_bytes(b"changed since")  # not the picture it was: no cut
    assert full_resolution(img) is None


def test_a_picture_already_at_full_size_is_not_decoded_again(tmp_path, options):
    p = tmp_path / "small.jpg"
    Image.new("RGB", (1600, 1200), (200, 200, 200)).save(p, "JPEG")
    img = load_image(str(p), max_pixels=options.max_pixels, work_side=options.work_side)
    assert full_resolution(img) is None


def test_four_cards_in_a_12_mp_photo_are_read_at_full_resolution(tmp_path, options):
    img = load_image(str(_jpeg(tmp_path / "four.jpg", 4)), max_pixels=options.max_pixels,
                     work_side=options.work_side)
    eng = Sizes()
    recs = process_image(img, options, eng)
    assert [r.card for r in recs] == [0, 1, 2, 3]
    # A card 1600 px wide in the photo is about 800 px wide in the half-size copy.
    assert len(eng.shapes) == 4 and all(w > 1400 for _, w in eng.shapes), eng.shapes


def test_one_card_is_cut_from_the_reduced_copy(tmp_path, options):
    img = load_image(str(_jpeg(tmp_path / "one.jpg", 1)), max_pixels=options.max_pixels,
                     work_side=options.work_side)
    eng = Sizes()
    recs = process_image(img, options, eng)
    assert len(recs) == 1 and eng.shapes and all(w < 900 for _, w in eng.shapes), eng.shapes
