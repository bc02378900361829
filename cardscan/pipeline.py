"""The pipeline: load -> find cards -> OCR -> extract, one input file at a time.

`process_file` never raises for a bad input: it returns an `error` record
with a one-line reason naming the file, so a batch always goes on.  `run`
streams records in input order from a process pool; images are decoded in
the workers and never held beyond the file being read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import signal
import threading
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import stages
from .errors import InputFileError, MissingDependencyError
from .inputs import InputFile, check_file, display_path
from .model import CardRecord, Field, ParsedCard
from .ocr import OcrEngine, get_engine
from .options import ScanOptions
from .stages import stage
from .workers import pool_context

if TYPE_CHECKING:
    from .detect import CardRegion
    from .load import LoadedImage

log = logging.getLogger(__name__)

# More on one card than any card prints: several cards read as one (a sheet of
# small cards the detector could not separate).  Never one lead for them.
MAX_EMAILS_PER_CARD = 4
MAX_PHONES_PER_CARD = 8
MIN_CARDS_FULL_RES = 2  # this many cards in one photo are cut from it at full resolution
CARD_JPEG_WIDTH = 800  # px: the card image kept for review
CARD_JPEG_MAX_BYTES = 60_000


def _site_key(url: str) -> str:
    """`https://www.acme.io/` and `acme.io` are the same web address."""
    u = re.sub(r"^[a-z]+://", "", url.strip().lower())
    return u.removeprefix("www.").rstrip("/")


def _qr_merge(parsed: ParsedCard, payloads: list[str], region: str | None) -> ParsedCard:
    from .extract.phones import phone_from_value
    from .qr import parse_payload

    for text in payloads:
        c = parse_payload(text)
        if c is None:
            continue
        emails = list(parsed.emails)
        have = {e.value for e in emails}
        for e in c.emails:
            if e.lower() not in have:
                emails.append(Field(e.lower(), e, 0.99, origin="qr"))
                have.add(e.lower())
        phones = list(parsed.phones)
        have_p = {p.number for p in phones}
        for raw, typ in c.phones:
            ptype = typ if typ != "other" else "work"
            # The card's region (its clues and the hint) first; +CC numbers keep their own.
            phone = phone_from_value(raw, ptype, (parsed.region, region or ""), 0.99)  # type: ignore[arg-type]
            if phone is not None and phone.number not in have_p:
                phones.append(phone)
                have_p.add(phone.number)
        websites = list(parsed.websites)
        have_w = {_site_key(w.value) for w in websites}
        for u in c.websites:
            if _site_key(u) not in have_w:
                websites.append(Field(u.lower().rstrip("/"), u, 0.99, origin="qr"))
                have_w.add(_site_key(u))
        parsed = dataclasses.replace(
            parsed,
            emails=tuple(emails),
            phones=tuple(sorted(phones, key=lambda p: p.type == "fax")),
            websites=tuple(websites),
        )
        for key in ("name", "company", "title"):
            val = getattr(c, key)
            cur: Field | None = getattr(parsed, key)
            if val and (cur is None or cur.confidence < 0.5):
                fill: dict[str, Any] = {key: Field(val, val, 0.95, origin="qr")}
                parsed = dataclasses.replace(parsed, **fill)
        if c.name and parsed.name and parsed.name.value == c.name:
            parsed = dataclasses.replace(
                parsed,
                given_name=c.given_name or parsed.given_name,
                family_name=c.family_name or parsed.family_name,
            )
    return parsed


def read_card(
    rgb: np.ndarray, engine: OcrEngine, options: ScanOptions
) -> tuple[ParsedCard, str, tuple[str, ...], int]:
    """OCR and extract one flattened card: (parsed, text, qr payloads, lines)."""
    from .extract import parse_page
    from .qr import decode

    with stage("recognise"):  # detection inside is charged to "detect"
        page = engine.read(rgb)
    parsed = parse_page(page, region=options.region)
    qr = tuple(decode(rgb))
    if qr:
        parsed = _qr_merge(parsed, list(qr), options.region)
    return parsed, page.text, qr, len(page.lines)


def _has_contact(p: ParsedCard) -> bool:
    """Whether an outline's crops read anything worth keeping (else the whole photo is read)."""
    return bool(p.emails or p.phones or p.websites or p.name)


