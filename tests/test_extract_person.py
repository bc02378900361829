"""Name, given/family, title, department and company from whole invented cards."""

from __future__ import annotations

import pytest

from cardscan.extract import card_status, parse_page, parse_text, review_reasons
from cardscan.extract.person import email_support, split_name
from cardscan.model import Block, Box, Line, Page, ParsedCard, Word

CARDS = [
    # (text, name, title, company)
    (
        "QUILLSTONE LTD\nNora Vale\nSenior Data Engineer\n(312) 555-0143\nnvale@quillstone.com",
        "Nora Vale", "Senior Data Engineer", "QUILLSTONE LTD",
    ),
    (
        "Tidepool Analytics\nHead of Growth\nPiet van der Berg\n12 Harbour Road\n"
        "piet.vanderberg@tidepool.io",
        "Piet van der Berg", "Head of Growth", "Tidepool Analytics",
    ),
    (
        "orbit@orbitfield.net\n+1 415 555 0199\nAccount Executive\nLena Fox\nOrbitfield Inc.",
        "Lena Fox", "Account Executive", "Orbitfield Inc.",
    ),
    (
        "Harlow & Finch\nGrace Harlow\nMarta Quell\nTax Consultant\nmquell@harlowfinch.com",
        "Marta Quell", "Tax Consultant", "Harlow & Finch",
    ),
    (
        "Dr. Amos Reyes, PhD\nChief Scientist\nCorvid Labs GmbH\namos@corvid-labs.de",
        "Dr. Amos Reyes, PhD", "Chief Scientist", "Corvid Labs GmbH",
    ),
    ("Kit Moss | Product Manager | Mossbank LLC\nkit@mossbank.co", "Kit Moss",
     "Product Manager", "Mossbank LLC"),
    ("KEIRA DONNELLY\nOWNER\nDonnelly Bakes\n555 201 9988", "KEIRA DONNELLY", "OWNER",
     "Donnelly Bakes"),
    ("Ana Lima\nGerente Comercial\nVeloz Transportes Ltda.\nana@veloz.com.br", "Ana Lima",
     "Gerente Comercial", "Veloz Transportes Ltda."),
    ("Jörg Weiß\nGeschäftsführer\nLindenhof Werke GmbH\n+49 30 901820", "Jörg Weiß",
     "Geschäftsführer", "Lindenhof Werke GmbH"),
]


@pytest.mark.parametrize(("text", "name", "title", "company"), CARDS)
def test_whole_cards(text: str, name: str, title: str, company: str) -> None:
    card = parse_text(text)
    assert card.name is not None and card.name.value == name
    assert card.title is not None and card.title.value == title
    assert card.company is not None and card.company.value == company


@pytest.mark.parametrize(
    "text",
    [
        "Software Engineer\nQuillstone, Inc\n312-555-0143\nops@quillstone.org",
        "ACME TRADING LTD\nSales Department\nTel 312 555 0143",
        "Turkish Naval Academy\nkemal.oz@gmail.com",
        "Text with no name\nin lower case",
        "Regional Sales\nManager\nhello@brightmere.org",
        "Rocky Road\n12 Rocky Road",
        "Thanks and regards,\nSee you soon",
        "### |||\n~~ ::",
        "",
    ],
)
def test_no_name(text: str) -> None:
    assert parse_text(text).name is None


def test_name_preferred_next_to_title_and_backed_by_email() -> None:
    card = parse_text("Harlow Finch\nOwen Tate\nSupport Lead\nhelp@harlowfinch.com")
    assert card.name is not None and card.name.value == "Owen Tate"


def test_email_evidence_picks_the_name() -> None:
    card = parse_text("Mara Oakes\nJuno Pell\n312-555-0143\njpell@pellworks.com")
    assert card.name is not None and card.name.value == "Juno Pell"


def test_name_and_title_on_one_line() -> None:
    card = parse_text("BRIGHTMERE\nLina Sokol Project Coordinator\nlina@brightmere.org")
    assert card.name is not None and card.name.value == "Lina Sokol"
    assert card.title is not None and card.title.value == "Project Coordinator"


def test_department_line() -> None:
    card = parse_text("Owen Tate\nField Engineer\nService Operations Department\nBrightmere Corp")
    assert card.department is not None
    assert card.department.value == "Service Operations Department"
    assert card.company is not None and card.company.value == "Brightmere Corp"


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Nora Vale", "Nora", "Vale"),
        ("Dr. Amos Reyes, PhD", "Amos", "Reyes"),
        ("Rob James Kettle", "Rob", "Kettle"),
        ("Cornel Haas III, Esq.", "Cornel", "Haas"),
        ("山田 太郎", "太郎", "山田"),
        ("김민준", "민준", "김"),
    ],
)
def test_split_name(name: str, given: str, family: str) -> None:
    assert split_name(name) == (given, family)


def test_given_and_family_on_parsed_card() -> None:
    card = parse_text("Nora Vale\nnora@quillstone.com")
    assert (card.given_name, card.family_name) == ("Nora", "Vale")


