"""The leads CSV: one flat row per card (`cardscan scan`) or per stored lead
(`cardscan leads --format csv`, `crm.leads_dataframe`): the same columns for both.

Input rows are `CardRecord.to_dict()` dictionaries, optionally merged with the
follow-up keys (``lead_id``, ``event``, ``next_action``, ``next_action_due``,
``next_action_channel``, ``next_action_id``, ``draft_subject``, ``draft_body``)
and the stored lead's keys (``met_on``, ``review_status``, ``tags``,
``possible_duplicate_of``, ``referred_by``); a missing key is an empty cell.
`lead_to_dict` builds the same shape from a stored `Lead`.

Flattening rules:

* ``review_reason`` says, in words, why a card needs a look (``no name found``,
  ``phone without area code: 2294-9484``); several are joined with `` ; ``.
* ``email`` is the first (primary) address; any further ones go to
  ``email_2``, joined with `` ; `` so none is lost.
* phones go to ``phone_mobile`` / ``phone_work`` / ``phone_fax`` /
  ``phone_other`` by type, in E.164; several of one type are joined with
  `` ; ``.  A number phonenumbers does not call valid is written as the text
  printed on the card (never as +E.164); ``review_reason`` says it is not
  valid.  Websites and QR payloads are joined the same way.
* ``address_street`` ... ``address_country`` (`cardscan.leads.ADDRESS_COLUMNS`): the
  address split (`cardscan.extract.address_split`): a stored lead's v8 columns, or for a
  scanned card its address split anchored on the card's region, as the store does.
  ``address`` keeps the whole string as printed.
* ``confidence`` is one number for the whole lead: the name's confidence or
  the best contact channel's (email or phone), whichever is lower, rounded to
  two decimals.  A lead is only as usable as the weaker of "who" and "how to
  reach them", which is also what sends a card to ``review``.  Empty when the
  record has no confidences (``error`` / ``no_card``).

Every cell passes through `safecsv.safe_cell` (see that module for why a phone
appears as ``'+34...``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cardscan.leads import ADDRESS_COLUMNS, Lead, PhoneNumber, Task, split_lead_address

from .safecsv import write_csv

JOIN = " ; "

FOLLOW_UP_KEYS: tuple[str, ...] = (
    "lead_id",
    "event",
    "next_action",
    "next_action_due",
    "next_action_channel",
    "draft_subject",
    "draft_body",
)

# What the store knows about a lead beyond the card (empty in a --no-db scan).
LEAD_KEYS: tuple[str, ...] = (
    "met_on",
    "review_status",
    "tags",
    "possible_duplicate_of",
    "referred_by",
    "next_action_id",
)

LEAD_COLUMNS: tuple[str, ...] = (
    "source",
    "card",
    "status",
    "error",
    "review_reason",
    "name",
    "given_name",
    "family_name",
    "title",
    "company",
    "department",
    "email",
    "email_2",
    "phone_mobile",
    "phone_work",
    "phone_fax",
    "phone_other",
    "website",
    "address",
    *ADDRESS_COLUMNS,
    "qr",
    "confidence",
    *FOLLOW_UP_KEYS,
    *LEAD_KEYS,
)

PHONE_COLUMNS: Mapping[str, str] = {
    "mobile": "phone_mobile",
    "work": "phone_work",
    "fax": "phone_fax",
    "other": "phone_other",
}


def _items(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str | bytes | Mapping):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _joined(values: Iterable[Any]) -> str:
    return JOIN.join(str(v) for v in values if v is not None and str(v) != "")


def lead_confidence(confidence: Any) -> float | None:
    """min(name, max(emails, phones)) from a per-field confidence mapping."""
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        return round(float(confidence), 2)
    if not isinstance(confidence, Mapping) or not confidence:
        return None

    def get(*keys: str) -> float:
        for k in keys:
            v = confidence.get(k)
            if isinstance(v, int | float):
                return float(v)
        return 0.0

    channel = max(get("emails", "email"), get("phones", "phone"))
    return round(min(get("name"), channel), 2)


def _phone(entry: Any) -> tuple[str, str]:
    """(type, number) from a `Phone.to_dict()` mapping or a `PhoneNumber`; a number
    phonenumbers does not call valid is the text printed, never a +E.164."""
    if isinstance(entry, PhoneNumber):
        return entry.type, entry.number if entry.local_only else entry.dialable
    if isinstance(entry, Mapping):
        kind = str(entry.get("type") or "other")
        if entry.get("valid") is False and not entry.get("local_only"):
            as_phone = PhoneNumber(str(entry.get("number") or ""), kind, valid=False,
                                   raw=entry.get("raw") or None)
            return kind, as_phone.dialable
        return kind, str(entry.get("number") or "")
    return str(getattr(entry, "type", "other")), str(getattr(entry, "number", entry))


def flatten(record: Mapping[str, Any]) -> dict[str, object]:
    """The flat `LEAD_COLUMNS` values of one record dict, keyed by column.

    Values are not neutralised (this is what `cardscan.to_dataframe` shows);
    `write_leads_csv` neutralises them on the way to disk.
    """
    out: dict[str, object] = {c: record.get(c) for c in LEAD_COLUMNS}
    # List-valued keys (CardRecord.to_dict) win over already-flat columns.
    if "emails" in record:
        emails = _items(record.get("emails"))
        out["email"] = emails[0] if emails else None
        out["email_2"] = _joined(emails[1:])
    if "phones" in record:
        by_type: dict[str, list[str]] = {c: [] for c in PHONE_COLUMNS.values()}
        for entry in _items(record.get("phones")):
            kind, number = _phone(entry)
            if number:
                by_type[PHONE_COLUMNS.get(kind, "phone_other")].append(number)
        out.update({column: _joined(numbers) for column, numbers in by_type.items()})
    if "websites" in record:
        out["website"] = _joined(_items(record.get("websites")))
    if "qr" in record:
        out["qr"] = _joined(_items(record.get("qr")))
    out.update(_address_columns(record))
    if "review_reasons" in record:
        out["review_reason"] = _joined(_items(record.get("review_reasons")))
    if isinstance(record.get("tags"), list | tuple):
        out["tags"] = _joined(record["tags"])
    out["confidence"] = lead_confidence(record.get("confidence"))
    return out


def _address_columns(record: Mapping[str, Any]) -> dict[str, object]:
    parts = record.get("address_parts")
    if not isinstance(parts, Mapping) and "address" in record:
        region = record.get("region")
        split = split_lead_address(record.get("address"), region if isinstance(region, str)
                                   else None)
        parts = split.to_dict() if split else None
    if not isinstance(parts, Mapping):
        return {c: record.get(c) for c in ADDRESS_COLUMNS}
    return {c: parts.get(c.removeprefix("address_")) or None for c in ADDRESS_COLUMNS}


def lead_row(record: Mapping[str, Any]) -> list[object]:
    """One `LEAD_COLUMNS` row (not yet neutralised) from a record dict."""
    flat = flatten(record)
    return [flat[c] for c in LEAD_COLUMNS]


def write_leads_csv(path: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write the leads CSV and return the number of rows written."""
    return write_csv(Path(path), LEAD_COLUMNS, (lead_row(r) for r in rows))


