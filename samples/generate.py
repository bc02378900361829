"""Render cardscan's bundled synthetic sample set.

Every person, company, address, domain and number here is invented.  Phone
numbers come from drama/fictional ranges where `phonenumbers` still accepts
them (US 555-01xx, UK 020 7946 0xxx / 01xx1 496 0xxx, AU 0491 570 xxx /
(02) 5550 xxxx); the rest are obviously made-up sequences.  Every gold number
is checked with `phonenumbers.is_valid_number` before anything is written.

    python samples/generate.py            # rewrites samples/ in place
    python samples/generate.py --out DIR  # somewhere else
    python samples/generate.py --only 04_photo_rot90.jpg

Output is byte-identical for the same seed, fonts and library versions
(Pillow/FreeType, OpenCV, NumPy, libjpeg).  Needs the Debian fonts listed in
FONTS (fonts-dejavu-core, fonts-urw-base35, fonts-liberation2) and, for the
QR cards only, the `segno` package.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import phonenumbers
from PIL import Image, ImageDraw, ImageFont

SEED = 20240314
HERE = Path(__file__).resolve().parent
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
PX_PER_MM = 16.0  # cards are drawn at ~406 dpi, then scaled per sample
PT_MM = 25.4 / 72
MIN_SHRINK = 0.84  # a block that must shrink more than this is a layout bug
PHOTO_W, PHOTO_H = 1600, 2133  # a 12 MP 3:4 phone frame scaled down to keep files small

# key -> (file name, Debian package that ships it)
FONTS: dict[str, tuple[str, str]] = {
    "dejavu-sans": ("DejaVuSans.ttf", "fonts-dejavu-core"),
    "dejavu-sans-bold": ("DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-serif": ("DejaVuSerif.ttf", "fonts-dejavu-core"),
    "dejavu-serif-bold": ("DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    "liberation-sans": ("LiberationSans-Regular.ttf", "fonts-liberation2"),
    "liberation-sans-bold": ("LiberationSans-Bold.ttf", "fonts-liberation2"),
    "liberation-serif": ("LiberationSerif-Regular.ttf", "fonts-liberation2"),
    "liberation-serif-bold": ("LiberationSerif-Bold.ttf", "fonts-liberation2"),
    "liberation-serif-italic": ("LiberationSerif-Italic.ttf", "fonts-liberation2"),
    "nimbus-sans": ("NimbusSans-Regular.otf", "fonts-urw-base35"),
    "nimbus-sans-bold": ("NimbusSans-Bold.otf", "fonts-urw-base35"),
    "nimbus-narrow": ("NimbusSansNarrow-Regular.otf", "fonts-urw-base35"),
    "nimbus-narrow-bold": ("NimbusSansNarrow-Bold.otf", "fonts-urw-base35"),
    "urw-gothic": ("URWGothic-Book.otf", "fonts-urw-base35"),
    "urw-gothic-demi": ("URWGothic-Demi.otf", "fonts-urw-base35"),
    "c059": ("C059-Roman.otf", "fonts-urw-base35"),
    "c059-bold": ("C059-Bold.otf", "fonts-urw-base35"),
    "p052": ("P052-Roman.otf", "fonts-urw-base35"),
    "p052-bold": ("P052-Bold.otf", "fonts-urw-base35"),
    "p052-italic": ("P052-Italic.otf", "fonts-urw-base35"),
    "bookman": ("URWBookman-Light.otf", "fonts-urw-base35"),
    "bookman-demi": ("URWBookman-Demi.otf", "fonts-urw-base35"),
    "ipaex-gothic": ("ipaexg.ttf", "fonts-ipaexfont-gothic"),
}
# Fonts another generator (samples/stress.py) adds with register_fonts; not needed here.
_EXTRA_FONTS: dict[str, tuple[str, str]] = {}

RGB = tuple[int, int, int]


class FontMissingError(RuntimeError):
    """A font the generator needs is not installed."""


# --------------------------------------------------------------------------- fonts


@cache
def _font_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for root in FONT_DIRS:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    index.setdefault(p.name, p)
    return index


def register_fonts(fonts: dict[str, tuple[str, str]]) -> None:
    """Make more fonts (key -> (file name, Debian package)) drawable by Canvas."""
    _EXTRA_FONTS.update(fonts)


def font_path(key: str) -> Path:
    name, pkg = FONTS[key] if key in FONTS else _EXTRA_FONTS[key]
    path = _font_index().get(name)
    if path is None:
        raise FontMissingError(f"font {name} not found: apt-get install {pkg}")
    return path


def missing_fonts() -> list[str]:
    """Debian packages to install before the generator can run (empty when ready)."""
    return sorted({pkg for name, pkg in FONTS.values() if name not in _font_index()})


@cache
def _font(key: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(key)), px)


# --------------------------------------------------------------------------- card data


@dataclass(frozen=True)
class PhoneSpec:
    label: str | None  # as printed before the number, None when unlabelled
    number: str  # as printed
    type: str | None  # gold type: mobile | work | fax | other | None (no label)
    local_only: bool = False  # printed without its area code: gold e164 is null


@dataclass(frozen=True)
class Style:
    layout: str  # left | centered | two_column | dark_panel | qr | shop
    size: str = "us"  # us: 88.9 x 50.8 mm, eu: 85 x 55 mm
    name_font: str = "dejavu-sans-bold"
    body_font: str = "dejavu-sans"
    company_font: str = "dejavu-sans-bold"
    bg: RGB = (250, 249, 246)
    fg: RGB = (30, 30, 34)
    muted: RGB = (90, 92, 100)
    accent: RGB = (20, 110, 120)
    panel: RGB = (24, 38, 66)  # dark_panel only
    logo: str | None = None  # short word drawn in the logo shape
    logo_shape: str | None = None  # circle | square | rounded | triangle | bar
    email_prefix: str = ""
    web_prefix: str = ""
    phone_join: str | None = None  # print all phones on one line joined by this
    address_on_one_line: bool = False
    qr: str | None = None  # vcard | mecard


@dataclass(frozen=True)
class CardSpec:
    id: str
    name: str
    title: str | None
    company: str | None
    department: str | None
    address: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[PhoneSpec, ...]
    websites: tuple[str, ...]
    lang: str
    region: str  # country the numbers belong to
    style: Style
    quality: str = "good"
    note: str | None = None

    def printed_address(self) -> tuple[str, ...]:
        if self.style.address_on_one_line and self.address:
            return (", ".join(self.address),)
        return self.address

    def phone_lines(self) -> list[str]:
        parts = [f"{p.label} {p.number}" if p.label else p.number for p in self.phones]
        if self.style.phone_join and parts:
            return [self.style.phone_join.join(parts)]
        return parts

    def email_lines(self) -> list[str]:
        return [self.style.email_prefix + e for e in self.emails]

    def web_lines(self) -> list[str]:
        return [self.style.web_prefix + w for w in self.websites]


def e164(number: str, region: str) -> str:
    parsed = phonenumbers.parse(number, region)
    if not phonenumbers.is_valid_number(parsed):
        raise AssertionError(f"gold number {number!r} ({region}) is not valid for phonenumbers")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def gold_e164(phone: PhoneSpec, region: str) -> str | None:
    """The gold E.164; None for a number printed without its area code (it must then be
    invalid as printed, or it is not what the label says)."""
    if phone.local_only:
        parsed = phonenumbers.parse(phone.number, region)
        if phonenumbers.is_valid_number(parsed):
            raise AssertionError(f"{phone.number!r} is valid in {region}: not local-only")
        return None
    return e164(phone.number, region)


def qr_payload(card: CardSpec) -> str:
    """vCard 3.0 or MECARD of the same person, built from the gold data."""
    given, family = card.name.rsplit(" ", 1)
    tel = e164(card.phones[0].number, card.region)
    url = "https://" + card.websites[0].removeprefix("www.") if card.websites else None
    if card.style.qr == "mecard":
        parts = [f"N:{family},{given}", f"TEL:{tel}", f"EMAIL:{card.emails[0]}"]
        if card.websites:
            parts.append(f"URL:https://{card.websites[0]}")
        return "MECARD:" + ";".join(parts) + ";;"
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{family};{given};;;",
        f"FN:{card.name}",
        f"ORG:{card.company};{card.department}" if card.department else f"ORG:{card.company}",
        f"TITLE:{card.title}",
        f"TEL;TYPE=CELL:{tel}",
        f"EMAIL;TYPE=INTERNET:{card.emails[0]}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VCARD")
    return "\r\n".join(lines)


# --------------------------------------------------------------------------- drawing

TextRow = tuple[str, str, float, RGB]  # text, font key, size in pt, colour


class Canvas:
    """A card face in millimetre coordinates.  Every text and logo box is recorded so
    render_card can refuse a layout where two of them overlap."""

    def __init__(self, w_mm: float, h_mm: float, bg: RGB, s: float = PX_PER_MM) -> None:
        self.w, self.h, self.s = w_mm, h_mm, s
        self.img = Image.new("RGB", (round(w_mm * s), round(h_mm * s)), bg)
        self.draw = ImageDraw.Draw(self.img)
        self.boxes: list[tuple[str, tuple[float, float, float, float]]] = []

    def _font(self, key: str, pt: float) -> ImageFont.FreeTypeFont:
        return _font(key, max(6, round(pt * PT_MM * self.s)))

    def width(self, text: str, key: str, pt: float) -> float:
        return self.draw.textlength(text, font=self._font(key, pt)) / self.s

    def text(
        self, x: float, y: float, text: str, key: str, pt: float, fill: RGB, align: str = "l"
    ) -> None:
        """Draw text with its baseline at y; align l, m or r about x."""
        font = self._font(key, pt)
        xy = (x * self.s, y * self.s)
        self.draw.text(xy, text, font=font, fill=fill, anchor=align + "s")
        self.boxes.append((text, self.draw.textbbox(xy, text, font=font, anchor=align + "s")))

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, r: float = 0) -> None:
        box = (x0 * self.s, y0 * self.s, x1 * self.s, y1 * self.s)
        if r:
            self.draw.rounded_rectangle(box, radius=r * self.s, fill=fill)
        else:
            self.draw.rectangle(box, fill=fill)

    def block(
        self,
        rows: Sequence[TextRow],
        x: float,
        top: float,
        bottom: float,
        max_w: float,
        align: str = "l",
        valign: str = "top",
        lead: float = 1.32,
    ) -> float:
        """Set rows as one block inside [top, bottom] and max_w wide, shrinking every row by
        the same factor until it fits.  Returns the factor used."""
        if not rows:
            return 1.0
        f = 1.0
        while f >= MIN_SHRINK:
            too_wide = any(self.width(t, k, pt * f) > max_w for t, k, pt, _ in rows)
            # Line pitches, less the space below the last baseline.
            height = sum(pt * f * PT_MM * lead for _, _, pt, _ in rows)
            height -= rows[-1][2] * f * PT_MM * (lead - 0.72)
            if not too_wide and height <= bottom - top:
                break
            f -= 0.02
        else:
            raise AssertionError(f"block does not fit: {[r[0] for r in rows]}")
        y = {"top": top, "bottom": bottom - height, "center": (top + bottom - height) / 2}[valign]
        for t, k, pt, fill in rows:
            size = pt * f
            self.text(x, y + size * PT_MM * 0.72, t, k, size, fill, align)
            y += size * PT_MM * lead
        return f

    def logo(self, x: float, y: float, size: float, st: Style) -> float:
        """Logo mark with st.logo inside, top-left at (x, y), size mm high; returns its width."""
        shape, word = st.logo_shape, st.logo or ""
        s = self.s
        if shape == "bar":
            self.rect(x, y, x + 1.6, y + size, st.accent)
            return 1.6
        w = size
        if shape == "rounded":
            w = max(size, self.width(word, st.company_font, size * 1.1) + 4)
        box = (x * s, y * s, (x + w) * s, (y + size) * s)
        if shape == "circle":
            self.draw.ellipse(box, fill=st.accent)
        elif shape == "triangle":
            pts = [(x + w / 2, y), (x + w, y + size), (x, y + size)]
            self.draw.polygon([(px * s, py * s) for px, py in pts], fill=st.accent)
        else:
            self.rect(x, y, x + w, y + size, st.accent, r=1.5 if shape == "rounded" else 0)
        self.boxes.append(("<logo>", box))
        if word:
            frac = 0.5 if shape == "triangle" else 0.78
            pt = size * 1.1
            while self.width(word, st.company_font, pt) > w * frac:
                pt -= 0.25
            cy = y + size * (0.7 if shape == "triangle" else 0.5)
            font = self._font(st.company_font, pt)
            self.draw.text(((x + w / 2) * s, cy * s), word, font=font, fill=st.bg, anchor="mm")
        return w

    def check_overlaps(self) -> None:
        for i, (ta, a) in enumerate(self.boxes):
            for tb, b in self.boxes[i + 1 :]:
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    raise AssertionError(f"overlap on card: {ta!r} / {tb!r}")


def card_dims(st: Style) -> tuple[float, float]:
    return (88.9, 50.8) if st.size == "us" else (85.0, 55.0)


def _contact_rows(c: CardSpec, fill: RGB, pt: float) -> list[TextRow]:
    key = c.style.body_font
    return [(t, key, pt, fill) for t in (*c.phone_lines(), *c.email_lines(), *c.web_lines())]


def _company_rows(c: CardSpec, pt: float) -> list[TextRow]:
    """The company as printed: " / " marks where it breaks over lines."""
    st = c.style
    return [(t, st.company_font, pt, st.accent) for t in (c.company or "").split(" / ") if t]


def _identity_rows(c: CardSpec, name_pt: float, fg: RGB, muted: RGB) -> list[TextRow]:
    st = c.style
    rows: list[TextRow] = [(c.name, st.name_font, name_pt, fg)]
    rows += [(t, st.body_font, name_pt * 0.58, muted) for t in (c.title or "").split(" / ") if t]
    if c.department:
        rows.append((c.department, st.body_font, name_pt * 0.53, muted))
    return rows


def layout_left(cv: Canvas, c: CardSpec) -> None:
    st, m = c.style, 6.0
    x, head_x = m, m
    if st.logo_shape == "bar":
        cv.logo(m, m, cv.h * 0.55, st)
        x = head_x = m + 4.5
    elif st.logo_shape:
        head_x = m + cv.logo(m, m, 9, st) + 3
    addr = [(a, st.body_font, 6.6, st.muted) for a in c.printed_address()]
    contacts = _contact_rows(c, st.fg, 7.4)
    comp_w = max((cv.width(r[0], r[1], r[2]) for r in _company_rows(c, 9.5)), default=0)
    addr_w = max((cv.width(a[0], a[1], a[2]) for a in addr), default=0)
    cont_w = max((cv.width(r[0], r[1], r[2]) for r in contacts), default=0)
    # Address top right if it clears the company, else bottom right beside the contacts,
    # else under them.
    contact_w = cv.w - x - m
    if addr and head_x + comp_w + 5 + addr_w <= cv.w - m:
        cv.block(addr, cv.w - m, m, m + 10, addr_w + 1, "r", "top", 1.25)
    elif addr and x + cont_w + 5 + addr_w <= cv.w - m:
        cv.block(addr, cv.w - m, cv.h * 0.57, cv.h - m, addr_w + 1, "r", "bottom", 1.3)
        contact_w -= addr_w + 5
    else:
        contacts += addr
    if c.company:
        cv.block(_company_rows(c, 9.5), head_x, m, m + 9,
                 cv.w - head_x - m, valign="center")
    cv.block(_identity_rows(c, 14, st.fg, st.muted), x, m + 11, cv.h * 0.55, cv.w - x - m,
             valign="center")
    cv.block(contacts, x, cv.h * 0.57, cv.h - m, contact_w, valign="bottom", lead=1.28)


def layout_centered(cv: Canvas, c: CardSpec) -> None:
    st, m, mid = c.style, 5.5, cv.w / 2
    y = m - 1
    if st.logo_shape:
        size = 7.0
        w = size
        if st.logo_shape == "rounded":
            w = max(size, cv.width(st.logo or "", st.company_font, size * 1.1) + 4)
        cv.logo(mid - w / 2, y, size, st)
        y += size + 1
    if c.company:
        cv.block(_company_rows(c, 9.0), mid, y, cv.h * 0.3,
                 cv.w - 2 * m, "m", "center")
    cv.block(_identity_rows(c, 15, st.fg, st.muted), mid, cv.h * 0.31, cv.h * 0.56,
             cv.w - 2 * m, "m", "center")
    rows = _contact_rows(c, st.fg, 7.0)
    rows += [(a, st.body_font, 6.6, st.muted) for a in c.printed_address()]
    cv.block(rows, mid, cv.h * 0.58, cv.h - m + 1.5, cv.w - 2 * m, "m", "bottom", 1.28)


def _side_identity(cv: Canvas, c: CardSpec, split: float, m: float) -> None:
    st = c.style
    y = m
    if st.logo_shape:
        cv.logo(m, m, 10, st)
        y = m + 11
    if c.company:
        cv.block(_company_rows(c, 8.2), m, y + 0.5, y + 6,
                 split - m - 2, valign="top")
    cv.block(_identity_rows(c, 11.5, st.fg, st.muted), m, cv.h * 0.5, cv.h - m,
             split - m - 3, valign="bottom")


def layout_two_column(cv: Canvas, c: CardSpec) -> None:
    st, m = c.style, 6.0
    split = cv.w * 0.45
    _side_identity(cv, c, split, m)
    cv.rect(split, m + 2, split + 0.35, cv.h - m - 2, st.accent)
    x = split + 3.5
    rows = _contact_rows(c, st.fg, 7.2)
    rows += [(a, st.body_font, 7.0, st.muted) for a in c.printed_address()]
    cv.block(rows, x, m, cv.h - m, cv.w - x - m + 1, valign="center", lead=1.4)


def layout_dark_panel(cv: Canvas, c: CardSpec) -> None:
    st, m = c.style, 6.0
    split = cv.w * 0.5
    cv.rect(split, 0, cv.w, cv.h, st.panel)
    _side_identity(cv, c, split, m)
    white: RGB = (246, 246, 242)
    x = split + 4.5
    rows = _contact_rows(c, white, 7.2)
    rows += [(a, st.body_font, 6.8, (196, 206, 220)) for a in c.printed_address()]
    cv.block(rows, x, m, cv.h - m, cv.w - x - 4, valign="center", lead=1.42)


def layout_qr(cv: Canvas, c: CardSpec) -> None:
    import segno  # generator-time dependency, only for QR cards

    st, m = c.style, 5.5
    qr = segno.make(qr_payload(c), error="m", micro=False, boost_error=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=2)]
    n = len(matrix)
    mod = int(cv.h * 0.52 * cv.s) // n  # whole pixels per module keep the modules even
    x0 = int((cv.w - m + 1.5) * cv.s) - mod * n
    y0 = int((cv.h - m + 1.5) * cv.s) - mod * n
    cv.draw.rectangle((x0, y0, x0 + mod * n - 1, y0 + mod * n - 1), fill=(255, 255, 255))
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                cv.draw.rectangle(
                    (x0 + col * mod, y0 + r * mod,
                     x0 + (col + 1) * mod - 1, y0 + (r + 1) * mod - 1),
                    fill=(0, 0, 0),
                )
    cv.boxes.append(("<qr>", (x0, y0, x0 + mod * n, y0 + mod * n)))
    text_w = x0 / cv.s - m - 2.5
    head_x = m
    if st.logo_shape:
        head_x = m + cv.logo(m, m, 7, st) + 2.5
    if c.company:
        cv.block(_company_rows(c, 9), head_x, m, m + 7,
                 cv.w - head_x - m, valign="center")
    cv.block(_identity_rows(c, 13, st.fg, st.muted), m, m + 10, cv.h * 0.55, text_w,
             valign="center")
    rows = _contact_rows(c, st.fg, 7.2)
    rows += [(a, st.body_font, 6.8, st.muted) for a in c.printed_address()]
    cv.block(rows, m, cv.h * 0.58, cv.h - m + 0.5, text_w, valign="bottom")


def layout_shop(cv: Canvas, c: CardSpec) -> None:
    """A shop's card: the shop's name is the largest text, the person a small line under it."""
    st, m, mid = c.style, 5.0, cv.w / 2
    cv.block(_company_rows(c, 17), mid, m, cv.h * 0.4, cv.w - 2 * m, "m", "center", 1.2)
    cv.block(_identity_rows(c, 9.5, st.fg, st.muted), mid, cv.h * 0.42, cv.h * 0.58,
             cv.w - 2 * m, "m", "center")
    rows = _contact_rows(c, st.fg, 7.4)
    rows += [(a, st.body_font, 6.6, st.muted) for a in c.printed_address()]
    cv.block(rows, mid, cv.h * 0.6, cv.h - m + 1, cv.w - 2 * m, "m", "bottom", 1.26)


LAYOUTS: dict[str, Callable[[Canvas, CardSpec], None]] = {
    "shop": layout_shop,
    "left": layout_left,
    "centered": layout_centered,
    "two_column": layout_two_column,
    "dark_panel": layout_dark_panel,
    "qr": layout_qr,
}


def render_card(card: CardSpec, s: float = PX_PER_MM) -> Image.Image:
    """The flat card face as an RGB image at s pixels per millimetre."""
    w, h = card_dims(card.style)
    cv = Canvas(w, h, card.style.bg, s)
    LAYOUTS[card.style.layout](cv, card)
    cv.check_overlaps()
    return cv.img


# --------------------------------------------------------------------------- the cards

P = PhoneSpec
NAVY: RGB = (19, 32, 58)

CARDS: tuple[CardSpec, ...] = (
    CardSpec(
        "harriet_vance_ashgrove", "Harriet Vance", "Head of Data Partnerships",
        "Ashgrove Analytics Ltd", None,
        ("27 Chandler Row", "London EC1V 9QX"),
        ("harriet.vance@ashgroveanalytics.co.uk",),
        (P("T", "020 7946 0123", "work"), P("M", "07400 123456", "mobile")),
        ("www.ashgroveanalytics.co.uk",), "en", "GB",
        Style("left", logo_shape="bar", accent=(16, 112, 118)),
    ),
    CardSpec(
        "marcus_feld_kellerhaus", "Dr. Marcus Feld", "Leiter Konstruktion",
        "Kellerhaus Maschinenbau GmbH", "Abteilung Sondermaschinen",
        ("Uferstraße 112", "10553 Berlin"),
        ("m.feld@kellerhaus-maschinenbau.de",),
        (P("Tel.", "030 23125678", "work"), P("Fax", "030 23125679", "fax"),
         P("Mobil", "0171 2345678", "mobile")),
        ("www.kellerhaus-maschinenbau.de",), "de", "DE",
        Style("centered", size="eu", name_font="dejavu-serif-bold", body_font="dejavu-serif",
              company_font="dejavu-serif-bold", accent=(120, 24, 30), logo="KH",
              logo_shape="square", bg=(252, 251, 248), address_on_one_line=True),
    ),
    CardSpec(
        "priya_ramanathan_bluefinch", "Priya Ramanathan", "Senior Product Designer",
        "Bluefinch Labs, Inc.", None,
        ("500 Harbor Loop, Suite 210", "San Francisco, CA 94107"),
        ("priya@bluefinchlabs.io",),
        (P("Office", "(415) 555-0172", "work"), P("Mobile", "(415) 555-0139", "mobile")),
        ("bluefinchlabs.io",), "en", "US",
        Style("two_column", name_font="liberation-sans-bold", body_font="liberation-sans",
              company_font="urw-gothic-demi", accent=(32, 92, 196), logo="bf",
              logo_shape="circle"),
        note="logo: blue circle with 'bf'",
    ),
    CardSpec(
        "tomas_oliveira_verdemar", "Tomás Oliveira", "Gerente Comercial",
        "Verdemar Logística Ltda.", "Exportação",
        ("Av. das Palmeiras, 1450 - Sala 32", "São Paulo - SP, 04571-010"),
        ("tomas.oliveira@verdemarlogistica.com.br",),
        (P("Tel.:", "+55 11 3456-7890", "work"), P("Cel.:", "+55 11 98765-4321", "mobile")),
        ("www.verdemarlogistica.com.br",), "pt", "BR",
        Style("left", name_font="nimbus-sans-bold", body_font="nimbus-sans",
              company_font="nimbus-sans-bold", accent=(18, 120, 72), logo="VM",
              logo_shape="triangle", address_on_one_line=True),
        note="logo: green triangle with 'VM'",
    ),
    CardSpec(
        "chloe_nguyen_kookaburra", "Chloe Nguyen", "Creative Director",
        "Kookaburra Creative Co.", None,
        ("Level 2, 88 Wattle Lane", "Fitzroy VIC 3065"),
        ("chloe@kookaburracreative.com.au",),
        (P(None, "0491 570 156", None), P("P", "(03) 7010 4567", "work")),
        ("www.kookaburracreative.com.au",), "en", "AU",
        Style("centered", size="eu", name_font="urw-gothic-demi", body_font="urw-gothic",
              company_font="urw-gothic-demi", accent=(214, 96, 34), logo="kc",
              logo_shape="circle"),
        note="mobile printed without a label",
    ),
    CardSpec(
        "samuel_okafor_ironbark", "Samuel Okafor", "Director of Operations",
        "Ironbark Freight", "Midwest Region",
        ("2200 W Canal St, Dock 7", "Chicago, IL 60616"),
        ("sokafor@ironbarkfreight.com", "dispatch@ironbarkfreight.com"),
        (P("T", "312.555.0148", "work"), P("F", "312.555.0149", "fax"),
         P("M", "312.555.0187", "mobile")),
        ("ironbarkfreight.com",), "en", "US",
        Style("left", name_font="liberation-serif-bold", body_font="liberation-sans",
              company_font="liberation-serif-bold", accent=(110, 62, 28), logo="IB",
              logo_shape="square", phone_join="   "),
        note="T/F/M numbers on one line",
    ),
    CardSpec(
        "elena_marchetti_lumen", "Elena Marchetti", "Associate Director / Heritage Projects",
        "Lumen & Slate Architects", None,
        ("The Old Mill, 3 Weaver Street", "Manchester M4 6BQ"),
        ("elena@lumenandslate.co.uk",),
        (P("Direct", "+44 (0)161 496 0789", "work"), P("Mobile", "+44 (0)7400 654321", "mobile")),
        ("lumenandslate.co.uk",), "en", "GB",
        Style("two_column", size="eu", name_font="p052-bold", body_font="p052",
              company_font="p052-italic", accent=(70, 70, 78), fg=(20, 20, 20)),
    ),
    CardSpec(
        "jonah_whitfield_obsidian", "Jonah Whitfield", "Managing Partner",
        "Obsidian Ridge Capital", None,
        ("1 Meridian Plaza, Suite 1800", "New York, NY 10017"),
        ("jonah@obsidianridge.com",),
        (P("Office", "(212) 555-0163", "work"), P("Mobile", "(917) 555-0128", "mobile")),
        ("www.obsidianridge.com",), "en", "US",
        Style("centered", name_font="c059-bold", body_font="liberation-sans",
              company_font="c059-bold", bg=NAVY, fg=(245, 245, 240), muted=(196, 204, 218),
              accent=(214, 184, 110), logo="OR", logo_shape="square"),
        note="navy card, white and gold text",
    ),
    CardSpec(
        "aiko_brennan_tidewater", "Aiko Brennan", "Audio Engineer",
        "Tidewater Sound Studio", None,
        ("Unit 4, Granary Quay", "Dublin 2, D02 XK45"),
        ("aiko@tidewatersound.com",),
        (P("T", "+353 1 555 0123", "work"), P("M", "+353 87 555 0456", "mobile")),
        ("tidewatersound.com",), "en", "IE",
        Style("dark_panel", name_font="liberation-sans-bold", body_font="liberation-sans",
              company_font="liberation-sans-bold", accent=(18, 96, 140), panel=(22, 36, 52),
              logo="TW", logo_shape="rounded"),
        note="contact block is a dark panel with white text",
    ),
    CardSpec(
        "rafael_costa_quillpoint", "Rafael Costa", "Staff Software Engineer",
        "Quillpoint Software", "Platform Engineering",
        (),
        ("rafael.costa@quillpoint.io",),
        (P("Mobile", "+1 (206) 555-0191", "mobile"),),
        ("quillpoint.io",), "en", "US",
        Style("qr", accent=(90, 40, 150), logo="Q", logo_shape="rounded", qr="vcard"),
        note="QR code encodes a vCard 3.0 of the same person",
    ),
    CardSpec(
        "nadia_kowalski_fernhill", "Nadia Kowalski", "Practice Manager",
        "Fernhill Veterinary Clinic", None,
        ("12 Orchard Parade", "Bristol BS6 7PL"),
        ("reception@fernhillvets.co.uk",),
        (P("Tel:", "0117 496 0555", "work"), P("Fax:", "0117 496 0556", "fax")),
        ("www.fernhillvets.co.uk",), "en", "GB",
        Style("centered", size="eu", name_font="bookman-demi", body_font="bookman",
              company_font="bookman-demi", accent=(40, 110, 60), phone_join="  ·  ",
              address_on_one_line=True),
        note="phones on one line, address on one line",
    ),
    CardSpec(
        "lukas_brandt_nordlicht", "Lukas Brandt", "Vertriebsleiter",
        "Nordlicht Solartechnik GmbH", None,
        ("Leopoldstraße 240", "80807 München"),
        ("l.brandt@nordlicht-solar.de",),
        (P("T", "+49 89 12345678", "work"), P("M", "+49 171 2345679", "mobile")),
        ("www.nordlicht-solar.de",), "de", "DE",
        Style("two_column", size="eu", name_font="nimbus-narrow-bold", body_font="nimbus-narrow",
              company_font="nimbus-narrow-bold", accent=(232, 160, 20), logo="NL",
              logo_shape="square"),
    ),
    CardSpec(
        "grace_adeyemi_halcyon", "Grace Adeyemi", "VP, Finance",
        "Halcyon Biosciences", None,
        ("75 Lantern Wharf Road", "Cambridge, MA 02142"),
        ("grace.adeyemi@halcyonbio.com",),
        (P("Direct", "(617) 555-0134", "work"), P("Main", "(617) 555-0100", "work")),
        ("halcyonbio.com",), "en", "US",
        Style("left", name_font="urw-gothic-demi", body_font="dejavu-sans",
              company_font="urw-gothic-demi", accent=(0, 120, 150), logo="H",
              logo_shape="rounded"),
    ),
    CardSpec(
        "oliver_grant_saltmarsh", "Oliver Grant", "Principal Solicitor",
        "Saltmarsh Legal", None,
        ("Suite 5, 140 Banksia Street", "Sydney NSW 2000"),
        ("oliver.grant@saltmarshlegal.com.au",),
        (P("Ph", "(02) 5550 1234", "work"), P("Mob", "0491 570 737", "mobile")),
        ("www.saltmarshlegal.com.au",), "en", "AU",
        Style("left", size="eu", name_font="c059-bold", body_font="c059", company_font="c059-bold",
              accent=(120, 130, 140), fg=(70, 72, 78), muted=(120, 122, 128), bg=(246, 245, 240)),
        quality="hard",
        note="pale grey ink on an off-white card",
    ),
    CardSpec(
        "mei_lin_cartwright_brightwater", "Mei Lin Cartwright", "Recruitment Consultant",
        "Brightwater Talent", None,
        (),
        ("meilin@brightwatertalent.co.uk",),
        (P("Mobile", "07400 123987", "mobile"), P("Office", "0131 496 0111", "work")),
        ("www.brightwatertalent.co.uk",), "en", "GB",
        Style("qr", size="eu", name_font="liberation-sans-bold", body_font="liberation-sans",
              company_font="liberation-sans-bold", accent=(0, 140, 170), qr="mecard"),
        note="QR code encodes a MECARD of the same person",
    ),
    CardSpec(
        "sandra_moreira_casadasmolas", "Sandra Moreira", "Atendimento",
        "Casa das Molas / Peças e Acessórios", None,
        ("Rua Voluntários da Pátria, 2870 - Santana", "São Paulo"),
        ("vendas@casadasmolas.com.br",),
        (P("Tel.:", "(11) 2468-1357", "work"), P(None, "2468-1358", None, local_only=True),
         P("WhatsApp", "(11) 97531-2468", "mobile")),
        ("www.casadasmolas.com.br",), "pt", "BR",
        Style("shop", name_font="nimbus-sans-bold", body_font="nimbus-sans",
              company_font="urw-gothic-demi", accent=(196, 40, 36), phone_join="  /  "),
        note="São Paulo shop card: no country code, one number without its area code, "
        "no CEP or state; the shop's name is the largest text",
    ),
    CardSpec(
        "rakesh_patel_navrang", "Rakesh Patel", "Proprietor",
        "Navrang Electricals", None,
        ("14, Sardar Market, Relief Road", "Ahmedabad - 380001"),
        ("navrangelectricals@navrang.in",),
        (P("Mob.", "98250 12345", "mobile"), P("Ph.", "079 2656 1234", "work")),
        (), "en", "IN",
        Style("shop", name_font="dejavu-sans-bold", body_font="dejavu-sans",
              company_font="dejavu-serif-bold", accent=(20, 60, 150)),
        note="Indian shop card: 10-digit mobile and PIN code, no +91; shop name largest",
    ),
    CardSpec(
        "takahashi_misaki_aobaseiki", "高橋 美咲", "課長",
        "株式会社青葉精機", "営業部",
        ("〒150-0043 東京都渋谷区道玄坂1-2-3", "青葉ビル5F"),
        ("m.takahashi@aoba-seiki.co.jp",),
        (P("TEL", "03-6812-3456", "work"), P("FAX", "03-6812-3457", "fax")),
        ("www.aoba-seiki.co.jp",), "ja", "JP",
        Style("left", size="eu", name_font="ipaex-gothic", body_font="ipaex-gothic",
              company_font="ipaex-gothic", accent=(30, 80, 140), logo_shape="bar"),
        note="Japanese card: family name first, 株式会社, 〒 postcode, department",
    ),
    CardSpec(
        "jonas_weber_brueckner", "Jonas Weber", "Technischer Vertrieb",
        "Brückner & Hesse / Feinwerktechnik GmbH", None,
        ("Industriestraße 27", "70565 Stuttgart"),
        ("j.weber@brueckner-hesse.de",),
        (P("Tel.", "0711 9876543", "work"), P("Mobil", "0151 23456789", "mobile")),
        ("www.brueckner-hesse.de",), "de", "DE",
        Style("left", size="eu", name_font="liberation-sans-bold", body_font="liberation-sans",
              company_font="liberation-sans-bold", accent=(60, 60, 66)),
        note="company printed over two lines",
    ),
)
CARD_BY_ID = {c.id: c for c in CARDS}


def card_label(c: CardSpec) -> dict[str, object]:
    national = any(not p.number.startswith("+") for p in c.phones)
    return {
        "name": c.name,
        "name_latin": None,
        "title": c.title,
        "company": c.company,
        "department": c.department,
        "emails": list(c.emails),
        "phones": [
            {"type": p.type, "number": p.number, "e164": gold_e164(p, c.region)}
            for p in c.phones
        ],
        "websites": list(c.websites),
        "address": ", ".join(c.printed_address()) or None,
        "lang": c.lang,
        "region": c.region if national else None,
        "quality": c.quality,
        "uncertain": [],
        "note": c.note,
    }


# --------------------------------------------------------------------------- textures


def _lowfreq(rng: np.random.Generator, h: int, w: int, gh: int, gw: int) -> np.ndarray:
    g = rng.standard_normal((max(gh, 2), max(gw, 2))).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def _colourise(t: np.ndarray, light: RGB, dark: RGB) -> np.ndarray:
    lo, hi = np.array(light, np.float32), np.array(dark, np.float32)
    return lo[None, None, :] * (1 - t[..., None]) + hi[None, None, :] * t[..., None]


def desk_wood(rng: np.random.Generator, h: int, w: int, light: RGB, dark: RGB) -> np.ndarray:
    """Planks running top to bottom: growth rings of uneven spacing that bend gently,
    fine fibre streaks, a tone and grain offset per plank, dark seams."""
    pad = 200
    xs = w + 2 * pad
    wobble = rng.standard_normal((1, max(xs // 90, 2))).astype(np.float32)
    wobble = cv2.resize(wobble, (xs, 1), interpolation=cv2.INTER_CUBIC)[0]
    period = 28 + 44 * (0.5 + 0.5 * np.tanh(wobble))
    rings_at = np.cumsum(1.0 / period)  # ring count across x
    bend = 32 * _lowfreq(rng, h, w, 3, 2) + 1.2 * _lowfreq(rng, h, w, 40, 12)
    xi = np.clip(np.arange(w, dtype=np.float32)[None, :] + bend + pad, 0, xs - 1)
    pos = np.interp(xi.ravel(), np.arange(xs), rings_at).reshape(h, w).astype(np.float32)
    plank = max(w // 3, 300)
    offset = int(rng.integers(0, plank))
    tone = np.zeros((1, w), np.float32)
    seams = []
    for i, x0 in enumerate(range(-offset, w, plank)):
        lo, hi = max(0, x0), max(0, x0 + plank)
        pos[:, lo:hi] += rng.uniform(0, 7)
        tone[0, lo:hi] = (i % 3 - 1) * 0.07
        if 0 < x0 < w:
            seams.append(x0)
    rings = (0.5 + 0.5 * np.cos(2 * math.pi * pos)) ** 6
    fibres: np.ndarray = rng.standard_normal((max(h // 160, 2), w)).astype(np.float32)
    fibres = cv2.GaussianBlur(
        cv2.resize(fibres, (w, h), interpolation=cv2.INTER_LINEAR), (0, 0), sigmaX=1.0, sigmaY=4
    )
    mottle = _lowfreq(rng, h, w, 4, 3)
    t = 0.28 * rings + 0.09 * fibres + 0.06 * mottle + 0.35 + tone
    for x0 in seams:
        t[:, max(0, x0 - 2) : x0 + 2] += 0.4
    return _colourise(np.clip(t, 0, 1), light, dark)


def desk_fabric(rng: np.random.Generator, h: int, w: int, base: RGB) -> np.ndarray:
    """Woven cloth: a fine cross-hatch, thread noise and soft mottling."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    weave = np.sin(x * (2 * math.pi / 5.3)) * np.sin(y * (2 * math.pi / 5.3))
    threads: np.ndarray = rng.standard_normal((h, w)).astype(np.float32)
    threads = cv2.GaussianBlur(threads, (0, 0), 0.8)
    mottle = _lowfreq(rng, h, w, 6, 5)
    k = 1 + 0.07 * weave + 0.06 * threads + 0.05 * mottle
    return np.array(base, np.float32)[None, None, :] * k[..., None]


