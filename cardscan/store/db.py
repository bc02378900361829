"""SQLite lead store: one file, no server, every write one transaction.

The connection runs in autocommit mode and `Store.transaction()` issues
BEGIN IMMEDIATE / COMMIT itself, so a write either lands whole or not at
all, even when the process is killed half-way (SQLite's journal rolls the
partial transaction back on the next open).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import StoreError
from ..leads import (
    ADDRESS_COLUMNS,
    Channel,
    DraftEdit,
    FieldInfo,
    HistoryEntry,
    Lead,
    Note,
    PhoneNumber,
    ReviewStatus,
    StageChange,
    Task,
    TaskStatus,
    phone_region,
    split_lead_address,
)
from .ids import MIN_PREFIX
from .migrations import LATEST, current_version, migrate

if TYPE_CHECKING:
    from ..extract.address_split import AddressParts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceRow:
    key: str
    path: str
    status: str
    lead_id: str | None


def _address_columns(lead: Lead) -> tuple[str | None, ...]:
    """The v8 address columns of `lead`: its split, or a fresh one when a caller set
    the address without it (anchored on the phones' country); NULL without address."""
    parts = lead.address_parts
    if parts is None and lead.address:
        parts = split_lead_address(lead.address, phone_region(lead.phones))
    if parts is None or not lead.address:
        return (None,) * len(ADDRESS_COLUMNS)
    return (parts.street, parts.city, parts.region, parts.postcode, parts.country)


def _address_parts(row: sqlite3.Row) -> AddressParts | None:
    if not row["address"]:
        return None
    from ..extract.address_split import AddressParts

    return AddressParts(*(row[c] or "" for c in ADDRESS_COLUMNS))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _datetime(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Store:
    """Leads, their sources, events and tasks in one SQLite file."""

    def __init__(self, path: str | Path, *, timeout: float = 15.0) -> None:
        self.path = Path(path)
        self._depth = 0  # transaction nesting
        if str(path) != ":memory:" and not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            self._conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA foreign_keys = ON")
            version = current_version(self._conn)
            if version > LATEST:
                raise StoreError(
                    f"{self.path}: database schema v{version} is newer than this cardscan "
                    f"(knows up to v{LATEST}); upgrade cardscan"
                )
            if str(path) != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StoreError(f"{self.path}: cannot open the lead database ({exc})") from None
        except StoreError:
            self._close_quietly()
            raise

    # ------------------------------------------------------------ plumbing

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return current_version(self._conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested use joins the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    def _x(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: database error ({exc})") from exc

    def _require_tx(self) -> None:
        if not self._depth:
            raise RuntimeError("store writes must run inside Store.transaction()")

    # ------------------------------------------------------------ ids

    def _resolve(self, table: str, prefix: str, what: str) -> str:
        prefix = prefix.strip().lower()
        if self._x(f"SELECT 1 FROM {table} WHERE id = ?", (prefix,)).fetchone():
            return prefix
        if len(prefix) < MIN_PREFIX:
            raise StoreError(
                f"unknown {what} id {prefix!r} (give at least {MIN_PREFIX} characters)"
            )
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._x(
            f"SELECT id FROM {table} WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 3", (like,)
        ).fetchall()
        if not rows:
            raise StoreError(f"unknown {what} id {prefix!r}")
        if len(rows) > 1:
            raise StoreError(f"{what} id {prefix!r} is ambiguous; give more characters")
        return str(rows[0]["id"])

    def resolve_task_id(self, prefix: str) -> str:
        """The full id of the one task whose id starts with `prefix` (>= 6 chars)."""
        return self._resolve("tasks", prefix, "task")

    def resolve_lead_id(self, prefix: str) -> str:
        return self._resolve("leads", prefix, "lead")

    # ------------------------------------------------------------ events, sources

    def event_id(self, name: str, now: dt.datetime) -> int:
        self._require_tx()
        row = self._x("SELECT id FROM events WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row["id"])
        cur = self._x(
            "INSERT INTO events (name, created_at) VALUES (?, ?)", (name, now.isoformat())
        )
        return int(cast(int, cur.lastrowid))

    def link_event(self, lead_id: str, event_id: int, met_on: dt.date | None) -> None:
        self._require_tx()
        self._x(
            "INSERT OR IGNORE INTO lead_events (lead_id, event_id, met_on) VALUES (?, ?, ?)",
            (lead_id, event_id, met_on.isoformat() if met_on else None),
        )

    def events(self) -> list[str]:
        return [r["name"] for r in self._x("SELECT name FROM events ORDER BY id")]

    def source(self, key: str) -> SourceRow | None:
        row = self._x(
            "SELECT key, path, status, lead_id FROM sources WHERE key = ?", (key,)
        ).fetchone()
        return SourceRow(row["key"], row["path"], row["status"], row["lead_id"]) if row else None

    def save_source(
        self,
        key: str,
        *,
        path: str,
        status: str,
        now: dt.datetime,
        image_sha256: str | None = None,
        card: int = 0,
        error: str | None = None,
        lead_id: str | None = None,
        event_id: int | None = None,
        card_jpeg: bytes | None = None,
    ) -> None:
        self._require_tx()
        self._x(
            """INSERT INTO sources (key, image_sha256, card, path, status, error, lead_id,
                   event_id, imported_at, card_jpeg)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET
                   path = excluded.path, status = excluded.status, error = excluded.error,
                   lead_id = coalesce(sources.lead_id, excluded.lead_id),
                   event_id = coalesce(sources.event_id, excluded.event_id),
                   imported_at = excluded.imported_at,
                   card_jpeg = coalesce(excluded.card_jpeg, sources.card_jpeg)""",
            (key, image_sha256, card, path, status, error, lead_id, event_id, now.isoformat(),
             card_jpeg),
        )

    def card_image(self, lead_id: str) -> bytes | None:
        """The JPEG of the lead's most recently imported card, if one was kept."""
        row = self._x(
            "SELECT card_jpeg FROM sources WHERE lead_id = ? AND card_jpeg IS NOT NULL"
            " ORDER BY imported_at DESC, key LIMIT 1",
            (lead_id,),
        ).fetchone()
        return bytes(row["card_jpeg"]) if row else None

    def has_card_image(self, lead_id: str) -> bool:
        return bool(self._x(
            "SELECT 1 FROM sources WHERE lead_id = ? AND card_jpeg IS NOT NULL LIMIT 1", (lead_id,)
        ).fetchone())

    def move_sources(self, from_lead: str, to_lead: str) -> None:
        """Sources, notes and history of `from_lead` now belong to `to_lead`."""
        self._require_tx()
        for table in ("sources", "notes", "history"):
            self._x(f"UPDATE {table} SET lead_id = ? WHERE lead_id = ?", (to_lead, from_lead))

    def relink(self, from_lead: str, to_lead: str) -> None:
        """Leads that pointed at `from_lead` (referred by it, flagged as its
        possible duplicate) now point at `to_lead`."""
        self._require_tx()
        self._x("UPDATE leads SET referred_by = ? WHERE referred_by = ?", (to_lead, from_lead))
        self._x(
            "UPDATE leads SET possible_duplicate_of = CASE WHEN id = ? THEN NULL ELSE ? END"
            " WHERE possible_duplicate_of = ?",
            (to_lead, to_lead, from_lead),
        )

    def set_event(self, lead_id: str, event_id: int | None, met_on: dt.date | None,
                  now: dt.datetime) -> None:
        """The event and meeting date a lead is filed under (a re-scan may change them)."""
        self._require_tx()
        self._x(
            "UPDATE leads SET event_id = ?, met_on = ?, updated_at = ? WHERE id = ?",
            (event_id, met_on.isoformat() if met_on else None, now.isoformat(), lead_id),
        )

    # ------------------------------------------------------------ notes, history

    def add_note(self, lead_id: str, text: str, now: dt.datetime) -> Note:
        self._require_tx()
        cur = self._x(
            "INSERT INTO notes (lead_id, text, created_at) VALUES (?, ?, ?)",
            (lead_id, text, now.isoformat()),
        )
        return Note(int(cast(int, cur.lastrowid)), lead_id, text, now)

    def notes(self, lead_id: str) -> list[Note]:
        rows = self._x(
            "SELECT * FROM notes WHERE lead_id = ? ORDER BY created_at, id", (lead_id,)
        )
        return [
            Note(r["id"], r["lead_id"], r["text"], dt.datetime.fromisoformat(r["created_at"]))
            for r in rows
        ]

    def add_history(
        self,
        lead_id: str,
        now: dt.datetime,
        action: str,
        field: str | None = None,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        self._require_tx()
        self._x(
            "INSERT INTO history (lead_id, at, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?)",
            (lead_id, now.isoformat(), action, field, old, new),
        )

    def history(self, lead_id: str) -> list[HistoryEntry]:
        rows = self._x("SELECT * FROM history WHERE lead_id = ? ORDER BY at, id", (lead_id,))
        return [
            HistoryEntry(r["id"], r["lead_id"], dt.datetime.fromisoformat(r["at"]), r["action"],
                         r["field"], r["old"], r["new"])
            for r in rows
        ]

    # ------------------------------------------------------------ edited drafts

    def save_draft_edit(self, task_id: str, subject: str, body: str, now: dt.datetime) -> None:
        self._require_tx()
        self._x(
            """INSERT INTO draft_edits (task_id, subject, body, edited_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (task_id) DO UPDATE SET subject = excluded.subject,
                   body = excluded.body, edited_at = excluded.edited_at""",
            (task_id, subject, body, now.isoformat()),
        )

    def drop_draft_edit(self, task_id: str) -> bool:
        """Forget a task's edited draft; False when it had none."""
        self._require_tx()
        return self._x("DELETE FROM draft_edits WHERE task_id = ?", (task_id,)).rowcount > 0

    def draft_edit(self, task_id: str) -> DraftEdit | None:
        row = self._x("SELECT * FROM draft_edits WHERE task_id = ?", (task_id,)).fetchone()
        if row is None:
            return None
        return DraftEdit(row["task_id"], row["subject"], row["body"],
                         dt.datetime.fromisoformat(row["edited_at"]))

    def source_count(self) -> int:
        return int(self._x("SELECT count(*) FROM sources").fetchone()[0])

    # ------------------------------------------------------------ leads

    def save_lead(self, lead: Lead, now: dt.datetime, *, event_id: int | None = None) -> None:
        """Insert or update `lead` with its emails, phones and websites."""
        self._require_tx()
        created = (lead.created_at or now).isoformat()
        self._x(
            """INSERT INTO leads (id, name, given_name, family_name, title, company, department,
                   address, event_id, met_on, status, possible_duplicate_of, referred_by,
                   created_at, updated_at, review_status, review_reasons, deleted_at,
                   merged_into, address_street, address_city, address_region,
                   address_postcode, address_country)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET
                   name = excluded.name, given_name = excluded.given_name,
                   family_name = excluded.family_name, title = excluded.title,
                   company = excluded.company, department = excluded.department,
                   address = excluded.address,
                   event_id = coalesce(leads.event_id, excluded.event_id),
                   met_on = excluded.met_on, status = excluded.status,
                   possible_duplicate_of = excluded.possible_duplicate_of,
                   referred_by = excluded.referred_by, updated_at = excluded.updated_at,
                   review_status = excluded.review_status,
                   review_reasons = excluded.review_reasons,
                   deleted_at = excluded.deleted_at, merged_into = excluded.merged_into,
                   address_street = excluded.address_street,
                   address_city = excluded.address_city,
                   address_region = excluded.address_region,
                   address_postcode = excluded.address_postcode,
                   address_country = excluded.address_country""",
            (
                lead.id,
                lead.name,
                lead.given_name,
                lead.family_name,
                lead.title,
                lead.company,
                lead.department,
                lead.address,
                event_id,
                lead.met_on.isoformat() if lead.met_on else None,
                lead.status if lead.status in ("ok", "review") else "review",
                lead.possible_duplicate_of,
                lead.referred_by,
                created,
                now.isoformat(),
                lead.review_status,
                json.dumps(list(lead.review_reasons), ensure_ascii=False),
                lead.deleted_at.isoformat() if lead.deleted_at else None,
                lead.merged_into,
                *_address_columns(lead),
            ),
        )
        for table in ("lead_emails", "lead_phones", "lead_websites", "lead_fields", "lead_tags"):
            self._x(f"DELETE FROM {table} WHERE lead_id = ?", (lead.id,))
        for i, email in enumerate(dict.fromkeys(lead.emails)):
            self._x("INSERT INTO lead_emails VALUES (?, ?, ?)", (lead.id, email, i))
        seen: set[str] = set()
        for i, p in enumerate(lead.phones):
            if p.number not in seen:
                seen.add(p.number)
                self._x(
                    "INSERT INTO lead_phones (lead_id, number, type, position, local_only,"
                    " valid, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (lead.id, p.number, p.type, i, int(p.local_only), int(p.valid), p.raw),
                )
        for i, url in enumerate(dict.fromkeys(lead.websites)):
            self._x("INSERT INTO lead_websites VALUES (?, ?, ?)", (lead.id, url, i))
        for i, f in enumerate(lead.field_info):
            self._x(
                "INSERT OR IGNORE INTO lead_fields"
                " (lead_id, field, value, confidence, origin, position) VALUES (?, ?, ?, ?, ?, ?)",
                (lead.id, f.field, f.value, f.confidence, f.origin, i),
            )
        for i, tag in enumerate(lead.tags):
            self._x("INSERT OR IGNORE INTO lead_tags VALUES (?, ?, ?)", (lead.id, tag, i))

    def get_lead(self, lead_id: str) -> Lead | None:
        found = self._load_leads("WHERE l.id = ?", (lead_id,))
        return found[0] if found else None

    def leads(self, *, deleted: bool = False) -> list[Lead]:
        """Every lead, oldest first; the deleted ones (and only those) with `deleted`."""
        cond = "IS NOT NULL" if deleted else "IS NULL"
        return self._load_leads(f"WHERE l.deleted_at {cond}", ())

    def leads_by_email(self, emails: Iterable[str]) -> list[Lead]:
        keys = {e.strip().lower() for e in emails if e.strip()}
        return self._leads_where("SELECT DISTINCT lead_id FROM lead_emails "
                                 "WHERE lower(email) IN ({marks})", keys)

    def leads_by_phone(self, numbers: Iterable[str]) -> list[Lead]:
        return self._leads_where("SELECT DISTINCT lead_id FROM lead_phones WHERE number IN "
                                 "({marks}) AND type != 'fax' AND local_only = 0 AND valid = 1",
                                 set(numbers))

    def _leads_where(self, sql: str, keys: set[str]) -> list[Lead]:
        """The leads whose ids `sql` (with an IN ({marks}) over `keys`) selects."""
        if not keys:
            return []
        ordered = sorted(keys)
        marks = ",".join("?" * len(ordered))
        ids = [r["lead_id"] for r in self._x(sql.format(marks=marks), ordered)]
        return [x for x in self._by_ids(ids) if x.deleted_at is None]

    def name_index(self) -> list[Lead]:
        """Every lead's id, name and company only: what the fuzzy pass needs."""
        return [
            Lead(id=r["id"], name=r["name"], company=r["company"])
            for r in self._x("SELECT id, name, company FROM leads WHERE deleted_at IS NULL"
                             " ORDER BY created_at, id")
        ]

    def _by_ids(self, ids: list[str]) -> list[Lead]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self._load_leads(f"WHERE l.id IN ({marks})", ids)

    def _load_leads(self, where: str, params: Sequence[Any]) -> list[Lead]:
        rows = self._x(
            f"""SELECT l.*, e.name AS event_name FROM leads l
                LEFT JOIN events e ON e.id = l.event_id {where}
                ORDER BY l.created_at, l.id""",
            params,
        ).fetchall()
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        emails = self._children("SELECT lead_id, email FROM lead_emails", ids)
        phones = self._children(
            "SELECT lead_id, number, type, local_only, valid, raw FROM lead_phones", ids
        )
        sites = self._children("SELECT lead_id, url FROM lead_websites", ids)
        srcs = self._children("SELECT lead_id, path FROM sources", ids, order="imported_at, key")
        infos = self._children(
            "SELECT lead_id, field, value, confidence, origin FROM lead_fields", ids
        )
        tags = self._children("SELECT lead_id, tag FROM lead_tags", ids)
        return [
            Lead(
                id=r["id"],
                name=r["name"],
                given_name=r["given_name"],
                family_name=r["family_name"],
                title=r["title"],
                company=r["company"],
                department=r["department"],
                address=r["address"],
                emails=tuple(x["email"] for x in emails.get(r["id"], ())),
                phones=tuple(PhoneNumber(x["number"], x["type"], bool(x["local_only"]),
                                         bool(x["valid"]), x["raw"])
                             for x in phones.get(r["id"], ())),
                websites=tuple(x["url"] for x in sites.get(r["id"], ())),
                event=r["event_name"],
                met_on=_date(r["met_on"]),
                status=r["status"],
                possible_duplicate_of=r["possible_duplicate_of"],
                referred_by=r["referred_by"],
                sources=tuple(dict.fromkeys(x["path"] for x in srcs.get(r["id"], ()))),
                created_at=_datetime(r["created_at"]),
                review_status=cast(ReviewStatus, r["review_status"]),
                review_reasons=tuple(json.loads(r["review_reasons"] or "[]")),
                tags=tuple(x["tag"] for x in tags.get(r["id"], ())),
                field_info=tuple(
                    FieldInfo(x["field"], x["value"], x["confidence"], x["origin"])
                    for x in infos.get(r["id"], ())
                ),
                deleted_at=_datetime(r["deleted_at"]),
                merged_into=r["merged_into"],
                stage=r["stage"],
                stage_reason=r["stage_reason"],
                meeting_on=_date(r["meeting_on"]),
                address_parts=_address_parts(r),
            )
            for r in rows
        ]

    def _children(
        self, select: str, ids: list[str], order: str = "position"
    ) -> dict[str, list[sqlite3.Row]]:
        out: dict[str, list[sqlite3.Row]] = {}
        # Chunked: SQLite caps the number of bound parameters per statement.
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._x(f"{select} WHERE lead_id IN ({marks}) ORDER BY {order}", chunk):
                out.setdefault(row["lead_id"], []).append(row)
        return out

    # ------------------------------------------------------------ tasks

    def save_tasks(self, tasks: Iterable[Task], now: dt.datetime) -> None:
        """Insert or update tasks by id (ids are stable, so this never duplicates)."""
        self._require_tx()
        for t in tasks:
            self._x(
                """INSERT INTO tasks (id, lead_id, step, seq, due, channel, summary, subject, body,
                       status, done_on, note, depends_on, offset_days, created_at, updated_at,
                       outcome)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET
                       seq = excluded.seq, due = excluded.due, channel = excluded.channel,
                       summary = excluded.summary, subject = excluded.subject,
                       body = excluded.body, status = excluded.status,
                       done_on = excluded.done_on, note = excluded.note,
                       depends_on = excluded.depends_on, offset_days = excluded.offset_days,
                       updated_at = excluded.updated_at, outcome = excluded.outcome""",
                (
                    t.id,
                    t.lead_id,
                    t.step,
                    t.seq,
                    t.due.isoformat(),
                    t.channel,
                    t.summary,
                    t.subject,
                    t.body,
                    t.status,
                    t.done_on.isoformat() if t.done_on else None,
                    t.note,
                    t.depends_on,
                    t.offset,
                    now.isoformat(),
                    now.isoformat(),
                    t.outcome,
                ),
            )

    def tasks(self, lead_id: str | None = None, *, include_deleted: bool = False) -> list[Task]:
        """Tasks of one lead, or of every lead not deleted (with `include_deleted`,
        of every lead: the calendar feed cancels those), by due date then plan order."""
        where, params = (
            ("WHERE lead_id = ?", (lead_id,))
            if lead_id
            else ("", ())
            if include_deleted
            else ("WHERE lead_id IN (SELECT id FROM leads WHERE deleted_at IS NULL)", ())
        )
        rows = self._x(f"SELECT * FROM tasks {where} ORDER BY due, lead_id, seq", params)
        return [self._task(r) for r in rows]

    def get_task(self, task_id: str) -> Task | None:
        row = self._x("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return self._task(row) if row else None

    def task_count(self) -> int:
        return int(self._x("SELECT count(*) FROM tasks").fetchone()[0])

    def lead_count(self) -> int:
        return int(self._x("SELECT count(*) FROM leads").fetchone()[0])

    @staticmethod
    def _task(r: sqlite3.Row) -> Task:
        return Task(
            id=r["id"],
            lead_id=r["lead_id"],
            step=r["step"],
            seq=r["seq"],
            due=dt.date.fromisoformat(r["due"]),
            channel=cast(Channel, r["channel"]),
            summary=r["summary"],
            subject=r["subject"],
            body=r["body"],
            status=cast(TaskStatus, r["status"]),
            done_on=_date(r["done_on"]),
            note=r["note"],
            depends_on=r["depends_on"],
            offset=r["offset_days"],
            revision=r["revision"],
            outcome=r["outcome"],
        )

    # ------------------------------------------------------------ stages

    def set_stage(
        self, lead_id: str, stage: str, reason: str | None, on: dt.date, now: dt.datetime
    ) -> None:
        """Move the lead to `stage` (with the reason it was closed) and keep the change."""
        self._require_tx()
        self._x(
            "UPDATE leads SET stage = ?, stage_reason = ?, updated_at = ? WHERE id = ?",
            (stage, reason, now.isoformat(), lead_id),
        )
        self._x(
            "INSERT INTO stage_history (lead_id, on_date, stage, reason, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (lead_id, on.isoformat(), stage, reason, now.isoformat()),
        )

    def set_meeting(self, lead_id: str, day: dt.date | None, now: dt.datetime) -> None:
        """The date a meeting with the lead is booked for."""
        self._require_tx()
        self._x(
            "UPDATE leads SET meeting_on = ?, updated_at = ? WHERE id = ?",
            (day.isoformat() if day else None, now.isoformat(), lead_id),
        )

    def stage_history(self, lead_id: str | None = None) -> list[StageChange]:
        """Stage changes of one lead (or of every lead not deleted), oldest first."""
        where, params = (
            ("WHERE lead_id = ?", (lead_id,))
            if lead_id
            else ("WHERE lead_id IN (SELECT id FROM leads WHERE deleted_at IS NULL)", ())
        )
        rows = self._x(f"SELECT * FROM stage_history {where} ORDER BY on_date, id", params)
        return [
            StageChange(r["lead_id"], dt.date.fromisoformat(r["on_date"]), r["stage"], r["reason"])
            for r in rows
        ]

    # ------------------------------------------------------------ scan results

    def scan_results(self, image_sha256: str, read_key: str) -> str | None:
        """The records (JSON text) a scan stored for these bytes read this way."""
        row = self._x(
            "SELECT records FROM scan_results WHERE image_sha256 = ? AND read_key = ?",
            (image_sha256, read_key),
        ).fetchone()
        return str(row["records"]) if row else None

    def save_scan_results(
        self, image_sha256: str, read_key: str, records: str, now: dt.datetime
    ) -> None:
        self._require_tx()
        self._x(
            """INSERT INTO scan_results (image_sha256, read_key, records, read_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (image_sha256, read_key) DO UPDATE SET
                   records = excluded.records, read_at = excluded.read_at""",
            (image_sha256, read_key, records, now.isoformat()),
        )
