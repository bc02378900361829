"""Choosing between two readings of an email line."""

from __future__ import annotations

import pytest

from cardscan.ocr.combine import card_domains, choose, may_hold_email, worth_rereading

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


def test_card_domains_web_and_mail_apart():
    d = card_domains(["ana@mail.example", "Web: www.Brightlane.example/"])
    assert d.web == {"brightlane.example"}
    assert d.mail == {"mail.example"}


@pytest.mark.parametrize(
    ("primary", "alternate", "expected"),
    [
        # The web address agrees with the email domain only in the re-reading.
        ("http://www.ij.example.jp/", "http://www.iij.example.jp/", "http://www.iij.example.jp/"),
        ("www.iij.example.jp", "www.ij.example.jp", "www.iij.example.jp"),
    ],
)
def test_web_address_chosen_by_email_domain(primary, alternate, expected):
    d = card_domains(["E-mail: w-aoto@iij.example.jp", primary])
    assert choose(primary, [alternate], d) == expected


def test_only_doubtful_lines_are_read_again():
    d = card_domains(["ana@iij.example.jp", "www.ij.example.jp", "www.other.example"])
    assert worth_rereading("ana@iij.example.jp", d)
    assert worth_rereading("www.ij.example.jp", d)  # one letter off the email domain
    assert not worth_rereading("www.other.example", d)
    assert not worth_rereading("Head of Research", d)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ana@x.example", True), ("anagbrightlane.com", True), ("anagbrightlane.co.uk", True),
     ("www.brightlane.example", False), ("Head of Research", False),
     ("2-10-2 Fujimi.Chiyoda-ku", False)],  # an address, not an unknown TLD
)
def test_may_hold_email(text, expected):
    assert may_hold_email(text) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ana@brightlane.example", False),  # valid, agrees with the web address, short
        ("meganserratore@brightlane.example", True),  # long run of letters: a lost dot?
        ("ana@brightlane.exarnple", True),  # disagrees with the web address
        ("anagbrightlane.com", True),  # no address found in an address-like line
    ],
)
def test_email_lines_read_again_only_when_doubtful(line, expected):
    d = card_domains(["www.brightlane.example", line])
    assert worth_rereading(line, d) is expected
