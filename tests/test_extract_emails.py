"""E-mail extraction: as printed, with OCR repairs only where the validator agrees."""

from __future__ import annotations

import pytest

from cardscan.extract import parse_text
from cardscan.extract.emails import extract_emails
from cardscan.model import Line


def _emails(text: str, sites: tuple[str, ...] = ()) -> list[str]:
    return [f.value for f in extract_emails([Line.from_text(t) for t in text.splitlines()], sites)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nora.vale@quillstone.com", ["nora.vale@quillstone.com"]),
        ("Email: nora@quillstone.io", ["nora@quillstone.io"]),
        ("E-mail:t-ando@kawabe-works.co.jp", ["t-ando@kawabe-works.co.jp"]),
        ("EMAIL | Pia.Roth@Lindenhof.DE", ["pia.roth@lindenhof.de"]),
        ("e: sam@orbitfield.net", ["sam@orbitfield.net"]),
        ("Emailsam@orbitfield.net", ["sam@orbitfield.net"]),
        ("E.wilma@tidepool.co.uk", ["wilma@tidepool.co.uk"]),
        ("mail to: ops@harbor-line.org.", ["ops@harbor-line.org"]),
        ("<jo@fernmoss.ca>;", ["jo@fernmoss.ca"]),
        ("c.d.lowe @brightmere.org", ["c.d.lowe@brightmere.org"]),
        ("dana@   corvid-labs.  com", ["dana@corvid-labs.com"]),
        ("cell: 555 0100; kit@mossbank.co", ["kit@mossbank.co"]),
        ("ana@veloz.com.br ana@veloz.com.br", ["ana@veloz.com.br"]),
        ("a@veloz.com b@veloz.com", ["a@veloz.com", "b@veloz.com"]),
        ("raj@tarnwell.c0m", ["raj@tarnwell.com"]),
        ("raj@tarnwellcom", ["raj@tarnwell.com"]),
        ("Max.Ortiz@Example.COM", ["max.ortiz@example.com"]),
    ],
)
def test_finds_and_normalises(text: str, expected: list[str]) -> None:
    assert _emails(text) == expected


@pytest.mark.parametrize(
    ("text", "sites", "expected"),
    [
        ("lena.fox@acrne-tools.com", ("acme-tools.com",), ["lena.fox@acme-tools.com"]),
        ("lena.fox@acme-t0ols.com", ("acme-tools.com",), ["lena.fox@acme-tools.com"]),
        ("lenafoxacme-tools.com", ("acme-tools.com",), ["lenafox@acme-tools.com"]),
    ],
)
def test_repairs_confirmed_by_website(
    text: str, sites: tuple[str, ...], expected: list[str]
) -> None:
    assert _emails(text, sites) == expected


@pytest.mark.parametrize(
    "text",
    [
        "@quillstone",
        "twitter @nora_vale",
        "nora@@quillstone.com",
        "nora@quill@stone.com",
        "nora@quillstone",
        "nora @quillstone",
        "nora@.quillstone.com",
        "noraquillstone.com",
        "www.quillstone.com",
        "x" * 65 + "@quillstone.com",
        "a@" + "b" * 64 + ".com",
        "Tel: +1 202 555 0147",
    ],
)
def test_not_an_email(text: str) -> None:
    assert _emails(text) == []


def test_keeps_raw_text_line_and_confidence() -> None:
    (f,) = extract_emails([Line.from_text("Jon Vale"), Line.from_text("Email:Jon@Vale.io.")])
    assert f.value == "jon@vale.io"
    assert f.raw == "Jon@Vale.io"
    assert f.line == 1
    assert 0.5 < f.confidence <= 1.0


def test_glued_e_label_is_confirmed_by_the_name() -> None:
    card = parse_text("ORVIK GRUP\nSELMA KORAY\nEs.koray@orvikgrup.com")
    assert [e.value for e in card.emails] == ["s.koray@orvikgrup.com"]


def test_glued_e_kept_when_the_name_does_not_confirm() -> None:
    card = parse_text("Dora Lind\nEsther@lindpaper.com")
    assert [e.value for e in card.emails] == ["esther@lindpaper.com"]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        # A dot lost and a letter misread in a two-level domain the website prints.
        ("kaito@ribeira.camz\nribeira.co.mz", "kaito@ribeira.co.mz"),
        ("kaito@ribeira.ca.mz\nribeira.co.mz", "kaito@ribeira.co.mz"),
        # A different organisation is left alone.
        ("kaito@ribeirx.camz\nribeira.co.mz", "kaito@ribeirx.camz"),
    ],
)
def test_email_domain_repaired_by_website(text: str, email: str) -> None:
    card = parse_text(text)
    assert [e.value for e in card.emails] == [email]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A letter lost in the local part, and the printed website spells it.
        (
            "Email: dwcarpentry@verizon.example\nwww.DFWCarpentry.com",
            ["dfwcarpentry@verizon.example"],
        ),
        # An extra letter is how addresses are made: never "repaired".
        ("j.smith@smith.com\nwww.smith.com", ["j.smith@smith.com"]),
        ("jsmith@smith.com\nwww.smith.com", ["jsmith@smith.com"]),
        # Short local parts are left alone.
        ("ana@brightlane.com\nwww.anas.com", ["ana@brightlane.com"]),
    ],
)
def test_local_part_repaired_from_website(text, expected):
    assert [e.value for e in parse_text(text).emails] == expected
