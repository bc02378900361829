"""Leads as vCard 3.0 (RFC 2426) or 4.0 (RFC 6350), built with `vobject`.

3.0 by default because it is the version iOS Contacts and Google/Android
import reliably; ``version=4`` writes 4.0.  One VCARD per lead.  Mapping:

* N (family; given; middle; honorific prefix; suffix: "Dr.", "PhD", see
  `cardscan.export.common.name_parts`) and FN as printed; a lead without a
  person's name is filed under its company (FN = company, plus Apple's
  ``X-ABShowAs:COMPANY`` hint in 3.0, ``KIND:org`` in 4.0) or email.
* ORG = company;department, TITLE.
* EMAIL;TYPE=INTERNET,WORK (the first one also PREF when there are several;
  4.0: TYPE=work and PREF=1).
* TEL;TYPE=CELL (mobile), WORK,VOICE (work), WORK,FAX (fax), VOICE (other);
  numbers in E.164 (4.0: a ``tel:`` URI).
* URL per website; a bare domain gets ``https://`` so it is a URI.
* ADR;TYPE=WORK split into street, locality (city), region, postal code and
  country name (`cardscan.export.common.address_parts`).
* PHOTO (optional, ``photos``): the stored JPEG of the card, re-encoded to at
  most `PHOTO_MAX_SIDE` pixels (3.0: ``ENCODING=b;TYPE=JPEG``; 4.0: a
  ``data:image/jpeg;base64,`` URI).
* NOTE: where and when we met, who referred them, the next follow-up, the
  lead id; CATEGORIES: cardscan and the event.
* UID = lead id (stable, so re-importing can match the same contact; 4.0: the
  ``urn:uuid:`` derived from it); REV = ``now``.
Text is escaped and folded by vobject; control characters other than newline
and tab are dropped first.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import vobject
from PIL import Image

from cardscan.leads import Lead, Task

from .common import (
    address_parts,
    as_utc,
    atomic_open,
    clean_text,
    country_name,
    display_name,
    lead_note,
    name_parts,
    next_task_by_lead,
)

log = logging.getLogger(__name__)
VERSIONS = (3, 4)
PHOTO_MAX_SIDE = 480  # pixels: enough to read the card, small in an address book
PHOTO_QUALITY = 80

TEL_TYPES: dict[str, list[str]] = {
    "mobile": ["CELL"],
    "work": ["WORK", "VOICE"],
    "fax": ["WORK", "FAX"],
    "other": ["VOICE"],
}


def as_url(website: str) -> str:
    site = clean_text(website).strip()
    return site if "://" in site or not site else f"https://{site}"


def small_jpeg(data: bytes) -> bytes:
    """`data` (a JPEG) at most `PHOTO_MAX_SIDE` pixels on its longer side."""
    with Image.open(io.BytesIO(data)) as src:
        img = src.convert("RGB")
    img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def uid_for(lead: Lead, version: int) -> str:
    """The vCard UID: the lead id (3.0), the UUID derived from it (4.0 wants a URI)."""
    if version == 3:
        return lead.id
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'cardscan:' + lead.id)}"


def build_vcard(
    lead: Lead,
    *,
    now: dt.datetime,
    next_task: Task | None = None,
    referrer: Lead | None = None,
    version: int = 3,
    photo: bytes | None = None,
) -> Any:
    """One vobject vCard component for `lead`; `photo` is a small JPEG (see
    `small_jpeg`; a 4.0 PHOTO is added by `vcards`)."""
    v4 = version == 4
    card = vobject.vCard()
    card.add("version").value = "4.0" if v4 else "3.0"
    name = name_parts(lead)
    card.add("n").value = vobject.vcard.Name(
        family=name.family, given=name.given, additional=name.middle, prefix=name.prefix,
        suffix=name.suffix,
    )
    person = bool(name.given or name.family)
    company = clean_text(lead.company).strip()
    if person:
        fn = display_name(lead)
    else:
        fn = company or (clean_text(lead.emails[0]).strip() if lead.emails else display_name(lead))
    card.add("fn").value = fn
    if not person and company:
        if v4:
            card.add("kind").value = "org"
        else:
            card.add("x-abshowas").value = "COMPANY"
    department = clean_text(lead.department).strip()
    if company or department:
        card.add("org").value = [company, department] if department else [company]
    if lead.title:
        card.add("title").value = clean_text(lead.title).strip()
    for i, email in enumerate(lead.emails):
        prop = card.add("email")
        prop.value = clean_text(email).strip()
        first = i == 0 and len(lead.emails) > 1
        if v4:
            prop.type_param = "work"
            if first:
                prop.pref_param = "1"
        else:
            prop.type_paramlist = ["INTERNET", "WORK"] + (["PREF"] if first else [])
    for phone in lead.phones:
        prop = card.add("tel")
        types = list(TEL_TYPES.get(phone.type, ["VOICE"]))
        if v4 and phone.valid and not phone.local_only:
            prop.value = f"tel:{phone.dialable}"
            prop.value_param = "uri"
        else:
            prop.value = phone.dialable
            if v4:  # 4.0's TEL is a URI unless it says otherwise (RFC 6350 6.4.1)
                prop.value_param = "text"
        prop.type_paramlist = [t.lower() for t in types] if v4 else types
    for site in lead.websites:
        if as_url(site):
            card.add("url").value = as_url(site)
    if clean_text(lead.address).strip():
        parts = address_parts(lead)
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(
            street=parts.street, city=parts.city, region=parts.region, code=parts.postcode,
            country=country_name(parts.country),
        )
        adr.type_param = "work" if v4 else "WORK"
    if photo and not v4:
        prop = card.add("photo")
        prop.value = photo
        prop.encoding_param = "b"
        prop.type_param = "JPEG"
    note = lead_note(lead, next_task, referrer)
    if note:
        card.add("note").value = note
    categories = ["cardscan"] + ([clean_text(lead.event).strip()] if lead.event else [])
    card.add("categories").value = [c for c in categories if c]
    card.add("uid").value = uid_for(lead, version)
    stamp = as_utc(now)
    card.add("rev").value = stamp.strftime("%Y%m%dT%H%M%SZ" if v4 else "%Y-%m-%dT%H:%M:%SZ")
    return card


def _photo_line_v4(photo: bytes) -> str:
    """PHOTO as RFC 6350 wants it: a data URI, which vobject would escape."""
    return "PHOTO:data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")


def _small_or_none(lead: Lead, data: bytes | None) -> bytes | None:
    """The card picture made small; None (and a warning) when it cannot be read:
    one unreadable picture never costs the other contacts their export."""
    if not data:
        return None
    try:
        return small_jpeg(data)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("lead %s: card picture left out of the vCard (%s)", lead.id, exc)
        return None


def vcards(
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    version: int = 3,
    photos: Mapping[str, bytes] | None = None,
) -> str:
    """All leads as one vCard stream (CRLF line ends)."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version} is not supported (3 or 4)")
    by_id = {lead.id: lead for lead in leads}
    nxt = next_task_by_lead(tasks)
    photos = photos or {}
    out: list[str] = []
    for lead in leads:
        referrer = by_id.get(lead.referred_by) if lead.referred_by else None
        photo = _small_or_none(lead, photos.get(lead.id))
        card = build_vcard(lead, now=now, next_task=nxt.get(lead.id), referrer=referrer,
                           version=version, photo=photo)
        text = card.serialize()
        if photo and version == 4:
            end = text.rindex("END:VCARD")
            text = text[:end] + _photo_line_v4(photo) + "\r\n" + text[end:]
        out.append(fold_octets(text))
    return "".join(out)


def fold_octets(text: str, limit: int = 75) -> str:
    """Refold content lines at `limit` octets of UTF-8 (vCard/RFC 5322 style).

    vobject folds at 75 characters, so a line with accents can exceed 75
    octets; some importers reject such lines.  A fold never splits a
    multi-byte character.
    """
    unfolded = text.replace("\r\n ", "")
    out: list[str] = []
    for line in unfolded.split("\r\n"):
        first, room = True, limit
        while len(line.encode("utf-8")) > room:
            cut, size = 0, 0
            for ch in line:
                n = len(ch.encode("utf-8"))
                if size + n > room:
                    break
                size += n
                cut += 1
            out.append(("" if first else " ") + line[:cut])
            line, first, room = line[cut:], False, limit - 1
        out.append(("" if first else " ") + line)
    return "\r\n".join(out)


def write_vcf(
    path: Path,
    leads: Sequence[Lead],
    tasks: Sequence[Task],
    *,
    now: dt.datetime,
    version: int = 3,
    photos: Mapping[str, bytes] | None = None,
) -> Path:
    text = vcards(leads, tasks, now=now, version=version, photos=photos)
    with atomic_open(Path(path), newline="") as fh:
        fh.write(text)
    return Path(path)
