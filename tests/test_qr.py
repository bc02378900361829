"""QR payloads: vCard and MECARD parsing, and decoding from pixels."""

from __future__ import annotations

import numpy as np
import pytest

from cardscan.qr import decode, parse_payload

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ruiz;Ana;;;\r\nFN:Ana Ruiz\r\nORG:Brightlane Labs;R&D\r\n"
    "TITLE:Head of Research\r\nTEL;TYPE=CELL:+44 7700 900123\r\nTEL;TYPE=WORK,FAX:+44 20 7946 0018"
    "\r\nEMAIL;TYPE=INTERNET:ana@brightlane.example\r\nURL:https://brightlane.example\r\n"
    "END:VCARD"
)


def test_vcard():
    c = parse_payload(VCARD)
    assert c is not None
    assert (c.name, c.given_name, c.family_name) == ("Ana Ruiz", "Ana", "Ruiz")
    assert (c.company, c.title) == ("Brightlane Labs", "Head of Research")
    assert c.phones == (("+44 7700 900123", "mobile"), ("+44 20 7946 0018", "fax"))
    assert c.emails == ("ana@brightlane.example",)
    assert c.websites == ("https://brightlane.example",)


def test_vcard_escapes_and_folding():
    c = parse_payload(
        "BEGIN:VCARD\nFN:O'Neil\\, Jr.\nORG:Smith\\; Sons\nNOTE:long\n  line\nEND:VCARD"
    )
    assert c is not None
    assert c.name == "O'Neil, Jr."
    assert c.company == "Smith; Sons"


def test_mecard():
    c = parse_payload("MECARD:N:Okafor,Chidi;TEL:+2348031234567;EMAIL:chidi@okafor.example;;")
    assert c is not None
    assert (c.name, c.given_name, c.family_name) == ("Chidi Okafor", "Chidi", "Okafor")
    assert c.phones == (("+2348031234567", "other"),)
    assert c.emails == ("chidi@okafor.example",)


@pytest.mark.parametrize(
    ("payload", "field", "value"),
    [
        ("mailto:ops@harbor.example?subject=hi", "emails", ("ops@harbor.example",)),
        ("tel:+12025550143", "phones", (("+12025550143", "other"),)),
        ("https://harbor.example/team", "websites", ("https://harbor.example/team",)),
    ],
)
def test_bare_payloads(payload, field, value):
    c = parse_payload(payload)
    assert c is not None and getattr(c, field) == value


@pytest.mark.parametrize("payload", ["", "hello world", "WIFI:S:net;T:WPA;P:pw;;", "12345"])
def test_not_a_contact(payload):
    assert parse_payload(payload) is None


def test_decode_from_pixels():
    zxingcpp = pytest.importorskip("zxingcpp")
    code = zxingcpp.create_barcode(VCARD, zxingcpp.BarcodeFormat.QRCode)
    img = np.asarray(code.to_image(scale=4))
    canvas = np.full((img.shape[0] + 200, img.shape[1] + 300, 3), 255, np.uint8)
    canvas[100:100 + img.shape[0], 150:150 + img.shape[1]] = img[..., None]
    assert decode(canvas) == [VCARD]
    assert decode(np.full((200, 200, 3), 255, np.uint8)) == []


QP_VCARD = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:B=C3=A4ckerei M=C3=BCller GmbH;Vertrieb\r\n"
    "TEL;WORK;VOICE:+49 30 1234567\r\nTEL;CELL:+49 170 1234567\r\nTEL;WORK;FAX:+49 30 1234568\r\n"
    "EMAIL;INTERNET:juergen@baeckerei.example\r\nEND:VCARD"
)


def test_vcard_2_1_quoted_printable_decodes_to_the_real_name():
    c = parse_payload(QP_VCARD)
    assert c is not None
    assert (c.name, c.given_name, c.family_name) == ("Jürgen Müller", "Jürgen", "Müller")
    assert c.company == "Bäckerei Müller GmbH"
    # vCard 2.1 writes types as bare parameters (TEL;WORK;FAX).
    assert c.phones == (
        ("+49 30 1234567", "work"), ("+49 170 1234567", "mobile"), ("+49 30 1234568", "fax"),
    )
    assert c.emails == ("juergen@baeckerei.example",)


def test_vcard_vobject_cannot_read_still_parses_line_by_line():
    # No END:VCARD (a truncated QR payload): vobject gives up, the line reader does not.
    c = parse_payload("BEGIN:VCARD\nFN:Ana Ruiz\nEMAIL:ana@x.example\n")
    assert c is not None
    assert (c.name, c.emails) == ("Ana Ruiz", ("ana@x.example",))
