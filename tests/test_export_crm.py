"""Google, Outlook, HubSpot and Salesforce CSVs read back with csv.DictReader
using each target's own header names, compared field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from export_fixtures import (
    ANA,
    BOM,
    LEADS,
    NO_COMPANY,
    NO_EMAIL,
    NO_NAME,
    NO_PHONE,
    NOW,
    REFERRED,
    TASKS,
    TRICKY,
    read_csv,
    spreadsheet_formula,
    task,
)

from cardscan.errors import CardscanError
from cardscan.export import FORMATS, write_export
from cardscan.export.common import task_title
from cardscan.export.crm_csv import (
    HUBSPOT_CONTACT_HEADER,
    HUBSPOT_TASK_HEADER,
    NOT_PROVIDED,
    OUTLOOK_HEADER,
    SALESFORCE_LEAD_FIELDS,
    SALESFORCE_LEAD_HEADER,
    SALESFORCE_TASK_HEADER,
    SALESFORCE_WIZARD_HEADER,
    google_header,
    organisation_from_email,
    salesforce_company,
    tasks_path_for,
)
from cardscan.export.safecsv import unneutralize
from cardscan.leads import Lead, Task

BY_ID = {x.id: x for x in LEADS}


def export(tmp_path: Path, fmt: str) -> list[tuple[list[str], list[dict[str, str]]]]:
    """Export, check the invariants every CSV shares, return (header, plain rows)."""
    out = tmp_path / f"{fmt}.csv"
    paths = write_export(fmt, LEADS, TASKS, out, now=NOW)
    assert paths[0] == out
    result = []
    for path in paths:
        raw, header, rows = read_csv(path)
        assert raw.startswith(BOM)
        assert raw.count(BOM) == 1
        for row in rows:
            assert None not in row  # no ragged rows
            for cell in row.values():
                assert not spreadsheet_formula(cell), cell
        result.append((header, [{k: unneutralize(v) for k, v in r.items()} for r in rows]))
    return result


def by(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {r[key]: r for r in rows}


# ---- Google ------------------------------------------------------------------


def test_google_header_is_google_contacts_export_layout(tmp_path: Path) -> None:
    ((header, rows),) = export(tmp_path, "google")
    # ANA has 2 emails, 5 phones, 2 websites: Google widens its groups the same way.
    assert header == google_header(2, 5, 2)
    assert header[:17] == [
        "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
        "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
        "Organization Name", "Organization Title", "Organization Department", "Birthday",
        "Notes", "Photo", "Labels",
    ]  # fmt: skip
    assert header[17:21] == [
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "E-mail 2 - Label",
        "E-mail 2 - Value",
    ]
    assert "Phone 5 - Value" in header and "Phone 6 - Value" not in header
    assert header[-4:] == [
        "Website 1 - Label",
        "Website 1 - Value",
        "Website 2 - Label",
        "Website 2 - Value",
    ]
    assert len(rows) == len(LEADS)


def test_google_fields(tmp_path: Path) -> None:
    ((_, rows),) = export(tmp_path, "google")
    ana, pat, sam, acme = rows[0], rows[1], rows[2], rows[4]
    assert ana["First Name"] == "Ana" and ana["Last Name"] == "Ruiz"
    assert ana["Organization Name"] == "Brightlane, S.L.; R&D"
    assert ana["Organization Title"] == "Head of Sales, EMEA"
    assert ana["Organization Department"] == "Sales"
    assert (ana["E-mail 1 - Label"], ana["E-mail 1 - Value"]) == ("Work", "ana@brightlane.example")
    assert ana["E-mail 2 - Value"] == "ana.ruiz@example.org"
    phones = [(ana[f"Phone {i} - Label"], ana[f"Phone {i} - Value"]) for i in range(1, 6)]
    assert phones == [
        ("Mobile", "+34600111222"),
        ("Work", "+34911222333"),
        ("Work", "+34911222334"),
        ("Work Fax", "+34911222399"),
        ("Other", "+34911222000"),
    ]
    assert ana["Address 1 - Label"] == "Work"
    assert ana["Address 1 - Formatted"] == ANA.address
    assert ana["Address 1 - Street"] == "Calle Mayor 1, 2ºB"
    assert (ana["Address 1 - City"], ana["Address 1 - Postal Code"]) == ("Madrid", "28013")
    assert (ana["Address 1 - Region"], ana["Address 1 - Country"]) == ("", "Spain")
    assert ana["Website 1 - Value"] == "brightlane.example"
    assert ana["Labels"] == "* myContacts ::: cardscan ::: Chamber breakfast"
    assert ana["Notes"].startswith("Met at Chamber breakfast on 2024-05-03. Next: Call Ana Ruiz")
    assert pat["Organization Name"] == ""  # Google needs no company: none invented
    assert sam["E-mail 1 - Value"] == "" and sam["E-mail 1 - Label"] == ""
    assert sam["Phone 1 - Value"] == "+12025550143"
    assert acme["First Name"] == "" and acme["Organization Name"] == "Acme Widgets Ltd"
    assert "Referred by Ana Ruiz" in rows[5]["Notes"]


# ---- Outlook -----------------------------------------------------------------


def test_outlook_header_is_outlooks_92_columns(tmp_path: Path) -> None:
    ((header, _),) = export(tmp_path, "outlook")
    assert header == list(OUTLOOK_HEADER)
    assert len(header) == 92
    assert header[:8] == [
        "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
        "Job Title",
    ]  # fmt: skip
    assert header[-1] == "Web Page"
    for col in ("Business Phone", "Business Fax", "Mobile Phone", "E-mail Address", "Notes"):
        assert col in header


def test_outlook_fields(tmp_path: Path) -> None:
    ((_, rows),) = export(tmp_path, "outlook")
    ana = rows[0]
    assert ana["Title"] == ""  # Outlook's Title is the honorific, not the job
    assert ana["Job Title"] == "Head of Sales, EMEA"
    assert (ana["First Name"], ana["Last Name"]) == ("Ana", "Ruiz")
    assert ana["Company"] == "Brightlane, S.L.; R&D"
    assert ana["Department"] == "Sales"
    assert ana["Business Street"] == "Calle Mayor 1, 2ºB"
    assert (ana["Business City"], ana["Business Postal Code"]) == ("Madrid", "28013")
    assert ana["Business Country/Region"] == "Spain"
    assert ana["Mobile Phone"] == "+34600111222"
    assert ana["Business Phone"] == "+34911222333"
    assert ana["Business Phone 2"] == "+34911222334"
    assert ana["Business Fax"] == "+34911222399"
    assert ana["Other Phone"] == "+34911222000"
    assert ana["E-mail Address"] == "ana@brightlane.example"
    assert ana["E-mail Type"] == "SMTP"
    assert ana["E-mail Display Name"] == "Ana Ruiz (ana@brightlane.example)"
    assert ana["E-mail 2 Address"] == "ana.ruiz@example.org"
    assert ana["E-mail 3 Address"] == ""
    assert ana["Web Page"] == "brightlane.example"
    assert ana["Categories"] == "cardscan;Chamber breakfast"
    assert ana["Notes"].endswith("Also web: https://blog.brightlane.example/ana")
    assert rows[5]["Referred By"] == "Ana Ruiz"


# ---- HubSpot -----------------------------------------------------------------


def test_hubspot_contacts_and_tasks(tmp_path: Path) -> None:
    (c_header, contacts), (t_header, tasks) = export(tmp_path, "hubspot")
    assert (tmp_path / "hubspot-tasks.csv").exists()
    assert c_header == list(HUBSPOT_CONTACT_HEADER)
    assert t_header == list(HUBSPOT_TASK_HEADER)
    ana = contacts[0]
    assert {k: v for k, v in ana.items() if k != "Card Notes"} == {
        "First Name": "Ana",
        "Last Name": "Ruiz",
        "Email": "ana@brightlane.example",
        "Phone Number": "+34911222333",
        "Mobile Phone Number": "+34600111222",
        "Fax Number": "+34911222399",
        "Company Name": "Brightlane, S.L.; R&D",
        "Job Title": "Head of Sales, EMEA",
        "Website URL": "brightlane.example",
        "Street Address": "Calle Mayor 1, 2ºB",
        "Salutation": "",
        "City": "Madrid",
        "State/Region": "",
        "Postal Code": "28013",
        "Country/Region": "Spain",
        "Event": "Chamber breakfast",
    }
    assert set(contacts[0]) == set(HUBSPOT_CONTACT_HEADER)
    notes = contacts[0]["Card Notes"]
    for extra in ("phone: +34911222334", "phone: +34911222000", "email: ana.ruiz@example.org"):
        assert extra in notes
    assert notes.startswith("Met at Chamber breakfast on 2024-05-03.")
    assert contacts[2]["Email"] == "" and contacts[2]["Phone Number"] == "+12025550143"
    # skipped tasks are not exported; done ones are, as completed
    exported = [t for t in TASKS if t.status != "skipped"]
    assert len(tasks) == len(exported)
    rows = by(tasks, "Task Title")
    for t in exported:
        row = rows[task_title(t, BY_ID[t.lead_id])]
        assert row["Due Date"] == t.due.isoformat()
        assert row["Task Type"] == {"email": "EMAIL", "call": "CALL"}.get(t.channel, "TODO")
        assert row["Task Status"] == ("COMPLETED" if t.status == "done" else "NOT_STARTED")
        lead = BY_ID[t.lead_id]
        assert row["Email"] == (lead.emails[0] if lead.emails else "")
        assert t.body.strip() in row["Notes"]
    coffee = rows["Call Ana Ruiz (Brightlane, S.L.; R&D): invite for coffee"]
    assert coffee["Priority"] == "MEDIUM"
    assert rows["Email Kim Park: intro-email summary"]["Priority"] == "HIGH"  # overdue
    assert rows["Call Mary Jones: call Mary (from Ana)"]["Priority"] == "HIGH"  # referral, today
    done = rows["Email Ana Ruiz (Brightlane, S.L.; R&D): intro-email summary"]
    assert done["Priority"] == "MEDIUM"


# ---- Salesforce --------------------------------------------------------------


def test_salesforce_leads(tmp_path: Path) -> None:
    (wizard_header, wizard), (header, leads), _ = export(tmp_path, "salesforce")
    assert header == list(SALESFORCE_LEAD_HEADER)
    # The wizard's file: the same rows under the field labels, one for one.
    assert wizard_header == list(SALESFORCE_WIZARD_HEADER)
    label = dict(SALESFORCE_LEAD_FIELDS)
    assert "Zip/Postal Code" in wizard_header and "PostalCode" in header
    for row, lrow in zip(wizard, leads, strict=True):
        assert all(row[label[api]] == lrow[api] for api, _ in SALESFORCE_LEAD_FIELDS)
    rows = by(leads, "CardscanLeadId")
    ana = rows[ANA.id]
    assert (ana["FirstName"], ana["LastName"], ana["Company"]) == ("Ana", "Ruiz", ANA.company)
    assert ana["Title"] == "Head of Sales, EMEA"
    assert ana["Email"] == "ana@brightlane.example"
    assert ana["Phone"] == "+34911222333"
    assert ana["MobilePhone"] == "+34600111222"
    assert ana["Fax"] == "+34911222399"
    assert ana["Website"] == "brightlane.example"
    assert (ana["Street"], ana["City"], ana["PostalCode"]) == ("Calle Mayor 1, 2ºB", "Madrid",
                                                                 "28013")
    assert (ana["State"], ana["Country"]) == ("", "Spain")
    desc = ana["Description"]
    assert desc.startswith("Department: Sales. Met at Chamber breakfast on 2024-05-03.")
    for extra in ("phone: +34911222334", "phone: +34911222000", "email: ana.ruiz@example.org"):
        assert extra in desc
    # Required fields are never empty
    assert all(r["LastName"] and r["Company"] for r in leads)
    assert rows[NO_COMPANY.id]["Company"] == "Northwind-Traders"  # from the email domain
    assert rows[NO_PHONE.id]["Company"] == NOT_PROVIDED  # gmail says nothing
    assert rows[NO_EMAIL.id]["Company"] == NOT_PROVIDED
    assert (rows[NO_EMAIL.id]["FirstName"], rows[NO_EMAIL.id]["LastName"]) == ("", "Sam")
    assert rows[NO_NAME.id]["LastName"] == NOT_PROVIDED
    assert rows[NO_NAME.id]["Company"] == "Acme Widgets Ltd"


def test_salesforce_tasks(tmp_path: Path) -> None:
    _, _, (header, tasks) = export(tmp_path, "salesforce")
    assert (tmp_path / "salesforce-tasks.csv").exists()
    assert header == list(SALESFORCE_TASK_HEADER)
    exported = [t for t in TASKS if t.status != "skipped"]
    assert len(tasks) == len(exported)
    # sorted by due date, then lead
    assert [r["ActivityDate"] for r in tasks] == sorted(r["ActivityDate"] for r in tasks)
    rows = by(tasks, "Subject")
    for t in exported:
        lead = BY_ID[t.lead_id]
        row = rows[task_title(t, lead)]
        assert row["WhoId"] == ""
        assert row["ActivityDate"] == t.due.isoformat()
        assert row["Status"] == ("Completed" if t.status == "done" else "Not Started")
        assert row["Priority"] in ("High", "Normal")
        assert row["LeadEmail"] == (lead.emails[0] if lead.emails else "")
        assert row["CardscanLeadId"] == t.lead_id
        assert t.subject.strip() in row["Description"]
    assert rows["Call Mary Jones: call Mary (from Ana)"]["Priority"] == "High"
    assert rows["Call Mary Jones: call Mary (from Ana)"]["Type"] == "Call"
    assert rows["Call Sam: coffee-call summary"]["Priority"] == "Normal"


@pytest.mark.parametrize(
    ("email", "org"),
    [
        ("ana@brightlane.io", "Brightlane"),
        ("ana@mail.brightlane.io", "Brightlane"),
        ("pat@northwind-traders.co.uk", "Northwind-Traders"),
        ("x@acme.com.au", "Acme"),
        ("x@ACME.COM", "Acme"),
        ("x@gmail.com", None),
        ("x@hotmail.co.uk", None),
        ("x@proton.me", None),
        ("broken", None),
        ("x@localhost", None),
    ],
)
def test_organisation_from_email(email: str, org: str | None) -> None:
    assert organisation_from_email(email) == org


def test_salesforce_company_prefers_card_then_domain() -> None:
    lead = Lead(id="a", name="A B", emails=("a@gmail.com", "a@work.example"))
    assert salesforce_company(lead) == "Work"
    assert salesforce_company(Lead(id="b", name="B", company="Card Co")) == "Card Co"


# ---- every CSV target -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["google", "outlook", "hubspot", "salesforce"])
def test_tricky_names_survive_every_csv(tmp_path: Path, fmt: str) -> None:
    contacts = export(tmp_path, fmt)[0][1]
    first = {"salesforce": "First Name"}.get(fmt, "First Name")
    last = "Last Name"
    suffix = {"google": "Name Suffix", "outlook": "Suffix"}.get(fmt)
    company = {"google": "Organization Name", "outlook": "Company", "hubspot": "Company Name"}.get(
        fmt, "Company"
    )
    start = LEADS.index(TRICKY[0])
    for lead, row in zip(TRICKY, contacts[start:], strict=True):
        name = lead.name or ""
        parts = [row[first], row[last]] + ([row[suffix]] if suffix else [])
        if suffix or "PhD" not in name:
            assert " ".join(x for x in parts if x) == " ".join(name.replace(";", "").split())
        assert row[company] == name


def test_every_phone_cell_is_e164_text(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    write_export("outlook", [ANA], [], out, now=NOW)
    raw = out.read_bytes().decode("utf-8-sig")
    assert ",+34600111222," in raw  # plain E.164: an importer keeps an apostrophe
    assert "'+34" not in raw


def test_unknown_format_and_paths(tmp_path: Path) -> None:
    with pytest.raises(CardscanError, match="unknown export format 'xls'"):
        write_export("xls", LEADS, TASKS, tmp_path / "x", now=NOW)
    assert set(FORMATS) == {"ics", "vcf", "google", "outlook", "hubspot", "salesforce"}
    assert tasks_path_for(Path("out/crm.csv")) == Path("out/crm-tasks.csv")
    assert tasks_path_for(Path("crm")) == Path("crm-tasks.csv")
    out = tmp_path / "deep" / "dir" / "crm.csv"
    paths = write_export("HubSpot", LEADS, TASKS, out, now=NOW)
    assert paths == [out, tmp_path / "deep" / "dir" / "crm-tasks.csv"]


def test_empty_store_writes_header_only_files(tmp_path: Path) -> None:
    for fmt in ("google", "outlook", "hubspot", "salesforce"):
        for path in write_export(fmt, [], [], tmp_path / f"{fmt}.csv", now=NOW):
            raw, header, rows = read_csv(path)
            assert raw.startswith(BOM) and header and rows == []


def test_referral_is_high_priority_even_when_not_yet_due(tmp_path: Path) -> None:
    future = task(REFERRED, "referral", 1, dt.date(2024, 6, 3), "call")
    later = task(REFERRED, "coffee-call", 2, dt.date(2024, 6, 3), "call")
    _, _, tasks_csv = write_export(
        "salesforce", [REFERRED], [future, later], tmp_path / "s.csv", now=NOW
    )
    rows = read_csv(tasks_csv)[2]
    assert [r["Priority"] for r in rows] == ["High", "Normal"]


def test_referred_fixture() -> None:
    assert REFERRED.referred_by == ANA.id
    assert dt.date(2024, 5, 6) == NOW.date()


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Call Ana Ruiz: invite for coffee",
            "Call Ana Ruiz (Brightlane, S.L.; R&D): invite for coffee"),
        ("invite for coffee", "Call Ana Ruiz (Brightlane, S.L.; R&D): invite for coffee"),
    ],
)
def test_task_title_names_the_person_once(summary, expected):
    t = Task("t1", ANA.id, "coffee-call", 2, dt.date(2024, 5, 8), "call", summary, "s", "b")
    assert task_title(t, ANA) == expected
