"""The learned line-role model: features without words, labelling by the scoring
rules' folding, training, and the pickers ranking by it.  Every card is invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import train_fields
from cardscan.extract import learned, parse_text, prepare
from cardscan.model import Page

pytest.importorskip("pycrfsuite")

CARDS = [
    ("Lena Ortmann\nHead of Procurement\nBrightwell Tools GmbH\nlena.ortmann@brightwell.de",
     {"name": "Lena Ortmann", "title": "Head of Procurement", "company": "Brightwell Tools GmbH"}),
    ("CASCADE FREIGHT LTD\nOmar Haddad\nOperations Director\nomar@cascadefreight.co.uk",
     {"name": "Omar Haddad", "title": "Operations Director", "company": "CASCADE FREIGHT LTD"}),
    ("Priya Raman\nSenior Analyst\nNorthgate Partners Inc.\npriya.raman@northgate.com",
     {"name": "Priya Raman", "title": "Senior Analyst", "company": "Northgate Partners Inc."}),
    ("Verdant Studio LLC\nTomás Ferreira\nCreative Director\ntomas@verdantstudio.com",
     {"name": "Tomás Ferreira", "title": "Creative Director", "company": "Verdant Studio LLC"}),
]


def test_features_hold_no_words_of_the_card() -> None:
    work = prepare(Page.from_text(CARDS[0][0]))
    feats = learned.features(work.chunks, work.local_parts, work.org_domains, len(work.lines))
    assert len(feats) == len(work.chunks)
    words = {w.lower() for ch in work.chunks for w in ch.text.split()}
    keys = {k.lower() for f in feats for k in f}
    assert not any(w in k for w in words if len(w) > 3 for k in keys)
    assert all(isinstance(v, float) for f in feats for v in f.values())


def test_chunks_are_labelled_by_the_gold_fields() -> None:
    card = {"name": "Lena Ortmann", "title": "Head of Procurement / Einkauf",
            "company": "Brightwell Tools GmbH", "department": None}
    assert train_fields.label_chunk("LENA ORTMANN", card, None) == "name"
    assert train_fields.label_chunk("Einkauf", card, None) == "title"
    assert train_fields.label_chunk("Brightwell Tools", card, None) == "company"
    assert train_fields.label_chunk("Since 1998", card, None) == "other"
    # A role the source does not assert comes from the fallback reading.
    assert train_fields.label_chunk("Brightwell", {"name": "X Y"}, {"company": "Brightwell"}) \
        == "company"


def test_a_trained_model_decides_the_roles(tmp_path: Path) -> None:
    examples = [
        ex for text, card in CARDS
        if (ex := train_fields.example("t", text[:8], Page.from_text(text), card, None))
    ]
    assert [y for y in examples[1].yseq] == ["company", "name", "title"]
    model = tmp_path / "m.crfsuite"
    assert train_fields.train(examples * 5, model) == len(examples) * 5
    unseen = "Ilse Brandt\nProject Manager\nKorvel Systems AG\nilse.brandt@korvel.ch"
    with learned.use_model(model):
        work = prepare(Page.from_text(unseen))
        roles = learned.roles(work.chunks, work.local_parts, work.org_domains, len(work.lines))
        card = parse_text(unseen)
    assert roles is not None
    for probs in roles.probs:
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
    assert max(roles.probs[0], key=roles.probs[0].__getitem__) == "name"
    assert card.name is not None and card.name.value == "Ilse Brandt"
    assert card.title is not None and card.title.value == "Project Manager"
    assert card.company is not None and card.company.value == "Korvel Systems AG"


def test_without_a_model_the_hand_weights_decide() -> None:
    with learned.use_model(None):
        assert learned.model_path() is None
        card = parse_text(CARDS[2][0])
    assert card.name is not None and card.name.value == "Priya Raman"
