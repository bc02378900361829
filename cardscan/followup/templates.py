"""Message templates: `{placeholder}` fields checked when the cadence loads.

An unknown placeholder must be a load-time error naming the file and the
field, never a blank in an email; a known placeholder with no value for a
given lead falls back to the cadence's `[fallbacks]` text (e.g. "there").
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping

from ..errors import ConfigError
from ..leads import Lead

# Every placeholder a template may use, with what it means.
PLACEHOLDERS: Mapping[str, str] = {
    "first_name": "the lead's given name",
    "last_name": "the lead's family name",
    "full_name": "the lead's name as printed",
    "company": "the lead's company",
    "title": "the lead's job title",
    "event": "where you met (--event)",
    "at_event": "' at <event>' or nothing when there is no event",
    "met_on": "the meeting date (YYYY-MM-DD)",
    "my_name": "your name ([me] my_name)",
    "my_company": "your company ([me] my_company)",
    "referred_by": "name of the lead who referred this one",
}

_FORMATTER = string.Formatter()


def placeholders_in(text: str) -> list[str]:
    """Field names used by `text`, in order; ValueError on malformed braces."""
    return [name for _, name, _, _ in _FORMATTER.parse(text) if name is not None]


def check_template(text: str, where: str) -> None:
    """Raise ConfigError if `text` uses an unknown or malformed placeholder.

    `where` names the file and the template (e.g. "my.toml: step 'intro' body").
    """
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        msg = f"{where}: malformed template ({exc}); write {{{{ for a literal brace"
        raise ConfigError(msg) from None
    for _, name, spec, conv in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            shown = "{" + name + "}" if name else "{}"
            raise ConfigError(f"{where}: unknown placeholder {shown} (known: {known})")
        if spec or conv:
            # Format specs would let a template crash at render time; keep fields plain.
            raise ConfigError(f"{where}: placeholder {{{name}}} takes no format spec")


_BLANK_LINES = re.compile(r"\n{3,}")


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill a checked template; trailing spaces and runs of blank lines are tidied."""
    out = text.format_map(values)
    out = "\n".join(line.rstrip() for line in out.splitlines())
    return _BLANK_LINES.sub("\n\n", out).strip()


def lead_values(
    lead: Lead,
    *,
    met_on: dt.date | None,
    me: Mapping[str, str],
    fallbacks: Mapping[str, str],
    referred_by: str | None = None,
) -> dict[str, str]:
    """Placeholder values for one lead; empty values take their fallback text."""
    name = (lead.name or "").strip()
    family = lead.family_name or ""
    if not family and name and " " in name:
        family = name.rsplit(" ", 1)[1]
    event = (lead.event or "").strip()
    values = {
        "first_name": lead.first_name.strip() if name or lead.given_name else "",
        "last_name": family.strip(),
        "full_name": name,
        "company": (lead.company or "").strip(),
        "title": (lead.title or "").strip(),
        "event": event,
        "at_event": f" at {event}" if event else "",
        "met_on": met_on.isoformat() if met_on else "",
        "my_name": (me.get("my_name") or "").strip(),
        "my_company": (me.get("my_company") or "").strip(),
        "referred_by": (referred_by or "").strip(),
    }
    for key, value in values.items():
        if not value and fallbacks.get(key):
            values[key] = fallbacks[key]
    return values