def _is_card(p: ParsedCard, lines: int, aspect: float | None) -> bool:
    """A validated contact channel, or a name or company on a card-shaped
    outline (`cardness.is_card`): a trading card, a ticket or a
    page of prose is not a card."""
    from .cardness import is_card

    return is_card(p, lines, aspect)


def process_file(source: str, options: ScanOptions, engine: OcrEngine,
                 data: bytes | None = None) -> list[CardRecord]:
    """Every card found in one input file, or one no_card / error record per
    picture in it (a PDF page or TIFF frame is a picture of its own).  `data`:
    the file's bytes, when read elsewhere (`load.load_pages`)."""
    from .load import load_pages

    out: list[CardRecord] = []
    pages = load_pages(source, max_pixels=options.max_pixels, work_side=options.work_side,
                       data=data)
    while True:
        try:
            with stage("decode"):
                img: LoadedImage | None = next(pages, None)
        except InputFileError as e:
            out.append(CardRecord(source, status="error", error=str(e)))
            break
        if img is None:
            break
        with stage("extract"):  # what its inner stages leave: fields, QR, card JPEG
            out.extend(process_image(img, options, engine))
    return out


def process_image(img: LoadedImage, options: ScanOptions, engine: OcrEngine) -> list[CardRecord]:
    """Every card found in one decoded picture, or one no_card / error record."""
    from .detect import find_cards
    from .extract import review_reasons

    source = img.source
    crops: list[np.ndarray] = []
    try:
        with stage("find"):
            regions = find_cards(img.rgb, options.max_cards)
        if len(regions) > options.max_cards:
            return [_refused_picture(
                img, f"more than {options.max_cards} cards in one picture "
                     f"(a sheet of cards?): photograph at most {options.max_cards} at a time")]
        with stage("find"):
            crops = _cut(img, regions)
        results = [read_card(c, engine, options) for c in crops]
        # A wrong outline (a panel, a shadow) loses text: if the crops read
        # nothing useful, read the whole photo instead.
        outlined = bool(results) and any(_has_contact(r[0]) for r in results)
        aspects: list[float | None] = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        if not outlined:
            whole = read_card(img.rgb, engine, options)
            if _logo_side(results, whole):
                outlined = True  # one outline naming only a company: keep it and its shape
            else:
                results = [whole]
                # Read whole: the frame is the outline (an app crop or a scan of one card).
                aspects = [img.rgb.shape[1] / max(1, img.rgb.shape[0])]
    except Exception as e:  # one bad photo must not end the batch
        log.debug("failed on %s", source, exc_info=True)
        reason = str(e).splitlines()[0] if str(e) else ""
        return [CardRecord(source, status="error",
                           error=f"{source}: internal error ({type(e).__name__}: {reason})",
                           image_sha256=img.sha256)]
    if options.debug_dir:
        _save_debug(options.debug_dir, img.sha256, source, crops or [img.rgb])
    crowded = [r[0] for r in results if _crowded(r[0])]
    if crowded:
        p = crowded[0]
        return [_refused_picture(
            img, f"several cards read as one ({len(p.emails)} e-mail addresses, "
                 f"{len(p.phones)} phone numbers): photograph them a few at a time")]
    out: list[CardRecord] = []
    images = crops if outlined else [img.rgb]
    # `aspects` (width/height, the frame when read whole) decide whether it is a card;
    # `shapes` (long/short side of a found outline) let sides.py pair two photos.
    shapes = [_aspect(c) for c in crops] if outlined else [None] * len(results)
    for i, ((parsed, text, qr, nlines), rgb, aspect) in enumerate(
        (r, im, sh) for r, im, a, sh in zip(results, images, aspects, shapes, strict=True)
        if _is_card(r[0], r[3], a)
    ):
        review = review_reasons(parsed)
        extra: dict[str, Any] = {"lines": nlines, "outlined": outlined}
        if aspect is not None:
            extra["aspect"] = aspect  # the outline's long/short side: sides.py compares them
        out.append(CardRecord(
            source, i, "review" if review else "ok", None, parsed, text, img.sha256,
            img.taken_at, engine.name, qr, extra, review,
            card_jpeg(rgb) if options.card_images else None,
        ))
    if not out:
        return [CardRecord(source, status="no_card", image_sha256=img.sha256,
                           taken_at=img.taken_at, engine=engine.name,
                           text=results[0][1] if results else "")]
    return out


