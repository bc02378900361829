"""QR codes on cards: many carry a vCard or MECARD of the same person.

What a QR code says is exact (no OCR error), so its emails, phones and
websites are added to what OCR found and its name/company/title fill gaps.
Decoding uses zxing-cpp, which ships its own native library (no zbar needed).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QrContact:
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    company: str | None = None
    title: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = ()  # (raw number, type)
    websites: tuple[str, ...] = ()
    raw: str = field(default="", repr=False)


def decode(rgb: np.ndarray) -> list[str]:
    try:
        import zxingcpp
    except ImportError:  # optional at run time; declared as a dependency
        return []
    try:
        results = zxingcpp.read_barcodes(rgb, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    except Exception as e:  # a decoder failure must never fail the card
        log.debug("QR decode failed: %s", e)
        return []
    return [r.text for r in results if r.text]


def _unescape(v: str) -> str:
    return re.sub(r"\\([,;:\\nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)


def _tel_type(params: str) -> str:
    p = params.upper()
    if "FAX" in p:
        return "fax"
    if "CELL" in p or "MOBILE" in p:
        return "mobile"
    if "WORK" in p or "VOICE" in p:
        return "work"
    return "other"


def _text_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return str(value[0]).strip() if value else ""
    return str(value or "").strip()


def _vobject_vcard(text: str) -> QrContact | None:
    """The vCard read by vobject, which knows every version's encodings
    (2.1's QUOTED-PRINTABLE and CHARSET, 3.0/4.0 escapes and folding); None
    when vobject cannot read it."""
    import vobject

    try:
        card = vobject.readOne(text, ignoreUnreadable=True)
    except Exception as exc:  # vobject raises several kinds; the fallback still reads it
        log.debug("vobject could not read the QR vCard: %s", exc)
        return None

    def first(name: str) -> Any:
        items = card.contents.get(name) or []
        return items[0].value if items else None

    n = first("n")
    family = _text_value(getattr(n, "family", "")) or None
    given = _text_value(getattr(n, "given", "")) or None
    org = first("org")

    def params(line: Any) -> str:
        types = [*line.params.get("TYPE", []), *getattr(line, "singletonparams", [])]
        return ",".join(str(t) for t in types)

    return QrContact(
        name=_text_value(first("fn")) or (" ".join(p for p in (given, family) if p) or None),
        given_name=given,
        family_name=family,
        company=_text_value(org) or None,
        title=_text_value(first("title")) or None,
        emails=tuple(v for x in card.contents.get("email", []) if (v := _text_value(x.value))),
        phones=tuple((v, _tel_type(params(x))) for x in card.contents.get("tel", [])
                     if (v := _text_value(x.value))),
        websites=tuple(v for x in card.contents.get("url", []) if (v := _text_value(x.value))),
        raw=text,
    )


def parse_vcard(text: str) -> QrContact | None:
    """A contact from a vCard payload: read by vobject, else line by line."""
    if "BEGIN:VCARD" not in text.upper():
        return None
    return _vobject_vcard(text) or _parse_vcard_lines(text)


def _parse_vcard_lines(text: str) -> QrContact | None:
    """The small line reader kept for payloads vobject rejects (no END, junk)."""
    # Unfold continuation lines (RFC 6350 3.2).
    text = re.sub(r"\r?\n[ \t]", "", text)
    d: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        head, value = line.split(":", 1)
        name, _, params = head.partition(";")
        name = name.split(".")[-1].upper()  # drop item1. group prefixes
        d.setdefault(name, []).append((params, value.strip()))
    n = re.split(r"(?<!\\);", d.get("N", [("", "")])[0][1])
    family = _unescape(n[0]) if n and n[0] else None
    given = _unescape(n[1]) if len(n) > 1 and n[1] else None
    fn = d.get("FN", [("", "")])[0][1]
    org = re.split(r"(?<!\\);", d.get("ORG", [("", "")])[0][1])[0]
    return QrContact(
        name=_unescape(fn) or (" ".join(p for p in (given, family) if p) or None),
        given_name=given,
        family_name=family,
        company=_unescape(org) or None,
        title=_unescape(d.get("TITLE", [("", "")])[0][1]) or None,
        emails=tuple(v for _, v in d.get("EMAIL", []) if v),
        phones=tuple((v, _tel_type(p)) for p, v in d.get("TEL", []) if v),
        websites=tuple(v for _, v in d.get("URL", []) if v),
        raw=text,
    )


def parse_mecard(text: str) -> QrContact | None:
    if not text.upper().startswith("MECARD:"):
        return None
    fields: dict[str, list[str]] = {}
    for part in re.split(r"(?<!\\);", text[7:]):
        if ":" in part:
            k, v = part.split(":", 1)
            fields.setdefault(k.upper(), []).append(_unescape(v))
    n = fields.get("N", [""])[0].split(",")
    family = n[0].strip() or None
    given = n[1].strip() if len(n) > 1 and n[1].strip() else None
    return QrContact(
        name=" ".join(p for p in (given, family) if p) or None,
        given_name=given,
        family_name=family,
        company=next(iter(fields.get("ORG", [])), None),
        title=next(iter(fields.get("TITLE", [])), None),
        emails=tuple(fields.get("EMAIL", [])),
        phones=tuple((v, "other") for v in fields.get("TEL", [])),
        websites=tuple(fields.get("URL", [])),
        raw=text,
    )


def parse_payload(text: str) -> QrContact | None:
    """A contact from a QR payload: vCard, MECARD, or a bare URL / mailto / tel."""
    t = text.strip()
    if c := parse_vcard(t) or parse_mecard(t):
        return c
    low = t.lower()
    if low.startswith("mailto:"):
        return QrContact(emails=(t[7:].split("?")[0],), raw=t)
    if low.startswith("tel:"):
        return QrContact(phones=((t[4:], "other"),), raw=t)
    if re.match(r"https?://\S+$", t):
        return QrContact(websites=(t,), raw=t)
    return None