@pytest.mark.parametrize(
    ("name", "local", "at_least"),
    [
        ("Mike Smith", "msmith", 0.9),
        ("Mike Smith", "mike.smith", 0.9),
        ("Mike Smith", "smith.mike", 0.9),
        ("Mike Smith", "mikes", 0.9),
        ("Rob James Smith", "rjsmith", 0.9),
        ("Tim Powel", "timp", 0.9),
        ("Mike Smith", "info", 0.0),
    ],
)
def test_email_support(name: str, local: str, at_least: float) -> None:
    got = email_support(name, [local])
    assert got >= at_least
    if at_least == 0.0:
        assert got == 0.0


def _ocr_line(text: str, y: int, h: int) -> Line:
    return Line(tuple(Word(t, 0.95, None) for t in text.split()), Box(40, y, 400, h))


def _ocr_card(*lines: tuple[str, int, int]) -> ParsedCard:
    """Parse lines (text, top, height) as the RapidOCR engine would return them."""
    return parse_page(Page((Block(tuple(_ocr_line(*ln) for ln in lines)),), engine="rapidocr"))


def test_layout_prefers_the_largest_text() -> None:
    page = Page(
        (
            Block(
                (
                    _ocr_line("Harbor Line", 10, 30),
                    _ocr_line("Mina Calder", 60, 44),
                    _ocr_line("Jon Calder", 120, 22),
                    _ocr_line("Logistics Coordinator", 150, 22),
                )
            ),
        ),
        engine="rapidocr",
    )
    card = parse_page(page)
    assert card.name is not None and card.name.value == "Mina Calder"
    assert card.name.box == Box(40, 60, 400, 44)
    assert card.name.line == 1


def test_ocr_glued_words_are_split() -> None:
    card = _ocr_card(("NoraVale", 10, 40), ("nora@quillstone.com", 60, 20))
    assert card.name is not None and card.name.value == "Nora Vale"


@pytest.mark.parametrize(
    ("line", "email", "name"),
    [
        # "shi" is an address word (Japanese city suffix): no evidence inside a name.
        ("MASASHI ONO", "ono@kitebay.jp", "MASASHI ONO"),
        # A three-letter piece of the card's own e-mail address is evidence.
        ("LINAYAN", "lina.yan@kitebay.com", "LINA YAN"),
        # Three-letter names are no evidence either ("MARYANN" is one name) ...
        ("MARYANN LEE", "office@kitebay.com", "MARYANN LEE"),
        # ... unless the card's e-mail spells them apart.
        ("PAULKIM", "paul.kim@kitebay.com", "PAUL KIM"),
    ],
)
def test_glued_name_split_needs_evidence(line: str, email: str, name: str) -> None:
    card = _ocr_card((line, 10, 40), (email, 60, 20))
    assert card.name is not None and card.name.value == name


def test_romanised_name_printed_beside_the_kanji_wins() -> None:
    card = _ocr_card(
        ("山川花子", 10, 60),
        ("Hanako Yamakawa", 80, 18),
        ("Sales Manager", 110, 18),
        ("office@kitebay.jp", 140, 18),
    )
    assert card.name is not None and card.name.value == "Hanako Yamakawa"
    assert card.name_native == "山川花子"
    assert (card.given_name, card.family_name) == ("Hanako", "Yamakawa")


@pytest.mark.parametrize(
    ("text", "name", "native"),
    [
        # A short CJK line beside a Latin name may be a title, a company or a city:
        # it is not taken for the native name, and stays free for the title.
        ("Hanako Yamakawa\n営業部長\nhanako@kitebay.jp", "Hanako Yamakawa", None),
        ("Kim Min Jun\n대표이사\nkim@kitebay.kr", "Kim Min Jun", None),
        ("Hanako Yamakawa\n株式会社山川\nSales Manager", "Hanako Yamakawa", None),
    ],
)
def test_native_name_beside_a_romanised_one(text: str, name: str, native: str | None) -> None:
    card = parse_text(text)
    assert card.name is not None and card.name.value == name
    assert card.name_native == native


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # Two title-like lines: the one spelling the domain is the company.
        ("Brightwater Talent\nMei Lin Cartwright\nRecruitment Consultant\n"
         "meilin@brightwatertalent.co.uk", "Recruitment Consultant"),
        # A company line that spells the domain is not the title too.
        ("Marketing Partners\nJane Roe\njane@marketingpartners.com", None),
        # The only title-like line stays the title, even when it spells the domain.
        ("Anna Berg\nOslo\nDesign Director\nanna@design.studio", "Design Director"),
    ],
)
def test_title_that_spells_the_domain(text: str, title: str | None) -> None:
    card = parse_text(text)
    assert (card.title.value if card.title else None) == title


