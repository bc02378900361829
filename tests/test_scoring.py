"""Exact tests of the benchmark scoring rules (benchmarks/scoring.py).

All values are invented; none come from the dev set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scoring
from benchmarks.scoring import (
    Labels,
    all3,
    best_match,
    fold,
    gold_value,
    group_records,
    image_key,
    norm_website,
    score,
    score_card,
    set_f1,
    token_f1,
)

# --------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Zoë Quill", "zoe quill"),
        ("  ÁLVARO   PÉREZ-NÚÑEZ ", "alvaro perez nunez"),
        ("Straße", "strasse"),  # casefold, not lower
        ("İpek Yıldız", "ipek yıldız"),  # dotted capital I decomposes; dotless ı is a letter
        ("ＡＢＣ １２３", "abc 123"),  # full-width -> ASCII via NFKD
        ("ﬁne", "fine"),  # ligature
        ("Dr. J. Q. Public", "dr. j. q. public"),  # dots are kept
        ("+1 (555) 010-0000", "+1 555 010 0000"),
        ("a.b@c.example", "a.b@c.example"),
        ("Sales & Marketing / EMEA", "sales marketing emea"),
        ("snake_case_word", "snake case word"),  # underscore is not a letter
        ("—", ""),
        ("", ""),
        ("Ça va — très bien!", "ca va tres bien"),
        ("山田 太郎", "山田 太郎"),
        ("Tab\there\nnewline", "tab here newline"),
        ("x²", "x2"),  # NFKD compatibility digit
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_none() -> None:
    assert fold(None) == ""


# --------------------------------------------------------------------------- token F1


@pytest.mark.parametrize(
    ("gold", "pred", "f1"),
    [
        ("Chief Widget Officer", "Chief Widget Officer", 1.0),
        ("Chief Widget Officer", "chief  widget-officer", 1.0),
        ("Chief Widget Officer", "Chief Officer", 0.8),  # p=1, r=2/3
        ("Chief Widget Officer", "Chief Widget Officer Extra", 6 / 7),  # p=3/4, r=1
        ("Chief Widget Officer", "", 0.0),
        ("Chief Widget Officer", None, 0.0),
        ("Chief Widget Officer", "Nothing Alike", 0.0),
        ("Foo Foo Bar", "Foo Bar", 0.8),  # multiset: the second Foo is missed
        ("Foo Bar", "Foo Foo Bar", 0.8),
        ("Acme Inc.", "Acme Inc", 0.5),  # '.' is kept by folding, so Inc. != Inc
        ("Rua Exemplo, 12", "rua exemplo 12", 1.0),
        ("—", "", 1.0),  # gold folds to nothing, prediction too
        ("—", "x", 0.0),
    ],
)
def test_token_f1(gold: str, pred: str | None, f1: float) -> None:
    assert token_f1(gold, pred) == pytest.approx(f1)


# --------------------------------------------------------------------------- set F1


@pytest.mark.parametrize(
    ("gold", "pred", "f1"),
    [
        (["a", "b"], ["a", "b"], 1.0),
        (["a", "b"], ["b", "a", "a"], 1.0),  # duplicates collapse
        (["a", "b"], ["a"], 2 / 3),
        (["a"], ["a", "b", "c"], 0.5),
        (["a", "b"], ["c"], 0.0),
        (["a"], [], 0.0),
        ([], [], 1.0),
    ],
)
def test_set_f1(gold: list[str], pred: list[str], f1: float) -> None:
    assert set_f1(gold, pred) == pytest.approx(f1)


# --------------------------------------------------------------------------- websites


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("www.example.test", "example.test"),
        ("HTTPS://WWW.Example.test/", "example.test"),
        ("http://example.test/path/", "example.test/path"),
        ("example.test//", "example.test"),
        ("  Shop.Example.test ", "shop.example.test"),
        ("ftp://www.files.example.test", "files.example.test"),
        ("wwwexample.test", "wwwexample.test"),  # only a 'www.' label is dropped
        ("www2.example.test", "www2.example.test"),
    ],
)
def test_norm_website(raw: str, norm: str) -> None:
    assert norm_website(raw) == norm


# --------------------------------------------------------------------------- card scoring

GOLD: dict[str, Any] = {
    "name": "Zoë Quill-Ramírez",
    "name_latin": None,
    "title": "Head of Widgets",
    "company": "Quillworks Ltd.",
    "department": None,
    "emails": ["Zoe@Quillworks.Example"],
    "phones": [
        {"type": "mobile", "number": "(555) 010-1234", "e164": "+15550101234"},
        {"type": "work", "number": "010-99", "e164": None},  # printed incomplete
    ],
    "websites": ["https://www.quillworks.example/"],
    "address": "1 Example Road, Springfield",
    "uncertain": [],
}

PERFECT: dict[str, Any] = {
    "source": "x.jpg",
    "card": 0,
    "status": "ok",
    "name": "Zoe Quill Ramirez",
    "title": "Head of Widgets",
    "company": "quillworks ltd.",
    "department": "Ignored Because Gold Is Null",
    "address": "1 Example Road Springfield",
    "emails": ["zoe@quillworks.example"],
    "phones": [{"number": "+15550101234", "type": "mobile", "raw": "555 010 1234"}],
    "websites": ["quillworks.example"],
}


def test_perfect_record_scores_one_everywhere_scored() -> None:
    s = score_card(GOLD, PERFECT)
    assert s == {
        "name": 1.0,
        "title": 1.0,
        "company": 1.0,
        "address": 1.0,
        "emails": 1.0,
        "phones": 1.0,
        "websites": 1.0,
    }
    assert "department" not in s  # gold null: not scored
    assert all3(s)


def test_gold_phone_without_e164_is_excluded() -> None:
    assert gold_value(GOLD, "phones") == frozenset({"+15550101234"})
    # Predicting the incomplete number too costs precision, not recall.
    rec = {**PERFECT, "phones": [{"number": "+15550101234"}, {"number": "+155501099"}]}
    assert score_card(GOLD, rec)["phones"] == pytest.approx(2 / 3)


def test_gold_with_only_incomplete_phones_is_not_scored() -> None:
    gold = {**GOLD, "phones": [{"type": None, "number": "12", "e164": None}]}
    assert gold_value(gold, "phones") is None
    s = score_card(gold, {**PERFECT, "phones": []})
    assert "phones" not in s
    assert all3(s)  # an unscored field counts as satisfied


def test_phone_spacing_is_ignored_but_not_digits() -> None:
    rec = {**PERFECT, "phones": [{"number": "+1 555 010 1234"}]}
    assert score_card(GOLD, rec)["phones"] == 1.0
    rec = {**PERFECT, "phones": [{"number": "+15550101235"}]}
    assert score_card(GOLD, rec)["phones"] == 0.0


def test_name_latin_is_gold_when_present() -> None:
    gold = {**GOLD, "name": "山田 太郎", "name_latin": "Taro Yamada"}
    assert score_card(gold, {**PERFECT, "name": "TARO YAMADA"})["name"] == 1.0
    assert score_card(gold, {**PERFECT, "name": "山田 太郎"})["name"] == 0.0


def test_name_is_exact_after_folding() -> None:
    assert score_card(GOLD, {**PERFECT, "name": "Zoe Quill"})["name"] == 0.0
    assert score_card(GOLD, {**PERFECT, "name": None})["name"] == 0.0


def test_uncertain_fields_are_not_scored() -> None:
    gold = {**GOLD, "uncertain": ["company", "website", "email"]}
    s = score_card(gold, {**PERFECT, "company": "wrong", "websites": [], "emails": []})
    assert "company" not in s and "websites" not in s and "emails" not in s
    assert s["name"] == 1.0
    assert all3(s)


def test_empty_gold_fields_are_not_scored() -> None:
    gold = {**GOLD, "title": "", "websites": [], "emails": [], "address": None}
    s = score_card(gold, PERFECT)
    assert set(s) == {"name", "company", "phones"}


def test_emails_case_insensitive_and_set_f1() -> None:
    gold = {**GOLD, "emails": ["a@x.example", "B@x.example"]}
    assert score_card(gold, {**PERFECT, "emails": ["b@X.EXAMPLE"]})["emails"] == pytest.approx(
        2 / 3
    )


def test_all3_needs_name_emails_phones() -> None:
    assert all3({"name": 1.0, "emails": 1.0, "phones": 1.0, "title": 0.0})
    assert not all3({"name": 1.0, "emails": 0.99, "phones": 1.0})
    assert not all3({"name": 0.0, "emails": 1.0})
    assert all3({"name": 1.0})


def test_empty_record_scores_zero_on_every_scored_field() -> None:
    s = score_card(GOLD, None)
    assert set(s) == {"name", "title", "company", "address", "emails", "phones", "websites"}
    assert all(v == 0.0 for v in s.values())


# --------------------------------------------------------------------------- matching


def test_best_match_picks_highest_sum_and_first_on_tie() -> None:
    junk = {"source": "x.jpg", "card": 0, "status": "ok", "name": "Someone Else"}
    half = {**junk, "card": 1, "emails": ["zoe@quillworks.example"]}
    full = {**PERFECT, "card": 2}
    i, s = best_match(GOLD, [junk, half, full])
    assert i == 2 and s["name"] == 1.0
    i, _ = best_match(GOLD, [junk, half, {**half, "card": 3}])
    assert i == 1
    i, s = best_match(GOLD, [])
    assert i is None and all(v == 0 for v in s.values())


def _labels() -> Labels:
    other = {
        **GOLD,
        "name": "Ike Ober",
        "emails": ["ike@obermill.example"],
        "phones": [{"type": "work", "number": "020 7946 0000", "e164": "+442079460000"}],
        "websites": [],
        "title": None,
        "company": "Obermill",
        "address": None,
    }
    return Labels(
        cards={"zoe": GOLD, "ike": other},
        images={
            "a/two.jpg": {"cards": ["zoe", "ike"], "kind": "photo"},
            "a/zoe.jpg": {"cards": ["zoe"], "kind": "scan"},
            "b/lost.jpg": {"cards": ["ike"], "kind": "crop"},
        },
        negatives={"neg/desk.jpg": "empty desk", "neg/cat.jpg": "a cat"},
    )


def test_score_matches_each_gold_card_with_its_best_record() -> None:
    labels = _labels()
    ike = {
        "source": "a/two.jpg",
        "card": 1,
        "status": "ok",
        "name": "IKE OBER",
        "company": "Obermill",
        "emails": ["ike@obermill.example"],
        "phones": [{"number": "+442079460000"}],
    }
    by_image = {
        # Two cards, records in the "wrong" order: matching is by score, not index.
        "a/two.jpg": [ike, {**PERFECT, "source": "a/two.jpg", "card": 0}],
        "a/zoe.jpg": [{**PERFECT, "source": "a/zoe.jpg", "name": "Zoe"}],
        # b/lost.jpg has no record at all.
        "neg/desk.jpg": [{"source": "neg/desk.jpg", "card": 0, "status": "no_card"}],
        "neg/cat.jpg": [{"source": "neg/cat.jpg", "card": 0, "status": "ok", "name": "Cat"}],
    }
    report = score(labels, by_image)
    assert [(p.image, p.card_id) for p in report.pairs] == [
        ("a/two.jpg", "zoe"),
        ("a/two.jpg", "ike"),
        ("a/zoe.jpg", "zoe"),
        ("b/lost.jpg", "ike"),
    ]
    assert [p.all3 for p in report.pairs] == [True, True, False, False]
    assert report.pairs[0].record is not None and report.pairs[0].record["card"] == 0
    assert report.pairs[1].record is not None and report.pairs[1].record["card"] == 1
    assert report.pairs[3].record is None
    assert report.all3 == 0.5
    assert report.missing == ("b/lost.jpg",)
    assert report.negatives == {"neg/cat.jpg": False, "neg/desk.jpg": True}
    assert report.negatives_correct == 1

    mean, n = report.field_stats("name")
    assert (mean, n) == (0.5, 4)
    mean, n = report.field_stats("websites")  # only zoe cards have a website
    assert (mean, n) == (1.0, 2)
    mean, n = report.field_stats("department")
    assert (mean, n) == (None, 0)

    summary = report.summary()
    assert summary["pairs"] == 4 and summary["all3"] == 0.5 and summary["all3_count"] == 2
    assert summary["negatives_correct"] == 1 and summary["negatives_total"] == 2
    assert summary["all3_by_kind"]["photo"] == {"all3": 1.0, "pairs": 2}
    json.dumps(scoring.report_json({"x": report}))  # serialisable

    table = scoring.format_table({"cardscan": report, "naive": score(labels, {})})
    assert "all3" in table and "0.500 (2)" in table and "1/2" in table and "0/2" in table
    diffs = scoring.format_diffs(report, labels)
    assert "a/zoe.jpg" in diffs and "b/lost.jpg" in diffs and "neg/cat.jpg" in diffs
    assert "neg/desk.jpg" not in diffs and "a/two.jpg" not in diffs


def test_score_only_restricts_images() -> None:
    report = score(_labels(), {}, only=["a/zoe.jpg", "neg/desk.jpg"])
    assert [p.image for p in report.pairs] == ["a/zoe.jpg"]
    assert report.negatives == {"neg/desk.jpg": False}  # no record: not a correct no_card


def test_error_record_on_negative_is_not_a_correct_no_card() -> None:
    report = score(
        _labels(),
        {"neg/desk.jpg": [{"source": "neg/desk.jpg", "status": "error"}]},
        only=["neg/desk.jpg"],
    )
    assert report.negatives == {"neg/desk.jpg": False}


def test_image_key_and_grouping(tmp_path: Path) -> None:
    keys = ["a/zoe.jpg", "zoe.jpg", "b/lost.jpg"]
    images = tmp_path / "images"
    assert image_key(str(images / "a" / "zoe.jpg"), images, keys) == "a/zoe.jpg"
    assert image_key("a/zoe.jpg", None, keys) == "a/zoe.jpg"
    # Scanned from elsewhere: longest key the path ends with.
    assert image_key("/elsewhere/copy/a/zoe.jpg", images, keys) == "a/zoe.jpg"
    assert image_key("/elsewhere/zoe.jpg", images, keys) == "zoe.jpg"
    assert image_key("/elsewhere/unknown.jpg", images, keys) is None
    labels = _labels()
    by_image, unmatched = group_records(
        [{"source": str(images / "a" / "two.jpg")}, {"source": "nowhere.png"}], labels, images
    )
    assert list(by_image) == ["a/two.jpg"] and unmatched == ["nowhere.png"]


# --------------------------------------------------------------------------- scripts


def test_accuracy_scores_saved_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import accuracy

    images = tmp_path / "images"
    (images / "a").mkdir(parents=True)
    for name in ("two.jpg", "zoe.jpg"):
        (images / "a" / name).write_bytes(b"")  # existence is all the script checks
    labels = _labels()
    (tmp_path / "labels.json").write_text(
        json.dumps(
            {"version": 1, "cards": labels.cards, "images": labels.images,
             "negatives": labels.negatives}
        ),
        encoding="utf-8",
    )  # fmt: skip
    recs = [
        {**PERFECT, "source": str(images / "a" / "zoe.jpg")},
        {**PERFECT, "source": str(images / "a" / "two.jpg")},
        {"source": "/elsewhere/neg/desk.jpg", "card": 0, "status": "no_card"},
    ]
    records = tmp_path / "run.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "out.json"
    rc = accuracy.main(
        [str(tmp_path / "labels.json"), str(images), "--records", str(records),
         "--json", str(out), "--show"]
    )  # fmt: skip
    assert rc == 0
    data = json.loads(out.read_text(encoding="utf-8"))["systems"]["run"]
    # zoe twice right; ike on two.jpg and lost.jpg (no record) wrong.
    assert data["pairs"] == 4 and data["all3_count"] == 2 and data["all3"] == 0.5
    assert data["negatives_correct"] == 1 and data["negatives_total"] == 2
    assert data["fields"]["emails"] == {"mean": 0.5, "n": 4}
    printed = capsys.readouterr().out
    assert "0.500 (2)" in printed and "b/lost.jpg" in printed


def test_naive_parse_text_rules() -> None:
    from benchmarks.naive import parse_text

    text = "\n".join(
        [
            "QUILLWORKS",
            "Zoe Quill",
            "Head of Widgets",
            "Quillworks Ltd.",
            "12 Example Road, Springfield",
            "T (212) 555-0100   M +44 20 7946 0000",
            "zoe@quillworks.example",
            "www.quillworks.example",
        ]
    )
    r = parse_text(text, "US")
    assert r["name"] == "Zoe Quill"
    assert r["title"] == "Head of Widgets"
    assert r["company"] == "Quillworks Ltd."
    assert r["address"] == "12 Example Road, Springfield"
    assert r["emails"] == ["zoe@quillworks.example"]
    assert r["websites"] == ["www.quillworks.example"]
    assert [p["number"] for p in r["phones"]] == ["+12125550100", "+442079460000"]
