"""Tesseract engine through pytesseract (Debian's tesseract-ocr binary)."""

from __future__ import annotations

import logging
import shutil
from collections import defaultdict

import numpy as np

from ..errors import MissingDependencyError
from ..model import Block, Box, Line, Page, Word
from ..prepare import for_tesseract

log = logging.getLogger(__name__)


class TesseractEngine:
    name = "tesseract"

    def __init__(self, lang: str = "eng", psm: int = 11):
        if not shutil.which("tesseract"):
            raise MissingDependencyError(
                "tesseract not found: install Debian's tesseract-ocr and tesseract-ocr-eng"
            )
        self.lang = lang
        # PSM 11 (sparse text) finds the scattered lines of a card better than
        # the page-layout modes, which expect paragraphs.
        self.psm = psm

    def _orientation(self, gray: np.ndarray) -> int:
        import pytesseract

        try:
            osd = pytesseract.image_to_osd(gray, output_type=pytesseract.Output.DICT)
        except pytesseract.TesseractError:
            return 0  # too little text to decide
        if float(osd.get("orientation_conf", 0)) < 1.5:
            return 0
        return int(osd.get("rotate", 0)) % 360

    def read(self, rgb: np.ndarray) -> Page:
        import pytesseract

        gray = for_tesseract(rgb)
        rotation = self._orientation(gray)
        if rotation:
            gray = np.ascontiguousarray(np.rot90(gray, k=-(rotation // 90)))
        data = pytesseract.image_to_data(
            gray, lang=self.lang, config=f"--psm {self.psm}",
            output_type=pytesseract.Output.DICT,
        )
        groups: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            box = Box(data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            groups[key].append(Word(text, conf / 100.0, box))
        blocks: dict[int, list[Line]] = defaultdict(list)
        for (block, _par, _line), words in groups.items():
            lbox = words[0].box
            for wd in words[1:]:
                if wd.box and lbox:
                    lbox = lbox.union(wd.box)
            blocks[block].append(Line(tuple(words), lbox))
        # Sparse mode returns lines block by block; order them top-to-bottom.
        lines = sorted((ln for b in blocks.values() for ln in b),
                       key=lambda ln: (ln.box.y if ln.box else 0, ln.box.x if ln.box else 0))
        h, w = gray.shape[:2]
        return Page((Block(tuple(lines)),), w, h, self.name, rotation)
