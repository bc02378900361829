"""Shop cards: the shop's name is the largest text, the owner's name small beside
the title and the contact lines.  Evidence that generalizes: the name data of
many countries (extract/names.py), shop and trade words of many languages, the
endings of CJK shop names."""

from __future__ import annotations

import pytest

from cardscan.extract import names, parse_page
from cardscan.extract import weights as W
from cardscan.extract.cjk import org_ending
from cardscan.extract.person import company_marks, name_score
from cardscan.model import Block, Box, Line, Page, Word


def test_name_data_knows_names_of_many_countries() -> None:
    for word in ("Priya", "Agarwal", "Ahmad", "Ismail", "Nguyen", "Tanaka", "Fernanda"):
        assert names.name_share([word]) == 1.0, word
    # Organisation and trade words are never evidence of a person, even if someone
    # somewhere is called that.
    for word in ("Electronics", "Textiles", "Sales", "Mart", "Traders"):
        assert names.name_share([word]) == 0.0, word
    assert names.name_share(["Priya", "Electronics"]) == 0.5
    assert names.name_share(["J."]) == 0.0  # an initial says nothing


def test_a_persons_name_outscores_a_shops_name() -> None:
    for person, shop in (("Priya Agarwal", "Navrang Textiles"),
                         ("Siti Ismail", "Kedai Runcit Maju Jaya"),
                         ("Juliana Ribeiro", "Padaria Horizonte")):
        assert name_score(person, [], []) > 0.3 > name_score(shop, [], [])


def test_an_unlisted_name_is_not_held_against_it() -> None:
    # Name data is a bonus: a name nobody listed is still a name.
    assert names.name_share(["Zorvath", "Quellin"]) == 0.0
    assert name_score("Zorvath Quellin", [], []) >= W.NAME_THRESHOLD
    assert name_score("Priya Quellin", [], []) > name_score("Zorvath Quellin", [], [])


@pytest.mark.parametrize(("text", "org"), [
    ("福記茶行", True), ("永和餐廳", True), ("新光眼鏡店", True), ("새솔마트", True),
    ("劉家豪", False), ("김민준", False), ("店長", False), ("Navrang", False),
])
def test_cjk_shop_names_end_as_shops_do(text: str, org: bool) -> None:
    assert org_ending(text) is org
    assert (company_marks(text)[1] > 0) is org
    if not org and len(text) <= 3 and text not in ("店長", "Navrang"):
        assert name_score(text, [], []) > 0  # a CJK name stays a name


def _line(text: str, y: int, h: int) -> Line:
    return Line(tuple(Word(t, 0.95, None) for t in text.split()), Box(40, y, 400, h))


def _card(*lines: tuple[str, int, int]) -> Page:
    return Page((Block(tuple(_line(*ln) for ln in lines)),), engine="rapidocr")


@pytest.mark.parametrize(("shop", "owner", "title"), [
    ("Krishna Jewellers", "Rakesh Patel", "Proprietor"),
    ("Restoran Seri Murni", "Ahmad Rahman", "Pemilik"),
    ("Lanchonete Aroeira", "Marcelo Souza", "Proprietário"),
])
def test_the_shop_printed_largest_is_the_company_and_the_owner_the_name(
        shop: str, owner: str, title: str) -> None:
    card = parse_page(_card(
        (shop, 10, 60),
        (owner, 90, 24),
        (title, 120, 16),
        ("Mob. 98250 12345", 160, 18),
        ("shopmail@gmail.com", 185, 18),
    ), region="IN")
    assert card.name is not None and card.name.value == owner
    assert card.company is not None and card.company.value == shop


@pytest.mark.parametrize(("printed", "regions"), [
    ("98250 12345", ("IN",)),  # an Indian mobile, its trunk 0 left out
    ("098250 12345", ("IN",)),
    ("012-345 6789", ("MY",)),
    ("010-1234-5678", ("KR",)),
    ("(11) 98765-4321", ("BR",)),
    ("701.113.5427", ()),  # not the national format of any country it is valid in
    ("9825012345", ()),  # one run of digits: no shape
])
def test_a_numbers_printed_shape_names_its_country(printed: str, regions: tuple[str, ...]) -> None:
    from cardscan.extract.region import shape_regions

    assert shape_regions(printed) == regions


@pytest.mark.parametrize(("text", "region", "number"), [
    ("Krishna Jewellers\nRakesh Patel\nProprietor\nMob. 98250 12345\nkrishnaj@gmail.com",
     "IN", "+919825012345"),
    ("Kedai Runcit Maju Jaya\nSiti Aminah\nH/P 012-345 6789\nmajujaya@gmail.com",
     "MY", "+60123456789"),
])
def test_a_shop_card_with_no_address_is_placed(
        text: str, region: str, number: str) -> None:
    from cardscan.extract import parse_text

    card = parse_text(text)
    assert card.region == region
    assert [(p.number, p.valid) for p in card.phones] == [(number, True)]


def test_the_shape_never_overrules_another_clue() -> None:
    from cardscan.extract import parse_text

    # "07700 900123" is printed as a German number would be, but +44 says Britain:
    # invalid there, it stays British and is flagged, never moved to Germany.
    card = parse_text("Lena Park\nTel +44 20 7946 0018\nMobile 07700 900123")
    assert card.region == "GB"
    assert [(p.number, p.valid) for p in card.phones] == [
        ("+442079460018", True), ("+447700900123", False)]
