"""CSV writing that is safe to open in a spreadsheet.

Every CSV cardscan writes goes through `write_csv`:

* UTF-8 with a byte-order mark, so Excel on Windows reads accents and emoji
  correctly instead of guessing a legacy code page;
* the `csv` module's default ("excel") dialect: fields holding a comma, quote
  or line break are quoted, rows end in CRLF;
* formula-injection neutralisation (OWASP "CSV Injection"): a cell whose first
  character is ``=``, ``+``, ``-``, ``@``, TAB or CR (or NUL, per OWASP ASVS
  1.2.10, or the full-width forms of ``= + - @``, defensively) gets a single
  quote ``'`` prepended.  Spreadsheets treat a leading apostrophe as the
  "this is text" marker, so the cell is never evaluated.  NUL characters
  elsewhere in a cell are dropped (many CSV readers reject them).

Decision for phone numbers (issue 9): the contact and CRM import files
(Google, Outlook, HubSpot, Salesforce) are read by importers, which keep an
apostrophe as part of the number.  A number phonenumbers validated is written
as plain E.164 (`ImportNumber`: ``+`` then 7-15 digits, nothing else), which
no spreadsheet can evaluate as a formula: with only digits after the ``+``
there is no function, reference or operator to run (a spreadsheet shows it as
the number; the importer reads the exact text).  `safe_cell` checks the shape
again before it lets a value through unguarded, so nothing else can ride on
the marker.  Every other cell, and any number not validated (printed without
its area code, or rejected by phonenumbers: written as printed), keeps the
apostrophe rule, and so does every cell of the leads CSV, which is meant for
spreadsheets.

A cell that already starts with an apostrophe followed by a dangerous
character gets a second apostrophe, so `unneutralize(safe_cell(s)) == s` for
every string without NUL.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from cardscan.leads import PhoneNumber

from .common import atomic_open

# First characters a spreadsheet may read as the start of a formula.
DANGEROUS_FIRST = frozenset("=+-@\t\r\x00＝＋－＠")
QUOTE = "'"


# A validated E.164 number: "+", a non-zero country-code digit, 6-14 more digits.
E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")


class ImportNumber(str):
    """A phone number phonenumbers validated, for an import file: `safe_cell`
    writes it without the formula guard when it has the plain E.164 shape."""


def import_number(phone: PhoneNumber) -> str:
    """What an import file gets for `phone`: the bare E.164 number when it is
    valid, else the text `PhoneNumber.dialable` gives (guarded like any cell)."""
    text = phone.dialable
    if phone.valid and not phone.local_only and E164_SHAPE.fullmatch(text):
        return ImportNumber(text)
    return text


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text[0] in DANGEROUS_FIRST:
        return True
    # "'=..." must not lose its own apostrophe when read back (see module doc).
    return text[0] == QUOTE and len(text) > 1 and (text[1] in DANGEROUS_FIRST or text[1] == QUOTE)


def safe_cell(value: object) -> str:
    """`value` as CSV cell text that no spreadsheet will evaluate as a formula.

    None becomes the empty string, dates ISO 8601, booleans ``true``/``false``.
    """
    if value is None:
        return ""
    if isinstance(value, ImportNumber) and E164_SHAPE.fullmatch(value):
        return str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.date):  # datetime is a date too
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\x00", "")
    return QUOTE + text if _needs_quote(text) else text


def unneutralize(cell: str) -> str:
    """Inverse of `safe_cell` for text: drop the apostrophe `safe_cell` added."""
    if len(cell) > 1 and cell[0] == QUOTE and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write `header` and `rows` to `path` (UTF-8 with BOM, every cell through
    `safe_cell`) and return the number of data rows.  The file appears
    atomically: an error half-way leaves any previous file untouched."""
    width = len(header)
    count = 0
    with atomic_open(Path(path), encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            cells = [safe_cell(v) for v in row]
            if len(cells) != width:
                raise ValueError(f"row {count + 1} has {len(cells)} cells, header has {width}")
            writer.writerow(cells)
            count += 1
    return count
