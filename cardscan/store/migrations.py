"""Versioned schema migrations, tracked with `PRAGMA user_version`.

Each migration is a tuple of statements applied in one transaction together
with the version bump, so a database is always at exactly one version.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

import json
import sqlite3

from ..leads import (
    ADDRESS_COLUMNS,
    PhoneNumber,
    phone_is_valid,
    phone_region,
    split_lead_address,
)

_V1 = (
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE leads (
        id TEXT PRIMARY KEY,
        name TEXT,
        given_name TEXT,
        family_name TEXT,
        title TEXT,
        company TEXT,
        department TEXT,
        address TEXT,
        event_id INTEGER REFERENCES events(id),
        met_on TEXT,
        status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'review')),
        possible_duplicate_of TEXT REFERENCES leads(id) ON DELETE SET NULL,
        referred_by TEXT REFERENCES leads(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE lead_emails (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        email TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (lead_id, email)
    )""",
    # Merge lookups compare case-folded addresses.
    "CREATE INDEX lead_emails_email ON lead_emails (lower(email))",
    """CREATE TABLE lead_phones (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        number TEXT NOT NULL,
        type TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (lead_id, number)
    )""",
    "CREATE INDEX lead_phones_number ON lead_phones (number)",
    """CREATE TABLE lead_websites (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (lead_id, url)
    )""",
    """CREATE TABLE lead_events (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        event_id INTEGER NOT NULL REFERENCES events(id),
        met_on TEXT,
        PRIMARY KEY (lead_id, event_id)
    )""",
    """CREATE TABLE sources (
        key TEXT PRIMARY KEY,
        image_sha256 TEXT,
        card INTEGER NOT NULL DEFAULT 0,
        path TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        lead_id TEXT REFERENCES leads(id) ON DELETE SET NULL,
        event_id INTEGER REFERENCES events(id),
        imported_at TEXT NOT NULL
    )""",
    "CREATE INDEX sources_lead ON sources (lead_id)",
    """CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        seq INTEGER NOT NULL,
        due TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'call', 'meeting', 'note')),
        summary TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'done', 'skipped', 'snoozed')),
        done_on TEXT,
        note TEXT,
        depends_on TEXT REFERENCES tasks(id) ON DELETE SET NULL,
        offset_days INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (lead_id, step)
    )""",
    "CREATE INDEX tasks_due ON tasks (status, due)",
)

# v2: a number printed without its area code is kept, flagged, and never used to
# match two leads (two shops may print the same local number in different cities).
_V2 = ("ALTER TABLE lead_phones ADD COLUMN local_only INTEGER NOT NULL DEFAULT 0",)

# v3 (review): what a person needs to check and correct a scan: a review status
# and its reasons, soft delete and merge links, a small JPEG of each flattened
# card, per-field confidence and origin, tags, notes, and a history of changes
# that keeps every value a correction replaced.
_V3_REVIEW = (
    "ALTER TABLE leads ADD COLUMN review_status TEXT NOT NULL DEFAULT 'new'"
    " CHECK (review_status IN ('new', 'needs_review', 'approved'))",
    "ALTER TABLE leads ADD COLUMN review_reasons TEXT NOT NULL DEFAULT '[]'",  # JSON list
    "ALTER TABLE leads ADD COLUMN deleted_at TEXT",
    "ALTER TABLE leads ADD COLUMN merged_into TEXT REFERENCES leads(id) ON DELETE SET NULL",
    "UPDATE leads SET review_status = 'needs_review'"
    " WHERE status = 'review' OR possible_duplicate_of IS NOT NULL",
    "ALTER TABLE sources ADD COLUMN card_jpeg BLOB",
    """CREATE TABLE lead_fields (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        confidence REAL,
        origin TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (lead_id, field, value)
    )""",
    """CREATE TABLE lead_tags (
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        position INTEGER NOT NULL,
        PRIMARY KEY (lead_id, tag)
    )""",
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX notes_lead ON notes (lead_id)",
    """CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        field TEXT,
        old TEXT,
        new TEXT
    )""",
    "CREATE INDEX history_lead ON history (lead_id)",
)

# v4 (robust): what a scan read from a photo, keyed by the photo's bytes, the options that
# change a reading and the cardscan version, so a rerun (after a crash, Ctrl-C or a
# finished batch) reuses it instead of reading the photo again (`cardscan.scanjob`).
_V4_SCAN_RESULTS = (
    """CREATE TABLE scan_results (
        image_sha256 TEXT NOT NULL,
        read_key TEXT NOT NULL,
        records TEXT NOT NULL,
        read_at TEXT NOT NULL,
        PRIMARY KEY (image_sha256, read_key)
    )""",
)

