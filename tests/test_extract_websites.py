"""Websites: printed web addresses only, normalised."""

from __future__ import annotations

import pytest

from cardscan.extract import parse_text
from cardscan.extract.websites import extract_websites
from cardscan.model import Line


def _sites(text: str) -> list[str]:
    return [f.value for f in extract_websites([Line.from_text(t) for t in text.splitlines()])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.quillstone.com", ["www.quillstone.com"]),
        ("WWW.QUILLSTONE.COM", ["www.quillstone.com"]),
        ("quillstone.co.uk", ["quillstone.co.uk"]),
        ("https://quillstone.io/team", ["https://quillstone.io/team"]),
        ("http://www.quillstone.de/", ["http://www.quillstone.de"]),
        ("Web: tidepool.com.br.", ["tidepool.com.br"]),
        ("website:www.orbitfield.net", ["www.orbitfield.net"]),
        ("visit us at corvid-labs.org, today", ["corvid-labs.org"]),
        ("www.a-b.com | www.a-b.com", ["www.a-b.com"]),
        ("kawabe.co.jp www.kawabe-eu.de", ["kawabe.co.jp", "www.kawabe-eu.de"]),
        ("www,fernmoss.ca", ["www.fernmoss.ca"]),
    ],
)
def test_finds_websites(text: str, expected: list[str]) -> None:
    assert _sites(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "nora@quillstone.com",
        "E-mail: nora.vale@quillstone.co.uk",
        "gmail.com",
        "Movies.Inc",
        "Cooking.Inc",
        "ACME Ltd.",
        "logo.png",
        "brochure.pdf",
        "Dr.Smith",
        "St.Louis",
        "No.76",
        "3.5 stars",
        "Tel: 312.555.0143",
        "U.S.A.",
    ],
)
def test_not_a_website(text: str) -> None:
    assert _sites(text) == []


def test_email_domain_is_not_a_website() -> None:
    card = parse_text("Nora Vale\nnora@quillstone.com\nTel 312 555 0143")
    assert card.websites == ()


def test_website_printed_next_to_an_email_is_kept() -> None:
    card = parse_text("Nora Vale\nnora@quillstone.com\nwww.quillstone.com")
    assert [w.value for w in card.websites] == ["www.quillstone.com"]
    assert [e.value for e in card.emails] == ["nora@quillstone.com"]
