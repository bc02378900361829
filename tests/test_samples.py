"""The bundled synthetic samples: labels.json is well-formed, every image it lists exists
and decodes as described, and the generator is deterministic."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import phonenumbers
import pytest
from PIL import Image, ImageOps

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
LABELS = SAMPLES / "labels.json"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
CARD_KEYS = {
    "name", "name_latin", "title", "company", "department", "emails", "phones", "websites",
    "address", "lang", "region", "quality", "uncertain", "note",
}
PHONE_TYPES = {"mobile", "work", "fax", "other", None}
KINDS = {"photo", "scan", "crop"}
EMAIL = re.compile(r"^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@pytest.fixture(scope="module")
def labels() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LABELS.read_text(encoding="utf-8"))
    return data


@functools.cache
def _load_generator() -> ModuleType:
    name = "cardscan_samples_generate"
    spec = importlib.util.spec_from_file_location(name, SAMPLES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_top_level_shape(labels: dict[str, Any]) -> None:
    assert set(labels) == {"version", "cards", "images", "negatives"}
    assert labels["version"] == 1
    assert 14 <= len(labels["images"]) + len(labels["negatives"]) <= 24
    assert labels["negatives"], "at least one negative"


@pytest.mark.parametrize("card_id", sorted(json.loads(LABELS.read_text("utf-8"))["cards"]))
def test_card_is_well_formed(labels: dict[str, Any], card_id: str) -> None:
    card = labels["cards"][card_id]
    assert set(card) == CARD_KEYS
    assert isinstance(card["name"], str) and card["name"].strip()
    for key in ("name_latin", "title", "company", "department", "address", "note"):
        assert card[key] is None or (isinstance(card[key], str) and card[key].strip())
    assert card["quality"] in {"good", "hard"}
    assert isinstance(card["uncertain"], list)
    assert set(card["uncertain"]) <= CARD_KEYS
    assert card["emails"] and all(EMAIL.match(e) for e in card["emails"])
    assert all(isinstance(w, str) and " " not in w and "." in w for w in card["websites"])
    assert 1 <= len(card["phones"]) <= 3
    for phone in card["phones"]:
        assert set(phone) == {"type", "number", "e164"}
        assert phone["type"] in PHONE_TYPES
        region = None if phone["number"].startswith("+") else card["region"]
        parsed = phonenumbers.parse(phone["number"], region)
        if phone["e164"] is None:
            # Printed without its area code ("2294-9484"): incomplete, so not valid.
            assert not phonenumbers.is_valid_number(parsed), phone
            continue
        assert E164.match(phone["e164"])
        # The gold E.164 must be what phonenumbers makes of the printed number.
        assert phonenumbers.is_valid_number(parsed), phone
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert e164 == phone["e164"]
    national = any(not p["number"].startswith("+") for p in card["phones"])
    assert (card["region"] is not None) == national


def test_every_card_is_shown_and_every_id_exists(labels: dict[str, Any]) -> None:
    shown = [c for entry in labels["images"].values() for c in entry["cards"]]
    assert set(shown) == set(labels["cards"])


@pytest.mark.parametrize("name", sorted(json.loads(LABELS.read_text("utf-8"))["images"]))
def test_image_entry_exists_and_decodes(labels: dict[str, Any], name: str) -> None:
    entry = labels["images"][name]
    assert entry["kind"] in KINDS
    assert entry["cards"] and len(set(entry["cards"])) == len(entry["cards"])
    assert entry["covers"] and all(isinstance(c, str) for c in entry["covers"])
    assert entry["upright_rotation"] in {0, 90, 180, 270}
    path = SAMPLES / name
    assert path.resolve().parent == SAMPLES and path.is_file()
    with Image.open(path) as im:
        im.load()
        orientation = im.getexif().get(0x0112, 1)
        assert orientation == entry.get("exif_orientation", 1)
        upright = ImageOps.exif_transpose(im)
        assert upright.mode == "RGB"
        w, h = upright.size
        assert min(w, h) >= 300
        if entry["kind"] == "photo":
            # Phone photos are 3:4 frames; an upright one is portrait.
            portrait = h > w
            assert portrait == (entry["upright_rotation"] in {0, 180}), (w, h)


def test_qr_payloads_match_the_gold_card(labels: dict[str, Any]) -> None:
    with_qr = {k: v for k, v in labels["images"].items() if "qr" in v}
    assert with_qr
    for entry in with_qr.values():
        for payload, card_id in zip(entry["qr"], entry["cards"], strict=True):
            card = labels["cards"][card_id]
            assert payload.startswith(("BEGIN:VCARD\r\nVERSION:3.0", "MECARD:"))
            assert card["emails"][0] in payload
            assert card["phones"][0]["e164"] in payload


def test_negatives_exist_and_decode(labels: dict[str, Any]) -> None:
    for name, why in labels["negatives"].items():
        assert isinstance(why, str) and why
        assert name not in labels["images"]
        with Image.open(SAMPLES / name) as im:
            im.load()


def test_folder_holds_only_listed_images_and_stays_small(labels: dict[str, Any]) -> None:
    on_disk = {p.name for p in SAMPLES.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES}
    assert on_disk == set(labels["images"]) | set(labels["negatives"])
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 8 * 1024 * 1024  # samples/capture/ holds 1.8 MB of it


def test_hard_cases_are_covered(labels: dict[str, Any]) -> None:
    covers = [c for e in labels["images"].values() for c in e["covers"]]
    covers += [c for e in labels["images"].values() for c in [e["kind"]]]
    for needed in ("flat-scan", "perspective", "rotation-90", "rotation-180", "rotation-270",
                   "exif-orientation-6", "multi-card-2", "multi-card-3", "light-on-dark",
                   "dark-panel", "qr-vcard", "noise", "low-contrast", "shop-card",
                   "local-numbers", "no-area-code", "two-line-company", "japanese",
                   "pin-code"):
        assert needed in covers, needed
    sizes = {len(e["cards"]) for e in labels["images"].values()}
    assert {1, 2, 3} <= sizes


def test_labels_match_the_generator(labels: dict[str, Any]) -> None:
    gen = _load_generator()
    assert gen.build_labels() == labels


def test_generator_is_deterministic() -> None:
    gen = _load_generator()
    if gen.missing_fonts():
        pytest.skip("fonts missing: apt-get install " + " ".join(gen.missing_fonts()))
    card = gen.CARD_BY_ID["harriet_vance_ashgrove"]
    a = np.asarray(gen.render_card(card))
    b = np.asarray(gen.render_card(card))
    assert a.shape == b.shape and np.array_equal(a, b)
    assert a.std() > 10, "the card face has ink on it"
    photo = next(s for s in gen.SAMPLES if s.file == "08_photo_dark_card.jpg")
    assert gen.render_sample(photo) == gen.render_sample(photo)
    assert gen.render_sample(photo, seed=1) != gen.render_sample(photo)


# --------------------------------------------------------------------------- read field by field

# Fields the pipeline reads exactly right today on the newer samples (scored with the
# cards-dev rules, benchmarks/scoring.py).  What it still misses is listed in
# docs/notes/stress.md and deliberately not asserted.
READ_RIGHT = {
    "18_photo_shop_sao_paulo.jpg": ("name", "title", "emails", "websites", "address"),
    "19_crop_shop_india.jpg": ("name", "title", "emails", "phones", "address"),
    "20_scan_japanese.jpg": ("emails", "websites", "phones", "company"),
    "21_scan_german_split_company.jpg": (
        "name", "title", "company", "address", "emails", "phones", "websites",
    ),
}


@pytest.fixture(scope="module")
def read_back(replay_engine: Any) -> dict[str, list[dict[str, Any]]]:
    from cardscan import scan
    from cardscan.options import ScanOptions

    paths = [SAMPLES / name for name in READ_RIGHT]
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in scan(paths, ScanOptions(workers=1), engine=replay_engine):
        d = rec.to_dict()
        out.setdefault(Path(d["source"]).name, []).append(d)
    return out


@pytest.mark.parametrize("image", sorted(READ_RIGHT))
def test_newer_samples_read_field_by_field(
    labels: dict[str, Any], read_back: dict[str, list[dict[str, Any]]], image: str
) -> None:
    from benchmarks.scoring import score_card

    [card_id] = labels["images"][image]["cards"]
    [record] = read_back[image]
    scores = score_card(labels["cards"][card_id], record)
    for fname in READ_RIGHT[image]:
        assert scores[fname] == 1.0, (fname, record.get(fname))


def test_sao_paulo_shop_numbers_without_country_or_area_code(
    labels: dict[str, Any], read_back: dict[str, list[dict[str, Any]]]
) -> None:
    card = labels["cards"]["sandra_moreira_casadasmolas"]
    [record] = read_back["18_photo_shop_sao_paulo.jpg"]
    got = {p["number"] for p in record["phones"] if not p["local_only"]}
    assert got == {p["e164"] for p in card["phones"] if p["e164"]}
    local = [p for p in record["phones"] if p["local_only"]]
    assert [p["raw"] for p in local] == ["2468-1358"]
    assert record["status"] == "review"
    assert any("2468-1358" in r for r in record["review_reasons"])
