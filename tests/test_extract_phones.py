"""Phone extraction: E.164, typed by the printed label, fax last."""

from __future__ import annotations

import pytest

from cardscan.extract import card_status, parse_text, review_reasons
from cardscan.extract.phones import extract_phones, infer_region, order_phones
from cardscan.model import Line, Phone


def _phones(text: str, region: str | None = "US") -> list[tuple[str, str]]:
    lines = [Line.from_text(t) for t in text.splitlines()]
    return [(p.number, p.type) for p in extract_phones(lines, region)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(312) 555-0143", [("+13125550143", "work")]),
        # An icon after the number read as one more digit (WhatsApp logo -> "9").
        ("+9627784906079", [("+962778490607", "mobile")]),
        ("Tel +44 20 7946 00181", [("+442079460018", "work")]),
        ("312.555.0143", [("+13125550143", "work")]),
        ("312 555 0143", [("+13125550143", "work")]),
        ("3125550143", [("+13125550143", "work")]),
        ("(312) - 555 - 0143", [("+13125550143", "work")]),
        ("1-312-555-0143", [("+13125550143", "work")]),
        ("(312)(555)(0143)", [("+13125550143", "work")]),
        ("Tel: +1 (312) 555-0143", [("+13125550143", "work")]),
        ("Tel| +1 312 555 0143", [("+13125550143", "work")]),
        ("T.312-555-0143", [("+13125550143", "work")]),
        ("Ph 312-555-0143", [("+13125550143", "work")]),
        ("direct 312 555 0143", [("+13125550143", "work")]),
        ("Office: 312-555-0143", [("+13125550143", "work")]),
        ("Mobile: 312-555-0143", [("+13125550143", "mobile")]),
        ("Cell:312-555-0143", [("+13125550143", "mobile")]),
        ("M 312-555-0143", [("+13125550143", "mobile")]),
        ("312-555-0143 (C)", [("+13125550143", "mobile")]),
        ("(C) +1 312 555 0143", [("+13125550143", "mobile")]),
        ("Fax: 312-555-0199", [("+13125550199", "fax")]),
        ("F: 312-555-0199", [("+13125550199", "fax")]),
        ("Home 312-555-0143", [("+13125550143", "other")]),
        ("Phone: 312-555-0143 ext. 210", [("+13125550143", "work")]),
        ("312-555-0143 x 12", [("+13125550143", "work")]),
        ("+44 (0)20 7946 0018", [("+442079460018", "work")]),
        ("+66 (0) 2115 6241", [("+6621156241", "work")]),
        ("mob: +44 (0) 7911 123456", [("+447911123456", "mobile")]),
        ("+49 30 901820", [("+4930901820", "work")]),
        ("Handy +49 151 23456789", [("+4915123456789", "mobile")]),
        ("Celular: +55 11 98765-4321", [("+5511987654321", "mobile")]),
        ("Téléphone : +33 1 42 68 53 00", [("+33142685300", "work")]),
        ("Portable +33 6 12 34 56 78", [("+33612345678", "mobile")]),
        ("GSM: +90 532 111 22 33", [("+905321112233", "mobile")]),
        ("Faks: +90 216 555 10 21", [("+902165551021", "fax")]),
        ("携帯 090-1234-5678", [("+819012345678", "mobile")]),
        (
            "Tel:+81-3-5205-6455 Fax:+81-3-5205-6456",
            [("+81352056455", "work"), ("+81352056456", "fax")],
        ),
        (
            "Tel 312-555-0143 / 312-555-0144",
            [("+13125550143", "work"), ("+13125550144", "work")],
        ),
        ("0212 979 63 53 (Tel & Fax)\nwww.ornek.com.tr", [("+902129796353", "work")]),
    ],
)
def test_numbers_and_types(text: str, expected: list[tuple[str, str]]) -> None:
    assert _phones(text, None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "555-0143",
        "ISO 27001",
        "ISO 9001:2015",
        "Arlington, VA 22209",
        "Dayton, OH 45402-1234",
        "Since 1998",
        "03.05.1987",
        "2015 - 03/2016",
        "12/31/2024",
        "PO Box 4471",
        "Vergi No: 0801131027",
        "V.D. / 0801131027",
        "IBAN DE89 3704 0044 0532 0130 00",
        "VAT 123456789",
        "--312---555-0143",
        "(312) 5555-01434",
        "abc312-55x5-0143",
        "Tel: +67 456.789.7758",
    ],
)
def test_not_a_phone(text: str) -> None:
    assert _phones(text) == []


