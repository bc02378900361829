"""Stage 3: prepare a flattened card for an engine that needs help (Tesseract).

PP-OCR (the rapidocr engine) reads colour crops of any polarity at any size
and decides orientation from its own detections, so it gets the card as is;
these steps exist for Tesseract, which wants dark text on a light ground at
roughly 30 px per capital.
"""

from __future__ import annotations

import cv2
import numpy as np


def light_on_dark_to_dark_on_light(gray: np.ndarray) -> np.ndarray:
    """Invert dark panels (white-on-navy contact lines) so all text is dark.

    The local background is estimated with a large median blur; wherever it is
    dark, the pixels are inverted.  Light areas are left untouched.
    """
    k = max(31, (min(gray.shape[:2]) // 8) | 1)
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = cv2.medianBlur(small, max(3, (k // 4) | 1))
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    dark = bg < 110
    if not dark.any():
        return gray
    out = gray.copy()
    out[dark] = 255 - gray[dark]
    return out


def scale_for_tesseract(gray: np.ndarray, target_long_side: int = 2400) -> np.ndarray:
    """Cards photographed small are upscaled; Tesseract's LSTM likes ~30 px capitals."""
    h, w = gray.shape[:2]
    k = target_long_side / max(h, w)
    if 0.8 < k < 1.25:
        return gray
    interp = cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA
    return cv2.resize(gray, (round(w * k), round(h * k)), interpolation=interp)


def for_tesseract(rgb: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray = scale_for_tesseract(gray)
    gray = light_on_dark_to_dark_on_light(gray)
    return cv2.fastNlMeansDenoising(gray, None, 7, 7, 21) if gray.size < 6e6 else gray
