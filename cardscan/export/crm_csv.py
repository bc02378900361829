"""Contact and CRM CSVs: Google Contacts, Outlook, HubSpot, Salesforce.

All files go through `safecsv.write_csv` (UTF-8 with BOM, formula-injection
safe).  Phones phonenumbers validated go out as plain E.164 (``+4420...``, no
apostrophe: importers keep an apostrophe as part of the number; a ``+`` and
digits alone are no formula, see `safecsv`).  Every email and phone of a lead
is kept: in the target's own slots while they last, then in its notes.  The
address goes out split (street, city, region, postcode, country name; see
`cardscan.export.common.address_parts`), the honorific and post-nominal
letters in the target's prefix/suffix fields.

Header sources (each header list below is data, cited here; a column the
target does not know has to be mapped by hand in its import wizard, so the
only such columns are named in the docstring of their list):

* Google Contacts: the header row Google Contacts writes with Export ->
  "Google CSV" in its current (2023-) layout, which its importer reads back:
  names (with Name Prefix / Name Suffix), organisation, Notes, Labels, then
  numbered ``E-mail N``, ``Phone N``, ``Address 1`` (Street, City, Region,
  Postal Code, Country), ``Website N`` label/value groups.  Like Google, we
  emit as many numbered groups as the widest contact needs.  Labels are
  separated by `` ::: `` as Google writes them.
* Outlook: the 92-column header of Outlook desktop's File > Export >
  "Comma Separated Values", the list Microsoft's "Create or edit .csv files
  to import into Outlook" article documents.  Outlook's "Title" is the
  honorific (Dr., Ms.) and "Suffix" the post-nominal letters; the job title
  goes to "Job Title"; the address to the Business Street/City/State/Postal
  Code/Country/Region columns; three e-mail slots.
* HubSpot contacts: HubSpot's default contact property labels (Salutation,
  First Name, Last Name, Email, Phone Number, Mobile Phone Number, Fax
  Number, Company Name, Job Title, Website URL, Street Address, City,
  State/Region, Postal Code, Country/Region), which its import wizard maps
  automatically, plus two columns HubSpot has no default property for:
  "Event" and "Card Notes" (in the wizard: "Create a new property", once).
  HubSpot's default properties hold one email and three phones; the others
  go to Card Notes.
* HubSpot tasks: labels of the task properties documented in HubSpot's tasks
  API guide (developers.hubspot.com, "Activities | Tasks"): Task Title
  (hs_task_subject), Due Date (hs_timestamp), Task Type (hs_task_type: EMAIL,
  CALL, TODO), Task Status (hs_task_status: NOT_STARTED, COMPLETED), Priority
  (hs_task_priority: LOW, MEDIUM, HIGH), Notes (hs_task_body); plus the
  contact's Email, the unique identifier HubSpot uses to associate each task
  with its contact in a two-object import.  HubSpot cannot update tasks by
  import, so import the tasks file once; re-importing adds copies.
* Salesforce, two Lead files with the same rows, because its two import tools
  match columns differently (Salesforce Help, "General Importing Questions"
  and the Lead object's Field Reference on developer.salesforce.com):
  ``<stem>.csv`` for the Data Import Wizard carries the field LABELS ("First
  Name", "Zip/Postal Code", "State/Province"), which the wizard matches;
  ``<stem>-dataloader.csv`` carries the API NAMES (FirstName, PostalCode),
  which Data Loader's "Auto-Match Fields to Columns" matches.
* Salesforce tasks (``<stem>-tasks.csv``, API names): the Data Import Wizard
  imports accounts, contacts, leads, solutions, person accounts, campaign
  members and custom objects only (Salesforce Help, "Which data can I
  import?"), so Tasks are for Data Loader.  A Task names its lead by WhoId,
  the Salesforce Id the lead got on import: import ``-dataloader.csv`` with
  Data Loader, then export again with ``--salesforce-ids`` pointing at Data
  Loader's success file (it lists each new Id next to the original columns,
  CardscanLeadId among them) and every task row carries its WhoId.  Without
  it WhoId stays empty and LeadEmail / CardscanLeadId say whose task it is.

Salesforce requires Last Name and Company on a Lead.  Last Name is the family
name, else the whole name (mononyms), else "[not provided]".  Company is the
card's company; when the card has none, the organisation of the first
non-webmail email domain (``ana@brightlane.io`` -> "Brightlane"; a list of
consumer mailbox domains lives in ``cardscan/vocab/freemail_domains.txt``); else
"[not provided]", the placeholder Salesforce's own Web-to-Lead writes when a
form has no company.  Other targets do not require a company and get none
invented.  Salutation is a picklist (Mr., Ms., Mrs., Dr., Prof.): an honorific
outside it is left out of that column (it is still in no other field: the
card's name is the person's name).

Priority (HubSpot HIGH/MEDIUM, Salesforce High/Normal): high for a referral
step ("call Mary") and for any task due on or before the export date
(``now``); completed tasks are never high.  Open and snoozed tasks export as not started,
done ones as completed, skipped and cancelled ones not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from cardscan.errors import CardscanError
from cardscan.extract.address_split import AddressParts
from cardscan.leads import Lead, Task

from .common import (
    PENDING,
    address_parts,
    clean_text,
    country_name,
    display_name,
    is_high_priority,
    lead_note,
    name_parts,
    next_task_by_lead,
    phones_of,
    split_name,
    task_description,
    task_title,
)
from .safecsv import import_number, write_csv

NOT_PROVIDED = "[not provided]"
EXPORTED_STATUSES = PENDING | {"done"}

# ---- Google Contacts -------------------------------------------------------

GOOGLE_HEAD: tuple[str, ...] = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
)
GOOGLE_ADDRESS: tuple[str, ...] = (
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - PO Box",
    "Address 1 - Region",
    "Address 1 - Postal Code",
    "Address 1 - Country",
    "Address 1 - Extended Address",
)
GOOGLE_PHONE_LABEL = {"mobile": "Mobile", "work": "Work", "fax": "Work Fax", "other": "Other"}
GOOGLE_LABEL_SEP = " ::: "


def google_header(n_emails: int = 1, n_phones: int = 1, n_websites: int = 1) -> list[str]:
    header = list(GOOGLE_HEAD)
    for i in range(1, n_emails + 1):
        header += [f"E-mail {i} - Label", f"E-mail {i} - Value"]
    for i in range(1, n_phones + 1):
        header += [f"Phone {i} - Label", f"Phone {i} - Value"]
    header += GOOGLE_ADDRESS
    for i in range(1, n_websites + 1):
        header += [f"Website {i} - Label", f"Website {i} - Value"]
    return header


def _google_row(
    lead: Lead,
    next_task: Task | None,
    referrer: Lead | None,
    sizes: tuple[int, int, int],
) -> list[object]:
    name = name_parts(lead)
    labels = ["* myContacts", "cardscan"]
    if lead.event:
        labels.append(clean_text(lead.event).replace(":::", ":").strip())
    row: list[object] = [name.given, name.middle, name.family, "", "", "", name.prefix,
                         name.suffix, "", ""]
    row += [lead.company, lead.title, lead.department, "", lead_note(lead, next_task, referrer)]
    row += ["", GOOGLE_LABEL_SEP.join(x for x in labels if x)]
    n_emails, n_phones, n_websites = sizes
    emails = list(lead.emails) + [""] * (n_emails - len(lead.emails))
    for e in emails:
        row += ["Work" if e else "", e]
    phones: list[tuple[str, object]] = [
        (GOOGLE_PHONE_LABEL.get(p.type, "Other"), import_number(p)) for p in lead.phones
    ]
    phones += [("", "")] * (n_phones - len(phones))
    for label, number in phones:
        row += [label, number]
    address = clean_text(lead.address).strip()
    parts = address_parts(lead)
    row += ["Work" if address else "", address, parts.street, parts.city, "", parts.region,
            parts.postcode, country_name(parts.country), ""]
    sites = list(lead.websites) + [""] * (n_websites - len(lead.websites))
    for w in sites:
        row += ["Work" if w else "", w]
    return row


def write_google(path: Path, leads: Sequence[Lead], tasks: Sequence[Task]) -> list[Path]:
    sizes = (
        max([1, *(len(x.emails) for x in leads)]),
        max([1, *(len(x.phones) for x in leads)]),
        max([1, *(len(x.websites) for x in leads)]),
    )
    header = google_header(*sizes)
    rows = (_google_row(x, n, r, sizes) for x, n, r in _with_context(leads, tasks))
    write_csv(path, header, rows)
    return [Path(path)]


# ---- Outlook ---------------------------------------------------------------

OUTLOOK_HEADER: tuple[str, ...] = (
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business Street 2", "Business Street 3", "Business City",
    "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
    "Home Street 2", "Home Street 3", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3", "Other City",
    "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone",
    "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone",
    "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address",
    "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name",
    "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage",
    "Notes", "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority",
    "Private", "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page",
)  # fmt: skip

# Phone slots per type, in the order numbers of that type fill them.
OUTLOOK_PHONES: dict[str, tuple[str, ...]] = {
    "mobile": ("Mobile Phone",),
    "work": ("Business Phone", "Business Phone 2"),
    "fax": ("Business Fax",),
    "other": ("Other Phone",),
}


def _place(
    values: Iterable[object], slots: Sequence[str], row: dict[str, object], label: str
) -> list[str]:
    """Fill empty `slots` in order; return what did not fit, labelled."""
    leftover: list[str] = []
    free = [s for s in slots if not row.get(s)]
    for v in values:
        if free:
            row[free.pop(0)] = v
        else:
            leftover.append(f"{label}: {v}")
    return leftover


def _with_overflow(note: str, leftover: list[str]) -> str:
    return f"{note}. Also {'; '.join(leftover)}" if leftover else note


def _address_cells(parts: AddressParts, columns: Sequence[str]) -> dict[str, object]:
    """street, city, region, postcode, country name under the target's `columns`."""
    values = (parts.street, parts.city, parts.region, parts.postcode, country_name(parts.country))
    return dict(zip(columns, values, strict=True))


