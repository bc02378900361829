"""Every export read back by an independent parser and compared with the store
both ways (issue 9): CSVs against the documented headers kept as data in
tests/fixtures/import_templates.toml, vCards with vobject, calendars with
icalendar and ics.  A hostile lead injects no row, property or formula."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import tomllib
from dataclasses import replace
from pathlib import Path

import ics
import phonenumbers
import pytest
import vobject
from export_fixtures import spreadsheet_formula
from icalendar import Calendar
from PIL import Image

from cardscan import crm
from cardscan.cli import main
from cardscan.export.common import CONTACT_SEPARATOR, name_parts
from cardscan.export.safecsv import safe_cell
from cardscan.followup.cadence import load_cadence
from cardscan.leads import Lead, PhoneNumber

TEMPLATES = tomllib.loads(
    (Path(__file__).parent / "fixtures" / "import_templates.toml").read_text("utf-8")
)
MET = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
ADDRESS = "Calle Mayor 1, 2ºB\n28013 Madrid"
HOSTILE = {
    "name": '=HYPERLINK("http://evil.example","Ana")',
    "company": "+cmd|' /C calc'!A0",
    "title": "-2+3\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nEND:VEVENT",
    "department": "@SUM(1,2)",
    "address": '\tCalle "Mayor"; 1,\nBEGIN:VCARD\nFN:Evil\nEND:VCARD\n28013 Madrid',
    "event": 'Expo; "day, 2"\nEND:VCALENDAR',
}


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(out, "JPEG")
    return out.getvalue()


def make_store(db: Path, **fields: str) -> Lead:
    """A store with one lead as a scan leaves it (plan, card picture), then
    `fields` laid over it; returns the lead as stored."""
    cadence = load_cadence(None)
    with crm.open_store(db) as store:
        result = crm.add_lead(
            store, name="Dr. Ana Ruiz PhD", emails=["ana@brightlane.example", "ana@home.example"],
            phones=["+34 600 111 222", "+34 911 222 333", "+34 911 222 334"],
            company="Brightlane", title="Head of Sales", event="Expo", met_on=MET,
            cadence=cadence, clock=lambda: NOW,
        )
        lead = store.get_lead(str(result.lead_id))
        assert lead is not None
        phones = (replace(lead.phones[0], type="mobile"), *lead.phones[1:],
                  PhoneNumber("+34911222399", "fax"))
        lead = replace(lead, address=ADDRESS, phones=phones, websites=("brightlane.example",))
        lead = replace(lead, **fields)  # type: ignore[arg-type]
        with store.transaction():
            store.save_lead(lead, NOW)
            store.save_source("card-1", path="ana.jpg", status="ok", now=NOW, lead_id=lead.id,
                              card_jpeg=_jpeg((1200, 700)))
        stored = store.get_lead(lead.id)
        assert stored is not None
        return stored


def export(tmp_path: Path, db: Path, fmt: str, *extra: str) -> list[Path]:
    out = tmp_path / f"out-{fmt}.{ {'ics': 'ics', 'vcf': 'vcf'}.get(fmt, 'csv') }"
    assert main(["export", "--format", fmt, "--out", str(out), "--db", str(db), *extra]) == 0
    stem = out.with_suffix("")
    more = {"hubspot": ["-tasks"], "salesforce": ["-dataloader", "-tasks"]}.get(fmt, [])
    return [out, *(Path(f"{stem}{m}.csv") for m in more)]


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def google_documented(n_emails: int, n_phones: int, n_sites: int) -> list[str]:
    g = TEMPLATES["google"]
    head = list(g["header"])
    for key, n in (("emails", n_emails), ("phones", n_phones)):
        head += [c.format(n=i) for i in range(1, n + 1) for c in g[key]]
    head += g["address"]
    head += [c.format(n=i) for i in range(1, n_sites + 1) for c in g["websites"]]
    return head


CSV_FILES = {
    "google": ("google",),
    "outlook": ("outlook",),
    "hubspot": ("hubspot_contacts", "hubspot_tasks"),
    "salesforce": ("salesforce_wizard", "salesforce_dataloader", "salesforce_tasks"),
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Lead]:
    db = tmp_path_factory.mktemp("plain") / "c.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CARDSCAN_TODAY", MET.isoformat())
        return db, make_store(db)


@pytest.mark.parametrize("fmt", list(CSV_FILES))
def test_csv_headers_are_the_documented_ones(
    fmt: str, plain: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, lead = plain
    for path, template in zip(export(tmp_path, db, fmt), CSV_FILES[fmt], strict=True):
        header, rows = read(path)
        documented = (
            google_documented(len(lead.emails), len(lead.phones), len(lead.websites))
            if template == "google" else TEMPLATES[template]["header"]
        )
        assert header == documented, template
        assert TEMPLATES[template]["source"]  # every list says where it comes from
        assert rows and all(None not in r for r in rows)


def contact_values(fmt: str, row: dict[str, str]) -> dict[str, object]:
    """What a target's contact row says, in the store's terms."""
    def cols(*names: str) -> list[str]:
        return [row[n] for n in names if row.get(n)]

    if fmt == "google":
        emails = [v for k, v in row.items() if k.startswith("E-mail") and "Value" in k and v]
        phones = [v for k, v in row.items() if k.startswith("Phone ") and "Value" in k and v]
        addr = cols("Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code",
                    "Address 1 - Country")
        prefix = row["Name Prefix"]
    elif fmt == "outlook":
        emails = cols("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
        phones = cols("Mobile Phone", "Business Phone", "Business Phone 2", "Business Fax",
                      "Other Phone")
        addr = cols("Business Street", "Business City", "Business Postal Code",
                    "Business Country/Region")
        prefix = row["Title"]
    elif fmt == "hubspot":
        emails = cols("Email") + _overflow(row["Card Notes"], "email")
        phones = (cols("Phone Number", "Mobile Phone Number", "Fax Number")
                  + _overflow(row["Card Notes"], "phone"))
        addr = cols("Street Address", "City", "Postal Code", "Country/Region")
        prefix = row["Salutation"]
    else:
        emails = cols("Email") + _overflow(row["Description"], "email")
        phones = cols("Phone", "MobilePhone", "Fax") + _overflow(row["Description"], "phone")
        addr = cols("Street", "City", "PostalCode", "Country")
        prefix = row["Salutation"]
    return {"emails": sorted(emails), "phones": sorted(phones), "address": addr,
            "prefix": prefix}


def _overflow(note: str, label: str) -> list[str]:
    _, _, tail = note.partition(". Also ")
    return [x.split(": ", 1)[1] for x in tail.split("; ") if x.startswith(f"{label}: ")]


@pytest.mark.parametrize("fmt", list(CSV_FILES))
def test_csv_contacts_match_the_store_both_ways(
    fmt: str, plain: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, lead = plain
    path = export(tmp_path, db, fmt)[0 if fmt != "salesforce" else 1]
    (row,) = read(path)[1]
    got = contact_values(fmt, row)
    # store -> file: every email and phone, the split address, the honorific;
    # file -> store: nothing in those columns that the store does not hold.
    assert got["emails"] == sorted(lead.emails)
    assert got["phones"] == sorted(p.number for p in lead.phones)
    assert got["address"] == ["Calle Mayor 1, 2ºB", "Madrid", "28013", "Spain"]
    assert got["prefix"] == "Dr."
    assert name_parts(lead).suffix == "PhD"


@pytest.mark.parametrize("fmt", list(CSV_FILES))
def test_phones_survive_a_spreadsheet_and_an_importer(
    fmt: str, plain: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, lead = plain
    numbers = {p.number for p in lead.phones}
    seen: set[str] = set()
    for path in export(tmp_path, db, fmt):
        text = path.read_text("utf-8-sig")
        assert "'+" not in text  # no apostrophe for an importer to keep
        for row in read(path)[1]:
            for cell in row.values():
                if cell in numbers:
                    seen.add(cell)
                    # a spreadsheet sees a number (no formula: + and digits only) ...
                    assert not spreadsheet_formula(cell)
                    # ... and an importer the exact, valid E.164 number
                    assert phonenumbers.is_valid_number(phonenumbers.parse(cell))
    assert seen == numbers or fmt in ("hubspot", "salesforce")  # those keep extras in notes
    # A number that is not validated keeps the guard, like any other text.
    assert safe_cell("+1 555 0100") == "'+1 555 0100"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Lead]:
    db = tmp_path_factory.mktemp("hostile") / "c.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CARDSCAN_TODAY", MET.isoformat())
        return db, make_store(db, **HOSTILE)


@pytest.mark.parametrize("fmt", list(CSV_FILES))
def test_hostile_lead_injects_no_row_or_formula_in_csv(
    fmt: str, hostile: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, _ = hostile
    with crm.open_store(db) as store:
        n_tasks = len([t for t in store.tasks() if t.status in ("open", "snoozed", "done")])
    for path in export(tmp_path, db, fmt):
        header, rows = read(path)
        assert len(rows) == (n_tasks if path.stem.endswith("-tasks") else 1)
        for row in rows:
            assert None not in row and len(row) == len(header)  # no extra or ragged cells
            for cell in row.values():
                assert not spreadsheet_formula(cell), (path.name, cell)
        if not path.stem.endswith("-tasks"):
            names = " ".join(rows[0].values())
            assert "HYPERLINK" in names  # kept, as inert text


def test_hostile_lead_injects_no_vcard_property(
    hostile: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, _ = hostile
    for version in ("3", "4"):
        (path,) = export(tmp_path, db, "vcf", "--vcard-version", version, "--photos")
        (card,) = list(vobject.readComponents(path.read_text("utf-8")))
        assert {c.lower() for c in card.contents} <= {
            "version", "n", "fn", "org", "title", "email", "tel", "url", "adr", "note",
            "categories", "uid", "rev", "photo"}
        assert card.fn.value == HOSTILE["name"]
        assert card.title.value == HOSTILE["title"].replace("\r\n", "\n")
        assert "Evil" not in {c.value for c in card.contents.get("fn", [])} - {HOSTILE["name"]}


def test_hostile_lead_injects_no_calendar_component(
    hostile: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, _ = hostile
    (path,) = export(tmp_path, db, "ics", "--todo", "--tz", "Europe/Madrid")
    raw = path.read_bytes()
    with crm.open_store(db) as store:
        ids = {t.id for t in store.tasks()}
    cal = Calendar.from_ical(raw)
    assert {str(e["uid"]) for e in cal.walk("VEVENT")} == {f"{i}@cardscan" for i in ids}
    assert {str(e["uid"]) for e in cal.walk("VTODO")} == {f"{i}-todo@cardscan" for i in ids}
    assert len(cal.walk("VCALENDAR")) == 1
    other = ics.Calendar(raw.decode("utf-8"))
    assert {e.uid for e in other.events} == {f"{i}@cardscan" for i in ids}
    # Every injected keyword sits inside an escaped value, never at a line start.
    lines = raw.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == len(ids) and lines.count(b"END:VCALENDAR") == 1
    assert not [x for x in lines if x.startswith((b"BEGIN:VCARD", b"UID:evil"))]
    desc = str(cal.walk("VEVENT")[0]["description"])
    assert HOSTILE["title"].replace("\r\n", "\n") in desc  # kept, as text
    assert CONTACT_SEPARATOR in desc


def test_vcard_4_and_3_with_photo_and_honorific(
    plain: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, lead = plain
    (v3,) = export(tmp_path, db, "vcf", "--photos")
    (card,) = list(vobject.readComponents(v3.read_text("utf-8")))
    assert card.version.value == "3.0"
    n = card.n.value
    assert (n.prefix, n.given, n.family, n.suffix) == ("Dr.", "Ana", "Ruiz", "PhD")
    adr = card.adr.value
    assert (adr.street, adr.city, adr.code, adr.country) == (
        "Calle Mayor 1, 2ºB", "Madrid", "28013", "Spain")
    assert sorted(t.value for t in card.tel_list) == sorted(p.number for p in lead.phones)
    assert sorted(e.value for e in card.email_list) == sorted(lead.emails)
    assert "Expo" in card.categories.value and "Met at Expo" in card.note.value
    with Image.open(io.BytesIO(card.photo.value)) as img:
        assert img.format == "JPEG" and max(img.size) <= 480
    (v4,) = export(tmp_path, db, "vcf", "--vcard-version", "4", "--photos")
    text = v4.read_bytes().decode("utf-8")
    (card4,) = list(vobject.readComponents(text))
    assert card4.version.value == "4.0"
    assert card4.n.value.prefix == "Dr."
    assert sorted(t.value for t in card4.tel_list) == sorted(f"tel:{p.number}" for p in lead.phones)
    assert card4.uid.value.startswith("urn:uuid:")
    # vobject reads a 4.0 data URI as a list at its comma, so read the raw line.
    (photo,) = [x for x in text.replace("\r\n ", "").split("\r\n") if x.startswith("PHOTO")]
    assert photo.startswith("PHOTO:data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(photo.split(",", 1)[1]))) as img:
        assert max(img.size) <= 480
    (plain_v3,) = export(tmp_path, db, "vcf")
    assert "PHOTO" not in plain_v3.read_text("utf-8")  # only when asked


def test_salesforce_success_file_fills_who_id(
    plain: tuple[Path, Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CARDSCAN_TODAY", MET.isoformat())
    db, lead = plain
    _, loader, tasks = export(tmp_path, db, "salesforce")
    assert {r["WhoId"] for r in read(tasks)[1]} == {""}
    # Data Loader's success file: the original columns with the new record's ID first.
    header, rows = read(loader)
    success = tmp_path / "success.csv"
    with success.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", *header, "STATUS"])
        for r in rows:
            w.writerow(["00Q5e00000AbCdEFG1", *r.values(), "Item Created"])
    _, _, tasks = export(tmp_path, db, "salesforce", "--salesforce-ids", str(success))
    rows = read(tasks)[1]
    assert rows and {r["WhoId"] for r in rows} == {"00Q5e00000AbCdEFG1"}
    assert {r["CardscanLeadId"] for r in rows} == {lead.id}
    bad = tmp_path / "bad.csv"
    bad.write_text("Name\nx\n", "utf-8")
    out = tmp_path / "sf.csv"
    assert main(["export", "--format", "salesforce", "--out", str(out), "--db", str(db),
                 "--salesforce-ids", str(bad)]) != 0
    assert "bad.csv: not a Data Loader success file" in capsys.readouterr().err


def test_an_unreadable_card_picture_is_left_out_not_fatal() -> None:
    from cardscan.export.vcf import vcards

    lead = Lead(id="x", name="Ana Ruiz")
    good = Lead(id="y", name="Pat Lee")
    text = vcards([lead, good], [], now=NOW, photos={"x": b"not a jpeg", "y": _jpeg((40, 30))})
    cards = list(vobject.readComponents(text))
    assert [c.fn.value for c in cards] == ["Ana Ruiz", "Pat Lee"]
    assert "photo" not in cards[0].contents and "photo" in cards[1].contents


def test_vcard_4_writes_an_unvalidated_number_as_text() -> None:
    from cardscan.export.vcf import vcards

    lead = Lead(id="x", name="Ana Ruiz", phones=(
        PhoneNumber("+34600111222", "mobile"),
        PhoneNumber("+441234", "work", valid=False, raw="020 7123 456")))
    (card,) = list(vobject.readComponents(vcards([lead], [], now=NOW, version=4)))
    tels = {t.value: t.params.get("VALUE") for t in card.tel_list}
    assert tels == {"tel:+34600111222": ["uri"], "020 7123 456": ["text"]}


def test_the_parts_the_store_keeps_win_over_a_new_split() -> None:
    from cardscan.export.common import address_parts
    from cardscan.extract.address_split import AddressParts

    kept = AddressParts(street="1 Main St", city="Springfield", region="IL", postcode="62701",
                        country="US")
    lead = Lead(id="x", name="Ana Ruiz", address="1 Main St\nSpringfield IL 62701",
                address_parts=kept)
    assert address_parts(lead) == kept
    fresh = address_parts(replace(lead, address_parts=None))
    assert fresh.street and "Main St" in fresh.street  # split again, nothing lost
