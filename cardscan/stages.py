"""Where the CPU goes: per-stage CPU and wall seconds of a scan, off unless asked.

`stage("detect")` charges the time spent inside it to that stage, exclusively: a
stage entered inside another pauses the outer one, so the stages of a process add
up to the time spent in any of them.  Time is process CPU (`time.process_time`:
every thread of the process, so ONNX Runtime's threads count) and wall
(`time.perf_counter`).

Off by default, and then a `stage` is one attribute test.  Set the environment
variable CARDSCAN_STAGE_TIMES to a folder (before the scan starts: pool workers
inherit it) and every process of the scan writes its totals there, as
``stages-PID.json``, after each file; benchmarks/throughput.py sums them.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

ENV = "CARDSCAN_STAGE_TIMES"
# The stages the pipeline reports, in pipeline order (benchmarks print them so).
STAGES = ("startup", "decode", "find", "detect", "recognise", "extract", "store")


class _Clock:
    """Per-process totals and the stack of open stages."""

    def __init__(self) -> None:
        self.folder: str = os.environ.get(ENV, "")
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.stack: list[str] = []
        self.mark = (0.0, 0.0)

    def _charge(self) -> None:
        now = (time.process_time(), time.perf_counter())
        if self.stack:
            top = self.stack[-1]
            self.cpu[top] = self.cpu.get(top, 0.0) + now[0] - self.mark[0]
            self.wall[top] = self.wall.get(top, 0.0) + now[1] - self.mark[1]
        self.mark = now

    def enter(self, name: str) -> None:
        self._charge()
        self.stack.append(name)

    def leave(self) -> None:
        self._charge()
        if self.stack:  # empty only in a child forked inside a stage
            self.stack.pop()


_clock = _Clock()


def enabled() -> bool:
    return bool(_clock.folder)


def reset_after_fork() -> None:
    """A forked worker starts from zero (the parent's totals stay the parent's)."""
    global _clock
    _clock = _Clock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=reset_after_fork)


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Charge the time spent inside to stage `name` (see the module doc)."""
    if not _clock.folder:
        yield
        return
    _clock.enter(name)
    try:
        yield
    finally:
        _clock.leave()


def totals() -> dict[str, dict[str, float]]:
    """{"cpu": {stage: s}, "wall": {stage: s}} of this process so far."""
    return {"cpu": dict(_clock.cpu), "wall": dict(_clock.wall)}


def flush() -> None:
    """Write this process's totals to the folder (atomic replace); no-op when off.
    Best effort: timing never costs a card."""
    if not _clock.folder:
        return
    folder = Path(_clock.folder)
    path = folder / f"stages-{os.getpid()}.json"
    tmp = folder / f".stages-{os.getpid()}.tmp"
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(totals()), encoding="utf-8")
        os.replace(tmp, path)


def collect(folder: str | Path) -> dict[str, dict[str, float]]:
    """The totals of every process that wrote to `folder`, summed per stage."""
    out: dict[str, dict[str, float]] = {"cpu": {}, "wall": {}}
    for p in sorted(Path(folder).glob("stages-*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for kind in ("cpu", "wall"):
            for name, s in data.get(kind, {}).items():
                out[kind][name] = out[kind].get(name, 0.0) + float(s)
    return out
