"""Stage 1: find input files and decode them, safely and no larger than needed.

A file may hold several pictures: every frame of a multi-page TIFF (sheet-fed
scanners) and every page of a PDF (flatbed scans, rendered with pdfium from
the pypdfium2 wheel, a core dependency: no system library) is a picture of its own, with its own
source (`scan.tif#p2`, `cards.pdf#p1`).  HEIC/HEIF (the iPhone default) is
decoded by the optional `pillow-heif` extra (`pip install 'cardscan[heic]'`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import warnings
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputFileError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif", ".pdf"}
)
MAX_PAGES = 100  # pages/frames read from one file; more is not a stack of card scans
PDF_DPI = 300  # flatbed resolution: a 3.5 in card becomes ~1050 px wide
# ISO-BMFF brands of HEIF still images (ISO/IEC 23008-12), bytes 8-12 of the file
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_EXIF_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


@dataclass(frozen=True)
class LoadedImage:
    source: str  # the path as given; `path#pN` for page N of a paged file
    rgb: np.ndarray  # HxWx3 uint8, EXIF orientation applied
    full_size: tuple[int, int]  # (w, h) of the stored image before any reduction
    sha256: str  # the store's identity for this picture (see `page_sha256`)
    taken_at: str | None  # EXIF DateTimeOriginal, ISO 8601
    page: int | None = None  # 1-based page/frame of a paged file (PDF, multi-page TIFF)
    file_sha256: str = ""  # of the file's bytes (== sha256 unless a page)


def page_source(source: str, page: int) -> str:
    return f"{source}#p{page}"


def page_sha256(file_sha256: str, page: int) -> str:
    """Identity of one page: every page of a file is a picture of its own in
    the store, and the same file read again gives the same identities."""
    return hashlib.sha256(f"{file_sha256}#p{page}".encode()).hexdigest()


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


def _read(source: str) -> bytes:
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
    return data


def _is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip(b"\x00\t\n\r\x0c ").startswith(b"%PDF-")


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _register_heif(source: str) -> None:
    try:
        import pillow_heif
    except ImportError:
        raise InputFileError(
            f"{source}: HEIC/HEIF needs the optional extra (pip install 'cardscan[heic]')"
        ) from None
    pillow_heif.register_heif_opener()


def _check_size(source: str, w: int, h: int, max_pixels: int) -> None:
    if w * h > max_pixels:
        raise InputFileError(
            f"{source}: image too large ({w}x{h} = {w * h / 1e6:.0f} MP, "
            f"limit {max_pixels / 1e6:.0f} MP)"
        )


def _decoded(source: str, img: Image.Image, work_side: int) -> np.ndarray:
    """The current frame of an open image as RGB, reduced by libjpeg when a JPEG."""
    w, h = img.size
    if img.format == "JPEG" and max(w, h) > work_side:
        # draft keeps the result >= the requested size in both axes.
        k = work_side / max(w, h)
        img.draft("RGB", (int(w * k), int(h * k)))
    img.load()
    shown = ImageOps.exif_transpose(img)  # exactly once; the result has no tag
    rgb = _to_rgb(shown)
    if rgb.ndim != 3 or min(rgb.shape[:2]) < 16:
        raise InputFileError(f"{source}: image too small ({rgb.shape[1]}x{rgb.shape[0]})")
    return rgb


def _pil_pages(
    source: str, data: bytes, sha: str, max_pixels: int, work_side: int
) -> Iterator[LoadedImage]:
    if _is_heif(data):
        _register_heif(source)
    with warnings.catch_warnings():
        # We enforce our own pixel limit below, with a clearer message.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        img = Image.open(io.BytesIO(data))
        frames = getattr(img, "n_frames", 1) if img.format == "TIFF" else 1
        taken = _taken_at(img)
        if frames == 1:
            w, h = img.size
            _check_size(source, w, h, max_pixels)
            yield LoadedImage(source, _decoded(source, img, work_side), (w, h), sha, taken,
                              None, sha)
            return
        for i in range(min(frames, MAX_PAGES)):
            img.seek(i)
            src = page_source(source, i + 1)
            w, h = img.size
            _check_size(src, w, h, max_pixels)
            yield LoadedImage(src, _decoded(src, img, work_side), (w, h),
                              page_sha256(sha, i + 1), taken, i + 1, sha)
    if frames > MAX_PAGES:
        raise InputFileError(f"{source}: too many pages ({frames}, read the first {MAX_PAGES})")


def _pdf_pages(source: str, data: bytes, sha: str, max_pixels: int) -> Iterator[LoadedImage]:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise InputFileError(
            f"{source}: reading PDF needs pypdfium2 (pip install pypdfium2)"
        ) from None
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise InputFileError(f"{source}: cannot read PDF ({e})") from None
    try:
        n = len(doc)
        if n == 0:
            raise InputFileError(f"{source}: PDF has no pages")
        for i in range(min(n, MAX_PAGES)):
            src = page_source(source, i + 1)
            page = doc[i]
            w_pt, h_pt = page.get_size()
            scale = PDF_DPI / 72
            if w_pt * h_pt * scale * scale > max_pixels:  # a poster, not a card scan
                scale = (max_pixels / (w_pt * h_pt)) ** 0.5 * 0.99
            try:
                bitmap = page.render(scale=scale)
                rgb = np.ascontiguousarray(bitmap.to_numpy()[:, :, 2::-1])  # BGR(x) -> RGB
            except pdfium.PdfiumError as e:
                raise InputFileError(f"{src}: cannot render PDF page ({e})") from None
            finally:
                page.close()
            if min(rgb.shape[:2]) < 16:
                raise InputFileError(f"{src}: page too small ({rgb.shape[1]}x{rgb.shape[0]})")
            yield LoadedImage(src, rgb, (rgb.shape[1], rgb.shape[0]), page_sha256(sha, i + 1),
                              None, i + 1, sha)
        if n > MAX_PAGES:
            raise InputFileError(f"{source}: too many pages ({n}, read the first {MAX_PAGES})")
    finally:
        doc.close()


def load_pages(
    source: str, *, max_pixels: int, work_side: int, data: bytes | None = None
) -> Generator[LoadedImage]:
    """Every picture in one file, decoded lazily, one at a time: one for a
    photo, one per frame of a multi-page TIFF, one per page of a PDF.  `data`:
    the file's bytes when they were read elsewhere (a Dask client sent them,
    `cardscan.cluster`); `source` then only names the file.

    Raises InputFileError with a one-line reason naming the file (or the page:
    `scan.tif#p2: ...`); pages before a bad one have been yielded already.
    """
    if data is None:
        data = _read(source)
    elif not data:
        raise InputFileError(f"{source}: empty file (0 bytes)")
    sha = hashlib.sha256(data).hexdigest()
    if _is_pdf(data):
        yield from _pdf_pages(source, data, sha, max_pixels)
        return
    try:
        yield from _pil_pages(source, data, sha, max_pixels, work_side)
    except InputFileError:
        raise
    except UnidentifiedImageError:
        raise InputFileError(f"{source}: not an image (unrecognised format)") from None
    except Image.DecompressionBombError:
        raise InputFileError(f"{source}: image too large (decompression bomb guard)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputFileError(f"{source}: cannot decode image ({reason})") from None


def full_resolution(img: LoadedImage) -> np.ndarray | None:
    """The picture decoded at its stored size, when `load_pages` reduced it
    (a JPEG larger than `work_side`), else None.  Several cards in one photo
    share its pixels: each is cut from this, not from the reduced copy.  None
    too when the file changed since (its bytes no longer have `img.sha256`)."""
    if img.page is not None or img.full_size[0] * img.full_size[1] <= img.rgb.size // 3:
        return None
    try:
        data = _read(img.source)
        if hashlib.sha256(data).hexdigest() != img.sha256:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:  # the size was checked on first decode
                im.load()
                rgb = _to_rgb(ImageOps.exif_transpose(im))
    except (InputFileError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        log.debug("%s: full resolution not available", img.source, exc_info=True)
        return None
    return rgb if rgb.shape[:2] != img.rgb.shape[:2] else None


def load_image(source: str, *, max_pixels: int, work_side: int) -> LoadedImage:
    """The first picture of one file (see `load_pages`), its long side close to
    `work_side` or above.

    JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself (Pillow
    `draft`), so a 12 MP photo never costs a full decode.  Raises
    InputFileError with a one-line reason.
    """
    pages = load_pages(source, max_pixels=max_pixels, work_side=work_side)
    try:
        return next(pages)
    finally:
        pages.close()
