"""Content-derived ids: the same input always gets the same id.

Lead ids come from the first thing that created the lead (an image's content
hash and card index, or a manual entry's normalized fields); task ids from
the lead id and the cadence step key, so re-planning or re-importing never
creates a second copy of a task and exports can use the id as a stable UID.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

LEAD_ID_LEN = 12  # hex chars: 48 bits, ample for one person's contacts
TASK_ID_LEN = 16
MIN_PREFIX = 6  # shortest id prefix accepted on the command line
SHORT_LEN = 8  # ids shown in tables


def _digest(*parts: str) -> str:
    # NUL separators: ("ab", "c") and ("a", "bc") must not collide.
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def source_key(image_sha256: str | None, card: int, source: str) -> str:
    """Identity of one card in one image; path-based only when the file was unreadable."""
    if image_sha256:
        return f"sha256:{image_sha256}#{card}"
    return f"path:{source}#{card}"


def lead_id_for_source(key: str) -> str:
    return _digest("lead", key)[:LEAD_ID_LEN]


def lead_id_for_manual(
    name: str | None, emails: Iterable[str], phones: Iterable[str], company: str | None
) -> str:
    norm = [
        " ".join((name or "").casefold().split()),
        ",".join(sorted(e.casefold() for e in emails)),
        ",".join(sorted(phones)),
        " ".join((company or "").casefold().split()),
    ]
    return _digest("lead", "manual", *norm)[:LEAD_ID_LEN]


def task_id(lead_id: str, step_key: str) -> str:
    return _digest("task", lead_id, step_key)[:TASK_ID_LEN]
