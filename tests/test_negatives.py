"""No card invented: photos with text but no business card give `no_card`
(cardscan/cardness.py).  The negatives are drawn by benchmarks/script_cards.py."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from benchmarks import script_cards
from cardscan.cardness import card_shaped, has_channel, is_card
from cardscan.model import Field, Page, ParsedCard, Phone
from cardscan.options import ScanOptions
from cardscan.pipeline import process_file


def _f(v: str) -> Field:
    return Field(v, v, 0.9)


@pytest.mark.parametrize(("w", "h", "ok"), [
    (85.60, 53.98, True), (3.5, 2.0, True), (91, 55, True), (85, 55, True),
    (55, 91, True),  # a vertical card
    (63, 88, False),  # a trading card
    (110, 42, False),  # a ride ticket
    (148, 210, False),  # a book page (A5)
    (1, 1, False),
])
def test_card_proportions(w: float, h: float, ok: bool) -> None:
    assert card_shaped(w / h) is ok


def test_contact_channels_must_validate() -> None:
    assert has_channel(ParsedCard(emails=(_f("ana@brightlane.example"),)))
    assert has_channel(ParsedCard(phones=(Phone("+442079460123", "work", "020 7946 0123", 0.9),)))
    assert not has_channel(ParsedCard(phones=(Phone("+11126847988", "work", "(11) 2684", 0.9),)))
    assert has_channel(ParsedCard(websites=(_f("www.brightlane.co.uk"),)))
    assert not has_channel(ParsedCard(websites=(_f("chapter.thirteen"),)))


def test_a_national_number_alone_needs_a_name_or_company() -> None:
    stats = ParsedCard(phones=(Phone("+3260641250", "work", "60641/250", 0.9),))
    assert not is_card(stats, 6, 63 / 88)  # "DEF 60641/250" on a game card
    assert not is_card(stats, 6, 1.52)  # ... even on its card-proportioned text panel
    assert is_card(dataclasses.replace(stats, company=_f("Boa Massa")), 6, None)
    intl = ParsedCard(phones=(Phone("+442079460123", "work", "+44 20 7946 0123", 0.9),))
    assert is_card(intl, 2, None)


def test_a_name_needs_a_card_shaped_outline() -> None:
    hero = ParsedCard(name=_f("Ember Warden"), title=_f("Forest Beast"))
    assert not is_card(hero, 8, 63 / 88)  # trading card
    assert not is_card(hero, 8, None)  # no outline at all
    assert is_card(hero, 8, 85.6 / 53.98)
    shop = ParsedCard(company=_f("Padaria Boa Massa"))  # contact lines lost by OCR
    assert is_card(shop, 3, 1.7)
    assert not is_card(ParsedCard(emails=(_f("a@b.example"),)), 1, 1.7)  # one line is no card


class _TextEngine:
    """Reads `text` off the whole image and nothing off a crop of it (the text of
    these drawings is not inside the rectangles a detector may find there):
    isolates the card decision from OCR."""

    name = "text"

    def __init__(self, text: str, shape: tuple[int, ...]) -> None:
        self.page = Page.from_text(text, engine="rapidocr")
        self.shape = shape[:2]

    def read(self, rgb: np.ndarray) -> Page:
        return self.page if rgb.shape[:2] == self.shape else Page((), engine="rapidocr")


def _save(img, tmp_path: Path, name: str) -> str:
    p = tmp_path / name
    img.save(p)
    return str(p)


HERO = "Ember Warden\nHP 120\nLevel 3 Beast - Forest\nQuick Strike 40\nATK 2100 / DEF 1800"


@pytest.mark.parametrize("draw", [script_cards.trading_card, script_cards.ride_ticket,
                                  script_cards.prose_page])
def test_pipeline_gives_no_card(draw, tmp_path: Path) -> None:
    img = draw(random.Random(3))
    src = _save(img, tmp_path, "neg.png")
    [rec] = process_file(src, ScanOptions(), _TextEngine(HERO, (img.height, img.width)))
    assert rec.status == "no_card"


def test_the_same_text_on_a_card_with_a_phone_is_a_card(tmp_path: Path) -> None:
    img = script_cards.trading_card(random.Random(3))
    src = _save(img, tmp_path, "card.png")
    [rec] = process_file(src, ScanOptions(region="GB"),
                         _TextEngine(HERO + "\nTel +44 20 7946 0123", (img.height, img.width)))
    assert rec.status in ("ok", "review")


@pytest.mark.rapidocr
@pytest.mark.parametrize("draw", [script_cards.trading_card, script_cards.ride_ticket])
def test_real_ocr_invents_no_card(draw, tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    src = _save(script_cards.photo(draw(random.Random(5)), random.Random(5)), tmp_path, "n.jpg")
    [rec] = process_file(src, ScanOptions(engine="rapidocr"), _rapid())
    assert rec.status == "no_card", rec.to_dict()


_ENGINE = []


def _rapid():
    if not _ENGINE:
        from cardscan.ocr.rapid import RapidEngine

        _ENGINE.append(RapidEngine(threads=1))
    return _ENGINE[0]