def _outlook_row(lead: Lead, next_task: Task | None, referrer: Lead | None) -> list[object]:
    name = name_parts(lead)
    display = display_name(lead)
    row: dict[str, object] = {
        "Title": name.prefix,
        "First Name": name.given,
        "Middle Name": name.middle,
        "Last Name": name.family,
        "Suffix": name.suffix,
        "Company": lead.company,
        "Department": lead.department,
        "Job Title": lead.title,
        **_address_cells(address_parts(lead), (
            "Business Street", "Business City", "Business State", "Business Postal Code",
            "Business Country/Region")),
        "Web Page": lead.websites[0] if lead.websites else "",
        "Categories": ";".join(
            ["cardscan"] + ([clean_text(lead.event).replace(";", ",")] if lead.event else [])
        ),
        "Referred By": display_name(referrer) if referrer else "",
    }
    leftover: list[str] = []
    for kind, slots in OUTLOOK_PHONES.items():
        leftover += _place(phones_of(lead, kind), slots, row, kind)
    for i, email in enumerate(lead.emails):
        if i < 3:
            prefix = "E-mail" if i == 0 else f"E-mail {i + 1}"
            row[f"{prefix} Address"] = email
            row[f"{prefix} Type"] = "SMTP"
            row[f"{prefix} Display Name"] = f"{display} ({email})"
        else:
            leftover.append(f"email: {email}")
    leftover += [f"web: {w}" for w in lead.websites[1:]]
    row["Notes"] = _with_overflow(lead_note(lead, next_task, referrer), leftover)
    return [row.get(h, "") for h in OUTLOOK_HEADER]


