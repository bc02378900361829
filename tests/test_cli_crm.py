"""The lead/task commands, in-process through a parser built with register()."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

from cardscan import cli_crm, crm
from cardscan.errors import CardscanError, ExitCode
from cardscan.store.ids import lead_id_for_manual, task_id

STEPS = ["intro-email", "coffee-call", "coffee", "thank-you", "reminder"]
ANN = lead_id_for_manual("Ann Lee", ["ann@example.com"], ["+442071234567"], "Acme Ltd")
T = {s: task_id(ANN, s)[:8] for s in STEPS}
THANKS = "Email Ann Lee: thank you, send what you promised"
REMIND = "Email Ann Lee: one friendly reminder (the last one)"
NO_DB = "no lead database here yet (cardscan scan or cardscan add makes one)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cardscan")
    sub = p.add_subparsers(dest="command", required=True)
    cli_crm.register(sub)
    return p


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Exit code and stdout, the way cardscan.cli.main maps them."""
    args = parser().parse_args(list(argv))
    try:
        code = args.func(args)
    except CardscanError as exc:
        code = int(exc.exit_code)
        print(f"error: {exc}")
    return code, capsys.readouterr().out


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-01")  # a Friday
    monkeypatch.delenv("CARDSCAN_CADENCE", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    return tmp_path


def add_ann(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    return run(
        capsys,
        "add",
        "--name",
        "Ann Lee",
        "--email",
        "ann@example.com",
        "--phone",
        "020 7123 4567",
        "--region",
        "gb",
        "--company",
        "Acme Ltd",
        "--event",
        "Chamber breakfast",
        *extra,
    )


def test_add_plans_the_cadence(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    code, out = add_ann(capsys)
    assert code == 0
    assert out == (
        f"Added lead {ANN[:8]} Ann Lee (Acme Ltd).\n"
        "ID        DUE         CHANNEL  SUMMARY\n"
        f"{T['intro-email']}  2024-03-04  email    Email Ann Lee: good to meet you\n"
        f"{T['coffee-call']}  2024-03-06  call     Call Ann Lee: invite for a coffee\n"
        f"{T['coffee']}  2024-03-13  meeting  Coffee with Ann Lee - tentative date\n"
        f"{T['thank-you']}  2024-03-14  email    {THANKS}\n"
        f"{T['reminder']}  2024-03-22  email    {REMIND}\n"
    )
    assert (workdir / "cardscan.db").exists()  # default --db: cardscan.db in the current folder
    code, out = add_ann(capsys)
    assert (code, out) == (
        0,
        f"Already stored: lead {ANN[:8]} Ann Lee (Acme Ltd); nothing changed.\n",
    )


def test_add_merges_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys)
    code, out = run(
        capsys, "add", "--name", "Ann Lee", "--email", "ANN@example.com", "--title", "CTO"
    )
    assert code == 0
    assert out.splitlines()[0] == f"Merged into lead {ANN[:8]} Ann Lee (Acme Ltd) (same person)."
    assert len(out.splitlines()) == 7  # the same five tasks, not new ones
    code, out = run(capsys, "add", "--name", "Ann Lee", "--company", "ACME Limited")
    other = lead_id_for_manual("Ann Lee", [], [], "ACME Limited")
    assert out.splitlines()[:2] == [
        f"Added lead {other[:8]} Ann Lee (ACME Limited).",
        f"Possible duplicate of lead {ANN[:8]} Ann Lee (Acme Ltd): cardscan merge {ANN[:8]} "
        f"{other[:8]} if it is the same person, else cardscan approve {other[:8]}.",
    ]


def test_custom_db_path(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    code, _ = add_ann(capsys, "--db", "sub.db")
    assert code == 0 and (workdir / "sub.db").exists() and not (workdir / "cardscan.db").exists()
    code, out = run(capsys, "leads", "--db", "sub.db", "--format", "json")
    assert code == 0 and [x["id"] for x in json.loads(out)] == [ANN]


def test_read_commands_need_a_database(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    for argv in (
        ["leads"],
        ["tasks"],
        ["done", "abcdef"],
        ["export", "--format", "ics", "--out", "x.ics"],
    ):
        code, out = run(capsys, *argv)
        assert code == ExitCode.store_error
        assert out == f"error: cardscan.db: {NO_DB}\n"
    assert not (workdir / "cardscan.db").exists()


def test_leads_table_csv_json(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys, "--title", "=cmd|' /C calc'!A0")
    code, out = run(capsys, "leads")
    assert code == 0
    assert out == (
        "ID        NAME     COMPANY   EMAIL            PHONE          EVENT              MET"
        "         STAGE  STATUS  NEXT\n"
        f"{ANN[:8]}  Ann Lee  Acme Ltd  ann@example.com  +442071234567  Chamber breakfast  "
        f"2024-03-01  new    ok      2024-03-04 email {T['intro-email']}\n"
    )
    code, out = run(capsys, "leads", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1
    row = rows[0]
    assert list(row) == list(cli_crm.LEAD_CSV_COLUMNS)
    assert row["lead_id"] == ANN and row["name"] == "Ann Lee" and row["email"] == "ann@example.com"
    assert row["phone_work"] == "'+442071234567"  # formula-safe: shown as text by spreadsheets
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["next_action"] == "Email Ann Lee: good to meet you"
    assert row["next_action_due"] == "2024-03-04" and row["next_action_channel"] == "email"
    assert row["met_on"] == "2024-03-01" and row["event"] == "Chamber breakfast"
    code, out = run(capsys, "leads", "--format", "json")
    (lead,) = json.loads(out)
    assert lead["phones"] == [{"number": "+442071234567", "type": "work", "local_only": False,
                               "valid": True, "raw": None}]
    assert lead["title"] == "=cmd|' /C calc'!A0"  # JSON is data, not a spreadsheet
    assert lead["next_action"] == {
        "id": task_id(ANN, "intro-email"),
        "due": "2024-03-04",
        "channel": "email",
        "summary": "Email Ann Lee: good to meet you",
    }
    assert lead["sources"] == ["manual"]


def test_leads_empty(capsys: pytest.CaptureFixture[str]) -> None:
    crm.open_store("cardscan.db").close()
    assert run(capsys, "leads") == (0, "No leads yet.\n")
    assert run(capsys, "leads", "--format", "json") == (0, "[]\n")
    assert run(capsys, "tasks", "--due", "today") == (0, "Nothing due today.\n")


def test_tasks_filters(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    add_ann(capsys)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-06")
    code, out = run(capsys, "tasks", "--due", "today")
    assert code == 0
    assert out == (
        "ID        DUE         CHANNEL  STATUS   LEAD                TO               SUMMARY\n"
        f"{T['intro-email']}  2024-03-04  email    overdue  Ann Lee (Acme Ltd)  ann@example.com  "
        "Email Ann Lee: good to meet you\n"
        f"{T['coffee-call']}  2024-03-06  call     open     Ann Lee (Acme Ltd)  +442071234567    "
        "Call Ann Lee: invite for a coffee\n"
    )
    _, out = run(capsys, "tasks", "--due", "overdue", "--format", "json")
    assert [t["step"] for t in json.loads(out)] == ["intro-email"]
    _, out = run(capsys, "tasks", "--format", "json")  # default: week
    assert [t["step"] for t in json.loads(out)] == ["intro-email", "coffee-call"]
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-08")
    _, out = run(capsys, "tasks", "--due", "week", "--format", "json")
    assert [t["step"] for t in json.loads(out)] == [
        "intro-email",
        "coffee-call",
        "coffee",
        "thank-you",
    ]
    _, out = run(capsys, "tasks", "--due", "all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["step"] for r in rows] == STEPS
    assert list(rows[0]) == list(cli_crm.TASK_COLUMNS)
    assert rows[0]["overdue"] == "true" and rows[4]["overdue"] == "false"


def test_tasks_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys)
    code, out = run(capsys, "tasks", "--due", "all", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 5
    first = data[0]
    for key in ("id", "lead_id", "due", "channel", "summary", "status", "subject", "body"):
        assert key in first
    assert first["id"] == task_id(ANN, "intro-email") and first["lead_id"] == ANN
    assert first["lead_name"] == "Ann Lee"
    assert first["due"] == "2024-03-04" and first["channel"] == "email"
    assert first["status"] == "open"
    assert first["subject"] == "Good to meet you at Chamber breakfast"
    assert first["body"] == (
        "Hi Ann,\n\nI enjoyed meeting you at Chamber breakfast and look forward to staying in "
        "touch.\n\nBest regards,"
    )


def test_done_and_snooze(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ann(capsys)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-08")
    code, out = run(capsys, "done", T["intro-email"][:6], "--on", "2024-03-07", "--note", "sent")
    assert code == 0
    assert out == (
        f"Done: {T['intro-email']} Email Ann Lee: good to meet you (on 2024-03-07).\n"
        "Re-dated:\n"
        "ID        DUE         CHANNEL  SUMMARY\n"
        f"{T['coffee-call']}  2024-03-11  call     Call Ann Lee: invite for a coffee\n"
        f"{T['coffee']}  2024-03-18  meeting  Coffee with Ann Lee - tentative date\n"
        f"{T['thank-you']}  2024-03-19  email    {THANKS}\n"
        f"{T['reminder']}  2024-03-27  email    {REMIND}\n"
    )
    code, out = run(capsys, "snooze", T["coffee"], "--until", "+8d")  # Saturday 16th
    assert code == 0
    assert out == (
        f"Snoozed: {T['coffee']} Coffee with Ann Lee - tentative date until 2024-03-18 "
        "(2024-03-16 is not a business day).\n"
    )  # its dependents are already dated from the 18th: nothing else moves
    code, out = run(capsys, "snooze", T["coffee"], "--until", "2024-03-20")
    assert out == (
        f"Snoozed: {T['coffee']} Coffee with Ann Lee - tentative date until 2024-03-20.\n"
        "Re-dated:\n"
        "ID        DUE         CHANNEL  SUMMARY\n"
        f"{T['thank-you']}  2024-03-21  email    {THANKS}\n"
        f"{T['reminder']}  2024-03-29  email    {REMIND}\n"
    )
    code, out = run(capsys, "done", T["coffee-call"], "--skip")
    assert (code, out) == (
        0,
        f"Skipped: {T['coffee-call']} Call Ann Lee: invite for a coffee (on 2024-03-08).\n",
    )
    _, out = run(capsys, "tasks", "--due", "all", "--format", "json")
    got = {t["step"]: (t["status"], t["due"], t["done_on"], t["note"]) for t in json.loads(out)}
    assert got == {
        "intro-email": ("done", "2024-03-04", "2024-03-07", "sent"),
        "coffee-call": ("skipped", "2024-03-11", "2024-03-08", None),
        "coffee": ("snoozed", "2024-03-20", None, None),
        "thank-you": ("open", "2024-03-21", None, None),
        "reminder": ("open", "2024-03-29", None, None),
    }


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["done", "ffffffff"], ExitCode.store_error, "error: unknown task id 'ffffffff'"),
        (["done", "abc"], ExitCode.store_error, "error: unknown task id 'abc' (give at least 6"),
        (
            ["done", "{intro}", "--on", "2024-03-02"],
            ExitCode.usage,
            "error: task {intro}: completion date 2024-03-02 is in the future",
        ),
        (
            ["snooze", "{intro}", "--until", "soon"],
            ExitCode.usage,
            "error: snooze date 'soon' is not a date: give YYYY-MM-DD, +Nd or +Nw",
        ),
        (
            ["snooze", "{intro}", "--until", "2024-02-01"],
            ExitCode.usage,
            "error: task {intro}: cannot snooze to 2024-02-01, which is before today",
        ),
        (
            ["refer", "nobody", "--name", "X"],
            ExitCode.store_error,
            "error: unknown lead id 'nobody'",
        ),
        (
            ["add", "--name", "X", "--email", "x@"],
            ExitCode.usage,
            "error: e-mail address 'x@' is not valid:",
        ),
        (
            ["add", "--name", "X", "--phone", "555 0100"],
            ExitCode.usage,
            "error: phone number '555 0100' is not a phone number"
            " (give the country code, +CC, or a region)",
        ),
        (
            ["tasks", "--cadence", "missing.toml"],
            ExitCode.invalid_config,
            "error: missing.toml: cannot read cadence file",
        ),
    ],
)
def test_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    add_ann(capsys)
    intro = T["intro-email"]
    argv = [a.replace("{intro}", intro) for a in argv]
    got, out = run(capsys, *argv)
    assert got == code
    assert out.startswith(message.replace("{intro}", intro)), out


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "--name", "X", "--met-on", "yesterday"],
        ["add", "--name", "X", "--region", "USA"],
        ["add", "--email", "x@example.com"],  # --name is required
        ["tasks", "--due", "someday"],
        ["leads", "--format", "xml"],
        ["snooze", "abcdef"],  # --until is required
        ["export", "--format", "pdf", "--out", "x"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(argv)
    assert exc.value.code == 2


def test_bad_clock_env(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDSCAN_TODAY", "03/01/2024")
    code, out = add_ann(capsys)
    assert code == ExitCode.usage
    assert out == "error: CARDSCAN_TODAY='03/01/2024': expected YYYY-MM-DD\n"


def test_invalid_cadence_placeholder(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    (workdir / "mine.toml").write_text('[referral]\nchannel = "call"\nsummary = "Call {nmae}"\n')
    code, out = add_ann(capsys, "--cadence", "mine.toml")
    assert code == ExitCode.invalid_config
    assert out.startswith("error: mine.toml: step 'referral' summary: unknown placeholder {nmae}")
    assert not (workdir / "cardscan.db").exists()  # nothing was written


def test_cadence_from_env_and_holidays(
    capsys: pytest.CaptureFixture[str], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "mine.toml").write_text(
        '[me]\nmy_name = "Sam Seller"\n[calendar]\nholidays = ["2024-03-04"]\n'
    )
    monkeypatch.setenv("CARDSCAN_CADENCE", "mine.toml")
    add_ann(capsys)
    _, out = run(capsys, "tasks", "--due", "all", "--format", "json")
    first = json.loads(out)[0]
    assert first["due"] == "2024-03-05"  # Monday the 4th is a listed holiday
    assert first["body"].endswith("Best regards,\nSam Seller")


def test_refer(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    add_ann(capsys)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-05")
    code, out = run(capsys, "refer", ANN[:6], "--name", "Mary Major", "--phone", "+1 415 555 0101")
    mary = lead_id_for_manual("Mary Major", [], ["+14155550101"], None)
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        f"Added lead {mary[:8]} Mary Major, referred by Ann Lee (Acme Ltd).",
        "ID        DUE         CHANNEL  SUMMARY",
        f"{task_id(mary, 'referral')[:8]}  2024-03-05  call     "
        "Call Mary Major (referred by Ann Lee)",
    ]
    # her own plan follows the referral contact (the coffee call two business days on)
    assert lines[3].endswith("2024-03-07  call     Call Mary Major: invite for a coffee")
    thanks = task_id(ANN, f"thank-intro:{mary}")
    assert lines[-3:] == [
        "For Ann Lee (Acme Ltd), who introduced you:",
        "ID        DUE         CHANNEL  SUMMARY",
        f"{thanks[:8]}  2024-03-05  email    "
        "Email Ann Lee: thank you for the introduction to Mary Major",
    ]
    _, out = run(capsys, "tasks", "--due", "today", "--format", "json")
    by_step = {x["step"].split(":")[0]: x for x in json.loads(out)}
    overdue, t, thank = by_step["intro-email"], by_step["referral"], by_step["thank-intro"]
    assert overdue["step"] == "intro-email" and overdue["overdue"] is True
    assert t["lead_id"] == mary and t["step"] == "referral" and t["lead_name"] == "Mary Major"
    assert thank["lead_id"] == ANN and "introducing me to Mary Major" in thank["body"]
    _, out = run(capsys, "leads", "--format", "json")
    assert [x["referred_by"] for x in json.loads(out)] == [None, ANN]


def test_export_ics_and_hubspot(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    add_ann(capsys)
    code, out = run(capsys, "export", "--format", "ics", "--out", "plan.ics")
    assert (code, out) == (0, "Wrote plan.ics\n")
    cal = icalendar.Calendar.from_ical((workdir / "plan.ics").read_bytes())
    uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
    assert len(uids) == 5
    assert all(any(task_id(ANN, s) in u for u in uids) for s in STEPS)  # task ids as stable UIDs
    code, out = run(capsys, "export", "--format", "hubspot", "--out", "hs.csv")
    assert (code, out) == (0, "Wrote hs.csv\nWrote hs-tasks.csv\n")


def test_db_parent_is_shared() -> None:
    p = argparse.ArgumentParser(parents=[cli_crm.db_parent()])
    assert p.parse_args([]).db == Path("cardscan.db")
    assert p.parse_args(["--db", "x/y.db"]).db == Path("x/y.db")
    sub = argparse.ArgumentParser().add_subparsers()
    cli_crm.register(sub)
    assert set(sub.choices) == {
        "add", "leads", "tasks", "done", "snooze", "refer", "report", "export"
    }
    for name, sp in sub.choices.items():
        dbs = [a for a in sp._actions if "--db" in a.option_strings]
        assert len(dbs) == 1 and dbs[0].default == Path("cardscan.db"), name


def test_short_ids() -> None:
    ids = ["abcdef0123456789", "abcdef0199999999", "ffff000011112222"]
    assert cli_crm.short_ids(ids) == {
        "abcdef0123456789": "abcdef012",
        "abcdef0199999999": "abcdef019",
        "ffff000011112222": "ffff0000",
    }


def test_clock_from_env_zone() -> None:
    clock = cli_crm.clock_from_env("Pacific/Kiritimati", {"CARDSCAN_TODAY": "2024-03-01"})
    from cardscan.followup.calendar import Calendar

    assert Calendar(timezone="Pacific/Kiritimati").today(clock) == crm.dt.date(2024, 3, 1)
    assert clock().tzinfo is not None


def test_add_refuses_an_unknown_region(capsys: pytest.CaptureFixture[str]) -> None:
    # The same check as `scan --region`: a region phonenumbers knows, not any two letters.
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["add", "--name", "Ann Lee", "--region", "XX"])
    assert exc.value.code == 2
    assert "unknown region 'XX'" in capsys.readouterr().err


def test_region_uk_means_gb() -> None:
    args = parser().parse_args(["add", "--name", "Ann Lee", "--region", "uk"])
    assert args.region == "GB"
