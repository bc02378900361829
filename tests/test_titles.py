"""Titles that generalize: read by where they are printed (right under the name, in
a smaller font) when no vocabulary knows their words."""

from __future__ import annotations

import pytest

from cardscan.extract import parse_page, parse_text
from cardscan.model import Block, Box, Line, Page, Word


def _line(text: str, y: int, h: int, x: int = 40) -> Line:
    return Line(tuple(Word(t, 0.95, None) for t in text.split()), Box(x, y, 400, h))


def _card(*lines: tuple[str, int, int]) -> Page:
    return Page((Block(tuple(_line(*ln) for ln in lines)),), engine="rapidocr")


def _shop(under: str, h: int = 16, mail: str = "contato@aroeira.com.br") -> Page:
    return _card(
        ("Lanchonete Aroeira", 10, 60),
        ("Marcelo Souza", 90, 24),
        (under, 120, h),
        ("Tel. (11) 2468-1357", 160, 18),
        (mail, 185, 18),
    )


@pytest.mark.parametrize("title", ["Atendimento", "Giám đốc", "Tauke", "Zeugwart"])
def test_a_title_no_vocabulary_knows_is_read_under_the_name(title: str) -> None:
    card = parse_page(_shop(title), region="BR")
    assert card.name is not None and card.name.value == "Marcelo Souza"
    assert card.title is not None and card.title.value == title


@pytest.mark.parametrize("under", [
    "Rua das Acácias 120",  # digits: an address or a number
    "Aroeira Lanches",  # the domain spells it: the organisation
    "Vendas e Compras Departamento",  # a department
    "Paulo Souza",  # a person's name
])
def test_a_line_under_the_name_that_reads_as_something_else_is_no_title(under: str) -> None:
    card = parse_page(_shop(under), region="BR")
    assert card.title is None or card.title.value != under


def test_a_line_as_large_as_the_name_is_no_title_by_place() -> None:
    card = parse_page(_shop("Atendimento", h=24), region="BR")
    assert card.title is None


def test_plain_text_has_no_sizes_so_no_title_by_place() -> None:
    card = parse_text("Lanchonete Aroeira\nMarcelo Souza\nAtendimento\n"
                      "Tel. (11) 2468-1357\ncontato@aroeira.com.br", region="BR")
    assert card.title is None


@pytest.mark.parametrize(("first", "second"), [
    ("Directora de Marketing", "y Comunicación"),
    ("Responsabile Marketing", "e Sviluppo Prodotto"),
    ("Head of Partnerships", "and Alliances"),
])
def test_a_title_goes_on_on_a_line_that_opens_with_a_joining_word(first: str, second: str) -> None:
    card = parse_page(_card(
        ("Lanchonete Aroeira", 10, 60),
        ("Marcelo Souza", 90, 24),
        (first, 120, 16),
        (second, 140, 16),
        ("Tel. (11) 2468-1357", 180, 18),
        ("contato@aroeira.com.br", 205, 18),
    ), region="BR")
    assert card.title is not None and card.title.value == f"{first} / {second}"


def test_a_capitalised_line_under_a_title_is_not_joined_to_it() -> None:
    card = parse_page(_card(
        ("Lanchonete Aroeira", 10, 60),
        ("Marcelo Souza", 90, 24),
        ("Sales Director", 120, 16),
        ("Paulista Avenue Branch", 140, 16),
        ("Tel. (11) 2468-1357", 180, 18),
        ("contato@aroeira.com.br", 205, 18),
    ), region="BR")
    assert card.title is not None and card.title.value == "Sales Director"


def _company_card(first: tuple[str, int], second: tuple[str, int], mail: str) -> Page:
    return _card(
        (first[0], 10, first[1]),
        (second[0], 10 + first[1] + 4, second[1]),
        ("Anna Bauer", 90, 24),
        ("Geschäftsführerin", 120, 16),
        ("Tel. +49 40 1234567", 160, 18),
        (mail, 185, 18),
    )


def test_a_company_name_broken_over_two_lines_in_one_font_is_joined() -> None:
    card = parse_page(_company_card(("FALKENRATH", 30), ("ELEKTROTECHNIK", 30),
                                    "a.bauer@falkenrath.de"), region="DE")
    assert card.company is not None and card.company.value == "FALKENRATH ELEKTROTECHNIK"


def test_a_smaller_line_under_the_company_is_not_part_of_its_name() -> None:
    card = parse_page(_company_card(("FALKENRATH", 30), ("Verlässlich seit Jahren", 14),
                                    "a.bauer@falkenrath.de"), region="DE")
    assert card.company is not None and card.company.value == "FALKENRATH"


def test_a_vietnamese_legal_form_line_joins_the_name_under_it() -> None:
    card = parse_page(_card(
        ("Công ty TNHH", 10, 30),
        ("Sao Mai", 44, 30),
        ("Nguyễn Văn An", 90, 24),
        ("Trưởng phòng Kinh doanh", 120, 16),
        ("ĐT 028 3822 1234", 160, 18),
        ("an.nguyen@saomai.com.vn", 185, 18),
    ), region="VN")
    assert card.company is not None and card.company.value == "Công ty TNHH Sao Mai"


def _cjk_card(name: str, under: str) -> Page:
    return _card(
        ("华兴贸易有限公司", 10, 40),
        (name, 70, 30),
        (under, 110, 16),
        ("手机 138 1234 5678", 150, 18),
        ("wang@huaxing.cn", 175, 18),
    )


def test_a_short_cjk_line_under_a_cjk_name_is_its_title() -> None:
    card = parse_page(_cjk_card("王伟", "店主"), region="CN")
    assert card.title is not None and card.title.value == "店主"


def test_a_cjk_name_under_its_romanised_form_is_no_title() -> None:
    card = parse_page(_cjk_card("Wang Wei", "王伟"), region="CN")
    assert card.title is None


def _logo_card(logo: str, h: int) -> Page:
    return _card(
        (logo, 10, h),
        ("Kim Minjun", 90, 24),
        ("Tel 02-555-0123", 160, 18),
        ("minjun.kim@hanbit.co.kr", 185, 18),
    )


def test_with_no_company_marks_a_logo_larger_than_the_name_is_the_company() -> None:
    card = parse_page(_logo_card("푸른바다 미래로", 48), region="KR")
    assert card.company is not None and card.company.value == "푸른바다 미래로"
    assert card.company.origin == "card"


def test_a_logo_no_larger_than_the_name_leaves_the_domain_to_name_the_company() -> None:
    card = parse_page(_logo_card("푸른바다 미래로", 24), region="KR")
    assert card.company is not None and card.company.origin == "derived"
