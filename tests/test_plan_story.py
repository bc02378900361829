"""docs/plan_story.py (the README's day-by-day story and chart) still runs, and
tells the story it claims: the hero ends nurturing, the chart is written."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_plan_story_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("plan_story", ROOT / "docs" / "plan_story.py")
    assert spec is not None and spec.loader is not None
    story = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(story)
    monkeypatch.delenv("CARDSCAN_TODAY", raising=False)
    assert story.main(["--out-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "Tomas Oliveira: stage nurturing" in printed
    assert "contacted within 1 business day  15  (79%)" in printed
    md = (tmp_path / "plan-story.md").read_text(encoding="utf-8")
    assert "$ cardscan done 9642ca23 --outcome booked --meeting 2026-12-02" in md
    assert "As promised, here is our warehouse rate card." in md
    assert "Stage: nurturing." in md and "/tmp" not in md
    assert (tmp_path / "plan-report.png").read_bytes().startswith(b"\x89PNG")
