"""The naive baseline cardscan is measured against.

Plain ``pytesseract.image_to_string`` on the whole photo (EXIF orientation applied, no
other preprocessing) and a handful of simple line rules, as a first script would do.
It yields dicts shaped like ``CardRecord.to_dict()`` so the same scorer reads both.

Deliberately simple: this is the yardstick, not a second pipeline.  Two choices make
it a slightly *stronger* yardstick than the most naive script: numbers printed without
a country code are parsed with the card's labelled region when the caller knows it
(default "US"), and each Tesseract process is limited to one OpenMP thread when several
worker processes share the cores.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

ENGINE = "naive-tesseract"

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
WEBSITE_RE = re.compile(
    r"(?i)\b(?:https?://\S+|www\.[a-z0-9\-.]+\.[a-z]{2,}\S*"
    r"|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|net|org|biz|info|io|co|edu|gov)(?:\.[a-z]{2})?)\b/?"
)


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Small word lists on purpose: a naive script's idea of a title, a company, a street.
TITLE_WORDS = _vocab(
    """manager director president ceo cto cfo coo founder co-founder engineer consultant
    officer head lead vice vp partner owner specialist analyst developer designer
    executive assistant associate representative agent coordinator supervisor chairman
    secretary attorney architect advisor adviser broker realtor sales marketing"""
)
COMPANY_WORDS = _vocab(
    """inc inc. ltd ltd. llc llp plc gmbh ag corp corp. corporation co. company limited
    s.a. sa ltda ltda. pty group"""
)
STREET_WORDS = _vocab(
    """street st st. avenue ave ave. road rd rd. boulevard blvd blvd. drive dr. lane ln
    way suite ste ste. floor fl fl. court ct place pl highway hwy plaza building
    rua av av. avenida rue strasse straße str."""
)
_WORD_STRIP = ",;:()[]|\"'"


def _words(line: str) -> list[str]:
    return [w.strip(_WORD_STRIP).lower() for w in line.split()]


def _is_name_line(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 3 or any(ch.isdigit() for ch in line) or "@" in line:
        return False
    return all(w[0].isupper() and w[0].isalpha() for w in words)


def parse_text(text: str, region: str = "US") -> dict[str, Any]:
    """Fields from OCR text by simple regexes and line rules."""
    import phonenumbers

    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    emails = list(dict.fromkeys(m.group(0) for m in EMAIL_RE.finditer(text)))
    no_email = EMAIL_RE.sub(" ", text)
    websites = list(dict.fromkeys(m.group(0).rstrip(".,;/") for m in WEBSITE_RE.finditer(no_email)))
    phones: list[dict[str, str]] = []
    seen: set[str] = set()
    for m in phonenumbers.PhoneNumberMatcher(text, region):
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in seen:
            seen.add(e164)
            phones.append({"number": e164, "type": "other", "raw": m.raw_string})

    name = next((ln for ln in lines if _is_name_line(ln)), None)
    rest = [ln for ln in lines if ln != name and "@" not in ln]
    title = next((ln for ln in rest if TITLE_WORDS & set(_words(ln))), None)
    company = next((ln for ln in rest if ln != title and COMPANY_WORDS & set(_words(ln))), None)
    address = next(
        (ln for ln in rest if any(ch.isdigit() for ch in ln) and STREET_WORDS & set(_words(ln))),
        None,
    )
    parts = name.split() if name else []
    return {
        "name": name,
        "given_name": parts[0] if parts else None,
        "family_name": parts[-1] if len(parts) > 1 else None,
        "title": title,
        "company": company,
        "department": None,
        "address": address,
        "emails": emails,
        "phones": phones,
        "websites": websites,
    }


def _record(source: str, status: str, error: str | None = None, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "source": source,
        "card": 0,
        "status": status,
        "error": error,
        "name": None,
        "given_name": None,
        "family_name": None,
        "title": None,
        "company": None,
        "department": None,
        "address": None,
        "emails": [],
        "phones": [],
        "websites": [],
        "confidence": {},
        "image_sha256": None,
        "taken_at": None,
        "engine": ENGINE,
        "text": "",
    }
    rec.update(fields)
    return rec


def naive_one(source: str, region: str = "US", max_side: int = 0) -> dict[str, Any]:
    """The baseline on one image: one record (``ok``, ``no_card`` or ``error``).
    ``max_side`` > 0 first shrinks the photo to that long side (Pillow's
    ``thumbnail``, which lets libjpeg decode a JPEG at reduced size), as the
    afternoon script of issue 10 does with 1600."""
    import pytesseract
    from PIL import Image, ImageOps

    try:
        with Image.open(source) as im:
            if max_side:
                im.thumbnail((max_side, max_side))
            img = ImageOps.exif_transpose(im)
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            text = pytesseract.image_to_string(img)
    except Exception as exc:  # the baseline reports, like the pipeline, and goes on
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return _record(source, "error", f"{source}: {reason}")
    return _fields_record(source, text, region, ENGINE)


def _fields_record(source: str, text: str, region: str, engine: str) -> dict[str, Any]:
    fields = parse_text(text, region)
    found = any(fields[k] for k in ("name", "emails", "phones", "websites", "company"))
    return _record(source, "ok" if found else "no_card", text=text, engine=engine, **fields)


def _naive_star(args: tuple[str, str, int]) -> dict[str, Any]:
    return naive_one(*args)


def _init_worker() -> None:
    # Several processes share the cores: one OpenMP thread per Tesseract run.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def naive_records(
    paths: Iterable[str | Path],
    workers: int = 0,
    regions: Mapping[str, str | None] | None = None,
    default_region: str = "US",
    max_side: int = 0,
) -> Iterator[dict[str, Any]]:
    """Baseline records in input order, streamed; ``workers`` 0 = all cores.

    ``regions`` maps a path (as given) to the region used for numbers printed
    without a country code; unknown paths use ``default_region``; ``max_side``
    see `naive_one`."""
    regions = regions or {}
    jobs = ((str(p), regions.get(str(p)) or default_region, max_side) for p in paths)
    yield from _in_order(_naive_star, jobs, workers, _init_worker)


def _in_order(
    fn: Callable[[Any], dict[str, Any]], jobs: Iterable[Any], workers: int,
    initializer: Callable[[], None],
) -> Iterator[dict[str, Any]]:
    """``fn`` over ``jobs`` in input order, streamed: in this process for one
    worker, else in a pool of ``workers`` spawned processes (0 = all cores)."""
    n = workers if workers > 0 else (os.cpu_count() or 1)
    if n == 1:
        yield from map(fn, jobs)
        return
    with mp.get_context("spawn").Pool(n, initializer=initializer) as pool:
        yield from pool.imap(fn, jobs, chunksize=1)


# --- plain RapidOCR: its default pipeline, the same line rules ---------------------

PLAIN_RAPIDOCR = "plain-rapidocr"
_plain: Any = None


def _init_plain() -> None:
    global _plain  # one RapidOCR per worker process, made once
    from rapidocr_onnxruntime import RapidOCR

    _plain = RapidOCR()


def plain_rapidocr_one(source: str, region: str = "US") -> dict[str, Any]:
    """`RapidOCR()(path)` as its README shows (its own decoding, detection size,
    angle classifier and thread defaults), then the line rules above."""
    if _plain is None:
        _init_plain()
    try:
        result, _ = _plain(source)
    except Exception as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return _record(source, "error", f"{source}: {reason}", engine=PLAIN_RAPIDOCR)
    text = "\n".join(str(r[1]) for r in result or [])
    return _fields_record(source, text, region, PLAIN_RAPIDOCR)


def plain_rapidocr_records(
    paths: Iterable[str | Path], workers: int = 0
) -> Iterator[dict[str, Any]]:
    """Plain RapidOCR records in input order, streamed, with ``workers`` processes."""
    yield from _in_order(plain_rapidocr_one, [str(p) for p in paths], workers, _init_plain)
