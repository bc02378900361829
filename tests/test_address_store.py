"""The address split in the store (v8 columns), on the Lead, in `leads --format json`,
`show`, the leads CSV; filled at scan, on `edit --address`, and for rows stored before."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest

from cardscan import crm
from cardscan.cli import main
from cardscan.crm_review import edit_lead
from cardscan.export.leads_csv import LEAD_COLUMNS, flatten, lead_to_dict
from cardscan.extract.address_split import AddressParts
from cardscan.followup.cadence import Cadence
from cardscan.leads import ADDRESS_COLUMNS
from cardscan.model import CardRecord, Field, ParsedCard, Phone
from cardscan.store import Store
from cardscan.store.migrations import _V8_ADDRESS_PARTS, LATEST, MIGRATIONS, migrate

CLOCK = lambda: dt.datetime(2024, 3, 1, 18, 0)  # noqa: E731
US_ADDRESS = "12345 Oak Road, Suite 200, Springfield, IL 62704"
US_PARTS = AddressParts("12345 Oak Road, Suite 200", "Springfield", "IL", "62704", "US")


def record(address: str | None, region: str | None, sha: str = "ab") -> CardRecord:
    parsed = ParsedCard(
        name=Field("Jane Doe", "Jane Doe", 0.9), given_name="Jane", family_name="Doe",
        address=Field(address, address, 0.9) if address else None,
        emails=(Field("jane@example.com", "jane@example.com", 0.95),),
        phones=(Phone("+12175550123", "work", "+1 217 555 0123", 0.9),), region=region,
    )
    return CardRecord(f"photos/{sha}.jpg", 0, "ok", parsed=parsed, image_sha256=sha * 32)


def imp(store: Store, rec: CardRecord, cadence: Cadence) -> str:
    res = crm.import_card(store, rec, event=None, met_on=None, cadence=cadence, clock=CLOCK)
    return res.lead_id


def test_scan_stores_the_split(store: Store, cadence: Cadence) -> None:
    lead_id = imp(store, record(US_ADDRESS, "US"), cadence)
    lead = store.get_lead(lead_id)
    assert lead is not None
    assert lead.address == US_ADDRESS  # the whole string is kept
    assert lead.address_parts == US_PARTS
    assert lead.contact_dict()["address_parts"] == US_PARTS.to_dict()


def test_no_address_no_parts(store: Store, cadence: Cadence) -> None:
    lead = store.get_lead(imp(store, record(None, "US"), cadence))
    assert lead is not None and lead.address_parts is None


def test_edit_address_splits_again(store: Store, cadence: Cadence) -> None:
    lead_id = imp(store, record(US_ADDRESS, "US"), cadence)
    edit = edit_lead(store, lead_id, cadence=cadence, clock=CLOCK,
                     address="Damrak 1\n1012 LG Amsterdam\nNetherlands")
    assert edit.lead.address_parts == AddressParts("Damrak 1", "Amsterdam", "", "1012 LG", "NL")
    again = store.get_lead(lead_id)
    assert again is not None and again.address_parts == edit.lead.address_parts
    cleared = edit_lead(store, lead_id, cadence=cadence, clock=CLOCK, address="")
    assert cleared.lead.address is None and cleared.lead.address_parts is None
    stored = store.get_lead(lead_id)
    assert stored is not None and stored.address_parts is None


def _before_v8(path: Path) -> None:
    """A database at the version before the address columns, with one lead."""
    at = next(i for i, (_, sql) in enumerate(MIGRATIONS) if sql is _V8_ADDRESS_PARTS)
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:at])
    conn.execute("INSERT INTO leads (id, name, address, created_at, updated_at) VALUES"
                 " ('l1', 'Old Lead', ?, '2024-01-01', '2024-01-01'),"
                 " ('l2', 'No Address', NULL, '2024-01-01', '2024-01-01')",
                 ("Musterstraße 12, 10115 Berlin",))
    conn.execute("INSERT INTO lead_phones (lead_id, number, type, position)"
                 " VALUES ('l1', '+493012345678', 'work', 0)")
    conn.close()


def test_migration_splits_rows_stored_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _before_v8(path)
    with Store(path) as s:
        assert s.schema_version == LATEST
        old, bare = s.get_lead("l1"), s.get_lead("l2")
    assert old is not None and bare is not None
    # The phone's country (DE) anchors a postcode no shape alone names.
    assert old.address_parts == AddressParts("Musterstraße 12", "Berlin", "", "10115", "DE")
    assert bare.address_parts is None
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT " + ", ".join(ADDRESS_COLUMNS) + " FROM leads WHERE id = 'l2'")
    assert row.fetchone() == (None,) * len(ADDRESS_COLUMNS)
    conn.close()


def test_leads_csv_has_the_parts_for_scans_and_stored_leads(store: Store,
                                                            cadence: Cadence) -> None:
    assert set(ADDRESS_COLUMNS) <= set(LEAD_COLUMNS)
    scanned = flatten(record(US_ADDRESS, "US").to_dict())  # a --no-db scan row
    assert {c: scanned[c] for c in ADDRESS_COLUMNS} == {
        "address_street": "12345 Oak Road, Suite 200", "address_city": "Springfield",
        "address_region": "IL", "address_postcode": "62704", "address_country": "US"}
    lead = store.get_lead(imp(store, record(US_ADDRESS, "US"), cadence))
    assert lead is not None
    stored = flatten(lead_to_dict(lead))
    assert {c: stored[c] for c in ADDRESS_COLUMNS} == {c: scanned[c] for c in ADDRESS_COLUMNS}
    empty = flatten(record(None, "US").to_dict())
    assert all(empty[c] is None for c in ADDRESS_COLUMNS)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-01")
    monkeypatch.delenv("CARDSCAN_CADENCE", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    return tmp_path


def test_cli_leads_json_csv_and_show(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "--name", "Ann Lee", "--email", "ann@example.com"]) == 0
    capsys.readouterr()
    assert main(["leads", "--format", "json"]) == 0
    lead_id = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["edit", lead_id[:8], "--address", "10 Downing Street\nLondon SW1A 2AA"]) == 0
    capsys.readouterr()
    assert main(["leads", "--format", "json"]) == 0
    parts = json.loads(capsys.readouterr().out)[0]["address_parts"]
    assert parts == {"street": "10 Downing Street", "city": "London", "region": "",
                     "postcode": "SW1A 2AA", "country": "GB"}
    assert main(["show", lead_id[:8], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["address_parts"] == parts
    assert main(["show", lead_id[:8]]) == 0
    assert ("Address split: street 10 Downing Street; city London; postcode SW1A 2AA; "
            "country GB") in capsys.readouterr().out
    assert main(["leads", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == LEAD_COLUMNS
    assert (rows[0]["address_city"], rows[0]["address_postcode"]) == ("London", "SW1A 2AA")
