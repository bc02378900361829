"""Records that cross stage boundaries.

Every record is a frozen dataclass so a stage cannot mutate what an earlier
stage produced.  The OCR tree follows doctr's shape (page -> block -> line ->
word) with pixel boxes and confidences; extracted fields keep the raw text as
read next to the normalized value, as python-email-validator's result does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PhoneType = Literal["mobile", "work", "fax", "other"]
Status = Literal["ok", "review", "no_card", "error"]
# Where a field's value came from: read off the card by the layout rules, from the
# card's QR code, derived (e.g. a company from an organisation's e-mail domain),
# or typed by the user in review.
FieldOrigin = Literal["card", "qr", "derived", "user"]


@dataclass(frozen=True)
class Box:
    """Axis-aligned box in pixels of the flattened card image."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x2(self) -> int:
        return self.x + self.w

    @property
    def y2(self) -> int:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.x2, other.x2) - x, max(self.y2, other.y2) - y)


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0..1
    box: Box | None = None


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    box: Box | None = None

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words if w.text)

    @property
    def conf(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)

    @property
    def height(self) -> float | None:
        """Text height in pixels: the layout's proxy for font size."""
        return float(self.box.h) if self.box else None

    @staticmethod
    def from_text(text: str, conf: float = 1.0, box: Box | None = None) -> Line:
        return Line(tuple(Word(t, conf, None) for t in text.split()), box)


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Page:
    """OCR of one flattened card image."""

    blocks: tuple[Block, ...]
    width: int = 0
    height: int = 0
    engine: str = ""
    rotation: int = 0  # degrees clockwise applied before OCR

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for b in self.blocks for line in b.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @staticmethod
    def from_text(text: str, engine: str = "text") -> Page:
        lines = tuple(Line.from_text(t) for t in text.splitlines() if t.strip())
        return Page((Block(lines),), engine=engine)


@dataclass(frozen=True)
class Field:
    """One extracted value: normalized value, text as read, confidence 0..1,
    where on the card it came from (line index and box, when known), and how it
    was obtained (`origin`)."""

    value: str
    raw: str
    confidence: float
    line: int | None = None
    box: Box | None = None
    origin: FieldOrigin = "card"


@dataclass(frozen=True)
class Phone:
    number: str  # E.164
    type: PhoneType
    raw: str
    confidence: float
    line: int | None = None
    box: Box | None = None
    # Printed without its area code: `number` is country code + the digits as printed.
    local_only: bool = False
    # phonenumbers calls `number` valid.  When false (a number valid in no likely
    # country, or `local_only`), `number` is only the reading in the card's region
    # (or in the +CC printed) and `raw` is what to trust; the card goes to review.
    valid: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "type": self.type, "raw": self.raw,
                "local_only": self.local_only, "valid": self.valid}


@dataclass(frozen=True)
class ParsedCard:
    """What the field extractors found on one card."""

    name: Field | None = None
    given_name: str | None = None
    family_name: str | None = None
    title: Field | None = None
    company: Field | None = None
    department: Field | None = None
    address: Field | None = None
    emails: tuple[Field, ...] = ()
    phones: tuple[Phone, ...] = ()
    websites: tuple[Field, ...] = ()
    region: str | None = None  # region used for numbers without a country code
    name_native: str | None = None  # the name in its own script when `name` is romanised

    def confidence(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key in ("name", "title", "company", "department", "address"):
            f: Field | None = getattr(self, key)
            out[key] = round(f.confidence, 3) if f else 0.0
        for key in ("emails", "phones", "websites"):
            items = getattr(self, key)
            out[key] = round(max((i.confidence for i in items), default=0.0), 3)
        return out

    def origins(self) -> dict[str, str]:
        """Where each single-valued field that was found came from (see `FieldOrigin`)."""
        out: dict[str, str] = {}
        for key in ("name", "title", "company", "department", "address"):
            f: Field | None = getattr(self, key)
            if f is not None:
                out[key] = f.origin
        return out


@dataclass(frozen=True)
class CardRecord:
    """One card found in one input file: the unit the pipeline emits."""

    source: str
    card: int = 0
    status: Status = "ok"
    error: str | None = None
    parsed: ParsedCard | None = None
    text: str = ""
    image_sha256: str | None = None
    taken_at: str | None = None  # EXIF DateTimeOriginal as ISO 8601, if any
    engine: str = ""
    qr: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    review: tuple[str, ...] = ()  # why status is "review", in words for the user
    # A small JPEG of the flattened card (<= CARD_JPEG_WIDTH px wide) for review;
    # not part of to_dict (JSON lines stay text).
    card_jpeg: bytes | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        p = self.parsed or ParsedCard()

        def val(f: Field | None) -> str | None:
            return f.value if f else None

        d: dict[str, Any] = {
            "source": self.source,
            "card": self.card,
            "status": self.status,
            "error": self.error,
            "review_reasons": list(self.review),
            "name": val(p.name),
            "given_name": p.given_name,
            "family_name": p.family_name,
            "name_native": p.name_native,
            "title": val(p.title),
            "company": val(p.company),
            "department": val(p.department),
            "address": val(p.address),
            "region": p.region,
            "emails": [e.value for e in p.emails],
            "phones": [ph.to_dict() for ph in p.phones],
            "websites": [w.value for w in p.websites],
            "confidence": p.confidence() if self.parsed else {},
            "origin": p.origins() if self.parsed else {},
            "image_sha256": self.image_sha256,
            "taken_at": self.taken_at,
            "engine": self.engine,
            "qr": list(self.qr),
            "text": self.text,
        }
        d.update(self.extra)
        return d
