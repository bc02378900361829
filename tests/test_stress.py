"""The stress-set generator (samples/stress.py) and its benchmark (benchmarks/stress.py):
labels in the cards-dev schema that round-trip through the scorer, gold numbers that
phonenumbers accepts, a country clue on every card printed without +CC, deterministic
output.  Fast: a handful of cards, no OCR."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import phonenumbers
import pytest
from conftest import ROOT

from benchmarks import scoring

N = 30  # two cards per locale: cheap, since make_card draws no pixels


@functools.cache
def _gen() -> ModuleType:
    path = ROOT / "samples" / "stress.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("cardscan_samples_stress", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cards() -> list[Any]:
    return [_gen().make_card(i, 7) for i in range(N)]


def _latin_langs() -> list[str]:
    ok, _ = _gen().available_languages()
    latin = [t for t in ok if _gen().LOCALES[t].script == "latin"]
    if not latin:
        pytest.skip("no Latin fonts for the generator (see samples/README.md)")
    return latin


def test_every_language_is_drawn_in_turn(cards: list[Any]) -> None:
    gen = _gen()
    assert [c.locale for c in cards[:len(gen.LANGS)]] == list(gen.LANGS)
    assert {"pt-BR", "es", "de", "fr", "it", "tr", "vi", "ja", "zh", "ko", "ar", "en", "en-IN",
            "ms", "zh-TW"} == set(gen.LANGS)
    assert len({c.id for c in cards}) == N


def test_labels_follow_the_cards_dev_schema(cards: list[Any]) -> None:
    keys = {"name", "name_latin", "title", "company", "department", "emails", "phones",
            "websites", "address", "lang", "region", "quality", "uncertain", "note"}
    for c in cards:
        label = _gen().card_label(c)
        assert set(label) == keys
        assert label["name"] and label["company"] and label["title"]
        assert label["emails"] and all("@" in e for e in label["emails"])
        for p in label["phones"]:
            assert set(p) == {"type", "number", "e164"}
            assert p["type"] in {"mobile", "work", "fax", "other", None}


def test_gold_numbers_are_what_phonenumbers_reads(cards: list[Any]) -> None:
    for c in cards:
        label = _gen().card_label(c)
        for p in label["phones"]:
            region = None if p["number"].startswith("+") else label["region"]
            parsed = phonenumbers.parse(p["number"], region)
            if p["e164"] is None:  # printed without its area code
                assert not phonenumbers.is_valid_number(parsed), p
                continue
            assert phonenumbers.is_valid_number(parsed), p
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == (
                p["e164"]
            )
            assert phonenumbers.region_code_for_number(parsed) == c.region


def test_local_numbers_come_with_a_clue_to_the_country(cards: list[Any]) -> None:
    gen = _gen()
    local = [c for c in cards if any(not p.number.startswith("+") for p in c.phones)]
    intl = [c for c in cards if all(p.number.startswith("+") for p in c.phones)]
    assert local and intl, "the set mixes local and +CC numbers"
    for c in local:
        national_domain = any(e.endswith(gen.REGION_TLDS[c.region]) for e in c.emails)
        assert c.address or national_domain, c.id


def test_the_hard_cases_occur(cards: list[Any]) -> None:
    many = [_gen().make_card(i, 7) for i in range(N, 360)] + cards
    covers = {t for c in many for t in c.covers}
    for tag in ("local-numbers", "intl-numbers", "no-area-code", "several-numbers",
                "company-only-in-logo", "company-on-band", "two-line-company",
                "two-line-title", "department", "family-name-first", "romanised-name",
                "shop-card", "freemail"):
        assert tag in covers, tag
    assert {c.layout for c in many} == set(_gen().LAYOUTS)
    assert {c.scheme for c in many} == {"light", "dark", "panel"}


def test_generated_labels_round_trip_through_the_scorer(tmp_path: Path) -> None:
    gen = _gen()
    langs = _latin_langs()
    labels_dict = gen.generate(tmp_path, 5, 7, langs)
    on_disk = json.loads((tmp_path / "labels.json").read_text("utf-8"))
    assert on_disk == labels_dict
    labels = scoring.load_labels(tmp_path / "labels.json")
    assert labels.images and len(labels.images) == len(labels.cards)
    for key in labels.images:
        assert (tmp_path / key).is_file()
    # A record that says exactly what the card says scores 1 everywhere scored.
    perfect, wrong = [], []
    for key, entry in labels.images.items():
        card = labels.cards[entry["cards"][0]]
        rec = {
            "source": str(tmp_path / key), "card": 0, "status": "ok",
            "name": card["name_latin"] or card["name"], "title": card["title"],
            "company": card["company"], "department": card["department"],
            "address": card["address"], "emails": card["emails"], "websites": card["websites"],
            "phones": [{"number": p["e164"]} for p in card["phones"] if p["e164"]],
        }
        perfect.append(rec)
        wrong.append({**rec, "phones": [{"number": "+15550100"}]})
    by_image, unmatched = scoring.group_records(perfect, labels, tmp_path)
    assert not unmatched
    report = scoring.score(labels, by_image)
    assert report.all3 == 1.0
    for f in scoring.FIELDS:
        mean, _n = report.field_stats(f)
        assert mean in (None, 1.0), f
    bad = scoring.score(labels, scoring.group_records(wrong, labels, tmp_path)[0])
    assert bad.all3 == 0.0 and bad.field_stats("phones")[0] == 0.0


def test_generation_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    gen = _gen()
    langs = _latin_langs()[:1]
    a = gen.generate(tmp_path / "a", 3, 7, langs)
    b = gen.generate(tmp_path / "b", len(gen.LANGS) + 1, 7, langs)  # the same language again
    assert a["cards"].items() <= b["cards"].items()
    for name in a["images"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    c = gen.generate(tmp_path / "c", 3, 8, langs)
    assert c["cards"] != a["cards"]


def test_benchmark_breaks_down_by_language_and_layout(tmp_path: Path) -> None:
    from benchmarks import stress as bench

    gen = _gen()
    gen.generate(tmp_path, 3, 7, _latin_langs())
    labels = scoring.load_labels(tmp_path / "labels.json")
    # No record at all: every card scores 0 and each group says so.
    groups = bench.score_groups(labels, {})
    assert set(groups["lang"]) == {e["lang"] for e in labels.images.values()}
    assert sum(len(r.pairs) for r in groups["layout"].values()) == len(labels.images)
    text = bench.report_text(scoring.score(labels, {}), groups)
    assert "lang" in text and "all3" in text
    for lang, rep in groups["lang"].items():
        assert rep.all3 == 0.0, lang
