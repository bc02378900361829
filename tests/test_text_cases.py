"""The shared text cases (../shared/text-cases): other parsers' assertions, scored
as benchmarks/text_cases.py does.  Skipped when the shared folder is absent."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "text-cases"


@functools.cache
def _bench() -> ModuleType:
    path = ROOT / "benchmarks" / "text_cases.py"
    spec = importlib.util.spec_from_file_location("cardscan_bench_text_cases", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while being built
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not (SHARED / "cases.jsonl").exists(), reason="shared text cases absent")
def test_cases_headline_at_least_90_percent() -> None:
    report = _bench().score_file(SHARED / "cases.jsonl")
    assert len(report.rows) >= 150
    assert report.headline >= 0.90


@pytest.mark.skipif(not (SHARED / "fragments.jsonl").exists(), reason="shared text cases absent")
def test_fragments_headline_at_least_85_percent() -> None:
    report = _bench().score_file(SHARED / "fragments.jsonl")
    assert report.headline >= 0.85


@pytest.mark.parametrize(
    ("expected", "e164", "ok"),
    [
        ("4105551234", "+14105551234", True),
        ("14105551234", "+14105551234", True),
        ("+44 (0) 20 9876 5432", "+442098765432", True),
        ("0123456789", "+33123456789", True),
        ("4105551234x123", "+14105551234", True),
        ("0113371123456", "+3371123456", True),
        ("4105551235", "+14105551234", False),
        ("99105551234", "+14105551234", False),
    ],
)
def test_phone_comparison(expected: str, e164: str, ok: bool) -> None:
    assert _bench().phone_matches(expected, e164) is ok