def write_outlook(path: Path, leads: Sequence[Lead], tasks: Sequence[Task]) -> list[Path]:
    rows = (_outlook_row(x, n, r) for x, n, r in _with_context(leads, tasks))
    write_csv(path, OUTLOOK_HEADER, rows)
    return [Path(path)]


# ---- HubSpot ---------------------------------------------------------------

HUBSPOT_CONTACT_HEADER: tuple[str, ...] = (
    "Salutation",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Mobile Phone Number",
    "Fax Number",
    "Company Name",
    "Job Title",
    "Website URL",
    "Street Address",
    "City",
    "State/Region",
    "Postal Code",
    "Country/Region",
    "Event",  # no default property: "Create a new property" in the import wizard
    "Card Notes",  # likewise; every email and phone the default properties cannot hold
)
HUBSPOT_TASK_HEADER: tuple[str, ...] = (
    "Task Title",
    "Due Date",
    "Task Type",
    "Task Status",
    "Priority",
    "Notes",
    "Email",
)
HUBSPOT_TASK_TYPE = {"email": "EMAIL", "call": "CALL", "meeting": "TODO", "note": "TODO"}


def _hubspot_contact(lead: Lead, next_task: Task | None, referrer: Lead | None) -> list[object]:
    name = name_parts(lead)
    row: dict[str, object] = {
        "Salutation": name.prefix,
        "First Name": name.given,
        "Last Name": name.family,
        "Email": lead.emails[0] if lead.emails else "",
        "Company Name": lead.company,
        "Job Title": lead.title,
        "Website URL": lead.websites[0] if lead.websites else "",
        **_address_cells(address_parts(lead), (
            "Street Address", "City", "State/Region", "Postal Code", "Country/Region")),
        "Event": clean_text(lead.event).strip(),
    }
    leftover = _place(phones_of(lead, "work") + phones_of(lead, "other"), ("Phone Number",),
                      row, "phone")
    leftover += _place(phones_of(lead, "mobile"), ("Mobile Phone Number",), row, "mobile")
    leftover += _place(phones_of(lead, "fax"), ("Fax Number",), row, "fax")
    leftover += [f"email: {e}" for e in lead.emails[1:]]
    leftover += [f"web: {w}" for w in lead.websites[1:]]
    row["Card Notes"] = _with_overflow(lead_note(lead, next_task, referrer), leftover)
    return [row.get(h, "") for h in HUBSPOT_CONTACT_HEADER]