def test_kanji_name_alone_stays() -> None:
    card = _ocr_card(("山川花子", 10, 60), ("hy@kitebay.jp", 120, 18))
    # Kept in kanji; on a Japanese card, family name first with the printed space
    # OCR lost put back (extract/cjk.py).
    assert card.name is not None and card.name.value == "山川 花子"
    assert card.name_native is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Nora Vale\nnora@quillstone.com", "ok"),
        ("Nora Vale\nTel 312 555 0143", "ok"),
        ("Nora Vale\nQuillstone Ltd", "review"),
        ("Quillstone Ltd\nnora@quillstone.com", "review"),
        ("", "review"),
    ],
)
def test_card_status(text: str, status: str) -> None:
    assert card_status(parse_text(text)) == status


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("Nora Vale\nnora@quillstone.com", ()),
        ("Nora Vale\nQuillstone Ltd", ("no email or phone found",)),
        ("Quillstone Ltd\nnora@quillstone.com", ("no name found",)),
        ("", ("no name found", "no email or phone found")),
    ],
)
def test_review_reasons(text: str, reasons: tuple[str, ...]) -> None:
    assert review_reasons(parse_text(text)) == reasons


def test_departments_on_consecutive_lines_are_joined() -> None:
    card = parse_text(
        "Taro Kimura\nSensor Systems Section\nPlatform Development Department\n"
        "Kawabe Works Inc.\ntaro@kawabe.co.jp"
    )
    assert card.department is not None
    assert card.department.value == "Sensor Systems Section / Platform Development Department"
    assert card.company is not None and card.company.value == "Kawabe Works Inc."


def test_company_over_two_lines() -> None:
    card = parse_text("Hansa Ridge Global\nHolding GmbH\nLars Ober\nSales Director")
    assert card.company is not None and card.company.value == "Hansa Ridge Global Holding GmbH"


def test_company_continued_with_ampersand() -> None:
    card = parse_text("Nora Vale\nPartner\nFinch Freight\n& Logistics Ltd.\nnora@finchfl.com")
    assert card.company is not None and card.company.value == "Finch Freight & Logistics Ltd."


def test_title_from_name_line_with_commas() -> None:
    card = parse_text("BRIGHTMERE, INC\nOwen Tate, Owner, License #A1234\nTel 312 555 0143")
    assert card.name is not None and card.name.value == "Owen Tate"
    assert card.title is not None and card.title.value == "Owner"


def test_title_over_two_lines() -> None:
    card = parse_text("Lena Fox\nGENEL MÜDÜR\nGENERAL MANAGER\nlena@orbitfield.com.tr")
    assert card.title is not None and card.title.value == "GENEL MÜDÜR / GENERAL MANAGER"


def test_ocr_zero_for_o_in_words() -> None:
    card = _ocr_card(("N0ra Vale", 10, 40), ("Ph0ne:312-555-0143", 60, 20))
    assert card.name is not None and card.name.value == "Nora Vale"
    assert [p.number for p in card.phones] == ["+13125550143"]


@pytest.mark.parametrize(("line", "is_department"), [
    ("営業部", True), ("海外事業本部", True), ("研究開発センター", True), ("인사팀", True),
    ("市场部", True),
    ("部長", False), ("課長", False), ("팀장", False),         # a rank: the title
    ("株式会社青葉精機", False), ("東京都渋谷区", False), ("青葉ビル5F", False),
])
def test_a_cjk_department_is_told_by_its_unit_ending(line: str, is_department: bool) -> None:
    from cardscan.extract.person import department_score

    assert (department_score(line) > 0) is is_department


def test_a_japanese_card_keeps_its_department_apart_from_the_title() -> None:
    card = parse_text("株式会社ミナト精工\n佐藤 健一\n課長\n総務課\nTEL 03-1234-5678\n"
                      "k.sato@minato-seiko.co.jp")
    assert card.title is not None and card.title.value == "課長"
    assert card.department is not None and card.department.value == "総務課"


def test_a_turkish_name_gets_back_the_letters_the_ocr_cannot_write() -> None:
    card = parse_text("Kerem Yilmaz\nSatis Muduru\n+90 532 331 25 83\nkerem@ornek.com.tr")
    assert card.name is not None and card.name.value == "Kerem Yılmaz"
    assert card.family_name == "Yılmaz"


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("Kerem YILMAZ", "TR", "Kerem YILMAZ"),      # capitals: the capital of ı is I
    ("Kerem Yilmaz", None, "Kerem Yilmaz"),      # no country, no spelling to take
    ("Kerem Yilmaz", "US", "Kerem Yilmaz"),      # not a name of that country's lists
    ("Lukasz Nowak", "PL", "Łukasz Nowak"),
    ("Elif Aydin", "TR", "Elif Aydın"),          # vocab/name_letters.toml: not in Faker's list
    ("Do Minh", "VN", "Đỗ Minh"),
    ("Baris Can", "TR", "Baris Can"),            # Barış and Faker's Bariş: two spellings
])
def test_letters_come_only_from_the_cards_country(text: str, region: str | None,
                                                  expected: str) -> None:
    from cardscan.extract.letters import restore

    assert restore(text, region) == expected


def test_only_spellings_with_letters_beyond_ascii_are_given_back() -> None:
    from cardscan.extract.letters import spellings
    from cardscan.extract.text import fold

    table = spellings("TR")
    assert table["yilmaz"] == "Yılmaz"
    assert all(not v.isascii() and fold(v) == k for k, v in table.items())
