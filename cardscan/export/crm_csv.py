"""Contact and CRM CSVs: Google Contacts, Outlook, HubSpot, Salesforce.

All files go through `safecsv.write_csv` (UTF-8 with BOM, formula-injection
safe, phones in E.164 and so written as ``'+...`` text; see that module).

Header sources (column names are what each importer auto-maps, so they are
copied exactly; a column the target does not know would have to be skipped by
hand in its import wizard, so there are none):

* Google Contacts: the header row Google Contacts writes with Export ->
  "Google CSV" in its current (2023-) layout, which its importer reads back:
  names, organisation, Birthday/Notes/Photo/Labels, then numbered
  ``E-mail N``, ``Phone N``, ``Address 1``, ``Website N`` label/value groups.
  Confirmed against several independent public copies of real exports found
  with code search (e.g. a contacts-import service's "NEW_LAYOUT_HEADER" test
  fixture, and a README listing "Converting google contacts" fields).  Like
  Google, we emit as many numbered groups as the widest contact needs.
* Outlook: the 92-column header of Outlook desktop's File > Export >
  "Comma Separated Values", the same list Microsoft's "Create or edit .csv
  files to import into Outlook" article documents; confirmed identical in
  several independent public copies (code search: "Title","First Name",
  ..."User 4","Web Page").  Note Outlook's "Title" is the honorific (Dr.,
  Ms.); the job title goes to "Job Title".
* HubSpot contacts: HubSpot's default contact property labels (First Name,
  Last Name, Email, Phone Number, Mobile Phone Number, Fax Number, Company
  Name, Job Title, Website URL, Street Address), which its import wizard maps
  automatically.
* HubSpot tasks: labels of the task properties documented in HubSpot's tasks
  API guide (developers.hubspot.com, "Activities | Tasks"): Task Title
  (hs_task_subject), Due Date (hs_timestamp), Task Type (hs_task_type: EMAIL,
  CALL, TODO), Task Status (hs_task_status: NOT_STARTED, COMPLETED), Priority
  (hs_task_priority: LOW, MEDIUM, HIGH), Notes (hs_task_body); plus the
  contact's Email, the unique identifier HubSpot uses to associate each task
  with its contact in a two-object import.  HubSpot cannot update tasks by
  import, so import the tasks file once; re-importing adds copies.
* Salesforce: field API names of the Lead and Task objects (Salesforce Field
  Reference), which Data Loader maps automatically.  Task needs the lead's
  Salesforce Id in WhoId, which only exists after the leads are imported: the
  tasks file leaves WhoId empty and carries LeadEmail and CardscanLeadId;
  Data Loader's success file for the lead import lists each new Id next to the
  original columns, so WhoId is one lookup on CardscanLeadId away.

Salesforce requires Last Name and Company on a Lead.  Last Name is the family
name, else the whole name (mononyms), else "[not provided]".  Company is the
card's company; when the card has none, the organisation of the first
non-webmail email domain (``ana@brightlane.io`` -> "Brightlane"; a list of
consumer mailbox domains lives in ``cardscan/vocab/freemail_domains.txt``); else
"[not provided]", the placeholder Salesforce's own Web-to-Lead writes when a
form has no company.  Other targets do not require a company and get none
invented.

Priority (HubSpot HIGH/MEDIUM, Salesforce High/Normal): high for a referral
step ("call Mary") and for any task due on or before the export date
(``now``); completed tasks are never high.  Open and snoozed tasks export as not started,
done ones as completed, skipped ones not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from cardscan.leads import Lead, Task

from .common import (
    PENDING,
    clean_text,
    display_name,
    is_high_priority,
    lead_note,
    next_task_by_lead,
    phones_of,
    split_name,
    task_description,
    task_title,
)
from .safecsv import write_csv

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
    given, family = split_name(lead)
    labels = ["* myContacts", "cardscan"]
    if lead.event:
        labels.append(clean_text(lead.event).replace(":::", ":").strip())
    row: list[object] = [given, "", family, "", "", "", "", "", "", ""]
    row += [lead.company, lead.title, lead.department, "", lead_note(lead, next_task, referrer)]
    row += ["", GOOGLE_LABEL_SEP.join(x for x in labels if x)]
    n_emails, n_phones, n_websites = sizes
    emails = list(lead.emails) + [""] * (n_emails - len(lead.emails))
    for e in emails:
        row += ["Work" if e else "", e]
    phones = [(GOOGLE_PHONE_LABEL.get(p.type, "Other"), p.dialable) for p in lead.phones]
    phones += [("", "")] * (n_phones - len(phones))
    for label, number in phones:
        row += [label, number]
    address = clean_text(lead.address).strip()
    row += ["Work" if address else "", address, address, "", "", "", "", "", ""]
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
    values: Iterable[str], slots: Sequence[str], row: dict[str, object], label: str
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


def _outlook_row(lead: Lead, next_task: Task | None, referrer: Lead | None) -> list[object]:
    given, family = split_name(lead)
    name = display_name(lead)
    row: dict[str, object] = {
        "First Name": given,
        "Last Name": family,
        "Company": lead.company,
        "Department": lead.department,
        "Job Title": lead.title,
        "Business Street": clean_text(lead.address).strip(),
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
            row[f"{prefix} Display Name"] = f"{name} ({email})"
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


def _hubspot_contact(lead: Lead) -> list[object]:
    given, family = split_name(lead)
    main = _first(phones_of(lead, "work") + phones_of(lead, "other"))
    mobile = _first(phones_of(lead, "mobile"))
    fax = _first(phones_of(lead, "fax"))
    return [
        given,
        family,
        lead.emails[0] if lead.emails else "",
        main,
        mobile,
        fax,
        lead.company,
        lead.title,
        lead.websites[0] if lead.websites else "",
        clean_text(lead.address).strip(),
    ]


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


def write_hubspot(
    path: Path, leads: Sequence[Lead], tasks: Sequence[Task], *, now: dt.datetime
) -> list[Path]:
    by_id = {x.id: x for x in leads}
    write_csv(path, HUBSPOT_CONTACT_HEADER, (_hubspot_contact(x) for x in leads))
    tasks_path = tasks_path_for(path)
    rows = (
        _hubspot_task(t, by_id.get(t.lead_id), _referrer(by_id, t), now.date())
        for t in _exported_tasks(tasks)
    )
    write_csv(tasks_path, HUBSPOT_TASK_HEADER, rows)
    return [Path(path), tasks_path]


# ---- Salesforce ------------------------------------------------------------

SALESFORCE_LEAD_HEADER: tuple[str, ...] = (
    "FirstName",
    "LastName",
    "Company",
    "Title",
    "Email",
    "Phone",
    "MobilePhone",
    "Fax",
    "Website",
    "Street",
    "Description",
    "CardscanLeadId",
)
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
SALESFORCE_SUBJECT_MAX = 255
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


def _salesforce_lead(lead: Lead, next_task: Task | None, referrer: Lead | None) -> list[object]:
    first, last = salesforce_names(lead)
    row: dict[str, object] = {}
    leftover = _place(phones_of(lead, "work") + phones_of(lead, "other"), ("Phone",), row, "phone")
    leftover += _place(phones_of(lead, "mobile"), ("MobilePhone",), row, "mobile")
    leftover += _place(phones_of(lead, "fax"), ("Fax",), row, "fax")
    leftover += [f"email: {e}" for e in lead.emails[1:]]
    leftover += [f"web: {w}" for w in lead.websites[1:]]
    note = lead_note(lead, next_task, referrer)
    if lead.department:
        note = f"Department: {clean_text(lead.department).strip()}. {note}"
    return [
        first,
        last,
        salesforce_company(lead),
        lead.title,
        lead.emails[0] if lead.emails else "",
        row.get("Phone", ""),
        row.get("MobilePhone", ""),
        row.get("Fax", ""),
        lead.websites[0] if lead.websites else "",
        clean_text(lead.address).strip(),
        _with_overflow(note, leftover),
        lead.id,
    ]


def _salesforce_task(
    task: Task, lead: Lead | None, referrer: Lead | None, today: dt.date
) -> list[object]:
    done = task.status == "done"
    return [
        "",
        task_title(task, lead)[:SALESFORCE_SUBJECT_MAX],
        task.due.isoformat(),
        "Completed" if done else "Not Started",
        "High" if is_high_priority(task, today) and not done else "Normal",
        SALESFORCE_TASK_TYPE.get(task.channel, "Other"),
        task_description(task, lead, referrer),
        lead.emails[0] if lead and lead.emails else "",
        task.lead_id,
    ]


def write_salesforce(
    path: Path, leads: Sequence[Lead], tasks: Sequence[Task], *, now: dt.datetime
) -> list[Path]:
    by_id = {x.id: x for x in leads}
    rows = (_salesforce_lead(x, n, r) for x, n, r in _with_context(leads, tasks))
    write_csv(path, SALESFORCE_LEAD_HEADER, rows)
    tasks_path = tasks_path_for(path)
    task_rows = (
        _salesforce_task(t, by_id.get(t.lead_id), _referrer(by_id, t), now.date())
        for t in _exported_tasks(tasks)
    )
    write_csv(tasks_path, SALESFORCE_TASK_HEADER, task_rows)
    return [Path(path), tasks_path]


# ---- shared ----------------------------------------------------------------


def _first(values: Sequence[str]) -> str:
    return values[0] if values else ""


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