def desk_plain(rng: np.random.Generator, h: int, w: int, base: RGB, grain: float) -> np.ndarray:
    """Laminate or painted surface: almost flat, mottled, slightly grainy."""
    mottle = _lowfreq(rng, h, w, 3, 3) * 0.015 + _lowfreq(rng, h, w, 60, 45) * 0.006
    fine = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.2) * grain
    k = 1 + mottle + fine
    return np.array(base, np.float32)[None, None, :] * k[..., None]


def make_desk(kind: str, rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    if kind == "oak":
        return desk_wood(rng, h, w, (196, 150, 100), (128, 84, 46))
    if kind == "walnut":
        return desk_wood(rng, h, w, (118, 80, 52), (58, 36, 22))
    if kind == "fabric":
        return desk_fabric(rng, h, w, (92, 98, 110))
    if kind == "felt":
        return desk_fabric(rng, h, w, (52, 80, 60))
    if kind == "white":
        return desk_plain(rng, h, w, (234, 232, 226), 0.02)
    if kind == "slate":
        return desk_plain(rng, h, w, (70, 72, 76), 0.05)
    raise ValueError(kind)


# --------------------------------------------------------------------------- photos


@dataclass(frozen=True)
class Place:
    """Where a card lies in the frame: centre and width as fractions of the frame width/height,
    rotation in degrees (counter-clockwise), tilt = how much shorter the far edge looks."""

    card: str
    cx: float
    cy: float
    width: float
    angle: float = 0.0
    tilt: float = 0.06
    jitter: float = 0.012


@dataclass(frozen=True)
class Sample:
    file: str
    kind: str  # photo | scan | crop | negative
    covers: tuple[str, ...]
    places: tuple[Place, ...] = ()
    desk: str = "oak"
    rotate: int = 0  # rotate the finished photo clockwise by this many degrees (no EXIF)
    exif_orientation: int | None = None  # store pixels rotated, tag says how to show them
    quality: int = 85
    blur: float = 0.9
    noise: float = 2.6
    shadow: float = 0.35
    vignette: float = 0.22
    band: float = 0.0  # strength of a soft shadow band across the frame (hand/phone)
    margin: float = 0.0  # scans: white margin in mm
    taken_at: str | None = None
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def _quad(place: Place, card_wh: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    cw, ch = card_wh
    w = place.width * PHOTO_W
    h = w * ch / cw
    # Camera tilt: the far (top) edge is shorter, the near edge a little longer.
    t = place.tilt
    pts = np.array(
        [[-w / 2 * (1 - t), -h / 2], [w / 2 * (1 - t), -h / 2],
         [w / 2 * (1 + t / 2), h / 2], [-w / 2 * (1 + t / 2), h / 2]],
        np.float32,
    )
    pts += rng.normal(0, place.jitter * w, pts.shape).astype(np.float32)
    a = math.radians(-place.angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    pts = pts @ rot.T
    pts[:, 0] += place.cx * PHOTO_W
    pts[:, 1] += place.cy * PHOTO_H
    return pts


def _paper(card: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Paper fibre: faint low-frequency blotches and fine grain on the card face."""
    h, w = card.shape[:2]
    k = 1 + 0.012 * _lowfreq(rng, h, w, 6, 10) + 0.01 * rng.standard_normal((h, w)).astype(
        np.float32
    )
    return card * k[..., None]


def compose_photo(sample: Sample, rng: np.random.Generator) -> np.ndarray:
    """A phone photo of the sample's cards on a desk, as float32 RGB 0..255."""
    h, w = PHOTO_H, PHOTO_W
    img = make_desk(sample.desk, rng, h, w)
    for place in sample.places:
        face: np.ndarray = np.asarray(render_card(CARD_BY_ID[place.card]), np.float32)
        target_w = max(8, round(place.width * w))
        scale = target_w / face.shape[1]
        face = cv2.resize(
            face, (target_w, round(face.shape[0] * scale)), interpolation=cv2.INTER_AREA
        )
        face = _paper(face, rng)
        fh, fw = face.shape[:2]
        src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float32)
        dst = _quad(place, (fw, fh), rng)
        m = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(face, m, (w, h), flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones((fh, fw), np.float32), m, (w, h), flags=cv2.INTER_LINEAR)
        # Contact shadow: the card sits a hair above the desk, light from the upper left.
        sh = cv2.GaussianBlur(np.roll(mask, (9, 7), axis=(0, 1)), (0, 0), 14)
        img *= 1 - sample.shadow * sh[..., None]
        # A darker rim where the card edge catches less light.
        rim = np.clip(mask - cv2.erode(mask, np.ones((3, 3), np.uint8)), 0, 1) * 0.12
        img = img * (1 - mask[..., None]) + warped * (mask - rim)[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w * 0.48) / w) ** 2 + ((yy - h * 0.45) / h) ** 2
    gx, gy = rng.uniform(-0.08, 0.08, 2)
    light = 1 - sample.vignette * r2 * 2.2 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    if sample.band:
        # Soft shadow of the phone/hand: a blurred half-plane across one corner.
        ang = rng.uniform(0.5, 1.1)
        d = (xx - w * 0.75) * math.cos(ang) + (yy - h * 0.2) * math.sin(ang)
        light -= sample.band / (1 + np.exp(-d / 60))
    warm = np.array([1.0, 0.985, 0.95], np.float32)
    img = img * light[..., None] * warm
    img = cv2.GaussianBlur(img, (0, 0), sample.blur) if sample.blur else img
    lum = rng.standard_normal((h, w)).astype(np.float32) * sample.noise
    chroma = rng.standard_normal((h, w, 3)).astype(np.float32) * sample.noise * 0.45
    return np.clip(img + lum[..., None] + chroma, 0, 255)


def compose_scan(sample: Sample, rng: np.random.Generator) -> np.ndarray:
    """A flatbed scan at 300 dpi: the card straight, with or without white margin."""
    card = CARD_BY_ID[sample.places[0].card]
    s = 300 / 25.4
    face = render_card(card)
    w_mm, h_mm = card_dims(card.style)
    face = face.resize((round(w_mm * s), round(h_mm * s)), Image.Resampling.LANCZOS)
    arr: np.ndarray = np.asarray(face, np.float32)
    mpx = round(sample.margin * s)
    if mpx:
        canvas = np.full((arr.shape[0] + 2 * mpx, arr.shape[1] + 2 * mpx, 3), 253.0, np.float32)
        # The scanner lid leaves a faint grey edge around the card.
        y0, x0 = mpx, mpx
        canvas[y0 - 2 : y0 + arr.shape[0] + 2, x0 - 2 : x0 + arr.shape[1] + 2] = 205
        canvas[y0 : y0 + arr.shape[0], x0 : x0 + arr.shape[1]] = arr
        arr = canvas
    arr = cv2.GaussianBlur(arr, (0, 0), sample.blur) if sample.blur else arr
    arr += rng.standard_normal(arr.shape[:2]).astype(np.float32)[..., None] * sample.noise
    return np.clip(arr, 0, 255)


def compose_crop(sample: Sample, rng: np.random.Generator) -> np.ndarray:
    """What a scanner app saves: the card already cut out and flattened, ~900 px wide,
    with uneven light and camera softness left in."""
    card = CARD_BY_ID[sample.places[0].card]
    face: np.ndarray = np.asarray(render_card(card), np.float32)
    w = 900
    face = cv2.resize(
        face, (w, round(face.shape[0] * w / face.shape[1])), interpolation=cv2.INTER_AREA
    )
    face = _paper(face, rng)
    h = face.shape[0]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.97 - 0.10 * (xx / w) - 0.06 * (yy / h) ** 2
    face = face * light[..., None] * np.array([1.0, 0.99, 0.96], np.float32)
    face = cv2.GaussianBlur(face, (0, 0), sample.blur)
    grain = rng.standard_normal((h, w)).astype(np.float32)[..., None] * sample.noise
    return np.clip(face + grain, 0, 255)


def compose_negative(sample: Sample, rng: np.random.Generator) -> np.ndarray:
    """A desk with a pen, a coffee ring and a blank sticky note, and no card."""
    h, w = PHOTO_H, PHOTO_W
    img: np.ndarray = make_desk(sample.desk, rng, h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Coffee ring.
    r = np.hypot(xx - w * 0.68, yy - h * 0.3)
    ring = np.exp(-(((r - 170) / 9) ** 2)) * 0.35 + (r < 170) * 0.06
    img *= 1 - ring[..., None] * np.array([0.2, 0.45, 0.7], np.float32)
    # Blank sticky note, slightly rotated, with a soft shadow.
    note: np.ndarray = np.zeros((h, w), np.float32)
    box = cv2.boxPoints(((w * 0.32, h * 0.62), (430, 430), 11.0)).astype(np.int32)
    cv2.fillConvexPoly(note, box, 1.0, lineType=cv2.LINE_AA)
    note = cv2.GaussianBlur(note, (0, 0), 1.0)
    sh = cv2.GaussianBlur(np.roll(note, (10, 8), axis=(0, 1)), (0, 0), 14)
    img *= 1 - 0.3 * sh[..., None]
    yellow = np.array([250, 226, 120], np.float32)
    img = img * (1 - note[..., None]) + yellow * note[..., None]
    # Pen: a dark body with a silver clip.
    pen = np.zeros((h, w), np.float32)
    body = cv2.boxPoints(((w * 0.55, h * 0.78), (900, 34), -28.0)).astype(np.int32)
    cv2.fillConvexPoly(pen, body, 1.0, lineType=cv2.LINE_AA)
    psh = cv2.GaussianBlur(np.roll(pen, (12, 10), axis=(0, 1)), (0, 0), 10)
    img *= 1 - 0.4 * psh[..., None]
    img = img * (1 - pen[..., None]) + np.array([24, 30, 60], np.float32) * pen[..., None]
    r2 = ((xx - w * 0.5) / w) ** 2 + ((yy - h * 0.45) / h) ** 2
    img *= (1 - sample.vignette * r2 * 2.2)[..., None]
    img = cv2.GaussianBlur(img, (0, 0), sample.blur)
    grain = rng.standard_normal((h, w)).astype(np.float32)[..., None] * sample.noise
    return np.clip(img + grain, 0, 255)


# --------------------------------------------------------------------------- the samples

SAMPLES: tuple[Sample, ...] = (
    Sample("01_scan_left_aligned.png", "scan",
           ("flat-scan", "white-margin", "left-aligned", "labels-T-M", "bar-logo"),
           (Place("harriet_vance_ashgrove", 0, 0, 0),), margin=6, blur=0.4, noise=0.0),
    Sample("02_scan_centered_serif.jpg", "scan",
           ("flat-scan", "no-margin", "centered", "serif", "german", "department", "fax"),
           (Place("marcus_feld_kellerhaus", 0, 0, 0),), margin=0, blur=0.5, noise=1.5, quality=90),
    Sample("03_photo_perspective.jpg", "photo",
           ("phone-photo", "perspective", "two-column", "logo-shape", "wood-desk", "shadow"),
           (Place("priya_ramanathan_bluefinch", 0.5, 0.47, 0.72, angle=4, tilt=0.12),),
           desk="oak", band=0.18, taken_at="2024:03:14 09:41:12"),
    Sample("04_photo_rot90.jpg", "photo",
           ("phone-photo", "rotation-90", "portuguese", "department", "logo-shape", "accents"),
           (Place("tomas_oliveira_verdemar", 0.5, 0.5, 0.8, angle=-3, tilt=0.08),),
           desk="walnut", rotate=90),
    Sample("05_photo_rot180.jpg", "photo",
           ("phone-photo", "rotation-180", "centered", "unlabelled-phone", "fabric-desk"),
           (Place("chloe_nguyen_kookaburra", 0.52, 0.5, 0.62, angle=6, tilt=0.05),),
           desk="fabric", rotate=180),
    Sample("06_photo_rot270.jpg", "photo",
           ("phone-photo", "rotation-270", "T/F/M-labels", "phones-on-one-line", "two-emails"),
           (Place("samuel_okafor_ironbark", 0.48, 0.52, 0.78, angle=-2, tilt=0.1),),
           desk="oak", rotate=270, band=0.12),
    Sample("07_photo_exif_orientation.jpg", "photo",
           ("phone-photo", "exif-orientation-6", "two-column", "serif", "+44 (0) numbers"),
           (Place("elena_marchetti_lumen", 0.5, 0.46, 0.7, angle=2, tilt=0.09),),
           desk="slate", exif_orientation=6, taken_at="2024:05:02 17:03:44"),
    Sample("08_photo_dark_card.jpg", "photo",
           ("phone-photo", "light-on-dark", "navy-card", "centered", "perspective"),
           (Place("jonah_whitfield_obsidian", 0.5, 0.5, 0.66, angle=-7, tilt=0.14),),
           desk="oak"),
    Sample("09_scan_dark_panel.png", "scan",
           ("flat-scan", "white-margin", "dark-panel", "light-on-dark", "international-numbers"),
           (Place("aiko_brennan_tidewater", 0, 0, 0),), margin=4, blur=0.4, noise=0.0),
    Sample("10_photo_dark_panel.jpg", "photo",
           ("phone-photo", "dark-panel", "light-on-dark", "perspective", "felt-desk"),
           (Place("aiko_brennan_tidewater", 0.47, 0.53, 0.58, angle=11, tilt=0.1),),
           desk="felt", band=0.15),
    Sample("11_photo_qr_vcard.jpg", "photo",
           ("phone-photo", "qr-vcard", "department", "no-address"),
           (Place("rafael_costa_quillpoint", 0.5, 0.48, 0.78, angle=-3, tilt=0.07),),
           desk="white", shadow=0.25),
    Sample("12_photo_two_cards.jpg", "photo",
           ("phone-photo", "multi-card-2", "phones-on-one-line", "german", "different-angles"),
           (Place("nadia_kowalski_fernhill", 0.47, 0.27, 0.62, angle=6, tilt=0.05),
            Place("lukas_brandt_nordlicht", 0.52, 0.72, 0.64, angle=-9, tilt=0.07)),
           desk="walnut"),
    Sample("13_photo_three_cards.jpg", "photo",
           ("phone-photo", "multi-card-3", "different-angles", "small-cards"),
           (Place("grace_adeyemi_halcyon", 0.36, 0.2, 0.52, angle=-12, tilt=0.04),
            Place("marcus_feld_kellerhaus", 0.62, 0.5, 0.5, angle=8, tilt=0.04),
            Place("chloe_nguyen_kookaburra", 0.38, 0.8, 0.5, angle=18, tilt=0.04)),
           desk="fabric"),
    Sample("14_photo_noisy.jpg", "photo",
           ("phone-photo", "noise", "jpeg-artefacts", "blur", "grain"),
           (Place("grace_adeyemi_halcyon", 0.5, 0.5, 0.7, angle=3, tilt=0.08),),
           desk="slate", blur=1.5, noise=13.0, quality=30),
    Sample("15_photo_low_contrast.jpg", "photo",
           ("phone-photo", "low-contrast", "white-on-light-desk", "pale-ink", "serif"),
           (Place("oliver_grant_saltmarsh", 0.5, 0.5, 0.66, angle=-5, tilt=0.08),),
           desk="white", shadow=0.07, vignette=0.1),
    Sample("16_crop_app.jpg", "crop",
           ("app-crop", "qr-mecard", "no-address", "uneven-light"),
           (Place("mei_lin_cartwright_brightwater", 0, 0, 0),), blur=0.8, noise=2.0, quality=88),
    Sample("18_photo_shop_sao_paulo.jpg", "photo",
           ("phone-photo", "shop-card", "local-numbers", "no-area-code", "portuguese",
            "two-line-company", "phones-on-one-line"),
           (Place("sandra_moreira_casadasmolas", 0.5, 0.5, 0.74, angle=4, tilt=0.07),),
           desk="fabric", quality=80),
    Sample("19_crop_shop_india.jpg", "crop",
           ("app-crop", "shop-card", "local-numbers", "pin-code", "indian-mobile"),
           (Place("rakesh_patel_navrang", 0, 0, 0),), blur=0.7, noise=2.0, quality=88),
    Sample("20_scan_japanese.jpg", "scan",
           ("flat-scan", "japanese", "family-name-first", "kabushiki-kaisha", "postcode-mark",
            "department", "local-numbers"),
           (Place("takahashi_misaki_aobaseiki", 0, 0, 0),), margin=0, blur=0.5, noise=1.5,
           quality=90),
    Sample("21_scan_german_split_company.jpg", "scan",
           ("flat-scan", "german", "two-line-company", "local-numbers"),
           (Place("jonas_weber_brueckner", 0, 0, 0),), margin=0, blur=0.5, noise=1.5,
           quality=90),
    Sample("17_negative_desk.jpg", "negative",
           ("negative", "no-card", "blank-sticky-note", "pen"),
           desk="oak", note="desk with a pen, a coffee ring and a blank sticky note; no card"),
)


def sample_rng(sample: Sample, seed: int = SEED) -> np.random.Generator:
    # crc32, not hash(): str hashes change with PYTHONHASHSEED.
    return np.random.default_rng([seed, zlib.crc32(sample.file.encode())])


def _exif_bytes(sample: Sample) -> bytes | None:
    if not (sample.exif_orientation or sample.taken_at):
        return None
    exif = Image.Exif()
    exif[0x010F] = "SynthCam"  # Make
    exif[0x0110] = "cardscan sample generator"  # Model
    if sample.exif_orientation:
        exif[0x0112] = sample.exif_orientation
    if sample.taken_at:
        exif.get_ifd(0x8769)[0x9003] = sample.taken_at  # DateTimeOriginal
    return exif.tobytes()


# Orientation tag value -> np.rot90 k that turns upright pixels into the stored ones.
_STORE_ROT = {6: 1, 8: -1, 3: 2}


def render_sample(sample: Sample, seed: int = SEED) -> bytes:
    """The encoded image file for one sample."""
    rng = sample_rng(sample, seed)
    if sample.kind == "scan":
        arr = compose_scan(sample, rng)
    elif sample.kind == "crop":
        arr = compose_crop(sample, rng)
    elif sample.kind == "negative":
        arr = compose_negative(sample, rng)
    else:
        arr = compose_photo(sample, rng)
    out = np.round(arr).astype(np.uint8)
    if sample.rotate:
        out = np.rot90(out, k=-sample.rotate // 90)  # negative k = clockwise
    if sample.exif_orientation:
        out = np.rot90(out, k=_STORE_ROT[sample.exif_orientation])
    img = Image.fromarray(np.ascontiguousarray(out), "RGB")
    buf = io.BytesIO()
    if sample.file.endswith(".png"):
        img.save(buf, "PNG", optimize=True)
    else:
        exif = _exif_bytes(sample)
        kwargs: dict[str, object] = {"quality": sample.quality, "subsampling": 2}
        if exif:
            kwargs["exif"] = exif
        img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def image_label(sample: Sample) -> dict[str, object]:
    cards = [p.card for p in sample.places]
    entry: dict[str, object] = {
        "cards": cards,
        "kind": sample.kind,
        "covers": list(sample.covers),
        # Degrees to turn the pixels clockwise (after applying any EXIF orientation) to read them.
        "upright_rotation": (360 - sample.rotate) % 360,
    }
    if sample.exif_orientation:
        entry["exif_orientation"] = sample.exif_orientation
    if sample.taken_at:
        entry["taken_at"] = sample.taken_at
    qrs = [qr_payload(CARD_BY_ID[c]) for c in cards if CARD_BY_ID[c].style.qr]
    if qrs:
        entry["qr"] = qrs
    return entry


def build_labels() -> dict[str, object]:
    images = {s.file: image_label(s) for s in SAMPLES if s.kind != "negative"}
    used = {c for entry in images.values() for c in entry["cards"]}  # type: ignore[attr-defined]
    unused = [c.id for c in CARDS if c.id not in used]
    assert not unused, f"cards in no image: {unused}"
    return {
        "version": 1,
        "cards": {c.id: card_label(c) for c in CARDS},
        "images": images,
        "negatives": {s.file: s.note for s in SAMPLES if s.kind == "negative"},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--only", action="append", help="render just this file (repeatable)")
    args = ap.parse_args(argv)
    missing = missing_fonts()
    if missing:
        print("missing fonts: apt-get install " + " ".join(missing), file=sys.stderr)
        return 2
    labels = build_labels()  # validates every gold number first
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        if args.only and sample.file not in args.only:
            continue
        data = render_sample(sample, args.seed)
        (args.out / sample.file).write_bytes(data)
        print(f"{sample.file:34s} {len(data) / 1024:7.0f} KiB")
    text = json.dumps(labels, indent=2, ensure_ascii=False) + "\n"
    (args.out / "labels.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
