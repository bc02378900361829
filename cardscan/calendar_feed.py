"""The follow-up plan as a calendar that stays in sync: one feed, three ways out.

* ``cardscan export --format ics --out plan.ics``: a file to import once;
* the workspace (``cardscan serve``) answers ``/calendar.ics?token=...``;
* ``cardscan calendar serve`` serves that one URL and nothing else.

A subscribed calendar (Apple Calendar "New Calendar Subscription", Outlook
"Add calendar > Subscribe from web", Google "Other calendars > From URL")
polls the URL and follows the plan: a snoozed task moves, a done, skipped or
cancelled one (or a deleted lead's) disappears, because every task keeps its
UID and its SEQUENCE grows (`cardscan.export.ics`).

The token in the URL is a random secret kept in the config folder
(`feed_token`), so the URL stays the same across restarts and a page on
another site cannot guess it; `reset_feed_token` changes it.  The feed is
read-only (GET), and like the workspace it listens on 127.0.0.1 unless asked
otherwise: Apple Calendar and Outlook desktop on this machine can subscribe
directly; Google's servers fetch a feed from the internet, so Google needs the
URL reachable from outside (``--host`` plus a tunnel or reverse proxy that
adds HTTPS), or the exported file.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .crm_drafts import rendered_tasks
from .errors import ConfigError
from .export.ics import calendar_bytes
from .followup.cadence import Cadence
from .leads import Lead, Task
from .profile import config_dir
from .store import Store

FEED_PATH = "/calendar.ics"
TOKEN_FILE = "calendar-token"
_LOCALTIME = Path("/etc/localtime")


def _token_path() -> Path:
    return config_dir() / TOKEN_FILE


def feed_token() -> str:
    """The feed's secret, made (0600, in the config folder) on first use."""
    path = _token_path()
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        token = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the calendar token ({exc.strerror})") from None
    return token or reset_feed_token()


def reset_feed_token() -> str:
    """A new secret: every subscription made with the old URL stops updating."""
    path = _token_path()
    token = secrets.token_urlsafe(24)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(token + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the calendar token ({exc.strerror})") from None
    return token


def feed_url(base: str, token: str | None = None) -> str:
    """The subscription URL under `base` (e.g. ``http://127.0.0.1:8765/``)."""
    return f"{base.rstrip('/')}{FEED_PATH}?token={token or feed_token()}"


def local_zone_name() -> str | None:
    """This machine's IANA zone name ($TZ, else /etc/localtime's link), or None."""
    candidates: list[str] = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink(_LOCALTIME)
        candidates.append(target.split("zoneinfo/", 1)[-1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    for name in candidates:
        if name and ("/" in name or name == "UTC"):
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return None


def zone_name(tz: str | None, cadence: Cadence) -> str | None:
    """The zone events are timed in: `tz`, the cadence's, this machine's, or
    None (floating local time)."""
    return tz or cadence.calendar.timezone or local_zone_name()


def feed_items(store: Store, cadence: Cadence) -> tuple[list[Lead], list[Task]]:
    """Every lead (deleted ones too: their tasks are published as cancelled)
    and every task, drafts rendered as they would be sent now."""
    leads = store.leads() + store.leads(deleted=True)
    tasks = store.tasks(include_deleted=True)
    return leads, rendered_tasks(store, tasks, cadence)


def calendar_feed(
    store: Store,
    cadence: Cadence,
    *,
    now: dt.datetime,
    tz: str | None = None,
    at: dt.time | None = None,
    todo: bool = False,
) -> bytes:
    """The feed's bytes (RFC 5545): what the URL serves and the file holds."""
    leads, tasks = feed_items(store, cadence)
    return calendar_bytes(
        leads, tasks, now=now, todo=todo, tz=zone_name(tz, cadence),
        at=at or cadence.calendar.at,
    )