def _hubspot_task(
    task: Task, lead: Lead | None, referrer: Lead | None, today: dt.date
) -> list[object]:
    return [
        task_title(task, lead),
        task.due.isoformat(),
        HUBSPOT_TASK_TYPE.get(task.channel, "TODO"),
        "COMPLETED" if task.status == "done" else "NOT_STARTED",
        "HIGH" if is_high_priority(task, today) and task.status != "done" else "MEDIUM",
        task_description(task, lead, referrer),
        lead.emails[0] if lead and lead.emails else "",
    ]


def tasks_path_for(out: Path) -> Path:
    """The tasks file that goes with a contacts/leads file: ``<stem>-tasks.csv``."""
    out = Path(out)
    return out.with_name(f"{out.stem}-tasks.csv")


def dataloader_path_for(out: Path) -> Path:
    """The Data Loader lead file that goes with the wizard's: ``<stem>-dataloader.csv``."""
    out = Path(out)
    return out.with_name(f"{out.stem}-dataloader.csv")


def write_hubspot(
    path: Path, leads: Sequence[Lead], tasks: Sequence[Task], *, now: dt.datetime
) -> list[Path]:
    by_id = {x.id: x for x in leads}
    rows = (_hubspot_contact(x, n, r) for x, n, r in _with_context(leads, tasks))
    write_csv(path, HUBSPOT_CONTACT_HEADER, rows)
    tasks_path = tasks_path_for(path)
    task_rows = (
        _hubspot_task(t, by_id.get(t.lead_id), _referrer(by_id, t), now.date())
        for t in _exported_tasks(tasks)
    )
    write_csv(tasks_path, HUBSPOT_TASK_HEADER, task_rows)
    return [Path(path), tasks_path]


# ---- Salesforce ------------------------------------------------------------

