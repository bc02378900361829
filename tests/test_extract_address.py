"""Postal address lines, joined with ", "."""

from __future__ import annotations

import pytest

from cardscan.extract import parse_text
from cardscan.extract.address import address_score


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Nora Vale\n1234 Sentry Road\nColumbia, MD 21045\nnora@quillstone.com",
         "1234 Sentry Road, Columbia, MD 21045"),
        ("Nora Vale\n88 Harbour Street\nSuite 400\nLeeds LS1 4DY\nUnited Kingdom",
         "88 Harbour Street, Suite 400, Leeds LS1 4DY, United Kingdom"),
        ("Ana Lima\nRua das Flores, 120 - Sala 4\nCEP 01310-100 São Paulo - SP",
         "Rua das Flores, 120 - Sala 4, CEP 01310-100 São Paulo - SP"),
        ("Jörg Weiß\nLindenstraße 14\nD-10115 Berlin\nTel +49 30 901820",
         "Lindenstraße 14, D-10115 Berlin"),
        ("Piet Berg\nAddress: Kanaalweg 7, 3526 KL Utrecht", "Kanaalweg 7, 3526 KL Utrecht"),
        ("Taro Yamada\n2-10-2 Fujimi, Chiyoda-ku\nTokyo 102-0071, Japan",
         "2-10-2 Fujimi, Chiyoda-ku, Tokyo 102-0071, Japan"),
        ("Eve Black\nManager\nBlack Ltd\n123 Market Ave, Gotham, NY",
         "123 Market Ave, Gotham, NY"),
        ("Sam Ortiz\nP.O. Box 4471\nAustin, TX 78765", "P.O. Box 4471, Austin, TX 78765"),
    ],
)
def test_address(text: str, address: str) -> None:
    card = parse_text(text)
    assert card.address is not None and card.address.value == address


@pytest.mark.parametrize(
    "text",
    [
        "Nora Vale\nSenior Data Engineer\nQuillstone Ltd",
        "Rocky Road Ice Cream Co.",
        "Tel: 312 555 0143\nFax: 312 555 0199",
        "ISO 9001 certified",
        "Since 1998",
    ],
)
def test_no_address(text: str) -> None:
    assert parse_text(text).address is None


def test_address_lines_are_not_names_or_companies() -> None:
    card = parse_text("Bay Street Partners\nMaya Reed\n40 Bay Street\nToronto, ON M5J 2N8")
    assert card.name is not None and card.name.value == "Maya Reed"
    assert card.address is not None and card.address.value == "40 Bay Street, Toronto, ON M5J 2N8"


@pytest.mark.parametrize(
    ("line", "positive"),
    [
        ("1234 Sentry Road", True),
        ("Columbia, MD 21045", True),
        ("Beirut - Lebanon", True),
        ("Senior Data Engineer", False),
        ("Nora Vale", False),
    ],
)
def test_address_score(line: str, positive: bool) -> None:
    assert (address_score(line) >= 0.8) is positive