def _cut(img: LoadedImage, regions: list[CardRegion]) -> list[np.ndarray]:
    """Each card flattened.  Several cards share the photo's pixels: they are
    cut from the photo at its stored resolution when it was decoded reduced
    (a 12 MP JPEG is read at half size), so each keeps the detail OCR needs."""
    from .detect import warp
    from .load import full_resolution

    full = full_resolution(img) if len(regions) >= MIN_CARDS_FULL_RES else None
    if full is None:
        return [warp(img.rgb, r.quad) for r in regions]
    k = np.array([full.shape[1] / img.rgb.shape[1], full.shape[0] / img.rgb.shape[0]],
                 np.float32)
    return [warp(full, r.quad * k) for r in regions]


def _logo_side(crop_results: list[tuple[ParsedCard, str, tuple[str, ...], int]],
               whole: tuple[ParsedCard, str, tuple[str, ...], int]) -> bool:
    """One outline whose text names a company and nobody, in a photo that read
    whole gives no contact either: the logo side of a card (sides.py pairs it with
    the contact side), not a panel that hid the card's text."""
    return (len(crop_results) == 1 and crop_results[0][0].company is not None
            and not _has_contact(whole[0]))


def _crowded(p: ParsedCard) -> bool:
    return len(p.emails) > MAX_EMAILS_PER_CARD or len(p.phones) > MAX_PHONES_PER_CARD


def _refused_picture(img: LoadedImage, reason: str) -> CardRecord:
    return CardRecord(img.source, status="error", error=f"{img.source}: {reason}",
                      image_sha256=img.sha256, taken_at=img.taken_at)


def _aspect(crop: np.ndarray) -> float:
    h, w = crop.shape[:2]
    return round(max(h, w) / max(1, min(h, w)), 3)


def card_jpeg(rgb: np.ndarray) -> bytes | None:
    """The flattened card as a JPEG at most CARD_JPEG_WIDTH wide and about
    CARD_JPEG_MAX_BYTES (quality lowered until it fits); None if it cannot be encoded."""
    import cv2

    h, w = rgb.shape[:2]
    if w > CARD_JPEG_WIDTH:
        rgb = cv2.resize(rgb, (CARD_JPEG_WIDTH, max(1, round(h * CARD_JPEG_WIDTH / w))),
                         interpolation=cv2.INTER_AREA)
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if rgb.ndim == 3 else rgb
    data = b""
    for quality in (80, 65, 50, 35):
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            return None
        data = buf.tobytes()
        if len(data) <= CARD_JPEG_MAX_BYTES:
            break
    return data


def _save_debug(folder: str, sha: str, source: str, crops: list[np.ndarray]) -> None:
    """Best effort: a debug folder that cannot be written never costs a card."""
    import cv2

    try:
        d = Path(folder)
        d.mkdir(parents=True, exist_ok=True)
        stem = f"{Path(source).stem}-{sha[:8]}"  # same names in other folders differ
        for i, c in enumerate(crops):
            cv2.imwrite(str(d / f"{stem}-card{i}.png"), cv2.cvtColor(c, cv2.COLOR_RGB2BGR))
    except OSError as e:
        log.warning("cannot write debug crops to %s: %s", folder, e)


def load_engine(options: ScanOptions, threads: int = 0) -> OcrEngine:
    """The engine, or MissingDependencyError with one line saying why it cannot
    load (a broken install must not surface as a traceback per worker)."""
    from .errors import CardscanError, MissingDependencyError

    try:
        return get_engine(options.engine, lang=options.lang, threads=threads,
                          second_reading=options.second_reading, scripts=options.scripts)
    except CardscanError:
        raise
    except Exception as e:  # ImportError, OSError from native libraries, bad models
        raise MissingDependencyError(
            f"OCR engine {options.engine!r} cannot load ({type(e).__name__}: {e})"
        ) from None


# --- time limit, process pool ----------------------------------------------------


class TimeLimitExceeded(BaseException):
    """Raised by the alarm inside a file's reading.  A BaseException, so the
    `except Exception` that keeps a bad photo from ending the batch does not
    swallow it before `read_input` turns it into an error record."""


