"""Card records to JSON and back, exactly: what the scan cache stores.

`CardRecord.to_dict` is the flat shape users see; it drops what a record
needs to be rebuilt (each field's raw text, confidence, line, box, origin).
`record_to_json` keeps everything and `record_from_json` rebuilds an equal
record, so a photo read once is never read again for the same options.
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from ..model import Box, CardRecord, Field, ParsedCard, Phone

_SINGLE = ("name", "title", "company", "department", "address")
_MANY = ("emails", "websites")


_B64 = "$base64"  # bytes (e.g. a thumbnail) travel as {"$base64": "..."}


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_B64: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _unjson(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_B64}:
            return base64.b64decode(value[_B64])
        return {k: _unjson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unjson(v) for v in value]
    return value


def record_to_json(record: CardRecord) -> dict[str, Any]:
    """A JSON-ready dict of every attribute of `record`.  Raises TypeError when
    an `extra` value is not JSON (the caller then does not keep the reading)."""
    d: dict[str, Any] = _jsonable(dataclasses.asdict(record))
    return d


def _box(d: Any) -> Box | None:
    return Box(**d) if d else None


def _field(d: Any) -> Field | None:
    if not d:
        return None
    return Field(**{**d, "box": _box(d.get("box"))})


def _phone(d: dict[str, Any]) -> Phone:
    return Phone(**{**d, "box": _box(d.get("box"))})


def _parsed(d: Any) -> ParsedCard | None:
    if d is None:
        return None
    values: dict[str, Any] = dict(d)
    for key in _SINGLE:
        values[key] = _field(d.get(key))
    for key in _MANY:
        values[key] = tuple(f for f in map(_field, d.get(key) or ()) if f is not None)
    values["phones"] = tuple(_phone(p) for p in d.get("phones") or ())
    return ParsedCard(**values)


def record_from_json(d: dict[str, Any]) -> CardRecord:
    """The record `record_to_json` was made from.  Raises KeyError/TypeError on
    a shape this version does not know (the caller reads the photo again)."""
    values = _unjson(d)
    values["parsed"] = _parsed(values.get("parsed"))
    for key, value in values.items():  # every sequence attribute is a tuple
        if isinstance(value, list) and key != "extra":
            values[key] = tuple(value)
    values["extra"] = dict(values.get("extra") or {})
    return CardRecord(**values)
