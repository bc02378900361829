"""Company names: several lines of one column, logos, taglines, domains, OCR glue.
Every card here is invented."""

from __future__ import annotations

import pytest

from cardscan.extract import _unglue_suffix, parse_page, parse_text
from cardscan.extract.company import clean_company, coverage, domain_company
from cardscan.extract.text import ocr_fix, respace
from cardscan.model import Block, Box, Line, Page


def _page(rows: list[tuple[str, int, int, int]]) -> Page:
    """(text, x, y, width) rows, 40 px high, in the order an OCR engine lists them."""
    lines = tuple(Line.from_text(t, 0.95, Box(x, y, w, 40)) for t, x, y, w in rows)
    return Page((Block(lines),), width=1400, height=900, engine="rapidocr")


def _company(text: str) -> str | None:
    card = parse_text(text)
    return card.company.value if card.company else None


def test_company_lines_of_one_column_through_interleaved_lines() -> None:
    page = _page([
        ("Veltro", 100, 100, 200),
        ("Dario Ferrante", 700, 96, 400),
        ("Shipping & Logistics", 100, 142, 340),
        ("Operations Manager", 700, 150, 380),
        ("dario@veltro.example", 700, 300, 400),
    ])
    card = parse_page(page)
    assert card.company is not None and card.company.value == "Veltro Shipping & Logistics"


@pytest.mark.parametrize(
    ("text", "company"),
    [
        # The logo repeats the name printed under it: not twice.
        ("Kestrel\nKestrel Co., Ltd.\nAiko Mori\nManager", "Kestrel Co., Ltd."),
        # A logo fragment over the full name: the full name.
        ("wave\nBLUEWAVE LOGISTICS\nSam Odu\nDirector", "BLUEWAVE LOGISTICS"),
        # A tagline split off by "|" is not part of the name.
        ("corvana\nweb solutions | app development\nAmy Stone\namy@corvana.com", "corvana"),
        # A name continued on the next line with "and".
        ("Institute for Marine Studies, Coastal Research\nand Ocean Engineering\nIda Berg\n"
         "Program Officer",
         "Institute for Marine Studies, Coastal Research and Ocean Engineering"),
        # The founding year is a tagline.
        ("Marlow Legal Group Since 1987\nTessa Marlow\nPartner", "Marlow Legal Group"),
        # The brand its domain spells, over the rest of the name.
        ("ZENITH\nAir & Sea Forwarding\n& Logistics Ltd.\nJon Ree\nManager\njon@zenithlog.com",
         "ZENITH Air & Sea Forwarding & Logistics Ltd."),
        # ... but not a logo over a line that already spells the domain.
        ("CORVIX\nORVIX DEFENSE AND AVIATION\nmail@orvix.org", "ORVIX DEFENSE AND AVIATION"),
        # A title and the organisation it is held at, on one line.
        ("Lena Hart\n3rd Grade Teacher, Maple Grove Elementary School\nlena@gmail.com",
         "Maple Grove Elementary School"),
    ],
)
def test_company(text: str, company: str) -> None:
    assert _company(text) == company


def test_title_with_ordinals_split_from_company() -> None:
    card = parse_text("Lena Hart\n5th - 6th Grade Teacher, Maple Grove Elementary School")
    assert card.title is not None and card.title.value == "5th - 6th Grade Teacher"


def test_handle_lines_are_not_companies() -> None:
    card = parse_text("Omar Haddad\nSales Manager\nSkype: omar.haddad-quay\nWeChat: omarh77")
    assert card.company is None or "skype" not in card.company.value.lower()
    assert card.company is None or "wechat" not in card.company.value.lower()


@pytest.mark.parametrize(
    ("domains", "guess"),
    [
        (["bluefreightcommerce.com"], "Blue Freight Commerce"),
        (["harborinsurance.com"], "Harbor Insurance"),
        (["qx-arg.com"], "QX-ARG"),  # nothing glued: left as printed
        (["zorbex.io"], "ZORBEX"),
    ],
)
def test_domain_company(domains: list[str], guess: str) -> None:
    from cardscan.extract.text import known_words

    assert domain_company(domains, known_words()) == guess


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Marlow Legal Group Since 1987", "Marlow Legal Group"),
        ("Ferro & Figli (est. 1921)", "Ferro & Figli"),
        ("Company: Orbit Labs", "Orbit Labs"),
        ("Since 1999", "Since 1999"),  # nothing left: keep the line
        ("Studio 1987", "Studio 1987"),
    ],
)
def test_clean_company(raw: str, clean: str) -> None:
    assert clean_company(raw) == clean


def test_coverage() -> None:
    assert coverage("one Home Insurance", ["oneinsurance.com"]) == 1.0
    assert coverage("Compass", ["compass-freight.net"]) == 0.5  # 7 of "compassfreight"
    assert coverage("Nothing Here", ["zorbex.io"]) == 0.0


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("ORTAK LOJISTIKA.S.", "ORTAK LOJISTIK A.S."),
        ("KAYA VE TIC.A.Ş.", "KAYA VE TIC. A.Ş."),
        ("NovaB.V.", "Nova B.V."),
        ("S.A.S.", "S.A.S."),  # the legal form alone
        ("ACME S.A.", "ACME S.A."),
        ("Dr.A.B.", "Dr.A.B."),  # not a legal form
    ],
)
def test_unglue_suffix(raw: str, fixed: str) -> None:
    assert _unglue_suffix(raw) == fixed


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("SALESANDMARKETING", "SALES AND MARKETING"),  # a connector counts
        ("CEOANDFOUNDER", "CEO AND FOUNDER"),  # so does a three-letter title
    ],
)
def test_glued_title_is_split(line: str, title: str) -> None:
    page = Page(
        (Block((Line.from_text("Nora Vale"), Line.from_text(line),
                Line.from_text("nora@quillstone.com"))),),
        engine="rapidocr",
    )
    card = parse_page(page)
    assert card.title is not None and card.title.value == title