# (API name, field label) of the Lead fields written, in column order (Lead
# object, Salesforce Field Reference).  CardscanLeadId is not a Lead field: Data
# Loader leaves it unmapped and copies it into its success file (see
# `read_salesforce_ids`); the wizard file does not carry it.
SALESFORCE_LEAD_FIELDS: tuple[tuple[str, str], ...] = (
    ("Salutation", "Salutation"),
    ("FirstName", "First Name"),
    ("LastName", "Last Name"),
    ("Company", "Company"),
    ("Title", "Title"),
    ("Email", "Email"),
    ("Phone", "Phone"),
    ("MobilePhone", "Mobile Phone"),
    ("Fax", "Fax"),
    ("Website", "Website"),
    ("Street", "Street"),
    ("City", "City"),
    ("State", "State/Province"),
    ("PostalCode", "Zip/Postal Code"),
    ("Country", "Country"),
    ("Description", "Description"),
)
SALESFORCE_LEAD_HEADER: tuple[str, ...] = (
    *(api for api, _ in SALESFORCE_LEAD_FIELDS), "CardscanLeadId")
SALESFORCE_WIZARD_HEADER: tuple[str, ...] = tuple(label for _, label in SALESFORCE_LEAD_FIELDS)
SALESFORCE_TASK_HEADER: tuple[str, ...] = (
    "WhoId",
    "Subject",
    "ActivityDate",
    "Status",
    "Priority",
    "Type",
    "Description",
    "LeadEmail",
    "CardscanLeadId",
)
SALESFORCE_TASK_TYPE = {"email": "Email", "call": "Call", "meeting": "Meeting", "note": "Other"}
SALESFORCE_SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")  # the picklist's default values
SALESFORCE_SUBJECT_MAX = 255
# Data Loader's success file: the new record's Id, and our own column.
SALESFORCE_SUCCESS_ID = "ID"
# Second-level labels under which a country code registers organisations
# (brightlane.co.uk, acme.com.au): the organisation is the label before them.
_SECOND_LEVEL = frozenset({"co", "com", "ac", "org", "net", "gov", "edu", "ne", "or", "go"})


@lru_cache(maxsize=1)
def free_email_domains() -> frozenset[str]:
    from cardscan.extract.text import vocab_set

    return vocab_set("freemail_domains.txt")


def organisation_from_email(email: str) -> str | None:
    """ "ana@mail.brightlane.co.uk" -> "Brightlane"; None for webmail or junk."""
    _, at, domain = email.strip().lower().rpartition("@")
    if not at or "." not in domain:
        return None
    domain = domain.rstrip(".")
    if domain in free_email_domains():
        return None
    labels = [x for x in domain.split(".") if x]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        org = labels[-3]
    else:
        org = labels[-2]
    return "-".join(part.capitalize() for part in org.split("-")) or None


def salesforce_company(lead: Lead) -> str:
    company = clean_text(lead.company).strip()
    if company:
        return company
    for email in lead.emails:
        org = organisation_from_email(email)
        if org:
            return org
    return NOT_PROVIDED


def salesforce_names(lead: Lead) -> tuple[str, str]:
    """(FirstName, LastName) with LastName never empty."""
    given, family = split_name(lead)
    if family:
        return given, family
    if given:
        return "", given
    return "", NOT_PROVIDED


def salesforce_salutation(lead: Lead) -> str:
    """The honorific when it is one of the Salutation picklist's values, else ""."""
    prefix = name_parts(lead).prefix.casefold().rstrip(".")
    return next((s for s in SALESFORCE_SALUTATIONS if s.casefold().rstrip(".") == prefix), "")


def _salesforce_lead(lead: Lead, next_task: Task | None, referrer: Lead | None) -> list[object]:
    first, last = salesforce_names(lead)
    row: dict[str, object] = {
        "Salutation": salesforce_salutation(lead),
        "FirstName": first,
        "LastName": last,
        "Company": salesforce_company(lead),
        "Title": lead.title,
        "Email": lead.emails[0] if lead.emails else "",
        "Website": lead.websites[0] if lead.websites else "",
        **_address_cells(address_parts(lead), ("Street", "City", "State", "PostalCode",
                                               "Country")),
        "CardscanLeadId": lead.id,
    }
    leftover = _place(phones_of(lead, "work") + phones_of(lead, "other"), ("Phone",), row, "phone")
    leftover += _place(phones_of(lead, "mobile"), ("MobilePhone",), row, "mobile")
    leftover += _place(phones_of(lead, "fax"), ("Fax",), row, "fax")
    leftover += [f"email: {e}" for e in lead.emails[1:]]
    leftover += [f"web: {w}" for w in lead.websites[1:]]
    note = lead_note(lead, next_task, referrer)
    if lead.department:
        note = f"Department: {clean_text(lead.department).strip()}. {note}"
    row["Description"] = _with_overflow(note, leftover)
    return [row.get(h, "") for h in SALESFORCE_LEAD_HEADER]


