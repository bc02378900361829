"""The lead store: migrations, re-import no-op, merge rules, atomic imports."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cardscan import crm
from cardscan.errors import CardscanError, StoreError
from cardscan.export.leads_csv import LEAD_COLUMNS
from cardscan.followup.cadence import Cadence
from cardscan.followup.calendar import Clock
from cardscan.leads import Lead, PhoneNumber, Task
from cardscan.model import CardRecord, Field, ParsedCard, Phone
from cardscan.store import Store
from cardscan.store.ids import lead_id_for_source, source_key, task_id
from cardscan.store.merge import decide, merge_leads, same_company, same_name
from cardscan.store.migrations import LATEST, migrate

REPO = Path(__file__).resolve().parents[1]
D = dt.date
STEPS = ["intro-email", "coffee-call", "coffee", "thank-you", "reminder"]


def clock_at(day: D, hour: int = 18) -> Clock:
    return lambda: dt.datetime(day.year, day.month, day.day, hour, 0)


CLOCK = clock_at(D(2024, 3, 1))  # a Friday


def card(
    sha: str,
    *,
    name: str | None = "Jane Doe",
    emails: tuple[str, ...] = (),
    phones: tuple[tuple[str, str], ...] = (),
    company: str | None = None,
    status: str = "ok",
    idx: int = 0,
    taken_at: str | None = None,
    source: str | None = None,
) -> CardRecord:
    parsed = ParsedCard(
        name=Field(name, name, 0.9) if name else None,
        given_name=name.split()[0] if name else None,
        family_name=name.split()[-1] if name else None,
        company=Field(company, company, 0.9) if company else None,
        emails=tuple(Field(e, e, 0.9) for e in emails),
        phones=tuple(Phone(n, t, n, 0.9) for n, t in phones),  # type: ignore[arg-type]
    )
    return CardRecord(
        source=source or f"photos/{sha[:4]}.jpg",
        card=idx,
        status=status,  # type: ignore[arg-type]
        parsed=parsed if status in ("ok", "review") else None,
        image_sha256=sha * 32 if len(sha) == 2 else sha,
        taken_at=taken_at,
    )


def imp(store: Store, rec: CardRecord, cadence: Cadence, **kw: object) -> crm.ImportResult:
    kw.setdefault("event", "Chamber breakfast")
    kw.setdefault("met_on", None)
    kw.setdefault("clock", CLOCK)
    return crm.import_card(store, rec, cadence=cadence, **kw)  # type: ignore[arg-type]


def counts(store: Store) -> tuple[int, int, int]:
    return store.lead_count(), store.task_count(), store.source_count()


# ------------------------------------------------------------------ schema


def test_fresh_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path) as s:
        assert s.schema_version == LATEST
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"leads", "sources", "events", "tasks", "lead_emails", "lead_phones"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with Store(path) as s:  # reopening is a no-op
        assert s.schema_version == LATEST


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this cardscan"):
        Store(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite" * 100)
    with pytest.raises(StoreError, match="cannot open the lead database"):
        Store(path)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "missing" / "x.db")


def test_migrations_are_stepwise_and_atomic(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    steps = (
        (1, ("CREATE TABLE a (x INTEGER)",)),
        (2, ("ALTER TABLE a ADD COLUMN y TEXT", "CREATE TABLE broken (")),  # fails half-way
    )
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, steps)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    cols = [r[1] for r in conn.execute("PRAGMA table_info(a)")]
    assert cols == ["x"]  # the failed migration left nothing behind
    fixed = (steps[0], (2, ("ALTER TABLE a ADD COLUMN y TEXT",)))
    assert migrate(conn, fixed) == 2
    assert migrate(conn, fixed) == 2  # idempotent
    conn.close()


def test_writes_outside_a_transaction_are_refused(store: Store) -> None:
    with pytest.raises(RuntimeError, match=r"inside Store\.transaction"):
        store.save_lead(Lead(id="x", name="X"), CLOCK())


# ------------------------------------------------------------------ ids


def test_ids_are_content_derived() -> None:
    k = source_key("ab" * 32, 0, "a.jpg")
    assert k == source_key("ab" * 32, 0, "elsewhere/renamed.jpg")  # content, not path
    assert k != source_key("ab" * 32, 1, "a.jpg")  # several cards per photo
    assert lead_id_for_source(k) == lead_id_for_source(k)
    assert len(lead_id_for_source(k)) == 12
    assert task_id("l1", "s") != task_id("l1", "t") != task_id("l2", "s")
    assert len(task_id("l1", "s")) == 16
    assert source_key(None, 0, "bad.jpg") == "path:bad.jpg#0"


# ------------------------------------------------------------------ import


def test_import_creates_lead_with_plan(store: Store, cadence: Cadence) -> None:
    rec = card("ab", emails=("jane@example.com",), company="Acme Ltd")
    r = imp(store, rec, cadence)
    assert r.created and not r.skipped and r.merged_into is None and r.possible_duplicate_of is None
    assert r.lead_id == lead_id_for_source(source_key(rec.image_sha256, 0, rec.source))
    assert [t.step for t in r.tasks] == STEPS
    assert [t.due for t in r.tasks] == [
        D(2024, 3, 4),
        D(2024, 3, 6),
        D(2024, 3, 13),
        D(2024, 3, 14),
        D(2024, 3, 22),
    ]
    assert [t.id for t in r.tasks] == [task_id(r.lead_id, s) for s in STEPS]
    lead = store.get_lead(r.lead_id)
    assert lead is not None
    assert (lead.name, lead.company, lead.emails) == ("Jane Doe", "Acme Ltd", ("jane@example.com",))
    assert lead.event == "Chamber breakfast" and lead.met_on == D(2024, 3, 1)
    assert lead.sources == (rec.source,)
    assert lead.created_at == CLOCK()
    assert counts(store) == (1, 5, 1)
    assert store.events() == ["Chamber breakfast"]


def test_reimport_same_image_is_a_no_op(store: Store, cadence: Cadence) -> None:
    rec = card("ab", emails=("jane@example.com",))
    first = imp(store, rec, cadence)
    crm.done(store, first.tasks[0].id, cadence=cadence, clock=clock_at(D(2024, 3, 4)))
    before = (store.leads(), store.tasks(), counts(store))
    # same bytes under another name, the same event, another day: nothing changes
    again = imp(
        store,
        card("ab", emails=("jane@example.com",), source="copy.jpg"),
        cadence,
        clock=clock_at(D(2024, 4, 2)),
    )
    assert again.skipped and not again.created and again.lead_id == first.lead_id
    assert again.tasks == tuple(store.tasks(first.lead_id)) and again.changes == ()
    assert (store.leads(), store.tasks(), counts(store)) == before
    assert store.events() == ["Chamber breakfast"]


def test_rescan_with_a_new_event_or_date_updates_the_lead_and_says_so(
    store: Store, cadence: Cadence
) -> None:
    rec = card("ab", emails=("jane@example.com",))
    first = imp(store, rec, cadence)
    again = imp(store, rec, cadence, event="Spring Expo")
    assert again.skipped and again.lead_id == first.lead_id
    assert again.changes == ("event: Chamber breakfast -> Spring Expo",)
    lead = store.get_lead(first.lead_id or "")
    assert lead is not None and lead.event == "Spring Expo"
    assert [h.action for h in store.history(lead.id)] == ["scanned", "event"]
    # a new meeting date re-dates a plan nobody has started
    moved = crm.import_card(store, rec, event="Spring Expo", met_on=D(2024, 3, 8),
                            cadence=cadence, clock=CLOCK)
    assert moved.changes == ("met on: 2024-03-01 -> 2024-03-08",)
    assert moved.tasks[0].due == D(2024, 3, 11)
    # the same again: nothing to say
    assert crm.import_card(store, rec, event="spring expo", met_on=D(2024, 3, 8),
                           cadence=cadence, clock=CLOCK).changes == ()


def test_several_cards_in_one_photo_are_distinct(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", idx=0, name="Jane Doe", emails=("jane@example.com",)), cadence)
    b = imp(store, card("ab", idx=1, name="John Roe", emails=("john@example.org",)), cadence)
    assert a.lead_id != b.lead_id and b.created
    assert counts(store) == (2, 10, 2)


@pytest.mark.parametrize("status", ["no_card", "error"])
def test_cardless_records_are_sources_only(store: Store, cadence: Cadence, status: str) -> None:
    rec = card("cd", status=status)
    r = imp(store, rec, cadence)
    assert r == crm.ImportResult(None, False, None, None, (), False)
    assert counts(store) == (0, 0, 1)
    src = store.source(source_key(rec.image_sha256, 0, rec.source))
    assert src is not None and src.status == status and src.lead_id is None
    # a later, better reading of the same image still imports it
    r2 = imp(store, card("cd", emails=("jane@example.com",)), cadence)
    assert r2.created and counts(store) == (1, 5, 1)


def test_unreadable_file_without_hash(store: Store, cadence: Cadence) -> None:
    rec = CardRecord(source="broken.jpg", status="error", error="truncated JPEG")
    imp(store, rec, cadence)
    imp(store, rec, cadence)
    assert counts(store) == (0, 0, 1)


@pytest.mark.parametrize(
    ("met_on", "taken_at", "expected"),
    [
        (D(2024, 2, 27), "2024-02-20T10:00:00", D(2024, 2, 27)),  # explicit wins
        (None, "2024-02-20T10:00:00", D(2024, 2, 20)),  # else EXIF date
        (None, "2024:02:20 10:00:00", D(2024, 2, 20)),  # EXIF's own format
        (None, "2024-02-20T23:30:00+00:00", D(2024, 2, 21)),  # aware: calendar zone (Tokyo)
        (None, "not a date", D(2024, 3, 1)),  # else today
        (None, None, D(2024, 3, 1)),
    ],
)
def test_met_on_precedence(
    store: Store, cadence: Cadence, met_on: D | None, taken_at: str | None, expected: D
) -> None:
    from dataclasses import replace

    from cardscan.followup.calendar import Calendar

    tokyo = replace(cadence, calendar=Calendar(timezone="Asia/Tokyo"))
    r = imp(store, card("ab", taken_at=taken_at), tokyo, met_on=met_on)
    lead = store.get_lead(r.lead_id or "")
    assert lead is not None and lead.met_on == expected


def test_stale_exif_plan_starts_today(store: Store, cadence: Cadence) -> None:
    r = imp(store, card("ab", taken_at="2023-11-02T09:00:00"), cadence)
    assert r.tasks[0].due == D(2024, 3, 1)


# ------------------------------------------------------------------ merge rules


def test_merge_by_email_case_insensitive(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", emails=("jane@example.com",), company="Acme Ltd"), cadence)
    b = imp(
        store,
        card(
            "cd",
            name="JANE DOE",
            emails=("Jane@Example.com", "jd@acme.example"),
            phones=(("+14155550100", "mobile"),),
        ),
        cadence,
        event="Expo",
    )
    assert b.merged_into == a.lead_id == b.lead_id and not b.created and not b.skipped
    assert counts(store) == (1, 5, 2)
    lead = store.get_lead(a.lead_id or "")
    assert lead is not None
    assert lead.emails == ("jane@example.com", "jd@acme.example")
    assert lead.phones == (PhoneNumber("+14155550100", "mobile"),)
    assert lead.name == "Jane Doe" and lead.company == "Acme Ltd"
    assert lead.event == "Chamber breakfast"  # the plan's event stays
    assert len(lead.sources) == 2
    assert store.events() == ["Chamber breakfast", "Expo"]


def test_merge_by_phone(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", phones=(("+442071234567", "work"),)), cadence)
    b = imp(
        store,
        card(
            "cd",
            name="Jane Doe",
            phones=(("+442071234567", "other"),),
            emails=("jane@example.com",),
        ),
        cadence,
    )
    assert b.merged_into == a.lead_id
    lead = store.get_lead(a.lead_id or "")
    assert lead is not None and lead.emails == ("jane@example.com",)
    assert lead.phones == (PhoneNumber("+442071234567", "work"),)  # the known label is kept


def test_local_only_numbers_are_kept_but_never_merge_leads(store: Store, cadence: Cadence) -> None:
    def shop(sha: str, company: str) -> CardRecord:
        parsed = ParsedCard(
            company=Field(company, company, 0.9),
            phones=(Phone("+5522941111", "work", "2294-1111", 0.33, local_only=True),),
        )
        return CardRecord(f"photos/{sha}.jpg", 0, "review", parsed=parsed, image_sha256=sha * 32)

    a = imp(store, shop("ab", "Loja Sol"), cadence)
    b = imp(store, shop("cd", "Padaria Lua"), cadence)  # same local number, another town
    assert b.merged_into is None and a.lead_id != b.lead_id
    lead = store.get_lead(a.lead_id or "")
    assert lead is not None
    assert lead.phones == (PhoneNumber("+5522941111", "work", local_only=True),)
    assert lead.contact_dict()["phones"][0]["local_only"] is True
    assert store.leads_by_phone(["+5522941111"]) == []  # never a key to find a lead by


def test_merge_upgrades_channels_but_never_duplicates_tasks(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", emails=("jane@example.com",)), cadence)
    assert [t.channel for t in a.tasks] == ["email", "email", "meeting", "email", "email"]
    crm.done(store, a.tasks[0].id, cadence=cadence, clock=clock_at(D(2024, 3, 4)))
    # the back of the card, photographed later, has the mobile number
    b = imp(
        store,
        card("cd", emails=("jane@example.com",), phones=(("+14155550100", "mobile"),)),
        cadence,
        clock=clock_at(D(2024, 3, 5)),
    )
    for i in range(3):  # and the same person again at later events
        imp(store, card(f"e{i}", emails=("jane@example.com",)), cadence, event=f"Event {i}")
    assert store.task_count() == 5 and store.lead_count() == 1
    tasks = store.tasks(b.lead_id)
    assert sorted(t.step for t in tasks) == sorted(STEPS)
    assert [t.channel for t in b.tasks] == ["email", "call", "meeting", "email", "email"]
    assert b.tasks[0].status == "done" and b.tasks[0].done_on == D(2024, 3, 4)  # history kept
    assert [t.due for t in b.tasks] == [
        D(2024, 3, 4),
        D(2024, 3, 6),
        D(2024, 3, 13),
        D(2024, 3, 14),
        D(2024, 3, 22),
    ]


def test_fax_number_never_merges(store: Store, cadence: Cadence) -> None:
    imp(store, card("ab", name="Jane Doe", phones=(("+14155550199", "fax"),)), cadence)
    b = imp(store, card("cd", name="Jane Doe", phones=(("+14155550199", "fax"),)), cadence)
    assert b.created and b.merged_into is None
    assert b.possible_duplicate_of is None  # no company: not even a fuzzy flag


def test_shared_address_with_different_names_is_flagged_not_merged(
    store: Store, cadence: Cadence
) -> None:
    a = imp(store, card("ab", name="Jane Doe", emails=("info@acme.example",)), cadence)
    b = imp(store, card("cd", name="Bob Smith", emails=("info@acme.example",)), cadence)
    assert b.created and b.merged_into is None and b.possible_duplicate_of == a.lead_id
    c = imp(store, card("ef", name="Carl Brown", phones=(("+14155550100", "work"),)), cadence)
    d = imp(store, card("f0", name="Dana White", phones=(("+14155550100", "work"),)), cadence)
    assert d.created and d.possible_duplicate_of == c.lead_id
    assert store.lead_count() == 4 and store.task_count() == 20


def test_fuzzy_name_and_company_only_flags(store: Store, cadence: Cadence) -> None:
    a = imp(
        store,
        card("ab", name="Jane Doe", company="Acme Ltd", emails=("jane@acme.example",)),
        cadence,
    )
    b = imp(
        store,
        card("cd", name="Jane Doe", company="ACME Limited", emails=("jane.doe@gmail.example",)),
        cadence,
    )
    assert b.created and b.merged_into is None and b.possible_duplicate_of == a.lead_id
    assert store.lead_count() == 2 and store.task_count() == 10
    flagged = store.get_lead(b.lead_id or "")
    assert flagged is not None and flagged.possible_duplicate_of == a.lead_id
    # same name at another company: a different person, no flag
    c = imp(store, card("ef", name="Jane Doe", company="Globex Corporation"), cadence)
    assert c.created and c.possible_duplicate_of is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Jane Doe", "Jane Doe", True),
        ("Jane Doe", "jane doe", True),
        ("Jane Doe", "Dr. Jane Doe", True),
        ("Jane Doe", "Jane Q. Doe", True),
        ("Jane Doe", "Doe Jane", True),
        ("Jane Doe", "J. Doe", True),
        ("José Núñez", "Jose Nunez", True),
        ("Jane Doe", "Jane Dce", True),  # an OCR slip
        ("Jane Doe", "John Doe", False),
        ("Jane Doe", "Jane Smith", False),
        ("Jane Doe", "Bob Smith", False),
        ("Jane Doe", None, False),
        (None, None, False),
    ],
)
def test_same_name(a: str | None, b: str | None, same: bool) -> None:
    assert same_name(a, b) is same
    assert same_name(b, a) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Acme Ltd", "ACME Limited", True),
        ("Acme, Inc.", "Acme Inc", True),
        ("Acme GmbH", "Acme", True),
        ("Acme", "Acne", False),  # short names need to match exactly... or nearly
        ("Acme Ltd", "Globex Ltd", False),
        ("Acme", None, False),
    ],
)
def test_same_company(a: str | None, b: str | None, same: bool) -> None:
    assert same_company(a, b) is same


def test_decide_order_email_then_phone() -> None:
    new = Lead(id="n", name="Jane Doe", emails=("j@x.io",), phones=(PhoneNumber("+1", "mobile"),))
    by_mail = Lead(id="m", name="Jane Doe")
    by_phone = Lead(id="p", name="Jane Doe")
    assert decide(new, [by_mail], [by_phone], []).merge_into == "m"
    assert decide(new, [], [by_phone], []).merge_into == "p"
    assert decide(new, [], [], [Lead(id="q", name="Jane Doe")]).merge_into is None
    nameless = Lead(id="n2", name=None, emails=("j@x.io",))
    assert decide(nameless, [by_mail], [], []).merge_into == "m"  # no name: nothing conflicts


def test_merge_leads_keeps_what_is_known() -> None:
    old = Lead(id="a", name=None, status="review", emails=("a@x.io",), title="CTO", sources=("1",))
    new = Lead(
        id="b",
        name="Ann Lee",
        given_name="Ann",
        company="Acme",
        title="Engineer",
        emails=("A@X.IO", "b@x.io"),
        sources=("2",),
    )
    m = merge_leads(old, new)
    assert m.id == "a" and m.name == "Ann Lee" and m.given_name == "Ann"
    assert m.title == "CTO" and m.company == "Acme"
    assert m.emails == ("a@x.io", "b@x.io") and m.sources == ("1", "2")
    assert m.status == "ok"


# ------------------------------------------------------------------ atomicity


def test_failure_inside_the_transaction_leaves_nothing(
    store: Store, cadence: Cadence, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: Store, tasks: object, now: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "save_tasks", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        imp(store, card("ab", emails=("jane@example.com",)), cadence)
    assert counts(store) == (0, 0, 0)
    assert store.events() == []
    monkeypatch.undo()
    r = imp(store, card("ab", emails=("jane@example.com",)), cadence)  # retry works, not "skipped"
    assert r.created and counts(store) == (1, 5, 1)


KILL_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from cardscan import crm
    from cardscan.model import CardRecord, Field, ParsedCard
    from cardscan.store import Store

    real = Store.save_tasks
    def save_and_die(self, tasks, now):
        real(self, tasks, now)  # the lead, its emails and tasks are written...
        sys.stdout.write("writing\\n"); sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # ...then the process dies before COMMIT
    Store.save_tasks = save_and_die

    store = crm.open_store(sys.argv[1])
    rec = CardRecord(source="k.jpg", image_sha256="ee" * 32, parsed=ParsedCard(
        name=Field("Kim Kale", "Kim Kale", 0.9), emails=(Field("kim@example.com", "", 0.9),)))
    crm.import_card(store, rec, event="Expo", met_on=None, cadence=crm.load_cadence(None),
                    clock=lambda: dt.datetime(2024, 3, 1, 18))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_import_killed_half_way_leaves_no_partial_lead(tmp_path: Path, cadence: Cadence) -> None:
    db = tmp_path / "killed.db"
    Store(db).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout == "writing\n"  # it really died mid-transaction
    with Store(db) as s:
        assert counts(s) == (0, 0, 0)
        assert s.events() == []
        rec = CardRecord(
            source="k.jpg",
            image_sha256="ee" * 32,
            parsed=ParsedCard(name=Field("Kim Kale", "Kim Kale", 0.9)),
        )
        r = crm.import_card(s, rec, event="Expo", met_on=None, cadence=cadence, clock=CLOCK)
        assert r.created and counts(s) == (1, 5, 1)


# ------------------------------------------------------------------ ids on the command line


def test_task_id_prefixes(store: Store, cadence: Cadence) -> None:
    r = imp(store, card("ab"), cadence)
    tid = r.tasks[0].id
    assert store.resolve_task_id(tid) == tid
    assert store.resolve_task_id(tid[:6]) == tid
    assert store.resolve_task_id(tid[:8].upper()) == tid
    with pytest.raises(StoreError, match="at least 6"):
        store.resolve_task_id(tid[:5])
    with pytest.raises(StoreError, match="unknown task id"):
        store.resolve_task_id("ffffffffffff")
    with pytest.raises(StoreError, match="unknown task id"):
        store.resolve_task_id("%%%%%%")
    lead = store.get_lead(r.lead_id or "")
    assert lead is not None
    twins = [
        Task(
            id=f"abcdef{i}000000000",
            lead_id=lead.id,
            step=f"x{i}",
            seq=9 + i,
            due=D(2024, 3, 8),
            channel="note",
            summary="x",
            subject="x",
            body="",
        )
        for i in range(2)
    ]
    with store.transaction():
        store.save_tasks(twins, CLOCK())
    with pytest.raises(StoreError, match="ambiguous"):
        store.resolve_task_id("abcdef")
    assert store.resolve_task_id("abcdef1") == twins[1].id
    assert store.resolve_lead_id(lead.id[:6]) == lead.id


# ------------------------------------------------------------------ operations


def test_done_and_snooze_persist(store: Store, cadence: Cadence) -> None:
    r = imp(
        store,
        card("ab", emails=("jane@example.com",), phones=(("+14155550100", "mobile"),)),
        cadence,
    )
    t = r.tasks
    ch = crm.done(
        store,
        t[0].id[:8],
        on=D(2024, 3, 7),
        note="  sent  ",
        cadence=cadence,
        clock=clock_at(D(2024, 3, 8)),
    )
    assert ch.task.status == "done" and ch.task.done_on == D(2024, 3, 7) and ch.task.note == "sent"
    assert [m.step for m in ch.moved] == STEPS[1:]
    assert [x.due for x in store.tasks(r.lead_id)] == [
        D(2024, 3, 4),
        D(2024, 3, 11),
        D(2024, 3, 18),
        D(2024, 3, 19),
        D(2024, 3, 27),
    ]
    sn = crm.snooze(
        store, t[2].id, until=D(2024, 3, 20), cadence=cadence, clock=clock_at(D(2024, 3, 8))
    )
    assert sn.task.status == "snoozed" and sn.task.due == D(2024, 3, 20)
    assert [m.step for m in sn.moved] == ["thank-you", "reminder"]
    got = store.get_task(t[2].id)
    assert got is not None and got.status == "snoozed"
    with pytest.raises(StoreError):
        crm.done(store, "000000", cadence=cadence, clock=CLOCK)
    with pytest.raises(CardscanError, match="only open tasks"):
        crm.snooze(store, t[0].id, until=D(2024, 3, 20), cadence=cadence, clock=CLOCK)
    # done with no date: today in the calendar's zone
    d = crm.done(store, t[1].id, cadence=cadence, clock=clock_at(D(2024, 3, 12)))
    assert d.task.done_on == D(2024, 3, 12)
    assert d.moved == ()  # the coffee was snoozed to a chosen date


def test_list_tasks_filters_and_next_action(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", emails=("jane@example.com",)), cadence)
    imp(
        store,
        card("cd", name="John Roe", emails=("john@example.org",)),
        cadence,
        met_on=D(2024, 3, 6),
    )
    today = clock_at(D(2024, 3, 6))

    def steps(due: str) -> list[tuple[str, str]]:
        got = crm.list_tasks(store, due=due, cadence=cadence, clock=today)  # type: ignore[arg-type]
        return [(t.lead_id[:4], t.step) for t in got]

    ja, jr = (a.lead_id or "")[:4], lead_id_for_source(source_key("cd" * 32, 0, ""))[:4]
    assert steps("overdue") == [(ja, "intro-email")]
    assert steps("today") == [(ja, "intro-email"), (ja, "coffee-call")]
    assert steps("week") == [
        (ja, "intro-email"),
        (ja, "coffee-call"),
        (jr, "intro-email"),
        (jr, "coffee-call"),
    ]
    assert len(steps("all")) == 10
    crm.done(store, a.tasks[0].id, cadence=cadence, clock=today)
    assert steps("overdue") == []
    assert len(steps("all")) == 10  # done tasks are still listed under all
    nxt = crm.next_action(store, a.lead_id or "", today)
    assert nxt is not None and nxt.step == "coffee-call"
    with pytest.raises(CardscanError, match="which tasks"):
        crm.list_tasks(store, due="someday", cadence=cadence, clock=today)  # type: ignore[arg-type]


def test_add_lead_manual(store: Store, cadence: Cadence) -> None:
    r = crm.add_lead(
        store,
        name="  Ann   Lee ",
        emails=["ann@example.com"],
        phones=["020 7123 4567"],
        region="gb",
        company="Acme",
        title="CTO",
        event="Dinner",
        met_on=D(2024, 2, 29),
        cadence=cadence,
        clock=CLOCK,
    )
    assert r.created and len(r.tasks) == 5
    lead = store.get_lead(r.lead_id or "")
    assert lead is not None
    assert (lead.name, lead.given_name, lead.family_name) == ("Ann Lee", "Ann", "Lee")
    assert lead.phones == (PhoneNumber("+442071234567", "work"),)
    assert lead.sources == ("manual",) and lead.met_on == D(2024, 2, 29) and lead.event == "Dinner"
    again = crm.add_lead(
        store,
        name="Ann Lee",
        emails=["ann@example.com"],
        phones=["+44 20 7123 4567"],
        company="Acme",
        cadence=cadence,
        clock=CLOCK,
    )
    assert again.skipped and counts(store) == (1, 5, 1)
    with pytest.raises(CardscanError, match="e-mail address 'not-an-email' is not valid"):
        crm.add_lead(store, name="X", emails=["not-an-email"], cadence=cadence, clock=CLOCK)
    with pytest.raises(CardscanError, match="is not a phone number"):
        crm.add_lead(store, name="X", phones=["555 0100"], cadence=cadence, clock=CLOCK)
    with pytest.raises(CardscanError, match="a lead needs a name"):
        crm.add_lead(store, name="  ", cadence=cadence, clock=CLOCK)
    assert counts(store) == (1, 5, 1)


def test_refer(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", emails=("jane@example.com",)), cadence)
    today = clock_at(D(2024, 3, 6))
    r = crm.refer(
        store,
        (a.lead_id or "")[:6],
        name="Mary Major",
        phones=["+1 415 555 0101"],
        cadence=cadence,
        clock=today,
    )
    # the referral contact today in place of the first step, then her own plan after it
    assert r.created and [x.step for x in r.tasks] == ["referral", *STEPS[1:]]
    t = r.tasks[0]
    assert t.step == "referral" and t.due == D(2024, 3, 6) and t.channel == "call"
    assert r.tasks[1].depends_on == t.id
    assert t.summary == "Call Mary Major (referred by Jane Doe)"
    mary = store.get_lead(r.lead_id or "")
    assert mary is not None and mary.referred_by == a.lead_id and mary.sources == ("referral",)
    again = crm.refer(
        store,
        a.lead_id or "",
        name="Mary Major",
        phones=["+14155550101"],
        cadence=cadence,
        clock=today,
    )
    assert again.skipped and store.lead_count() == 2
    # Mary is met later with a card: merged, and her plan is kept (the referral was
    # her first contact)
    m = imp(
        store,
        card("cd", name="Mary Major", phones=(("+14155550101", "mobile"),)),
        cadence,
        clock=today,
    )
    assert m.merged_into == r.lead_id
    assert sorted(x.step for x in m.tasks) == sorted(["referral", *STEPS[1:]])
    with pytest.raises(StoreError, match="unknown lead id"):
        crm.refer(store, "zzzzzzzz", name="Nobody", cadence=cadence, clock=today)


def test_referral_of_a_known_lead_adds_one_task(store: Store, cadence: Cadence) -> None:
    a = imp(store, card("ab", emails=("jane@example.com",)), cadence)
    b = imp(store, card("cd", name="Bob Smith", emails=("bob@example.org",)), cadence)
    r = crm.refer(
        store,
        a.lead_id or "",
        name="Bob Smith",
        emails=["BOB@example.org"],
        cadence=cadence,
        clock=clock_at(D(2024, 3, 6)),
    )
    assert r.merged_into == b.lead_id
    assert sorted(x.step for x in r.tasks) == sorted(["referral", *STEPS])
    bob = store.get_lead(b.lead_id or "")
    assert bob is not None and bob.referred_by == a.lead_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-20", D(2024, 3, 20)),
        ("+3d", D(2024, 3, 9)),
        ("+2w", D(2024, 3, 20)),
        (" +0d ", D(2024, 3, 6)),
    ],
)
def test_parse_until(text: str, expected: D) -> None:
    assert crm.parse_until(text, D(2024, 3, 6)) == expected


@pytest.mark.parametrize("text", ["tomorrow", "+3", "3d", "+d", "2024-02-30", "-3d"])
def test_parse_until_rejects(text: str) -> None:
    with pytest.raises(CardscanError, match="snooze date"):
        crm.parse_until(text, D(2024, 3, 6))


def test_dataframes(store: Store, cadence: Cadence) -> None:
    imp(store, card("ab", emails=("jane@example.com",), company="Acme"), cadence)
    leads = crm.leads_dataframe(store)
    assert list(leads["name"]) == ["Jane Doe"]
    assert leads.loc[0, "next_action_due"] == "2024-03-04"
    assert list(leads.columns) == list(LEAD_COLUMNS)  # the columns of every leads CSV
    tasks = crm.tasks_dataframe(store, cadence=cadence, clock=CLOCK)
    assert list(tasks["step"]) == STEPS and set(tasks["lead_name"]) == {"Jane Doe"}