def _on_alarm(signum: int, frame: object) -> None:
    raise TimeLimitExceeded


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` of this file (main thread of a process only: the
    pool's workers, or an in-process scan run from the main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _shown(rec: CardRecord) -> CardRecord:
    """Records name files as text every output can hold (non-UTF-8 bytes escaped)."""
    source = display_path(rec.source)
    error = display_path(rec.error) if rec.error else rec.error
    if source == rec.source and error == rec.error:
        return rec
    return dataclasses.replace(rec, source=source, error=error)


def refused(item: InputFile) -> list[CardRecord]:
    """The error record of an input refused before reading (its `error` says why)."""
    return [CardRecord(item.source, status="error", error=item.error)]


def over_time(source: str, seconds: float) -> CardRecord:
    """The error record of a file whose reading took longer than the time limit."""
    return CardRecord(source, status="error",
                      error=f"{source}: time limit exceeded ({seconds:g} s per file)")


def read_input(item: InputFile | str, options: ScanOptions, engine: OcrEngine,
               data: bytes | None = None) -> list[CardRecord]:
    """The records of one input: its error when the checks refused it, else what
    `process_file` read within the time limit (from `data` when given)."""
    if isinstance(item, str):
        item = check_file(item, options.max_bytes)
    if item.error:
        return refused(item)
    try:
        with _time_limit(options.time_limit):
            records = process_file(item.path, options, engine, data)
    except TimeLimitExceeded:
        return [over_time(item.source, options.time_limit)]
    except Exception as e:  # a bug on one file must not end the batch either
        log.debug("failed on %s", item.source, exc_info=True)
        reason = str(e).splitlines()[0] if str(e) else ""
        return [CardRecord(item.source, status="error", error=display_path(
            f"{item.source}: internal error ({type(e).__name__}: {reason})"))]
    return [_shown(r) for r in records]


_worker: tuple[ScanOptions, OcrEngine | None, str] | None = None


def _init_worker(options: ScanOptions, threads: int) -> None:
    global _worker  # per-process state set once by the pool initializer
    import cv2

    # Ctrl-C is the parent's to handle: it stops the pool and keeps what was read.
    # A worker killed by it mid-task would leave imap waiting for that result.
    # SIGTERM ends a worker at once (the parent's handler, inherited by fork, must not
    # run here: the pool terminates its workers with SIGTERM).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cv2.setNumThreads(threads)  # one process per core already; threads only contend
    try:
        with stage("startup"):
            _worker = (options, load_engine(options, threads), "")
    except Exception as e:  # raising here would make the pool restart workers forever
        _worker = (options, None, str(e))


def _work(item: InputFile) -> list[CardRecord]:
    assert _worker is not None
    options, engine, failure = _worker
    if engine is None:  # the parent stops the run with this one line (`run_files`)
        raise MissingDependencyError(failure)
    records = read_input(item, options, engine)
    stages.flush()
    return records


def _answered(
    f: InputFile, records: list[CardRecord]
) -> Iterator[tuple[InputFile, list[CardRecord]]]:
    """Yield one answer; what the caller does with it before asking for the next
    (store the cards, write the outputs) is charged to the stage "store"."""
    with stage("store"):
        yield f, records
    stages.flush()


def run_files(
    items: Iterable[InputFile | str], options: ScanOptions, engine: OcrEngine | None = None
) -> Generator[tuple[InputFile, list[CardRecord]], None, None]:
    """(input, its records) for each input, in input order.  Refused inputs are
    answered here without a worker; with an explicit engine (tests, replay) or
    one worker everything runs in this process."""
    files = [check_file(i, options.max_bytes) if isinstance(i, str) else i for i in items]
    todo = [f for f in files if f.error is None]
    workers = min(options.resolved_workers(), max(1, len(todo)))
    if engine is not None or workers <= 1 or not todo:
        with stage("startup"):
            eng = engine or (load_engine(options) if todo else None)
        for f in files:
            recs = refused(f) if f.error or eng is None else read_input(f, options, eng)
            yield from _answered(f, recs)
        return
    # An engine that cannot load fails the run once, with one line: the workers'
    # first answers raise MissingDependencyError here (`_work`).  The parent does
    # not load an engine of its own to find that out (0.5 s before any work).
    ctx = pool_context()
    with ctx.Pool(workers, initializer=_init_worker, initargs=(options, 1)) as pool:
        results = pool.imap(_work, todo, chunksize=1)
        for f in files:
            yield from _answered(f, refused(f) if f.error else next(results))


def run(
    sources: Iterable[InputFile | str], options: ScanOptions, engine: OcrEngine | None = None
) -> Generator[CardRecord, None, None]:
    """Records for `sources` in input order (see `run_files`)."""
    gen = run_files(sources, options, engine)
    try:
        for _, records in gen:
            yield from records
    finally:
        gen.close()  # stops the worker pool now, not when garbage-collected
