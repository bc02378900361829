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
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..leads import Lead

if TYPE_CHECKING:
    from ..profile import Profile

# Every placeholder a template may use, with what it means.
PLACEHOLDERS: Mapping[str, str] = {
    "first_name": "the lead's given name as printed (empty when the card names no person)",
    "last_name": "the lead's family name",
    "full_name": "the lead's name as printed",
    "company": "the lead's company",
    "title": "the lead's job title",
    "event": "where you met (--event)",
    "at_event": "' at <event>' or nothing when there is no event",
    "met_on": "the meeting date (YYYY-MM-DD)",
    "my_name": "your name (cardscan profile --name; else [me] my_name)",
    "my_company": "your company (cardscan profile --company; else [me] my_company)",
    "my_email": "your e-mail address (cardscan profile --email)",
    "my_phone": "your phone number (cardscan profile --phone)",
    "signature": "your sign-off (cardscan profile --signature; else name and company)",
    "referred_by": "name of the lead who referred this one",
    "referral_name": "name of the person this lead introduced you to (referrer's steps)",
    "meeting_on": "the date the meeting is booked for (cardscan done --outcome booked --meeting)",
    "links": "research links built from the card (company site, web and people search)",
    "notes": "the notes on this lead so far, one per line",
    "promised": "what you promised: the text after 'promised:' in a done note or a lead note",
    "task_id": "this task's id (for cardscan snooze / done)",
    "next_task_id": "the id of the step after this one (e.g. the coffee after the call)",
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


@lru_cache(maxsize=1)
def _organisation_words() -> frozenset[str]:
    from ..extract.text import vocab_words

    return vocab_words("company_words.txt") | vocab_words("company_suffixes.txt")


def names_an_organisation(lead: Lead) -> bool:
    """True when the lead's "name" is really a business: the company's own name,
    or a name holding a word of organisations (Bakery, GmbH, Studio ...)."""
    from ..extract.text import fold
    from ..store.merge import normalize_company, normalize_name, same_company

    name = (lead.name or "").strip()
    if not name:
        return False
    if lead.company and (
        same_company(name, lead.company) or normalize_name(name) == normalize_company(lead.company)
    ):
        return True
    return any(w in _organisation_words() for w in fold(name).replace(".", " ").split())


def greeting_name(lead: Lead) -> str:
    """The given name as printed on the card ("Tomás", accents kept), or "" when
    the card names no person (then templates fall back to a neutral greeting)."""
    from ..extract.text import fold
    from ..store.merge import normalize_name

    name = " ".join((lead.name or "").split())
    given = " ".join((lead.given_name or "").split())
    if (not name and not given) or names_an_organisation(lead):
        return ""
    tokens = name.split()
    if given:
        size = len(given.split())
        for i in range(len(tokens)):
            printed = " ".join(tokens[i : i + size]).strip(",")
            if fold(printed) == fold(given):
                return printed
        return given
    for t in tokens:  # no given name known: the first word that is not "Dr." or "Mr"
        if normalize_name(t):
            return t.strip(",")
    return ""


def promise_in(texts: list[str]) -> str:
    """What was promised, from the last text holding "promised: ..." (a done
    note, a lead note); "" when none does."""
    for text in reversed(texts):
        m = _PROMISED.search(text or "")
        if m and m.group(1).strip(" .;"):
            return m.group(1).strip(" .;")
    return ""


def research_links(lead: Lead) -> str:
    """Links to prepare a meeting, built from the card alone (nothing is fetched):
    the company's site (printed, else the e-mail domain unless it is free-mail),
    a web search for the name and company, a people search on LinkedIn."""
    from urllib.parse import quote_plus

    from ..export.crm_csv import free_email_domains  # the one free-mail list

    lines = []
    site = lead.websites[0] if lead.websites else ""
    if not site:
        domains = [e.rsplit("@", 1)[1] for e in lead.emails if "@" in e]
        site = next((d for d in domains if d.lower() not in free_email_domains()), "")
    if site:
        url = site if "://" in site else f"https://{site}"
        lines.append(f"Company site: {url}")
    who = " ".join(x for x in ((lead.name or "").strip(), (lead.company or "").strip()) if x)
    if who:
        lines.append(f"Web search: https://duckduckgo.com/?q={quote_plus(who)}")
        lines.append(
            f"People search: https://www.linkedin.com/search/results/people/?keywords={quote_plus(who)}"
        )
    return "\n".join(lines)


_PROMISED = re.compile(r"\bpromised\s*:\s*([^\n;]+)", re.IGNORECASE)


def lead_values(
    lead: Lead,
    *,
    met_on: dt.date | None,
    me: Mapping[str, str],
    fallbacks: Mapping[str, str],
    referred_by: str | None = None,
    profile: Profile | None = None,
    promised: str = "",
    task_id: str = "",
    next_task_id: str = "",
    referral_name: str = "",
    notes: str = "",
) -> dict[str, str]:
    """Placeholder values for one lead; empty values take their fallback text.
    The sender fields come from `profile`, else from the cadence's `[me]` table."""
    name = (lead.name or "").strip()
    family = lead.family_name or ""
    if not family and name and " " in name:
        family = name.rsplit(" ", 1)[1]
    event = (lead.event or "").strip()
    my_name = (profile.name if profile and profile.name else me.get("my_name") or "").strip()
    my_company = (
        profile.company if profile and profile.company else me.get("my_company") or ""
    ).strip()
    signature = profile.sign_off() if profile and (profile.signature or profile.name) else ""
    values = {
        "first_name": greeting_name(lead),
        "last_name": family.strip(),
        "full_name": name,
        "company": (lead.company or "").strip(),
        "title": (lead.title or "").strip(),
        "event": event,
        "at_event": f" at {event}" if event else "",
        "met_on": met_on.isoformat() if met_on else "",
        "my_name": my_name,
        "my_company": my_company,
        "my_email": profile.email if profile else "",
        "my_phone": profile.phone if profile else "",
        "signature": signature or "\n".join(x for x in (my_name, my_company) if x),
        "referred_by": (referred_by or "").strip(),
        "referral_name": referral_name.strip(),
        "meeting_on": lead.meeting_on.isoformat() if lead.meeting_on else "",
        "links": research_links(lead),
        "notes": notes.strip(),
        "promised": promised.strip(),
        "task_id": task_id,
        "next_task_id": next_task_id,
    }
    for key, value in values.items():
        if not value and fallbacks.get(key):
            values[key] = fallbacks[key]
    return values