def test_fax_is_never_first() -> None:
    card = parse_text("Fax: 312-555-0199\nTel: 312-555-0143\nCell: 312-555-0177")
    assert [(p.number, p.type) for p in card.phones] == [
        ("+13125550143", "work"),
        ("+13125550177", "mobile"),
        ("+13125550199", "fax"),
    ]


def test_fax_only_card_has_no_work_number() -> None:
    card = parse_text("Dana Holt\nFax: (312) 555-0199")
    assert [p.type for p in card.phones] == ["fax"]


def test_duplicates_are_dropped() -> None:
    assert _phones("Tel 312-555-0143\n(312) 555-0143") == [("+13125550143", "work")]


def test_unlabelled_mobile_number_is_mobile() -> None:
    assert _phones("07911 123456", "GB") == [("+447911123456", "mobile")]


def test_label_on_the_line_above() -> None:
    assert _phones("Mobile\n312-555-0143") == [("+13125550143", "mobile")]


def test_raw_and_line_are_kept() -> None:
    (p,) = extract_phones([Line.from_text("Ada Lin"), Line.from_text("Tel: (312) 555-0143")], "US")
    assert p.raw == "(312) 555-0143"
    assert p.line == 1
    assert 0.5 < p.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Tel +44 20 7946 0018\n020 7946 0019", "GB"),
        ("ana@veloz.com.br\n(11) 3456-7890", "BR"),
        ("www.kawabe.co.jp", "JP"),
        ("info@tidepool.co.uk", "GB"),
        ("hello@startup.io", "US"),
        ("Rua Alegre 12, Maputo, Moçambique", "MZ"),
        ("Kızılay Cad. No:5 Ankara", "TR"),
        ("no hints here", "US"),
        ("Loja Sol Ltda.\nRua das Flores 12 - Jardim Sul - SP", "BR"),
        ("Rua das Flores 12", "US"),  # one tell-tale word is not enough
        # Words Portugal and Spanish-speaking countries share need a Brazil-only mark.
        # ... and a Portuguese postcode before the city places it in Portugal.
        ("Óculos & Cia\nRua Augusta 100\n1100-048 Lisboa", "PT"),
        ("Atención Técnica Especializada", "US"),
        ("Óticas Sol\nRua Augusta 100 - Jd. Paulista", "BR"),
        ("Rua da Rosa 12\nBairro Alto\n1200-141 Lisboa", "PT"),  # "bairro" is Lisbon's too
        ("Rúa do Vilar 12\nVila de Cruces - ES", "US"),  # ES is Spain, not Espírito Santo
    ],
)
def test_region_inference(text: str, region: str) -> None:
    lines = [Line.from_text(t) for t in text.splitlines()]
    domains = [w.split("@")[-1].removeprefix("www.") for w in text.split() if "." in w]
    assert infer_region(lines, domains) == region


def test_region_argument_wins() -> None:
    card = parse_text("Marta Sousa\n21 234 5678", region="PT")
    assert card.region == "PT"
    assert [p.number for p in card.phones] == ["+351212345678"]


def test_inferred_region_used_for_national_numbers() -> None:
    card = parse_text("Ana Lima\nana@veloz.com.br\nTel (11) 3456-7890")
    assert card.region == "BR"
    assert [p.number for p in card.phones] == ["+551134567890"]


def test_order_phones_is_stable() -> None:
    ps = [Phone("+1", "fax", "", 1.0), Phone("+2", "work", "", 1.0), Phone("+3", "mobile", "", 1.0)]
    assert [p.number for p in order_phones(ps)] == ["+2", "+3", "+1"]


def test_range_of_last_digits_keeps_the_main_number() -> None:
    assert _phones("Tel:+90 324 238 05 40-41-42", None) == [("+903242380540", "work")]


@pytest.mark.parametrize(
    "text",
    ["〒110-0005 Tokyo", "CEP 01014-000 São Paulo", "IS 512641/ISO 27001", "Reg. 22000073"],
)
def test_postcodes_and_ids_are_not_phones(text: str) -> None:
    lines = [Line.from_text(text), Line.from_text("www.kawabe.co.jp")]
    assert [p.number for p in extract_phones(lines)] == []


# ---------------------------------------------------------------- OCR glue and postcodes


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # The bar between two numbers read as a "1" glued to the first one.
        ("Tel:(971)434268001Fax:(971)43426900", ["+97143426800", "+97143426900"]),
        # A valid number keeps its final 1 even when a label follows it.
        ("Tel:(971)43426801Fax:(971)43426900", ["+97143426801", "+97143426900"]),
    ],
)
def test_separator_read_as_one(text: str, numbers: list[str]) -> None:
    card = parse_text(text, region="AE")
    assert sorted(p.number for p in card.phones) == sorted(numbers)


