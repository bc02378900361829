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


# ---------------------------------------------------------------- layout-aware runs

from cardscan.extract import parse_page  # noqa: E402
from cardscan.extract.address import tidy  # noqa: E402
from cardscan.extract.layout import columns  # noqa: E402
from cardscan.extract.text import TextLine  # noqa: E402
from cardscan.model import Block, Box, Line, Page  # noqa: E402


def _page(rows: list[tuple[str, int, int, int]]) -> Page:
    """(text, x, y, width) rows, 40 px high, in the order an OCR engine lists them."""
    lines = tuple(Line.from_text(t, 0.95, Box(x, y, w, 40)) for t, x, y, w in rows)
    return Page((Block(lines),), width=1400, height=900, engine="rapidocr")


# Left column: an address over four lines; right column: phones and e-mail
# printed beside it, so the engine's line order interleaves the two.
TWO_COLUMNS = [
    ("Orrin Calloway", 100, 100, 400),
    ("Harbour Pilot", 100, 150, 300),
    ("Av. Marginal Oeste", 100, 400, 360),
    ("+351 912 345 678", 700, 402, 300),
    ("Lote 12, Piso 3", 100, 442, 300),
    ("orrin@tidewatch.example", 700, 444, 420),
    ("Porta 7, Lisboa", 100, 484, 300),
    ("+351 213 456 789", 700, 486, 300),
    ("Portugal", 100, 526, 180),
]


def test_address_follows_its_column_through_interleaved_lines() -> None:
    card = parse_page(_page(TWO_COLUMNS))
    assert card.address is not None
    assert card.address.value == "Av. Marginal Oeste, Lote 12, Piso 3, Porta 7, Lisboa, Portugal"


def test_columns_link_lines_printed_one_under_the_other() -> None:
    tls = [TextLine(i, t, 40.0, Box(x, y, w, 40)) for i, (t, x, y, w) in enumerate(TWO_COLUMNS)]
    col = columns(tls)
    assert col.below[2] == 4 and col.below[4] == 6 and col.below[6] == 8
    assert col.below[3] == 5 and col.above[5] == 3
    assert 1 not in col.below  # a wide gap ends the block
    assert col.chain_down(2) == [4, 6, 8]


def test_columns_without_boxes_follow_the_text() -> None:
    tls = [TextLine(i, t) for i, t in enumerate(["a", "b", "c"])]
    col = columns(tls)
    assert col.below == {0: 1, 1: 2} and col.neighbours(1) == [0, 2]


def test_phone_line_in_the_same_column_ends_the_address() -> None:
    page = _page([
        ("Mira Stanek", 100, 100, 300),
        ("12 Quarry Lane", 100, 200, 300),
        ("Tel +44 20 7946 0000", 100, 242, 360),
        ("Head Office", 100, 284, 200),
    ])
    card = parse_page(page)
    assert card.address is not None and card.address.value == "12 Quarry Lane"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # A building name over the street line joins; a heading office does not.
        ("Ivo Renner\nNorthgate Trade Building\n14 Canal Street\nLeeds LS1 4DY",
         "Northgate Trade Building, 14 Canal Street, Leeds LS1 4DY"),
        ("Ivo Renner\nMilan Branch Office\nVia Solferino 9\n20121 Milano - Italy",
         "Via Solferino 9, 20121 Milano - Italy"),
        # No street word, no postcode: a house number line and a city line.
        ("Le Van An\n27A Nguyen Trai, Thanh Xuan\nDong Da, Ha Noi",
         "27A Nguyen Trai, Thanh Xuan, Dong Da, Ha Noi"),
        # A lone city over an address is a heading.
        ("Rafi Karim\nDhaka\nPlot 9, Road 4\nDhaka 1212, Bangladesh",
         "Plot 9, Road 4, Dhaka 1212, Bangladesh"),
        # A fax number the phone scan could not read is not an address line.
        ("Joan Park\nF:312-555-01\n77 Elm Avenue, Evanston, IL 60201",
         "77 Elm Avenue, Evanston, IL 60201"),
    ],
)
def test_address_runs(text: str, address: str) -> None:
    card = parse_text(text)
    assert card.address is not None and card.address.value == address


@pytest.mark.parametrize(
    "text",
    [
        "Ivo Renner\nHead Office Milano",
        "Ivo Renner\n5th Grade Teacher, Oakridge School",
        "Ivo Renner\nBranch Offices: Lyon, Lille, Nantes",
        "Ivo Renner\nMelbourne",
    ],
)
def test_no_address_from_headings(text: str) -> None:
    assert parse_text(text).address is None


@pytest.mark.parametrize(
    ("line", "positive"),
    [
        ("Avda.Solana,48-Planta 2", True),  # street word glued to the next word
        ("35rue des Lilas", True),  # house number glued to the street word
        ("Quay Road 9, Hall#4", True),
        ("Coral Gables, FL33134", True),  # state and ZIP glued
        ("Model XR12345", False),
        ("4th Floor Reception", False),
    ],
)
def test_address_score_glued_tokens(line: str, positive: bool) -> None:
    assert (address_score(line) >= 0.8) is positive


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        ("Merkez Mah.Lale Cad.No:7,34000 Fatih", "Merkez Mah. Lale Cad. No:7, 34000 Fatih"),
        ("3-1-1 Kanda.Chiyoda-ku", "3-1-1 Kanda, Chiyoda-ku"),
        ("Osaka 530-0001.Japan", "Osaka 530-0001, Japan"),
        ("Rua Azul,Nr.12,Andar 3", "Rua Azul, Nr. 12, Andar 3"),
        ("Austin, TX78701", "Austin, TX 78701"),
        ("P.O.Box 88", "P.O.Box 88"),
        ("Unit 4, ZZ12345", "Unit 4, ZZ12345"),  # not a state code
        ("Lot 1,500 Ridge Rd", "Lot 1,500 Ridge Rd"),
        ("12 High St.", "12 High St."),
    ],
)
def test_tidy(raw: str, tidied: str) -> None:
    assert tidy(raw) == tidied


@pytest.mark.parametrize(("read", "printed"), [
    ("上海市浦东新区人民路2387号", "上海市浦东新区人民路2387号"),   # no space before a number
    ("455台中市西屯區復興南路一段2106號", "455 台中市西屯區復興南路一段2106號"),  # postcode apart
    ("〒150-0043東京都渋谷区道玄坂1-2-3", "〒150-0043 東京都渋谷区道玄坂1-2-3"),
    ("Suite120", "Suite 120"),                                     # Latin words as before
])
def test_chinese_and_japanese_addresses_keep_their_own_spacing(read: str, printed: str) -> None:
    from cardscan.extract.text import respace

    assert respace(read) == printed
