"""Stage 4: OCR behind a small interface.

An engine turns one flattened card image (RGB uint8) into a `Page`.  The
engines (``rapidocr``, the default; ``tesseract``; ``replay`` of recorded pages,
so most tests run without any engine) are listed once, in `registry.ENGINES`.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..errors import MissingDependencyError
from ..model import Block, Box, Line, Page, Word


class OcrEngine(Protocol):
    name: str

    def read(self, rgb: np.ndarray) -> Page:
        """OCR one card image; orientation is decided by the engine."""
        ...


def get_engine(
    name: str = "auto", *, lang: str = "eng", threads: int = 0, second_reading: bool = True,
    scripts: bool = True,
) -> OcrEngine:
    """The engine called `name` in the registry (`registry.ENGINES`)."""
    from .registry import EngineSettings
    from .registry import get_engine as _get

    return _get(name, EngineSettings(lang=lang, threads=threads,
                                     second_reading=second_reading, scripts=scripts))


def available_engines() -> list[str]:
    from .registry import available_engines as _avail

    return _avail()


# --- recorded pages -----------------------------------------------------------


def _box(d: list[int] | None) -> Box | None:
    return Box(*d) if d else None


def page_to_dict(page: Page) -> dict[str, Any]:
    def box(b: Box | None) -> list[int] | None:
        return [b.x, b.y, b.w, b.h] if b else None

    return {
        "engine": page.engine,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "blocks": [
            [
                {"box": box(ln.box), "words": [[w.text, round(w.conf, 4), box(w.box)]
                                               for w in ln.words]}
                for ln in b.lines
            ]
            for b in page.blocks
        ],
    }


def page_from_dict(d: dict[str, Any]) -> Page:
    blocks = tuple(
        Block(tuple(
            Line(tuple(Word(t, float(c), _box(bx)) for t, c, bx in ln["words"]), _box(ln["box"]))
            for ln in b
        ))
        for b in d["blocks"]
    )
    return Page(blocks, d.get("width", 0), d.get("height", 0), d.get("engine", ""),
                d.get("rotation", 0))


def thumbprint(rgb: np.ndarray) -> np.ndarray:
    """A 16x16 grey thumbnail: how replay finds the recording for an image."""
    import cv2

    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    return cv2.resize(g, (16, 16), interpolation=cv2.INTER_AREA).astype(np.float32).ravel()


class ReplayEngine:
    """Returns recorded pages: the nearest recording by thumbnail, so tests
    replay real engine output without running the engine."""

    name = "replay"

    def __init__(self, recordings: list[tuple[np.ndarray, Page]]):
        if not recordings:
            raise ValueError("ReplayEngine needs at least one recording")
        self._prints = np.stack([r[0] for r in recordings])
        self._pages = [r[1] for r in recordings]

    def read(self, rgb: np.ndarray) -> Page:
        d = np.linalg.norm(self._prints - thumbprint(rgb), axis=1)
        return self._pages[int(np.argmin(d))]


def load_replay(path: str) -> ReplayEngine:
    """Recordings written by benchmarks/record_ocr.py (one JSON object a line)."""
    import json
    from pathlib import Path

    recs = []
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                recs.append((np.asarray(d["thumb"], dtype=np.float32), page_from_dict(d["page"])))
    except (OSError, ValueError, KeyError) as e:
        raise MissingDependencyError(f"cannot load OCR recordings {path}: {e}") from None
    return ReplayEngine(recs)


class RecordingEngine:
    """Wraps a real engine and keeps what it returned, to be saved for replay."""

    def __init__(self, inner: OcrEngine):
        self.inner = inner
        self.name = inner.name
        self.recorded: list[tuple[np.ndarray, Page]] = []

    def read(self, rgb: np.ndarray) -> Page:
        page = self.inner.read(rgb)
        self.recorded.append((thumbprint(rgb), page))
        return page
