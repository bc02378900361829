"""One typed options object for a scan; no module-level mutable state."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ScanOptions:
    region: str | None = None  # default region for numbers printed without +CC
    engine: str = "auto"  # a name from cardscan.ocr.registry.ENGINES, or "auto"
    lang: str = "eng"  # Tesseract language(s)
    workers: int = 0  # 0 = all cores
    max_pixels: int = 80_000_000  # decompression-bomb limit
    work_side: int = 2000  # photos are decoded no smaller than this long side (px)
    max_cards: int = 10  # per photo; more (a sheet of cards) is refused, not read as one
    debug_dir: str | None = None  # write crops/masks here when set
    second_reading: bool = True  # re-read email lines, validators choose (ocr/combine.py)
    scripts: bool = True  # re-read Japanese/Korean/Traditional Chinese lines (ocr/scripts.py)
    join_sides: bool = True  # two sides of one card in consecutive photos: one lead (sides.py)
    card_images: bool = True  # keep a small JPEG of each flattened card (CardRecord.card_jpeg)
    max_bytes: int = 200_000_000  # larger files are refused from stat, never read
    time_limit: float = 120.0  # seconds per input file; 0 = none

    def read_key(self) -> str:
        """The options that change what a photo reads as (not how fast): a stored
        reading is reused only for the same key (see `cardscan.scanjob`)."""
        return (f"region={self.region or ''};engine={self.engine};lang={self.lang};"
                f"max_pixels={self.max_pixels};work_side={self.work_side};"
                f"max_cards={self.max_cards};second_reading={int(self.second_reading)};"
                f"card_images={int(self.card_images)};scripts={int(self.scripts)}")

    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)