def follow_up_fields(task: Task | None, lead_id: str | None = None) -> dict[str, object]:
    """The follow-up keys for a lead's next task (all empty when there is none)."""
    if task is None:
        # "event" is the caller's (the scan's --event); never blank it here.
        fields: dict[str, object] = {k: None for k in FOLLOW_UP_KEYS if k != "event"}
        fields["lead_id"] = lead_id
        fields["next_action_id"] = None
        return fields
    return {
        "lead_id": lead_id or task.lead_id,
        "next_action_id": task.id,
        "next_action": task.summary,
        "next_action_due": task.due.isoformat(),
        "next_action_channel": task.channel,
        "draft_subject": task.subject,
        "draft_body": task.body,
    }


def lead_to_dict(lead: Lead, next_task: Task | None = None) -> dict[str, Any]:
    """A stored lead in the same shape as `CardRecord.to_dict()` plus follow-up
    keys, so `write_leads_csv` can write leads that never came from a scan."""
    d: dict[str, Any] = {
        "source": JOIN.join(lead.sources),
        "card": None,
        "status": lead.status,
        "error": None,
        "review_reasons": list(lead.review_reasons),
        **lead.contact_dict(),
        "confidence": _confidence(lead),
        "met_on": lead.met_on.isoformat() if lead.met_on else None,
        "review_status": lead.review_status,
        "tags": list(lead.tags),
        "possible_duplicate_of": lead.possible_duplicate_of,
        "referred_by": lead.referred_by,
    }
    d.update(follow_up_fields(next_task, lead.id))
    d["event"] = lead.event
    return d


def _confidence(lead: Lead) -> dict[str, float]:
    """Per-field confidences of a stored lead in `ParsedCard.confidence` shape
    ({} when nothing was read off a card: typed leads have no confidence)."""
    read = [f for f in lead.field_info if f.confidence is not None]
    if not read:
        return {}

    def best(field: str) -> float:
        return max((f.confidence or 0.0 for f in read if f.field == field), default=0.0)

    return {"name": best("name"), "emails": best("email"), "phones": best("phone")}


__all__: Sequence[str] = (
    "LEAD_COLUMNS",
    "flatten",
    "lead_confidence",
    "lead_row",
    "lead_to_dict",
    "write_leads_csv",
)