# v5 (phonestore): whether phonenumbers calls a lead's number valid, and the text
# printed, so an invalid number never leaves as a dialable E.164 (issue 7).  Rows
# stored before are re-checked in the same transaction through the SQL function
# `cardscan_phone_valid` that `migrate` registers (phonenumbers, in Python); a
# number without its area code keeps 1 (its `local_only` flag already says it).
_V5_PHONE_VALID = (
    "ALTER TABLE lead_phones ADD COLUMN valid INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE lead_phones ADD COLUMN raw TEXT",
    "UPDATE lead_phones SET valid = cardscan_phone_valid(number) WHERE local_only = 0",
)

# v6 (workspace8): a draft edited by a person (Today page), per task, used instead
# of the template until it is reset (the task's stored subject/body follow it
# when drafts are refreshed, as they follow the template).  Dropped with its task.
_V9_DRAFT_EDITS = (
    """CREATE TABLE draft_edits (
        task_id TEXT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        edited_at TEXT NOT NULL
    )""",
)

# v7 (address9): the address split into street, city, region, postcode and country
# (ISO 3166 alpha-2), the fields address books and CRMs import (issue 9).  Filled at
# scan and on `edit --address`; rows stored before are split here through the SQL
# function `cardscan_split_address` that `migrate` registers (the address and the
# lead's first phone, whose country anchors the split), which returns the parts as JSON.
_V8_ADDRESS_PARTS = (
    *(f"ALTER TABLE leads ADD COLUMN {c} TEXT" for c in ADDRESS_COLUMNS),
    "UPDATE leads SET (" + ", ".join(ADDRESS_COLUMNS) + ") = (SELECT "
    + ", ".join(f"json_extract(j, '$.{c.removeprefix('address_')}')"
                for c in ADDRESS_COLUMNS)
    + " FROM (SELECT cardscan_split_address(leads.address, (SELECT number FROM lead_phones"
    " WHERE lead_id = leads.id ORDER BY position LIMIT 1)) AS j))"
    " WHERE address IS NOT NULL AND trim(address) != ''",
)