def _salesforce_task(
    task: Task, lead: Lead | None, referrer: Lead | None, today: dt.date, who_id: str
) -> list[object]:
    done = task.status == "done"
    return [
        who_id,
        task_title(task, lead)[:SALESFORCE_SUBJECT_MAX],
        task.due.isoformat(),
        "Completed" if done else "Not Started",
        "High" if is_high_priority(task, today) and not done else "Normal",
        SALESFORCE_TASK_TYPE.get(task.channel, "Other"),
        task_description(task, lead, referrer),
        lead.emails[0] if lead and lead.emails else "",
        task.lead_id,
    ]


def read_salesforce_ids(path: Path) -> dict[str, str]:
    """cardscan lead id -> Salesforce Lead Id, from Data Loader's success file
    for the ``-dataloader.csv`` import (columns ``ID`` and ``CardscanLeadId``)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = {c.strip(): c for c in reader.fieldnames or ()}
            if SALESFORCE_SUCCESS_ID not in columns or "CardscanLeadId" not in columns:
                raise CardscanError(
                    f"{path}: not a Data Loader success file of a cardscan lead import "
                    f"(needs the columns {SALESFORCE_SUCCESS_ID} and CardscanLeadId)"
                )
            id_col, lead_col = columns[SALESFORCE_SUCCESS_ID], columns["CardscanLeadId"]
            return {
                r[lead_col].strip(): r[id_col].strip()
                for r in reader
                if (r.get(lead_col) or "").strip() and (r.get(id_col) or "").strip()
            }
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CardscanError(f"{path}: cannot read the Salesforce success file ({exc})") from None


def write_salesforce(
    path: Path,
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    salesforce_ids: Mapping[str, str] | None = None,
) -> list[Path]:
    """The wizard's Lead file at `path`, Data Loader's next to it, and the
    tasks file; `salesforce_ids` (see `read_salesforce_ids`) fills WhoId."""
    by_id = {x.id: x for x in leads}
    rows = [_salesforce_lead(x, n, r) for x, n, r in _with_context(leads, tasks)]
    width = len(SALESFORCE_WIZARD_HEADER)
    write_csv(path, SALESFORCE_WIZARD_HEADER, (r[:width] for r in rows))
    loader_path = dataloader_path_for(path)
    write_csv(loader_path, SALESFORCE_LEAD_HEADER, rows)
    ids = salesforce_ids or {}
    tasks_path = tasks_path_for(path)
    task_rows = (
        _salesforce_task(t, by_id.get(t.lead_id), _referrer(by_id, t), now.date(),
                         ids.get(t.lead_id, ""))
        for t in _exported_tasks(tasks)
    )
    write_csv(tasks_path, SALESFORCE_TASK_HEADER, task_rows)
    return [Path(path), loader_path, tasks_path]


# ---- shared ----------------------------------------------------------------


def _with_context(
    leads: Sequence[Lead], tasks: Sequence[Task]
) -> Iterable[tuple[Lead, Task | None, Lead | None]]:
    """Each lead with its next pending task and the lead who referred it."""
    by_id = {x.id: x for x in leads}
    nxt = next_task_by_lead(tasks)
    for lead in leads:
        referrer = by_id.get(lead.referred_by) if lead.referred_by else None
        yield lead, nxt.get(lead.id), referrer


def _referrer(by_id: dict[str, Lead], task: Task) -> Lead | None:
    lead = by_id.get(task.lead_id)
    return by_id.get(lead.referred_by) if lead and lead.referred_by else None


def _exported_tasks(tasks: Sequence[Task]) -> list[Task]:
    return sorted(
        (t for t in tasks if t.status in EXPORTED_STATUSES),
        key=lambda t: (t.due, t.lead_id, t.seq, t.id),
    )
