"""Choosing between two readings of an email line."""

from __future__ import annotations

import pytest

from cardscan.ocr.combine import card_domains, choose, may_hold_email

SITE = card_domains(["www.raft.example", "+1 219 413 4895"])


@pytest.mark.parametrize(
    ("primary", "alternates", "expected"),
    [
        # A sharper reading recovered a dot the first pass lost.
        ("megan.serratore@raftexample", ["megan.serratore@raft.example"],
         "megan.serratore@raft.example"),
        ("meganserratore@raft.example", ["megan.serratore@raft.example"],
         "megan.serratore@raft.example"),
        # A reading that changes letters does not win a tie: OCR substitutes both ways.
        ("dwcarpentry@verizon.example", ["dfwcorpentry@verizon.example"],
         "dwcarpentry@verizon.example"),
        # Validity beats length.
        ("ana@brightlane.example", ["ana@@brightlane.example x"], "ana@brightlane.example"),
        ("ana brightlane.example", ["ana@brightlane.example"], "ana@brightlane.example"),
        # Agreeing with the card's web domain beats merely valid.
        ("ops@raft.exarnple", ["ops@raft.example"], "ops@raft.example"),
        # Nothing better: the primary stays.
        ("hello", ["goodbye"], "hello"),
    ],
)
def test_choose(primary, alternates, expected):
    assert choose(primary, alternates, SITE) == expected


def test_card_domains_ignore_email_domains():
    assert card_domains(["ana@mail.example", "Web: www.Brightlane.example/"]) == {
        "brightlane.example"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ana@x.example", True), ("anagbrightlane.example", True),
     ("www.brightlane.example", False), ("Head of Research", False)],
)
def test_may_hold_email(text, expected):
    assert may_hold_email(text) is expected
