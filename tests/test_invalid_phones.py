"""Issue 7: a number phonenumbers does not call valid is stored as such, never
matches two leads, and never leaves as a dialable +E.164 (store, exports, tel:)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from cardscan import crm
from cardscan.crm_drafts import tel_url
from cardscan.crm_review import field_views
from cardscan.export import FORMATS, write_export
from cardscan.export.leads_csv import flatten, lead_to_dict
from cardscan.followup.cadence import Cadence
from cardscan.leads import Lead, PhoneNumber, Task
from cardscan.model import CardRecord, Field, ParsedCard, Phone
from cardscan.store import Store
from cardscan.store.migrations import LATEST, MIGRATIONS, migrate

# "+44 20 7123 456": a London number one digit short (what a misread looks like).
BAD = "+44207123456"
BAD_RAW = "020 7123 456"
GOOD = "+442071234567"
NOW = dt.datetime(2024, 5, 6, 17, 30, tzinfo=dt.UTC)
CLOCK = lambda: dt.datetime(2024, 3, 1, 18, 0)  # noqa: E731


def record(sha: str, name: str, *phones: Phone) -> CardRecord:
    parsed = ParsedCard(name=Field(name, name, 0.9), given_name=name.split()[0],
                        family_name=name.split()[-1], phones=phones)
    return CardRecord(f"photos/{sha}.jpg", 0, "review", parsed=parsed, image_sha256=sha * 32)


def bad_phone() -> Phone:
    return Phone(BAD, "work", BAD_RAW, 0.8, valid=False)


def imp(store: Store, rec: CardRecord, cadence: Cadence) -> crm.ImportResult:
    return crm.import_card(store, rec, event=None, met_on=None, cadence=cadence, clock=CLOCK)


# ---------------------------------------------------------------- store


def test_store_round_trips_valid_and_raw(store: Store, cadence: Cadence) -> None:
    res = imp(store, record("ab", "Jane Doe", bad_phone(), Phone(GOOD, "mobile", GOOD, 0.9)),
              cadence)
    lead = store.get_lead(res.lead_id or "")
    assert lead is not None
    bad, good = lead.phones
    assert (bad.number, bad.valid, bad.raw) == (BAD, False, BAD_RAW)
    assert (good.number, good.valid) == (GOOD, True)
    assert lead.contact_dict()["phones"][0]["valid"] is False


def test_invalid_number_never_merges_two_leads(store: Store, cadence: Cadence) -> None:
    a = imp(store, record("ab", "Jane Doe", bad_phone()), cadence)
    b = imp(store, record("cd", "John Roe", bad_phone()), cadence)
    assert b.merged_into is None and a.lead_id != b.lead_id
    assert store.leads_by_phone([BAD]) == []  # never a key to find a lead by
    c = imp(store, record("ef", "Jane Doe", Phone(GOOD, "work", GOOD, 0.9)), cadence)
    d = imp(store, record("12", "Jane Doe", Phone(GOOD, "work", GOOD, 0.9)), cadence)
    assert d.merged_into == c.lead_id  # a valid number still merges


def _v4_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:4])
    conn.execute("INSERT INTO leads (id, name, created_at, updated_at)"
                 " VALUES ('l1', 'Old Lead', '2024-01-01', '2024-01-01')")
    rows = [(BAD, "work", 0, 0), (GOOD, "mobile", 1, 0), ("+5522941111", "other", 2, 1)]
    conn.executemany("INSERT INTO lead_phones (lead_id, number, type, position, local_only)"
                     " VALUES ('l1', ?, ?, ?, ?)", rows)
    conn.close()


def test_migration_rechecks_numbers_stored_before_v5(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v4_database(path)
    with Store(path) as s:
        assert s.schema_version == LATEST >= 5
        lead = s.get_lead("l1")
    assert lead is not None
    flags = {p.number: (p.valid, p.raw, p.local_only) for p in lead.phones}
    assert flags == {BAD: (False, None, False), GOOD: (True, None, False),
                     "+5522941111": (True, None, True)}
    bad = lead.phones[0]
    assert bad.dialable == "207123456"  # no text recorded: the digits, never "+44..."


# ---------------------------------------------------------------- exports

LEAD = Lead(id="lead-bad", name="Jane Doe", given_name="Jane", family_name="Doe",
            emails=("jane@example.com",),
            phones=(PhoneNumber(BAD, "work", valid=False, raw=BAD_RAW),
                    PhoneNumber(GOOD, "mobile")))
TASKS = (Task(id="lead-bad:call", lead_id=LEAD.id, step="coffee-call", seq=1,
              due=dt.date(2024, 5, 8), channel="call", summary="invite for coffee",
              subject="Coffee", body="Hi Jane"),)


def _unfolded(paths: list[Path]) -> str:
    # Bytes, so CRLF stays CRLF (read_text would turn it into LF and no fold would unfold).
    text = "".join(p.read_bytes().decode("utf-8-sig") for p in paths)
    return text.replace("\r\n ", "").replace("\\n", "\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_the_printed_text_never_plus_e164(tmp_path: Path, fmt: str) -> None:
    text = _unfolded(write_export(fmt, [LEAD], list(TASKS), tmp_path / f"out.{fmt}", now=NOW))
    assert not re.search(r"\+44 ?20 ?7123 ?456(?!\d)", text)  # GOOD has BAD as a prefix
    assert BAD_RAW in text
    assert GOOD in text  # the valid number still goes out as E.164


def test_vcard_tel_is_the_printed_text(tmp_path: Path) -> None:
    text = _unfolded(write_export("vcf", [LEAD], [], tmp_path / "o.vcf", now=NOW))
    tels = [line for line in text.splitlines() if line.startswith("TEL")]
    assert tels == [f"TEL;TYPE=WORK,VOICE:{BAD_RAW}", f"TEL;TYPE=CELL:{GOOD}"]


def test_calendar_says_the_number_is_not_valid(tmp_path: Path) -> None:
    text = _unfolded(write_export("ics", [LEAD], list(TASKS), tmp_path / "o.ics", now=NOW))
    assert f"Work: {BAD_RAW} (not a valid number: as printed on the card)" in text


def test_leads_csv_keeps_the_printed_text() -> None:
    row = flatten(lead_to_dict(LEAD))
    assert row["phone_work"] == BAD_RAW and row["phone_mobile"] == GOOD
    scanned = flatten(record("ab", "Jane Doe", bad_phone()).to_dict())
    assert scanned["phone_work"] == BAD_RAW


# ---------------------------------------------------------------- tel: and review


def test_tel_url_never_dials_an_invalid_plus_number() -> None:
    assert tel_url(PhoneNumber(GOOD, "work")) == f"tel:{GOOD}"
    assert tel_url(PhoneNumber(BAD, "work", valid=False, raw=BAD_RAW)) == "tel:0207123456"
    printed_plus = PhoneNumber(BAD, "work", valid=False, raw="+44 20 7123 456")
    assert tel_url(printed_plus) == "tel:44207123456"
    assert tel_url(PhoneNumber(BAD, "work", valid=False)) == "tel:207123456"


def test_review_marks_the_number_not_valid() -> None:
    phones = [f for f in field_views(LEAD) if f.field == "phone"]
    assert [(f.value, f.not_valid) for f in phones] == [(BAD, True), (GOOD, False)]
