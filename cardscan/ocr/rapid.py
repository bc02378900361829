"""RapidOCR engine: PP-OCRv4 detection + recognition through ONNX Runtime.

The models ship inside the `rapidocr-onnxruntime` wheel; nothing is
downloaded.  We drive its three stages ourselves rather than through
`RapidOCR.__call__` so that we can (a) pick the detection resolution, (b)
decide the page orientation once for the whole card from the detected boxes
and the 0/180 classifier, and (c) keep boxes in card coordinates.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..model import Block, Box, Line, Page, Word
from ..stages import stage
from .ctc import SpacingDecoder
from .runtime import ONNXRUNTIME, OPENVINO, chosen, use_openvino, without_spinning
from .scripts import Reading

_DOMAIN_HINT = re.compile(r"@|\w\.\w")

log = logging.getLogger(__name__)

# Long side the detector sees.  Measured on the dev photos (all3 / CPU-s per 12 MP photo):
# 960: 0.747, 1120: 0.782 / 0.95, 1280: 0.759 / 1.03, 1440: 0.759 / 1.11.
DET_SIDE = 1120
MIN_SIDE = 1000  # small crops are upscaled to this before detection
MIN_SCORE = 0.5  # recognition score below which a line is dropped


_Read = tuple[np.ndarray, np.ndarray, str, float]  # quad, line crop, text, score


class RapidEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 0, second_reader: bool = True, scripts: bool = True):
        from rapidocr_onnxruntime import RapidOCR

        from .scripts import ScriptRouter, charset_of

        # Email lines are read twice and validators choose (see combine.py).
        self.second_reading = second_reader

        kw: dict[str, Any] = {}
        if threads:
            kw = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
        self._ocr = RapidOCR(**kw)
        self.runtime = ONNXRUNTIME
        if chosen() == OPENVINO and use_openvino(self._ocr, threads):
            self.runtime = OPENVINO
        without_spinning(self._ocr, threads)
        # We size the detector's input ourselves (see _detect); "max" keeps
        # rapidocr from enlarging it again.
        self._ocr.text_det.limit_type = "max"
        self._ocr.text_det.get_preprocess = _det_preprocess(self._ocr.text_det)
        self.det_side = DET_SIDE
        # One line per batch: batches are padded to their widest line, and on
        # card text that padding cost more than batching saved (measured:
        # 0.50 -> 0.32 CPU-s of recognition per card).
        self._ocr.text_rec.rec_batch_num = 1
        decoder = getattr(self._ocr.text_rec, "postprocess_op", None)
        # Japanese, Korean and Traditional Chinese lines are read again (scripts.py).
        self._router = ScriptRouter(threads) if scripts else None
        self._charset = charset_of(decoder)
        chars = getattr(decoder, "character", None)
        if chars and chars[0] == "blank" and chars[-1] == " ":
            self._ocr.text_rec.postprocess_op = SpacingDecoder(list(chars), decoder)
        else:  # a rapidocr whose decoder we do not know: keep its own
            log.debug("rapidocr decoder not recognised; lost spaces are not restored")

    # -- stages ---------------------------------------------------------------

    def _detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text-line quads in `bgr` coordinates, found on a copy no larger than
        DET_SIDE (detection cost grows with area; recognition still reads the
        full-resolution crops)."""
        with stage("detect"):
            return self._detect_boxes(bgr)

    def _detect_boxes(self, bgr: np.ndarray) -> list[np.ndarray]:
        import cv2

        h, w = bgr.shape[:2]
        k = min(1.0, self.det_side / max(h, w))
        small = bgr if k == 1.0 else cv2.resize(
            bgr, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = np.asarray(boxes, dtype=np.float32) / k
        return list(self._ocr.sorted_boxes(boxes))

    @staticmethod
    def _is_sideways(boxes: list[np.ndarray]) -> bool:
        tall = wide = 0.0
        for b in boxes:
            w = float(np.linalg.norm(b[1] - b[0]))
            h = float(np.linalg.norm(b[3] - b[0]))
            # Long boxes are the reliable ones; single characters are square.
            if h > 2 * w:
                tall += h
            elif w > 2 * h:
                wide += w
        return tall > wide

    def read(self, rgb: np.ndarray) -> Page:
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        h, w = bgr.shape[:2]
        if max(h, w) < MIN_SIDE:
            import cv2

            k = MIN_SIDE / max(h, w)
            bgr = cv2.resize(bgr, (round(w * k), round(h * k)), interpolation=cv2.INTER_CUBIC)
        rotation = 0
        boxes = self._detect(bgr)
        if boxes and self._is_sideways(boxes):
            bgr = np.ascontiguousarray(np.rot90(bgr, k=-1))  # 90 degrees clockwise
            rotation = 90
            boxes = self._detect(bgr)
        if not boxes:
            return Page((), bgr.shape[1], bgr.shape[0], self.name, rotation)
        crops = self._ocr.get_crop_img_list(bgr, boxes)
        crops, cls_res, _ = self._ocr.text_cls(crops)
        # One decision for the whole card: upside-down lines outweigh upright ones.
        flip = sum(float(s) for lab, s in cls_res if lab == "180")
        keep = sum(float(s) for lab, s in cls_res if lab == "0")
        if flip > keep:
            bgr = np.ascontiguousarray(np.rot90(bgr, k=2))
            rotation = (rotation + 180) % 360
            boxes = self._detect(bgr)
            if not boxes:
                return Page((), bgr.shape[1], bgr.shape[0], self.name, rotation)
            crops = self._ocr.get_crop_img_list(bgr, boxes)
            crops, _, _ = self._ocr.text_cls(crops)
        rec, _ = self._ocr.text_rec(crops, False)
        readings = [Reading(str(t).strip(), float(s)) for t, s, *_r in rec]
        if self._router is not None:
            readings = self._router.reroute(readings, crops, MIN_SCORE, self._charset)
        read = [(q, c, r.text, r.score)
                for q, c, r in zip(boxes, crops, readings, strict=False)
                if r.text and r.score >= MIN_SCORE]
        if self.second_reading and any(_DOMAIN_HINT.search(t) for _, _, t, _ in read):
            read = self._second_reading(bgr, read)
        lines = [_line(text, score, quad) for quad, _, text, score in read]
        page_h, page_w = bgr.shape[:2]
        return Page((Block(tuple(lines)),), page_w, page_h, self.name, rotation)


    def _second_reading(self, bgr: np.ndarray, read: list[_Read]) -> list[_Read]:
        """Read doubtful address lines again, twice: enlarged 2x (keeps dots the
        first pass dropped) and from a box widened by half its height (a tight
        box can cut a thin first letter); validators choose (see combine.py).
        Tesseract as a further reader changed no dev-set score and cost 0.25 s
        a card, so it is not used."""
        import cv2

        from .combine import card_domains, choose, worth_rereading

        domains = card_domains(t for _, _, t, _ in read)
        out = []
        for quad, crop, text, score in read:
            if crop.size and worth_rereading(text, domains):
                big = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
                wide = self._ocr.get_crop_img_list(bgr, [_widen(quad, bgr.shape, 0.5)])[0]
                alts = [str(r[0]).strip() for r in self._ocr.text_rec([big, wide], False)[0]]
                text = choose(text, alts, domains)
            out.append((quad, crop, text, score))
        return out


def _det_preprocess(det: Any) -> Any:
    """rapidocr's detector pre-processing with the normalisation done in float32
    (its own goes through float64: 0.08 CPU-s of a 1120 px photo)."""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    class Float32Pre(DetPreProcess):
        def normalize(self, img: np.ndarray) -> np.ndarray:
            mean = np.asarray(self.mean, dtype=np.float32)
            std = np.asarray(self.std, dtype=np.float32)
            out = img.astype(np.float32)
            out *= np.float32(self.scale)
            out -= mean
            out /= std
            return out

    # rapidocr's choice of size, on a copy of the settings: holding `det` (or its bound
    # method) here would make a reference cycle, and the engine would then be freed by
    # the cyclic collector at a random moment instead of when dropped.
    settings = SimpleNamespace(limit_side_len=det.limit_side_len, limit_type=det.limit_type,
                               mean=det.mean, std=det.std)
    choose = type(det).get_preprocess

    def get_preprocess(max_wh: int) -> Any:
        pre = choose(settings, max_wh)
        return Float32Pre(pre.limit_side_len, pre.limit_type, pre.mean, pre.std)

    return get_preprocess


def _widen(quad: np.ndarray, shape: tuple[int, ...], k: float) -> np.ndarray:
    """The quad stretched along its baseline by k times its height at each end."""
    q = quad.astype(np.float32).copy()
    along = q[1] - q[0]
    along /= float(np.linalg.norm(along)) or 1.0
    d = along * float(np.linalg.norm(q[3] - q[0])) * k
    q[[0, 3]] -= d
    q[[1, 2]] += d
    q[:, 0] = np.clip(q[:, 0], 0, shape[1] - 1)
    q[:, 1] = np.clip(q[:, 1], 0, shape[0] - 1)
    return q


def _line(text: str, score: float, quad: np.ndarray) -> Line:
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    box = Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    # The recogniser reads whole lines; word boxes are spread by character count.
    parts = text.split()
    total = sum(len(p) for p in parts) + max(0, len(parts) - 1)
    words, pos = [], 0
    for p in parts:
        wx = box.x + round(box.w * pos / total)
        ww = max(1, round(box.w * len(p) / total))
        words.append(Word(p, score, Box(wx, box.y, ww, box.h)))
        pos += len(p) + 1
    return Line(tuple(words), box)
