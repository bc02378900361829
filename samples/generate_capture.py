"""Render capture cases: several cards per photo, two sides of one card, a PDF
page of cards and a two-page TIFF, from the cards of `generate.py`.

A few of them are committed, with their labels, in samples/capture/
(`COMMITTED`: 4 and 8 cards in one photo, both sides of one card, a PDF page
of 4 cards); tests/test_samples_capture.py reads them field by field with the
recorded OCR.  The others (a sheet of 50, a two-page TIFF, 2 cards) are
rendered by tests/test_capture.py into a temporary folder.

    python samples/generate_capture.py --samples          # rewrites samples/capture/
    python samples/generate_capture.py --out DIR          # every case + labels.json
    python samples/generate_capture.py --out DIR --only cap_4cards.jpg

Every case is reproducible (seeded per file name, as generate.py does).
`labels.json` maps each file to the cards it shows, in reading order
(top-to-bottom, then left-to-right), with a `#pN` suffix for pages, and
`sides` lists the photos that are two sides of one card.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate as g  # the sibling generator, not an installed module

SEED = g.SEED
SCAN_DPI = 200  # flatbed pages: a card is ~700 px wide, OCR reads it well, files stay small


@dataclass(frozen=True)
class Capture:
    file: str
    kind: str  # photo | back | pdf | tiff
    places: tuple[g.Place, ...] = ()
    desk: str = "oak"
    pages: tuple[tuple[str, ...], ...] = ()  # pdf/tiff: card ids on each page
    back_of: str | None = None  # back: the card whose logo side this photo shows


P = g.Place
# Cards stacked on each other's edges, angles a few degrees apart, light desks
# as well as dark: the cases multi-card detection has to handle.
CAPTURES: tuple[Capture, ...] = (
    Capture("cap_2cards.jpg", "photo", (
        P("grace_adeyemi_halcyon", 0.5, 0.345, 0.7, angle=2, tilt=0.04, jitter=0.004),
        P("jonah_whitfield_obsidian", 0.5, 0.655, 0.7, angle=-2, tilt=0.04, jitter=0.004),
    ), desk="oak"),
    Capture("cap_4cards.jpg", "photo", (
        P("harriet_vance_ashgrove", 0.265, 0.37, 0.46, angle=4, tilt=0.03, jitter=0.004),
        P("priya_ramanathan_bluefinch", 0.735, 0.36, 0.46, angle=-3, tilt=0.03, jitter=0.004),
        P("samuel_okafor_ironbark", 0.26, 0.62, 0.46, angle=-5, tilt=0.03, jitter=0.004),
        P("elena_marchetti_lumen", 0.74, 0.63, 0.46, angle=3, tilt=0.03, jitter=0.004),
    ), desk="white"),
    Capture("cap_8cards.jpg", "photo", (
        P("harriet_vance_ashgrove", 0.255, 0.13, 0.47, angle=2, tilt=0.02, jitter=0.003),
        P("grace_adeyemi_halcyon", 0.745, 0.13, 0.47, angle=-2, tilt=0.02, jitter=0.003),
        P("samuel_okafor_ironbark", 0.255, 0.375, 0.47, angle=-3, tilt=0.02, jitter=0.003),
        P("priya_ramanathan_bluefinch", 0.745, 0.375, 0.47, angle=3, tilt=0.02, jitter=0.003),
        P("chloe_nguyen_kookaburra", 0.255, 0.625, 0.47, angle=1, tilt=0.02, jitter=0.003),
        P("nadia_kowalski_fernhill", 0.745, 0.625, 0.47, angle=-1, tilt=0.02, jitter=0.003),
        P("oliver_grant_saltmarsh", 0.255, 0.87, 0.47, angle=-2, tilt=0.02, jitter=0.003),
        P("marcus_feld_kellerhaus", 0.745, 0.87, 0.47, angle=2, tilt=0.02, jitter=0.003),
    ), desk="walnut"),
    # Two sides of one card, photographed one after the other: logo side first.
    Capture("cap_sides_1.jpg", "back", (
        P("priya_ramanathan_bluefinch", 0.5, 0.48, 0.74, angle=3, tilt=0.08),
    ), desk="slate", back_of="priya_ramanathan_bluefinch"),
    Capture("cap_sides_2.jpg", "photo", (
        P("priya_ramanathan_bluefinch", 0.5, 0.5, 0.74, angle=-4, tilt=0.08),
    ), desk="slate"),
    # A sheet of 50 small cards: split into cards, or refused; never one lead.
    Capture("cap_sheet50.jpg", "photo", tuple(
        P(g.CARDS[i % len(g.CARDS)].id, 0.1 + 0.2 * (i % 5), 0.05 + 0.1 * (i // 5), 0.185,
          angle=0, tilt=0.0, jitter=0.001)
        for i in range(50)
    ), desk="white"),
    Capture("cap_page.pdf", "pdf", pages=(
        ("harriet_vance_ashgrove", "grace_adeyemi_halcyon", "samuel_okafor_ironbark",
         "nadia_kowalski_fernhill"),
    )),
    Capture("cap_scan.tif", "tiff", pages=(
        ("oliver_grant_saltmarsh",), ("marcus_feld_kellerhaus",),
    )),
)
CAPTURE_BY_FILE = {c.file: c for c in CAPTURES}
# Committed in samples/capture/ (about 1.8 MB): what the other samples lack.
COMMITTED = ("cap_4cards.jpg", "cap_8cards.jpg", "cap_sides_1.jpg", "cap_sides_2.jpg",
             "cap_page.pdf")
SAMPLES_DIR = Path(__file__).resolve().parent / "capture"


def rng_for(name: str, seed: int = SEED) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def render_back(card: g.CardSpec, s: float = g.PX_PER_MM) -> Image.Image:
    """The logo side: the accent colour, the logo mark, the company name and a
    slogan; no name, no phone, no e-mail, no web address."""
    st = card.style
    w, h = g.card_dims(st)
    back = replace(st, bg=st.accent, accent=st.bg)
    cv = g.Canvas(w, h, back.bg, s)
    size = 16.0
    lw = cv.logo(w / 2 - size / 2, h * 0.16, size, back)
    assert lw > 0
    name = (card.company or "").split(",")[0]
    cv.block([(name, st.company_font, 15.0, st.bg)], w / 2, h * 0.16 + size + 4, h - 12,
             w - 12, align="m")
    cv.block([("Since 2009", st.body_font, 8.0, st.bg)], w / 2, h - 11, h - 5, w - 12, align="m")
    cv.check_overlaps()
    return cv.img


def _photo(cap: Capture, rng: np.random.Generator) -> np.ndarray:
    sample = g.Sample(cap.file, "photo", (), cap.places, desk=cap.desk)
    if cap.kind != "back":
        return g.compose_photo(sample, rng)
    # compose_photo renders CARD_BY_ID faces: swap in the back face for this card.
    spec = g.CARD_BY_ID[cap.back_of or ""]
    front = g.render_card
    try:
        g.render_card = lambda c, s=g.PX_PER_MM: render_back(c, s) if c is spec else front(c, s)
        return g.compose_photo(sample, rng)
    finally:
        g.render_card = front


def _scan_face(card_id: str, dpi: int) -> np.ndarray:
    card = g.CARD_BY_ID[card_id]
    w_mm, h_mm = g.card_dims(card.style)
    k = dpi / 25.4
    face = g.render_card(card).resize((round(w_mm * k), round(h_mm * k)),
                                      Image.Resampling.LANCZOS)
    return np.asarray(face, np.float32)


def flatbed_page(cards: Sequence[str], rng: np.random.Generator, dpi: int = SCAN_DPI,
                 size_mm: tuple[float, float] = (210.0, 297.0)) -> np.ndarray:
    """A flatbed scan of up to 8 cards laid in two columns on the white lid,
    each a degree or two off square, as uint8 RGB."""
    k = dpi / 25.4
    pw, ph = round(size_mm[0] * k), round(size_mm[1] * k)
    page = np.full((ph, pw, 3), 250.0, np.float32)
    for i, cid in enumerate(cards):
        face = _scan_face(cid, dpi)
        fh, fw = face.shape[:2]
        col, row = i % 2, i // 2
        cx, cy = (0.27 + 0.46 * col) * pw, (0.14 + 0.235 * row) * ph
        ang = float(rng.uniform(-2, 2))
        m = cv2.getRotationMatrix2D((fw / 2, fh / 2), ang, 1.0)
        m[:, 2] += (cx - fw / 2, cy - fh / 2)
        warped = cv2.warpAffine(face, m, (pw, ph), flags=cv2.INTER_LINEAR)
        mask = cv2.warpAffine(np.ones((fh, fw), np.float32), m, (pw, ph))
        # The lid leaves a thin grey shadow along the card edge.
        edge = cv2.dilate(mask, np.ones((5, 5), np.uint8)) - mask
        page *= (1 - 0.2 * edge)[..., None]
        page = page * (1 - mask[..., None]) + warped * mask[..., None]
    page = cv2.GaussianBlur(page, (0, 0), 0.5)
    page += rng.standard_normal(page.shape[:2]).astype(np.float32)[..., None] * 1.5
    return np.clip(np.round(page), 0, 255).astype(np.uint8)


def single_scan(card_id: str, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    """One card on a sheet-fed scanner: the card itself, a 3 mm white margin."""
    face = _scan_face(card_id, dpi)
    m = round(3 * dpi / 25.4)
    out = np.full((face.shape[0] + 2 * m, face.shape[1] + 2 * m, 3), 252.0, np.float32)
    out[m:m + face.shape[0], m:m + face.shape[1]] = face
    out += rng.standard_normal(out.shape[:2]).astype(np.float32)[..., None] * 1.0
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def render(cap: Capture, seed: int = SEED) -> bytes:
    rng = rng_for(cap.file, seed)
    buf = io.BytesIO()
    if cap.kind in ("photo", "back"):
        arr = np.round(_photo(cap, rng)).astype(np.uint8)
        Image.fromarray(arr, "RGB").save(buf, "JPEG", quality=85, subsampling=2)
    elif cap.kind == "pdf":
        pages = [Image.fromarray(flatbed_page(p, rng), "RGB") for p in cap.pages]
        # JPEG inside the PDF, as scanners write it; fixed dates keep bytes stable.
        pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI,
                      quality=85, creationDate=None, modDate=None)
    elif cap.kind == "tiff":
        pages = [Image.fromarray(single_scan(p[0], rng), "RGB") for p in cap.pages]
        pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:],
                      compression="tiff_deflate", dpi=(300, 300))
    else:
        raise ValueError(cap.kind)
    return buf.getvalue()


def _reading_order(places: Sequence[g.Place]) -> list[str]:
    """Top-to-bottom rows (centres within half a card height), left-to-right in a row."""
    rows: list[list[g.Place]] = []
    for p in sorted(places, key=lambda p: p.cy):
        if rows and abs(p.cy - rows[-1][0].cy) < 0.08:
            rows[-1].append(p)
        else:
            rows.append([p])
    return [p.card for row in rows for p in sorted(row, key=lambda p: p.cx)]


def labels(files: Sequence[str] | None = None) -> dict[str, object]:
    """Ground truth of the cases in `files` (all of them by default)."""
    images: dict[str, object] = {}
    for cap in CAPTURES:
        if files and cap.file not in files:
            continue
        if cap.kind in ("pdf", "tiff"):
            for i, cards in enumerate(cap.pages, 1):
                images[f"{cap.file}#p{i}"] = {"cards": list(cards), "kind": cap.kind}
        elif cap.kind == "back":
            images[cap.file] = {"cards": [], "kind": "back", "back_of": cap.back_of}
        else:
            images[cap.file] = {"cards": _reading_order(cap.places), "kind": cap.kind}
    used = {c for v in images.values() for c in v["cards"]}  # type: ignore[index]
    return {
        "version": 1,
        "cards": {c: g.card_label(g.CARD_BY_ID[c]) for c in sorted(used)},
        "images": images,
        "sides": [[c.file, _front_of(c)] for c in CAPTURES if c.kind == "back"
                  and (not files or {c.file, _front_of(c)} <= set(files))],
    }


def _front_of(back: Capture) -> str:
    """The photo of the contact side taken right after a logo side."""
    i = CAPTURES.index(back)
    return CAPTURES[i + 1].file


def write(out: Path, only: Sequence[str] | None = None, seed: int = SEED) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    for cap in CAPTURES:
        if only and cap.file not in only:
            continue
        (out / cap.file).write_bytes(render(cap, seed))
    lab = labels(only)
    (out / "labels.json").write_text(json.dumps(lab, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    return lab


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path)
    where.add_argument("--samples", action="store_true",
                       help=f"write the committed cases {', '.join(COMMITTED)} to samples/capture/")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--only", action="append", help="render just this file (repeatable)")
    args = ap.parse_args(argv)
    missing = g.missing_fonts()
    if missing:
        print("missing fonts: apt-get install " + " ".join(missing), file=sys.stderr)
        return 2
    if args.samples:
        args.out, args.only = SAMPLES_DIR, list(COMMITTED)
    write(args.out, args.only, args.seed)
    for f in sorted(args.out.iterdir()):
        print(f"{f.name:24s} {f.stat().st_size / 1024:7.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