@pytest.mark.parametrize(
    ("text", "keep", "out"),
    [
        ("BlueHarbor Marine LLC", {"blueharbor"}, "BlueHarbor Marine LLC"),
        ("BlueHarbor Marine LLC", set(), "Blue Harbor Marine LLC"),
        ("Brenner Holding GmbH", set(), "Brenner Holding GmbH"),
        ("Transport&Logistics", set(), "Transport & Logistics"),
        ("R&D", set(), "R&D"),
        # An initial glued to an all-caps surname; dotted abbreviations stay whole.
        ("MARK D.MALVIN, D.M.D.", set(), "MARK D. MALVIN, D.M.D."),
        ("P.O.BOX 12", set(), "P.O. BOX 12"),
        ("U.S.A.", set(), "U.S.A."),
        ("TASIMACILIK A.S.", set(), "TASIMACILIK A.S."),
    ],
)
def test_respace_keeps_brands_and_legal_forms(text: str, keep: set[str], out: str) -> None:
    assert respace(text, keep) == out


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("Kawase Co., Itd.", "Kawase Co., ltd."),
        ("Lindenstra Be 4", "Lindenstra Be 4"),
        ("LindenstraBe 4", "Lindenstraße 4"),
        ("Itdesign", "Itdesign"),
    ],
)
def test_ocr_fix_letters(raw: str, fixed: str) -> None:
    assert ocr_fix(raw) == fixed


def test_brand_spelt_by_domain_is_not_split_on_ocr_pages() -> None:
    page = _page([
        ("BlueHarbor Marine LLC", 100, 100, 500),
        ("Ines Moretti", 100, 200, 300),
        ("ines@blueharbor.example", 100, 300, 500),
    ])
    card = parse_page(page)
    assert card.company is not None and card.company.value == "BlueHarbor Marine LLC"


@pytest.mark.parametrize(
    "text",
    [
        "AVTEC SYSTEMS,\nINC.\nJohn Carter\nSales Manager\njcarter@avtecsys.com",
        "John Carter\nSales Manager\nAVTEC SYSTEMS,\nINC.\njcarter@avtecsys.com",
    ],
)
def test_company_split_before_its_legal_form_is_joined(text: str) -> None:
    # A legal form alone names nothing: the line over it is the name it belongs to,
    # and it is not a second line of the title.
    card = parse_text(text)
    assert card.company is not None and card.company.value == "AVTEC SYSTEMS INC."
    assert card.title is not None and card.title.value == "Sales Manager"


def test_logo_word_read_alone_takes_the_domains_words() -> None:
    text = "BIKE\nMary Lou Perez\nOwner\nmary@thebikeconnection.com\n(415) 555-0123"
    assert _company(text) == "THE BIKE CONNECTION"


def test_company_derived_from_an_organisation_domain_only() -> None:
    org = parse_text("Peter Gross\nDirector\npgross@greenfieldlogistics.com")
    assert org.company is not None
    assert org.company.value == "Greenfield Logistics" and org.company.origin == "derived"
    assert org.company.confidence < 0.5
    webmail = parse_text("Peter Gross\nDirector\npeter.gross@gmail.com")
    assert webmail.company is None


def _boxed(rows: list[tuple[str, int, int, int, int]]) -> Page:
    """(text, x, y, width, height) rows."""
    lines = tuple(Line.from_text(t, 0.95, Box(x, y, w, h)) for t, x, y, w, h in rows)
    return Page((Block(lines),), width=1000, height=600, engine="rapidocr")


def test_a_company_the_detector_cut_in_two_is_one_line_again() -> None:
    # Two boxes on one row that overlap by one letter, which both read.
    page = _boxed([
        ("Kestrel", 130, 110, 300, 64),
        ("l Fabrications", 405, 112, 470, 60),
        ("Anita Rao", 360, 250, 280, 38),
        ("Proprietor", 440, 300, 120, 30),
        ("anita@kestrelfab.in", 300, 440, 420, 30),
    ])
    card = parse_page(page)
    assert card.company is not None and card.company.value == "Kestrel Fabrications"
    assert card.name is not None and card.name.value == "Anita Rao"


@pytest.mark.parametrize("second", [
    ("Road No 6, Chattogram", 412, 300, 380, 32),   # touching boxes, nothing repeated
    ("l Fabrications", 470, 112, 470, 60),           # no overlap: a gap between them
    ("l Fabrications", 405, 200, 470, 60),           # another row
])
def test_boxes_that_only_touch_are_not_joined(second: tuple[str, int, int, int, int]) -> None:
    from cardscan.extract.text import join_split_lines, text_lines

    kestrel, plaza = ("Kestrel", 130, 110, 300, 64), ("Plaza (14th Fl)", 100, 300, 320, 32)
    first = kestrel if second[2] < 250 else plaza
    lines = text_lines(_boxed([first, second]).lines)
    assert [t.text for t in join_split_lines(lines)] == [first[0], second[0]]


def test_a_split_line_keeps_the_first_index_and_both_boxes() -> None:
    from cardscan.extract.text import join_split_lines, text_lines

    lines = text_lines(_boxed([("Kestrel", 130, 110, 300, 64),
                               ("Ravi", 100, 300, 100, 30),
                               ("l Fabrications", 405, 112, 470, 60)]).lines)
    joined = join_split_lines(lines)
    assert [(t.index, t.text) for t in joined] == [(0, "Kestrel Fabrications"), (1, "Ravi")]
    assert joined[0].box == Box(130, 110, 745, 64)
