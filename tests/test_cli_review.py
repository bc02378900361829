"""review / show / edit / approve / merge / delete / restore / note / tag / profile,
in-process through the real entry point (cardscan.cli.main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardscan.cli import main
from cardscan.store.ids import lead_id_for_manual, task_id

ANN = lead_id_for_manual("Ann Lee", ["ann@example.com"], ["+442071234567"], "Acme Ltd")
DUP = lead_id_for_manual("Ann Lee", [], [], "ACME Limited")


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARDSCAN_TODAY", "2024-03-01")  # a Friday
    monkeypatch.delenv("CARDSCAN_CADENCE", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def add_ann(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli(capsys, "add", "--name", "Ann Lee", "--email", "ann@example.com",
                     "--phone", "020 7123 4567", "--region", "gb", "--company", "Acme Ltd",
                     "--event", "Expo")
    assert code == 0


def test_review_edit_approve(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys)
    code, out, _ = cli(capsys, "add", "--name", "Ann Lee", "--company", "ACME Limited")
    assert code == 0
    code, out, _ = cli(capsys, "review")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "COMPANY", "EMAIL", "STATUS", "WHY"]
    assert lines[1].startswith(DUP[:8]) and "possible duplicate of Ann Lee (Acme Ltd)" in lines[1]
    assert f"cardscan merge {ANN[:8]} {DUP[:8]}" in out
    # a bad address: one sentence, exit code 2, nothing changed
    code, _, err = cli(capsys, "edit", DUP[:8], "--email", "ann@@example")
    assert code == 2
    assert err.startswith("cardscan: error: e-mail address 'ann@@example' is not valid")
    code, out, _ = cli(capsys, "edit", DUP[:8], "--email", "a.lee@acme.example", "--title", "CTO")
    assert code == 0
    assert out.splitlines() == [
        f"Edited lead {DUP[:8]} Ann Lee (ACME Limited): title, emails.",
        "  title: CTO",
        "  emails: a.lee@acme.example",
        f"Possible duplicate of lead {ANN[:8]}: cardscan merge {ANN[:8]} {DUP[:8]}",
    ]
    code, out, _ = cli(capsys, "approve", DUP[:8])
    assert out == f"Approved lead {DUP[:8]} Ann Lee (ACME Limited).\n"
    code, out, _ = cli(capsys, "review")
    assert out.startswith("Nothing needs a look")
    code, out, _ = cli(capsys, "show", DUP[:8], "--format", "json")
    shown = json.loads(out)
    assert shown["review_status"] == "approved"
    assert [(h["action"], h["field"]) for h in shown["history"]] == [
        ("added", None), ("edit", "title"), ("edit", "emails"), ("approve", "review_status"),
        ("approve", "possible_duplicate_of"),
    ]


def test_merge_delete_restore(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys)
    cli(capsys, "add", "--name", "Ann Lee", "--company", "ACME Limited", "--email", "al@x.org",
        "--event", "Fair")
    dup = lead_id_for_manual("Ann Lee", ["al@x.org"], [], "ACME Limited")
    code, out, _ = cli(capsys, "merge", ANN[:8], dup[:8])
    assert code == 0
    assert out.splitlines()[1:] == ["  emails: ann@example.com, al@x.org",
                                    "  phones: +442071234567"]
    code, out, _ = cli(capsys, "leads", "--format", "json")
    assert [x["id"] for x in json.loads(out)] == [ANN]
    code, _, err = cli(capsys, "show", dup[:8])
    assert code == 0, err  # a merged lead can still be looked at
    code, _, err = cli(capsys, "restore", dup[:8])
    assert code == 5 and "was merged into lead" in err
    code, out, _ = cli(capsys, "delete", ANN[:8])
    assert code == 0 and "cardscan restore" in out
    assert cli(capsys, "tasks", "--due", "all")[1] == "No tasks yet.\n"
    code, out, _ = cli(capsys, "restore", ANN[:8])
    assert code == 0
    assert len(cli(capsys, "tasks", "--due", "all")[1].splitlines()) == 6


def test_show_tasks_profile_and_promise(capsys: pytest.CaptureFixture[str]) -> None:
    add_ann(capsys)
    code, out, _ = cli(capsys, "profile")
    assert out.startswith("No sender profile yet")
    code, out, _ = cli(capsys, "profile", "--name", "Sam Doe", "--company", "Doe & Co")
    assert code == 0 and "name:      Sam Doe" in out
    code, out, _ = cli(capsys, "tasks", "--due", "week", "--format", "json")
    intro, call = json.loads(out)[:2]
    assert intro["recipient"] == "ann@example.com"
    assert intro["body"].endswith("Best regards,\nSam Doe\nDoe & Co")
    assert intro["mailto"].startswith("mailto:ann@example.com?subject=Good%20to%20meet%20you")
    assert call["recipient"] == "+442071234567" and call["tel"] == "tel:+442071234567"
    assert task_id(ANN, "coffee-call") in call["body"]
    coffee = task_id(ANN, "coffee")
    code, _, _ = cli(capsys, "done", coffee[:8], "--note", "promised: our pricing deck")
    assert code == 0
    code, out, _ = cli(capsys, "show", ANN[:8])
    assert "As promised, here is our pricing deck." in out
    assert "To: ann@example.com" in out
    code, out, _ = cli(capsys, "note", ANN[:8], "likes cycling")
    code, out, _ = cli(capsys, "tag", ANN[:8], "--add", "hot")
    assert out == f"Lead {ANN[:8]} tags: hot\n"
    code, out, _ = cli(capsys, "show", ANN[:8])
    assert "likes cycling" in out and "Tags: hot" in out


def test_rescan_with_a_new_event_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import SAMPLES, SAMPLES_OCR

    photo = str(SAMPLES / "01_scan_left_aligned.png")
    scan = ["scan", photo, "--engine", f"replay:{SAMPLES_OCR}", "--workers", "1"]
    code, _, err = cli(capsys, *scan, "--event", "Expo")
    assert code == 0
    code, out, _ = cli(capsys, "review", "--all", "--format", "json")
    (item,) = json.loads(out)
    assert item["has_card_image"]
    code, _, err = cli(capsys, *scan, "--event", "Fair")
    assert code == 0
    assert f"lead {item['id']}: event: Expo -> Fair" in err
    code, out, _ = cli(capsys, "leads", "--format", "json")
    assert json.loads(out)[0]["event"] == "Fair"


def test_export_sends_the_drafts_as_they_read_now(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    add_ann(capsys)
    cli(capsys, "profile", "--name", "Sam Doe")  # set after the lead was planned
    code, _, _ = cli(capsys, "export", "--format", "ics", "--out", "plan.ics")
    assert code == 0
    text = (workdir / "plan.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Best regards\\,\\nSam Doe" in text  # iCalendar escapes the comma