@pytest.mark.parametrize(
    ("text", "region", "numbers"),
    [
        ("Cep 04571-010 | Centro | Campinas | SP\nFone 55 11 3105-0000", "BR", ["+551131050000"]),
        ("Rua Nova 5, 1200-195 Lisboa\nTel 213 456 789", "PT", ["+351213456789"]),
    ],
)
def test_postcodes_are_not_phones(text: str, region: str, numbers: list[str]) -> None:
    card = parse_text(text, region=region)
    assert [p.number for p in card.phones] == numbers


BR_SHOP = "Loja Sol Ltda.\nAssistência Técnica\nRua das Flores 12 - Jardim Sul - SP\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Only local numbers, region known from the card: kept, flagged, weak; nine
        # local digits are a Brazilian mobile.
        (BR_SHOP + "2294-1111\n9.8123-4567",
         [("+5522941111", True, "work"), ("+55981234567", True, "mobile")]),
        # Beside a complete number a local one is still kept, and still flagged.
        (BR_SHOP + "Tel (11) 2294-1111\n3569-0000",
         [("+551122941111", False, "work"), ("+5535690000", True, "work")]),
        # Local-only shape with a "+": a complete (if short) number, not flagged.
        ("Tel +55 4004-0001", [("+5540040001", False, "work")]),
        # No evidence for the region: a local number is not guessed at.
        ("Sol Repairs\n2294-1111", []),
        # The postcode shape of the card's region is never a phone.
        (BR_SHOP + "CEP 01014-000\n2294-1111", [("+5522941111", True, "work")]),
    ],
)
def test_local_only_numbers(text: str, expected: list[tuple[str, bool, str]]) -> None:
    card = parse_text(text)
    assert [(p.number, p.local_only, p.type) for p in card.phones] == expected
    assert [p.to_dict()["local_only"] for p in card.phones] == [e[1] for e in expected]
    assert all(p.confidence < 0.4 for p in card.phones if p.local_only)


@pytest.mark.parametrize(
    "text",
    [
        "+39 06 6982 1234",  # Rome: the leading zero of the area code is kept
        "+43 1 5134567",
        "+49 30 12345678",
        "+49 89 1234567",
        "+44 20 7946 0018",
        "+55 11 99123 4567",
    ],
)
def test_valid_numbers_keep_their_last_digit(text: str) -> None:
    assert [p.raw for p in parse_text(text).phones] == [text]


def test_local_only_numbers_send_the_card_to_review() -> None:
    card = parse_text("Ana Souza\n" + BR_SHOP + "2294-1111")
    assert [p.number for p in card.phones] == ["+5522941111"]
    assert card_status(card) == "review"
    # Even with an e-mail beside it, a number to complete is worth a look.
    with_email = parse_text("Ana Souza\n" + BR_SHOP + "2294-1111\nana@solloja.com.br")
    assert card_status(with_email) == "review"
    assert review_reasons(with_email) == ("phone without area code: 2294-1111",)
    complete = parse_text("Ana Souza\n" + BR_SHOP + "(11) 2294-1111\nana@solloja.com.br")
    assert (card_status(complete), review_reasons(complete)) == ("ok", ())


@pytest.mark.parametrize("line", [
    "Via Roma,989-50129 Firenze",          # OCR dropped the spaces: house number, postcode
    "Corso Garibaldi, 2320 - 50105 Firenze",
    "Rua Augusta, 1508 - 01304 Sao Paulo",
])
def test_a_house_number_and_postcode_are_not_a_phone(line: str) -> None:
    card = parse_text(f"Silvia Conti\nIngegnere\nTel. 02 1234 3472\n{line}\ns.conti@ponteverde.it")
    assert [p.number for p in card.phones] == ["+390212343472"]
    assert card.address is not None and line.split(",")[0] in card.address.value


def test_a_valid_unlabelled_number_after_a_city_is_still_a_phone() -> None:
    card = parse_text("Silvia Conti\nFirenze 055 234 5678\ns.conti@ponteverde.it")
    assert [p.number for p in card.phones] == ["+390552345678"]


def test_a_tie_of_cheap_clues_is_broken_by_the_city_and_the_language() -> None:
    # "612 34 11 56" is valid in France and in Spain; "28047" is a postcode of both.
    card = parse_text("Carmen Ortega\nIngeniera de Ventas\nCel. 612.34.11.56\n"
                      "carmen@sierranevada.example\nCalle de Alcalá 88\n28047 Madrid")
    assert card.region == "ES"
    assert [p.number for p in card.phones] == ["+34612341156"]