# v9 (exports9, the brief's "v7"): a revision counter per task, so a calendar export can give
# each event a SEQUENCE that only ever grows (RFC 5545 3.8.7.4: a client keeps
# the copy with the higher SEQUENCE).  Triggers bump it whenever something a
# calendar shows changes: the task's date, status or texts, or its lead being
# deleted, restored, renamed, or its card details in the description (title,
# company, department, address, event, meeting date, referrer) edited.  Emails
# and phones live in child tables that every save rewrites, so they do not bump
# it (a changed number shows in the description from the next task change on).
# The triggers name columns, never the status CHECK list, so they survive
# plan13's rebuild of `tasks` for its wider status CHECK as long as they are
# created after it: a rebuild that drops the table drops its triggers, so this
# migration goes after any rebuild, and a later rebuild must create them again.
# Recursive triggers are off, and the inner UPDATE only sets `revision`, which
# no trigger watches.
_V7_TASK_REVISION = (
    "ALTER TABLE tasks ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    """CREATE TRIGGER tasks_revision AFTER UPDATE OF due, status, summary, subject, body,
           channel, note, done_on ON tasks
       FOR EACH ROW WHEN OLD.due IS NOT NEW.due OR OLD.status IS NOT NEW.status
           OR OLD.summary IS NOT NEW.summary OR OLD.subject IS NOT NEW.subject
           OR OLD.body IS NOT NEW.body OR OLD.channel IS NOT NEW.channel
           OR OLD.note IS NOT NEW.note OR OLD.done_on IS NOT NEW.done_on
       BEGIN
           UPDATE tasks SET revision = OLD.revision + 1 WHERE id = NEW.id;
       END""",
    """CREATE TRIGGER leads_task_revision AFTER UPDATE OF deleted_at, name, company, title,
           department, address, event_id, met_on, referred_by ON leads
       FOR EACH ROW WHEN OLD.deleted_at IS NOT NEW.deleted_at OR OLD.name IS NOT NEW.name
           OR OLD.company IS NOT NEW.company OR OLD.title IS NOT NEW.title
           OR OLD.department IS NOT NEW.department OR OLD.address IS NOT NEW.address
           OR OLD.event_id IS NOT NEW.event_id OR OLD.met_on IS NOT NEW.met_on
           OR OLD.referred_by IS NOT NEW.referred_by
       BEGIN
           UPDATE tasks SET revision = revision + 1 WHERE lead_id = NEW.id;
       END""",
)

# v8 (plan13, issue 13): the plan follows the relationship.  A task gains the
# status 'cancelled' (kept, with the reason in its note, so a calendar can cancel
# its event) and the outcome recorded with it; SQLite cannot alter a CHECK, so
# `tasks` is rebuilt: the new table is created under another name (its self
# reference names that table, and the rename rewrites it to `tasks`), every row
# copied, the old table dropped.  A lead gains its stage, the reason it was closed
# and the date a meeting was booked for; `stage_history` keeps every stage change.
# Dropping `tasks` deletes (ON DELETE CASCADE) the rows that reference it, so the
# draft edits (v6) are kept aside in a temporary table and put back.
_V6_OUTCOMES = (
    "CREATE TEMP TABLE keep_draft_edits AS SELECT * FROM draft_edits",
    """CREATE TABLE tasks_v6 (
        id TEXT PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        seq INTEGER NOT NULL,
        due TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'call', 'meeting', 'note')),
        summary TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('open', 'done', 'skipped', 'snoozed', 'cancelled')),
        done_on TEXT,
        note TEXT,
        depends_on TEXT REFERENCES tasks_v6(id) ON DELETE SET NULL,
        offset_days INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        outcome TEXT,
        UNIQUE (lead_id, step)
    )""",
    """INSERT INTO tasks_v6 (id, lead_id, step, seq, due, channel, summary, subject, body,
           status, done_on, note, depends_on, offset_days, created_at, updated_at)
       SELECT id, lead_id, step, seq, due, channel, summary, subject, body,
           status, done_on, note, depends_on, offset_days, created_at, updated_at
       FROM tasks""",
    "DROP TABLE tasks",
    "ALTER TABLE tasks_v6 RENAME TO tasks",
    "CREATE INDEX tasks_due ON tasks (status, due)",
    "INSERT INTO draft_edits SELECT * FROM keep_draft_edits",
    "DROP TABLE keep_draft_edits",
    "ALTER TABLE leads ADD COLUMN stage TEXT NOT NULL DEFAULT 'new' CHECK (stage IN"
    " ('new', 'contacted', 'replied', 'meeting-booked', 'met', 'nurturing', 'closed'))",
    "ALTER TABLE leads ADD COLUMN stage_reason TEXT",
    "ALTER TABLE leads ADD COLUMN meeting_on TEXT",
    """CREATE TABLE stage_history (
        id INTEGER PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        on_date TEXT NOT NULL,
        stage TEXT NOT NULL,
        reason TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX stage_history_lead ON stage_history (lead_id)",
    # Leads already planned start at 'new', or 'contacted' once a step went out.
    """UPDATE leads SET stage = 'contacted' WHERE id IN
           (SELECT lead_id FROM tasks WHERE status = 'done' AND channel IN ('email', 'call'))""",
    """INSERT INTO stage_history (lead_id, on_date, stage, reason, at)
       SELECT id, substr(created_at, 1, 10), 'new', NULL, created_at FROM leads""",
    """INSERT INTO stage_history (lead_id, on_date, stage, reason, at)
       SELECT lead_id, min(coalesce(done_on, due)), 'contacted', NULL, min(updated_at)
       FROM tasks WHERE status = 'done' AND channel IN ('email', 'call') GROUP BY lead_id""",
)

# (version, statements); versions are consecutive from 1.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, _V1),
    (2, _V2),
    (3, _V3_REVIEW),
    (4, _V4_SCAN_RESULTS),
    (5, _V5_PHONE_VALID),
    (6, _V9_DRAFT_EDITS),
    (7, _V8_ADDRESS_PARTS),  # numbered by landing order; the brief's "v8"
    (8, _V6_OUTCOMES),  # plan13 (issue 13): rebuilds `tasks`; the brief's "v6"
    (9, _V7_TASK_REVISION),  # exports9: after every rebuild of `tasks` (see its comment)
)
LATEST = MIGRATIONS[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, migrations: tuple[tuple[int, tuple[str, ...]], ...] = MIGRATIONS
) -> int:
    """Bring `conn` (autocommit mode) up to the last migration; return its version.

    The caller checks that the database is not newer than this code.
    """
    version = current_version(conn)
    conn.create_function("cardscan_phone_valid", 1, _phone_valid, deterministic=True)
    conn.create_function("cardscan_split_address", 2, _split_address, deterministic=True)
    for target, statements in migrations:
        if target <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if current_version(conn) >= target:
                conn.execute("COMMIT")
                version = current_version(conn)
                continue
            for sql in statements:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {int(target)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = target
    return version


def _phone_valid(number: object) -> int:
    """SQL function for v5: 1 when phonenumbers calls the stored number valid."""
    return int(isinstance(number, str) and phone_is_valid(number))


def _split_address(address: object, phone: object) -> str | None:
    """SQL function for v8: the parts of a stored address as JSON, anchored on the
    country of the lead's first phone."""
    if not isinstance(address, str):
        return None
    country = phone_region((PhoneNumber(phone, "other"),)) if isinstance(phone, str) else None
    parts = split_lead_address(address, country)
    return json.dumps(parts.to_dict(), ensure_ascii=False) if parts else None
