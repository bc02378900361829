"""Stage 1: find input files and decode them, safely and no larger than needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputFileError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"})
_EXIF_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


@dataclass(frozen=True)
class LoadedImage:
    source: str  # the path as given
    rgb: np.ndarray  # HxWx3 uint8, EXIF orientation applied
    full_size: tuple[int, int]  # (w, h) of the stored image before any reduction
    sha256: str  # of the file's bytes: the store's identity for this photo
    taken_at: str | None  # EXIF DateTimeOriginal, ISO 8601


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[str]:
    """The paths `cardscan.inputs.find_inputs` finds (folders recursive, sorted,
    image suffixes only, hidden files skipped; files named explicitly always),
    including those its checks refuse: the pipeline answers them with an error."""
    from .inputs import find_inputs

    for f in find_inputs(paths):
        yield f.path


def _taken_at(img: Image.Image) -> str | None:
    try:
        exif = img.getexif()
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if not raw:
            return None
        return dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _to_rgb(img: Image.Image) -> np.ndarray:
    """RGB uint8.  16-bit greys are scaled, not clipped (Pillow's convert clips
    them to white), and transparency is laid on white paper, not black."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        grey = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(paper, rgba).convert("RGB"))
    return np.asarray(img.convert("RGB"))


def load_image(source: str, *, max_pixels: int, work_side: int) -> LoadedImage:
    """Decode one file to RGB with its long side close to `work_side` or above.

    JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself (Pillow
    `draft`), so a 12 MP photo never costs a full decode.  Raises
    InputFileError with a one-line reason.
    """
    path = Path(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{source}: is a directory") from None
    except OSError as e:
        raise InputFileError(f"{source}: cannot read ({e.strerror or e})") from None
    if not data:
        raise InputFileError(f"{source}: empty file (0 bytes)")
    sha = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            # We enforce our own pixel limit below, with a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > max_pixels:
                raise InputFileError(
                    f"{source}: image too large ({w}x{h} = {w * h / 1e6:.0f} MP, "
                    f"limit {max_pixels / 1e6:.0f} MP)"
                )
            taken = _taken_at(img)
            if img.format == "JPEG" and max(w, h) > work_side:
                # draft keeps the result >= the requested size in both axes.
                k = work_side / max(w, h)
                img.draft("RGB", (int(w * k), int(h * k)))
            img.load()
            shown = ImageOps.exif_transpose(img)  # exactly once; the result has no tag
            rgb = _to_rgb(shown)
    except InputFileError:
        raise
    except UnidentifiedImageError:
        raise InputFileError(f"{source}: not an image (unrecognised format)") from None
    except Image.DecompressionBombError:
        raise InputFileError(f"{source}: image too large (decompression bomb guard)") from None
    except (OSError, SyntaxError, ValueError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputFileError(f"{source}: cannot decode image ({reason})") from None
    if rgb.ndim != 3 or min(rgb.shape[:2]) < 16:
        raise InputFileError(f"{source}: image too small ({rgb.shape[1]}x{rgb.shape[0]})")
    return LoadedImage(source, rgb, (w, h), sha, taken)
