"""safecsv (formula-injection neutralisation, BOM) and the leads CSV of `cardscan scan`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardscan.export.leads_csv import (
    LEAD_COLUMNS,
    flatten,
    follow_up_fields,
    lead_confidence,
    lead_to_dict,
    write_leads_csv,
)
from cardscan.export.safecsv import DANGEROUS_FIRST, safe_cell, unneutralize, write_csv
from cardscan.leads import Lead, PhoneNumber, Task
from cardscan.model import CardRecord, Field, ParsedCard, Phone

BOM = b"\xef\xbb\xbf"


def read_back(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return raw, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+442071234567", "'+442071234567"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("＝1+1", "'＝1+1"),
        ("\x00=1", "'=1"),  # NUL dropped first, then neutralised
        ("a\x00b", "ab"),
        ("Ana Ruiz", "Ana Ruiz"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (3, "3"),
        (0.5, "0.5"),
        (True, "true"),
        (dt.date(2024, 5, 6), "2024-05-06"),
        ("'plain", "'plain"),
        ("'=x", "''=x"),
        ("''", "'''"),
    ],
)
def test_safe_cell_table(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


@given(st.text())
def test_safe_cell_never_starts_with_a_formula_character(s: str) -> None:
    out = safe_cell(s)
    assert not out or out[0] not in DANGEROUS_FIRST
    assert "\x00" not in out


@given(st.text().map(lambda s: s.replace("\x00", "")))
def test_unneutralize_inverts_safe_cell(s: str) -> None:
    assert unneutralize(safe_cell(s)) == s


def test_write_csv_bom_crlf_and_neutralised(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "x.csv"
    n = write_csv(out, ["a", "b"], [["=cmd|' /C calc'!A0", 'line1\nline2, "q"'], ["+34", None]])
    assert n == 2
    raw, rows = read_back(out)
    assert raw.startswith(BOM)
    assert b"\r\n" in raw
    assert rows == [
        {"a": "'=cmd|' /C calc'!A0", "b": 'line1\nline2, "q"'},
        {"a": "'+34", "b": ""},
    ]
    assert not list(tmp_path.glob("sub/.*.tmp"))


def test_write_csv_rejects_ragged_rows_and_keeps_old_file(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    write_csv(out, ["a"], [["old"]])
    with pytest.raises(ValueError, match="row 2"):
        write_csv(out, ["a"], [["new"], ["x", "y"]])
    assert read_back(out)[1] == [{"a": "old"}]
    assert not list(tmp_path.glob(".*.tmp"))


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_any_cells_survive_a_csv_round_trip(rows: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.csv"
        write_csv(path, ["x", "y", "z"], rows)
        back = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert back[0] == ["x", "y", "z"]
    assert [[unneutralize(c) for c in r] for r in back[1:]] == [
        [c.replace("\x00", "") for c in r] for r in rows
    ]
    for r in back[1:]:
        for c in r:
            assert not c or c[0] not in DANGEROUS_FIRST


# ---- leads.csv -------------------------------------------------------------


def card_record() -> CardRecord:
    parsed = ParsedCard(
        name=Field('Ana Ruiz, "Jr"', "Ana Ruiz", 0.9),
        given_name="Ana",
        family_name="Ruiz",
        title=Field("Head of Sales; EMEA", "", 0.8),
        company=Field("=Brightlane", "", 0.7),
        department=Field("Sales", "", 0.6),
        address=Field("Calle Mayor 1\n28013 Madrid", "", 0.5),
        emails=(Field("ana@brightlane.example", "", 0.95), Field("ana.r@example.org", "", 0.4)),
        phones=(
            Phone("+34600111222", "mobile", "M 600 111 222", 0.9),
            Phone("+34911222333", "work", "T 911", 0.8),
            Phone("+34911222334", "work", "T 911 b", 0.8),
            Phone("+34911222399", "fax", "F", 0.8),
        ),
        websites=(Field("brightlane.example", "", 0.9),),
    )
    return CardRecord("photos/ana.jpg", 0, "ok", None, parsed, "text", qr=("MECARD:x",))


def test_leads_csv_from_card_record_and_follow_up(tmp_path: Path) -> None:
    rec = card_record().to_dict()
    rec["qr"] = ["MECARD:x"]
    rec.update(
        lead_id="L1",
        event="Chamber breakfast",
        next_action="Send a short intro email",
        next_action_due=dt.date(2024, 5, 6),
        next_action_channel="email",
        draft_subject="Great to meet you, Ana",
        draft_body="Hi Ana,\n\nlovely to meet you; talk soon.",
    )
    bad = CardRecord("broken.jpg", 0, "error", "broken.jpg: truncated JPEG").to_dict()
    out = tmp_path / "leads.csv"
    assert write_leads_csv(out, [rec, bad]) == 2
    raw, rows = read_back(out)
    assert raw.startswith(BOM)
    assert tuple(rows[0].keys()) == LEAD_COLUMNS
    ana, err = rows
    assert ana == {
        "source": "photos/ana.jpg",
        "card": "0",
        "status": "ok",
        "error": "",
        "review_reason": "",
        "name": 'Ana Ruiz, "Jr"',
        "given_name": "Ana",
        "family_name": "Ruiz",
        "title": "Head of Sales; EMEA",
        "company": "'=Brightlane",
        "department": "Sales",
        "email": "ana@brightlane.example",
        "email_2": "ana.r@example.org",
        "phone_mobile": "'+34600111222",
        "phone_work": "'+34911222333 ; +34911222334",
        "phone_fax": "'+34911222399",
        "phone_other": "",
        "website": "brightlane.example",
        "address": "Calle Mayor 1\n28013 Madrid",
        # The split: the postcode shape of five countries, and a city only one of them has.
        "address_street": "Calle Mayor 1",
        "address_city": "Madrid",
        "address_region": "",
        "address_postcode": "28013",
        "address_country": "ES",
        "qr": "MECARD:x",
        "confidence": "0.9",  # min(name 0.9, max(emails 0.95, phones 0.9))
        "lead_id": "L1",
        "event": "Chamber breakfast",
        "next_action": "Send a short intro email",
        "next_action_due": "2024-05-06",
        "next_action_channel": "email",
        "draft_subject": "Great to meet you, Ana",
        "draft_body": "Hi Ana,\n\nlovely to meet you; talk soon.",
        "met_on": "",
        "review_status": "",
        "tags": "",
        "possible_duplicate_of": "",
        "referred_by": "",
        "next_action_id": "",
    }
    assert err["status"] == "error"
    assert err["error"] == "broken.jpg: truncated JPEG"
    assert err["confidence"] == ""
    assert all(err[k] == "" for k in ("lead_id", "next_action", "draft_body", "email", "qr"))
    for row in rows:
        for cell in row.values():
            assert not cell or cell[0] not in DANGEROUS_FIRST


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"name": 0.9, "emails": 0.2, "phones": 0.7}, 0.7),
        ({"name": 0.3, "emails": 0.9, "phones": 0.0}, 0.3),
        ({"name": 0.8, "emails": 0.0, "phones": 0.0}, 0.0),
        ({"name": 0.8765, "emails": 0.99}, 0.88),
        ({}, None),
        (None, None),
        (0.456, 0.46),
    ],
)
def test_lead_confidence_rule(conf: object, expected: float | None) -> None:
    assert lead_confidence(conf) == expected


def test_flatten_keeps_already_flat_columns_and_fills_missing() -> None:
    flat = flatten({"name": "X", "phone_work": "+1555"})
    assert flat["phone_work"] == "+1555"
    assert flat["email"] is None
    assert set(flat) == set(LEAD_COLUMNS)


def test_lead_to_dict_round_trips_through_the_leads_csv(tmp_path: Path) -> None:
    lead = Lead(
        id="L9",
        name="Zoë O'Brien",
        emails=("zoe@example.com",),
        phones=(PhoneNumber("+447700900123", "mobile"),),
        event="Expo",
        sources=("manual",),
    )
    task = Task("T1", "L9", "call", 2, dt.date(2024, 5, 9), "call", "invite for coffee", "", "")
    out = tmp_path / "l.csv"
    write_leads_csv(out, [lead_to_dict(lead, task)])
    (row,) = read_back(out)[1]
    assert row["name"] == "Zoë O'Brien"
    assert row["phone_mobile"] == "'+447700900123"
    assert row["lead_id"] == "L9"
    assert row["event"] == "Expo"
    assert row["next_action"] == "invite for coffee"
    assert row["next_action_due"] == "2024-05-09"
    assert row["next_action_channel"] == "call"
    assert row["source"] == "manual"


def test_follow_up_fields_without_a_task_keep_the_callers_event() -> None:
    row = {"event": "Expo"}
    row.update(follow_up_fields(None, "L3"))
    assert row["event"] == "Expo"
    assert row["lead_id"] == "L3"
    assert row["next_action"] is None


def test_leads_csv_says_why_a_card_needs_review(tmp_path: Path) -> None:
    from cardscan.api import parse_text

    rec = parse_text("Loja Sol Ltda.\nRua das Flores 12 - Jardim Sul - SP\n2294-1111")
    assert rec.status == "review"
    assert rec.to_dict()["review_reasons"] == [
        "no name found", "phone without area code: 2294-1111",
    ]
    out = tmp_path / "leads.csv"
    write_leads_csv(out, [rec.to_dict(), card_record().to_dict()])
    _, (shop, ana) = read_back(out)
    assert shop["review_reason"] == "no name found ; phone without area code: 2294-1111"
    assert shop["phone_work"] == "'+5522941111"
    assert ana["review_reason"] == ""
