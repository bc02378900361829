"""Region evidence and the choice of region for numbers printed without +CC.

Every card text here is made up (fictional people and shops)."""

from __future__ import annotations

import dataclasses

import pytest

from cardscan.extract import parse_text, review_reasons
from cardscan.extract.phones import read_phones
from cardscan.extract.region import card_evidence, deep_evidence
from cardscan.model import Line, ParsedCard, Phone
from cardscan.pipeline import _qr_merge


def _lines(text: str) -> list[Line]:
    return [Line.from_text(t) for t in text.splitlines()]


def _numbers(card: ParsedCard) -> list[tuple[str, bool]]:
    return [(p.number, p.valid) for p in card.phones]


INDIAN_SHOP = """Shree Laxmi Textiles
Raj Mehta
Proprietor
98250 11223 / 9898012345
14, Relief Road, Ahmedabad - 380001"""


def test_indian_shop_card_reads_in_india() -> None:
    card = parse_text(INDIAN_SHOP)
    assert card.region == "IN"
    assert _numbers(card) == [("+919825011223", True), ("+919898012345", True)]
    assert [p.type for p in card.phones] == ["mobile", "mobile"]


def test_pin_code_alone_places_the_card_in_india() -> None:
    # The city is misread; the "City - PIN" shape of India Post still says India.
    text = INDIAN_SHOP.replace("Ahmedabad", "Ahmdbad")
    assert card_evidence(_lines(text)).best() == "IN"
    assert parse_text(text).phones[0].number == "+919825011223"


def test_sao_paulo_card_without_country_or_state() -> None:
    text = ("Padaria e Confeitaria Bom Gosto\nPães, bolos e salgados para festas\n"
            "Fone (11) 2684-7988\nRua Augusta 100")
    card = parse_text(text)
    assert card.region == "BR"
    assert _numbers(card) == [("+551126847988", True)]


def test_malaysian_card_with_and_without_country_code() -> None:
    card = parse_text("Tan Wei Ming\nSales Manager\nTel +60 3-2141 1234\nH/P 012-345 6789\n"
                      "50450 Kuala Lumpur")
    assert card.region == "MY"
    assert [(p.number, p.type, p.valid) for p in card.phones] == [
        ("+60321411234", "work", True),
        ("+60123456789", "mobile", True),
    ]


def test_korean_card_in_hangul() -> None:
    card = parse_text("김민준\n영업부 과장\n휴대폰 010-2345-6789\n서울특별시 강남구 테헤란로 1")
    assert card.region == "KR"
    assert [(p.number, p.type) for p in card.phones] == [("+821023456789", "mobile")]


def test_german_card_with_area_code() -> None:
    card = parse_text("Jonas Weber\nVertrieb\nTel. 030 2345678\nFriedrichstraße 10\n10117 Berlin")
    assert card.region == "DE"
    assert _numbers(card) == [("+49302345678", True)]


def test_one_number_with_country_code_places_the_others() -> None:
    card = parse_text("Lena Park\nTel +44 20 7946 0018\nMobile 07700 900123")
    assert card.region == "GB"
    assert [p.number for p in card.phones] == ["+442079460018", "+447700900123"]


def test_country_code_keeps_its_own_country_under_a_hint() -> None:
    card = parse_text("Ana Lima\nTel +55 11 3456-7890\nCell 312-555-0143", region="US")
    assert [p.number for p in card.phones] == ["+551134567890", "+13125550143"]


def test_hint_is_overruled_only_when_the_numbers_fit_the_card_better() -> None:
    card = parse_text(INDIAN_SHOP, region="US")
    # One of the two numbers is also a valid US one (area code 989); both are Indian
    # mobiles, and the card says India (PIN, city).
    assert card.region == "IN"
    assert [p.number for p in card.phones] == ["+919825011223", "+919898012345"]
    # A number valid under the hint keeps the hint.
    us = parse_text("Raj Mehta\n14, Relief Road, Ahmedabad - 380001\n(312) 555-0143", region="US")
    assert us.region == "US"


def test_an_invalid_number_never_passes_for_a_valid_one() -> None:
    card = parse_text("Acme Tools\nJoe Blank\nPhone (11) 2684-7988")
    assert card.phones, "the number is kept"
    phone = card.phones[0]
    assert phone.valid is False
    assert phone.raw == "(11) 2684-7988"
    assert "phone not valid in any likely country: (11) 2684-7988" in review_reasons(card)


def test_valid_numbers_are_not_flagged() -> None:
    card = parse_text("Joe Blank\njoe@acme-tools.com\nPhone (312) 555-0143")
    assert _numbers(card) == [("+13125550143", True)]
    assert not any("not valid" in r for r in review_reasons(card))


def test_a_city_inside_a_longer_name_is_not_counted() -> None:
    clues = deep_evidence(_lines("123 West Main Street, New York, NY 10001")).clues
    assert {c.region for c in clues if c.kind == "city"} == {"US"}


def test_a_common_word_that_is_a_city_loses_to_the_numbers_and_the_card() -> None:
    # "Loja" (shop) is a city in Ecuador; the number is a Brazilian local one.
    card = parse_text("Loja Sol Ltda.\nAssistência Técnica\nRua das Flores 12 - Jardim Sul - SP\n"
                      "2294-1111")
    assert card.region == "BR"


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Kim Min-jun\n서울특별시", "KR"),
        ("山田 太郎\nやまだ たろう", "JP"),
        ("〒100-0005 Tokyo", "JP"),
        ("1012 AB Amsterdam", "NL"),
        ("London EC2A 4BX", "GB"),
        ("Austin, TX 78701", "US"),
        ("Av. Paulista 1000, CEP 01310-100", "BR"),
        ("Sydney NSW 2000", "AU"),
        ("Pin code: 560001", "IN"),
    ],
)
def test_clues(text: str, region: str) -> None:
    assert card_evidence(_lines(text)).best() == region


def test_qr_numbers_are_validated_in_the_card_region() -> None:
    parsed = parse_text(INDIAN_SHOP)
    merged = _qr_merge(parsed, ["TEL:9825055555"], None)
    assert "+919825055555" in [p.number for p in merged.phones]
    # Area code 555 does not exist: kept, but not as a valid number.
    bad = _qr_merge(dataclasses.replace(parsed, phones=()), ["TEL:+1 555 555 0100"], None)
    assert [(p.number, p.valid) for p in bad.phones] == [("+15555550100", False)]


def test_phone_record_says_whether_it_is_valid() -> None:
    assert Phone("+13125550143", "work", "312-555-0143", 1.0).to_dict()["valid"] is True


def test_an_overruled_hint_is_said_with_the_clues() -> None:
    choice = read_phones(_lines(INDIAN_SHOP), hint="US")
    assert choice.region == "IN"
    assert choice.note is not None and "US (--region)" in choice.note and "Ahmedabad" in choice.note
    assert read_phones(_lines(INDIAN_SHOP), hint="IN").note is None


def test_an_invalid_number_with_its_country_code_keeps_it_and_says_so() -> None:
    # 9 digits after +61 is too short for an Australian number.
    card = parse_text("Sam Reed\nsam@reed-co.com\nTel +61 802 4567")
    assert [(p.number, p.valid) for p in card.phones] == [("+618024567", False)]
    assert "phone not valid in its country code: +61 802 4567" in review_reasons(card)
