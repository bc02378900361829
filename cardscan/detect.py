"""Stage 2: find the card(s) in a photo and flatten each one.

Phone photos show cards on a desk, often low-contrast against it, with
shadows.  One segmentation rarely works for all of them, so several cheap
masks are tried on a small copy (edges, difference from the desk colour
sampled at the photo's border, brightness) and every card-shaped region from
any of them becomes a candidate; candidates are scored by how rectangular and
how card-proportioned they are, and overlapping ones are suppressed.  A scan
or crop that is already just the card yields no candidate and passes through
whole.

Three rescues, each held to a card's proportions (ISO 7810 and the common
sizes: 1.4-2.0 long/short side); the first two rank after every outline found
whole (`_derived`), the third runs only when nothing else was found:

* two cards touching end to end are one region about two cards long: it is
  split along the straight seam between them (`_split_pair`);
* a two-tone card whose panel edge is stronger than its outline gives two
  panels, each no card's shape: two of clearly different tones whose union
  is a card are joined (`_joined`);
* a white card on a light desk gives no region at all: it is looked for as
  four straight edges, or the photo's border where it runs off, holding the
  photo's text (`_lined_card`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

DETECT_SIDE = 640  # px: long side of the copy segmentation runs on
MIN_AREA = 0.03  # of the frame: smaller regions are logos, not cards...
MIN_GRID_AREA = 0.003  # ...unless many of one size tile the picture (a sheet of cards)
MIN_GRID = 6  # that many similar small regions make a grid of cards...
MIN_GRID_COVER = 0.25  # ...when together they cover this much of the picture
MAX_AREA = 0.92  # larger: the photo is the card (scan/crop)
INTERIOR_GROW = 3.5  # px at DETECT_SIDE: half the dilated edge width, added back to interiors
SPLIT_RATIO = 1.6  # an outline this much larger than an interior may hold several cards
MIN_ASPECT, MAX_ASPECT = 1.2, 2.4  # long/short side; cards are 1.4-1.9 before perspective
# Card proportions (long/short side): ISO 7810 ID-1 1.586, Japan 1.65, Europe 1.65,
# US 1.75, allowing for perspective.  Two cards touching end to end read as one
# region twice as long; it is split only where both halves have these proportions.
CARD_ASPECT = (1.4, 2.0)
PAIR_ASPECT = (2 * CARD_ASPECT[0] - 0.1, 2 * CARD_ASPECT[1] + 0.1)
SEAM_SUPPORT = 0.8  # share of a seam's length on edge pixels
SPLIT = "-split"  # method suffix of the halves of a region split in two
JOIN = "-joined"  # method suffix of two panels joined into one card
PIECE = "-piece"  # method suffix of a panel inside an outline (not itself a candidate)
MIN_PIECE = 0.01  # of the frame: smaller interiors are not half a card
TWO_TONE = 60.0  # Lab distance (OpenCV's 8-bit scale) between the panels of a two-tone card
# A white card on a light desk has no region of its own, only faint straight
# edges: when nothing else is found, a card is looked for as four straight
# lines (or the frame, where the card runs off the photo) that enclose the
# photo's text.
LINE_MIN = 0.25  # of the short side: shorter straight edges are not a card's
LINE_AREA = (0.08, 0.7)  # of the frame: a larger box is a crop that is already the card
SIDE_SUPPORT = (0.6, 0.8)  # least and mean share of each drawn side on edge pixels
TEXT_INSIDE = 0.9  # share of the photo's text edges the box must hold
LINES_PER_SIDE = 8  # longest lines of each direction tried
LINE_BLUR = 2.5  # px at DETECT_SIDE: Gaussian sigma before the faint edges of lines


@dataclass(frozen=True, eq=False)
class CardRegion:
    """Compared by identity: the quad is an array, and `==` on arrays is
    elementwise (list.index on regions raised "truth value ... ambiguous")."""

    quad: np.ndarray  # 4x2 float32, tl, tr, br, bl in source-image pixels
    score: float
    area: float  # fraction of the frame
    method: str


def order_quad(pts: np.ndarray) -> np.ndarray:
    """Corners clockwise from the top-left.  Sorting by angle around the centre
    stays correct for a card turned 45 degrees, where x+y / y-x rankings tie."""
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(axis=0)
    pts = pts[np.argsort(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))]
    return np.roll(pts, -int(np.argmin(pts.sum(axis=1))), axis=0)


def _open_kernel(shape: tuple[int, ...]) -> np.ndarray:
    side = max(5, (min(shape[:2]) // 60) | 1)  # ~11 px at 640: wider than a gap in an edge
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))


def _masks(small: np.ndarray) -> list[tuple[str, np.ndarray]]:
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    out: list[tuple[str, np.ndarray]] = []

    # Edges: works when the card edge is visible even if both sides are light.
    med = float(np.median(blur))
    edges = cv2.Canny(blur, int(max(0, 0.5 * med)), int(min(255, 1.2 * med)))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    out.append(("edges", edges))
    # Faint edges: a white card on a light desk differs by a few grey levels.
    faint = cv2.Canny(blur, 8, 24)
    faint = cv2.dilate(faint, np.ones((3, 3), np.uint8), iterations=2)
    out.append(("edges-faint", faint))
    # Interiors: what the edges enclose.  Two cards that touch share a broken
    # edge, so their contours merge; the regions inside them are joined only
    # through the gaps, which an opening wider than a gap cuts.
    for name, e in (("interior", edges), ("interior-faint", faint)):
        inside = cv2.morphologyEx(255 - e, cv2.MORPH_OPEN, _open_kernel(small.shape[:2]))
        out.append((name, inside))

    # Distance from the desk colour sampled along the border.
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (7, 7), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    b = max(3, min(small.shape[:2]) // 40)
    border = np.concatenate(
        [lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3), lab[:, :b].reshape(-1, 3),
         lab[:, -b:].reshape(-1, 3)]
    )
    desk = np.median(border, axis=0)
    dist = np.linalg.norm(lab - desk, axis=2)
    dist8 = np.clip(dist * 3, 0, 255).astype(np.uint8)
    _, m = cv2.threshold(dist8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out.append(("desk-distance", m))

    # Brightness: a white card on a darker desk, or a dark card on a light one.
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out.append(("bright", bright))
    out.append(("dark", 255 - bright))
    return out


def _candidates(name: str, mask: np.ndarray) -> list[CardRegion]:
    h, w = mask.shape[:2]
    frame = float(h * w)
    k = np.ones((5, 5), np.uint8)
    grow = 0.0
    if name.startswith("edges"):
        cnts, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    elif name.startswith("interior"):  # inside the desk's region: nested, so every level
        cnts, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        grow = INTERIOR_GROW
    else:
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k, iterations=2)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, k, iterations=1)
        cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found: list[CardRegion] = []
    for c in cnts:
        hull = cv2.convexHull(c)
        area = cv2.contourArea(hull)
        if not MIN_GRID_AREA * frame <= area <= MAX_AREA * frame:
            continue
        rect = cv2.minAreaRect(hull)
        rw, rh = rect[1]
        if min(rw, rh) < 1:
            continue
        aspect = max(rw, rh) / min(rw, rh)
        fill = cv2.contourArea(c) / (rw * rh)
        rectness = area / (rw * rh)
        if rectness < 0.85 or fill < 0.6:
            continue
        if not MIN_ASPECT <= aspect <= MAX_ASPECT:
            if (name.startswith("edges") and PAIR_ASPECT[0] <= aspect <= PAIR_ASPECT[1]
                    and area >= 2 * MIN_AREA * frame):  # two cards, not a row of text
                found.extend(_split_pair(mask, hull, rect, name))
            elif grow and area >= MIN_PIECE * frame:
                found.append(_piece(rect, grow, area / frame, name))
            continue
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            quad = order_quad(approx)
        else:
            quad = order_quad(cv2.boxPoints(rect))
        if grow:  # back out to the card edge the edge mask ate into
            centre = quad.mean(axis=0)
            out = quad - centre
            quad = centre + out * (1 + grow / np.linalg.norm(out, axis=1, keepdims=True))
            area = cv2.contourArea(quad)
        # Touching the frame edge usually means a cut-off desk region, not a card.
        touches = (
            (quad[:, 0] <= 1).sum() + (quad[:, 0] >= w - 2).sum()
            + (quad[:, 1] <= 1).sum() + (quad[:, 1] >= h - 2).sum()
        )
        score = rectness * _aspect_fit(aspect) * (0.6 if touches >= 2 else 1.0)
        found.append(CardRegion(quad, score, area / frame, name))
    return found


def _aspect_fit(aspect: float) -> float:
    """How card-like a long/short side ratio is: 1 at 1.7, down to 0.4."""
    return 1.0 - min(abs(aspect - 1.7) / 1.0, 0.6)


def _piece(rect: tuple, grow: float, area: float, name: str) -> CardRegion:
    """A region inside an outline that has no card's shape: one panel of a
    two-tone card, perhaps (`_joined` pairs them)."""
    (cx, cy), (rw, rh), ang = rect
    box = order_quad(cv2.boxPoints(((cx, cy), (rw + 2 * grow, rh + 2 * grow), ang)))
    return CardRegion(box, 0.0, area, name + PIECE)


def _tone(lab: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Mean Lab colour inside a quad."""
    mask = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 1)
    return np.array(cv2.mean(lab, mask)[:3])


def _joined(pieces: list[CardRegion], small: np.ndarray) -> list[CardRegion]:
    """Two panels side by side whose union has a card's shape: a two-tone
    card whose own panel edge is stronger than its outline.  Kept only when
    the two are of clearly different tones (one card's light and dark
    panels, not two blank areas of one card), fill the union (they share one
    long edge) and it is rectangular."""
    frame = float(small.shape[0] * small.shape[1])
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    tones: dict[int, np.ndarray] = {}
    out: list[CardRegion] = []
    for a, b in itertools.combinations(pieces, 2):
        if not 1 / 3 <= a.area / b.area <= 3 or _overlap(a.quad, b.quad) > 0.2:
            continue
        ta = tones.setdefault(id(a), _tone(lab, a.quad))
        tb = tones.setdefault(id(b), _tone(lab, b.quad))
        if np.linalg.norm(ta - tb) < TWO_TONE:
            continue
        hull = cv2.convexHull(np.concatenate([a.quad, b.quad]))
        rect = cv2.minAreaRect(hull)
        rw, rh = rect[1]
        hull_area = cv2.contourArea(hull)
        if min(rw, rh) < 1 or hull_area <= 0:
            continue
        aspect = max(rw, rh) / min(rw, rh)
        rectness = hull_area / (rw * rh)
        filled = (cv2.contourArea(a.quad) + cv2.contourArea(b.quad)) / hull_area
        if (CARD_ASPECT[0] <= aspect <= CARD_ASPECT[1] and rectness >= 0.9 and filled >= 0.85
                and hull_area / frame >= MIN_AREA):
            score = rectness * _aspect_fit(aspect)
            name = a.method.removesuffix(PIECE) + JOIN
            out.append(CardRegion(order_quad(cv2.boxPoints(rect)), score, hull_area / frame, name))
    return out


def _seam(edges: np.ndarray, rect: tuple) -> tuple[np.ndarray, np.ndarray] | None:
    """The straight edge across the middle of a region about two cards long
    (a point on it and its direction), where two touching cards meet: the line
    across the short side, near the middle, that runs on edge pixels for most
    of its length.  None when no such line is there."""
    (cx, cy), (rw, rh), ang = rect
    t = np.deg2rad(ang)
    u = np.array([np.cos(t), np.sin(t)], np.float32)  # along rw
    if rh > rw:
        u, rw, rh = np.array([-u[1], u[0]], np.float32), rh, rw
    v = np.array([-u[1], u[0]], np.float32)
    # Every line tried at once: offsets from the middle x turns x points along it.
    offs = np.linspace(-0.12 * rw, 0.12 * rw, 25, dtype=np.float32)
    turns = np.deg2rad(np.arange(-8, 9, 2, dtype=np.float32))
    s = np.linspace(-0.42 * rh, 0.42 * rh, 48, dtype=np.float32)
    centres = np.array([cx, cy], np.float32) + offs[:, None] * u  # (25, 2)
    dirs = v * np.cos(turns)[:, None] + u * np.sin(turns)[:, None]  # (9, 2)
    pts = centres[:, None, None, :] + s[None, None, :, None] * dirs[None, :, None, :]
    h, w = edges.shape[:2]
    x = np.clip(pts[..., 0].round().astype(int), 0, w - 1)
    y = np.clip(pts[..., 1].round().astype(int), 0, h - 1)
    support = (edges[y, x] > 0).mean(axis=2)  # (25, 9)
    i, j = np.unravel_index(int(np.argmax(support)), support.shape)
    return (centres[i], dirs[j]) if support[i, j] >= SEAM_SUPPORT else None


def _on_edges(edges: np.ndarray, pts: np.ndarray) -> float:
    """Share of the points (x, y) that fall on edge pixels."""
    h, w = edges.shape[:2]
    x = np.clip(pts[:, 0].round().astype(int), 0, w - 1)
    y = np.clip(pts[:, 1].round().astype(int), 0, h - 1)
    return float((edges[y, x] > 0).mean())


def _half(hull: np.ndarray, p: np.ndarray, d: np.ndarray, side: float) -> np.ndarray | None:
    """The part of a convex hull on one side of the line through p along d."""
    n = np.array([-d[1], d[0]], np.float32) * side
    big = 10_000.0
    plane = np.array([p - big * d, p + big * d, p + big * d + big * n, p - big * d + big * n],
                     np.float32)
    area, poly = cv2.intersectConvexConvex(hull.reshape(-1, 2).astype(np.float32), plane)
    return poly if area > 0 and poly is not None else None


def _split_pair(edges: np.ndarray, hull: np.ndarray, rect: tuple, name: str) -> list[CardRegion]:
    """Two card regions from one about two cards long, split along the seam
    between them; nothing unless both halves have a card's proportions."""
    seam = _seam(edges, rect)
    if seam is None:
        return []
    frame = float(edges.shape[0] * edges.shape[1])
    halves = []
    for side in (1.0, -1.0):
        poly = _half(hull, *seam, side)
        if poly is None:
            return []
        r = cv2.minAreaRect(poly)
        rw, rh = r[1]
        if min(rw, rh) < 1 or not CARD_ASPECT[0] <= max(rw, rh) / min(rw, rh) <= CARD_ASPECT[1]:
            return []
        area = cv2.contourArea(poly)
        approx = cv2.approxPolyDP(poly, 0.02 * cv2.arcLength(poly, True), True)
        quad = order_quad(approx if len(approx) == 4 else cv2.boxPoints(r))
        aspect = max(rw, rh) / min(rw, rh)
        score = area / (rw * rh) * _aspect_fit(aspect)
        halves.append(CardRegion(quad, score, area / frame, name + SPLIT))
    small, large = sorted(h.area for h in halves)
    return halves if small >= 0.6 * large else []


class _Line(NamedTuple):
    """A straight line: points p with -sin(theta) x + cos(theta) y = rho."""

    theta: float  # direction, radians in [-pi/4, 3pi/4)
    rho: float
    lo: float = 0.0  # where the edge found on it starts and ends, along the line (px)
    hi: float = 0.0
    frame: bool = False  # the photo's own border (a card running off it)


def _angle_apart(a: float, b: float) -> float:
    """Radians between two directions, 0..pi/2."""
    d = abs(a - b) % np.pi
    return min(d, np.pi - d)


def _straight_lines(*edge_maps: np.ndarray) -> list[_Line]:
    """Long straight edges in any of the maps, the longest reach first (a
    card's edge spans the card, a row of text less); segments on one line are
    merged.  Each map is searched on its own: the grain of one map's noise
    would break up the other's lines."""
    side = min(edge_maps[0].shape[:2])
    raw: list[np.ndarray] = []
    for edges in edge_maps:
        # Searched at half size (a quarter of the points: Hough's cost), placed at full.
        half = cv2.resize(edges, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        segs = cv2.HoughLinesP((half > 0).astype(np.uint8), 1, np.pi / 360,
                               threshold=int(0.075 * side), minLineLength=int(LINE_MIN * side / 2),
                               maxLineGap=int(0.02 * side))
        if segs is not None:
            raw.extend(segs.reshape(-1, 4).astype(np.float64) * 2 + 0.5)
    merged: list[_Line] = []
    # Longest first: a line's direction and place are its longest segment's.
    for x1, y1, x2, y2 in sorted(raw, key=lambda s: -np.hypot(s[2] - s[0], s[3] - s[1])):
        th = float(np.arctan2(y2 - y1, x2 - x1) % np.pi)
        th = th - np.pi if th >= 0.75 * np.pi else th  # near-level lines on one side of 0
        rho = float(-np.sin(th) * x1 + np.cos(th) * y1)
        t1, t2 = (float(np.cos(th) * x + np.sin(th) * y) for x, y in ((x1, y1), (x2, y2)))
        for i, m in enumerate(merged):
            if _angle_apart(m.theta, th) < np.deg2rad(2) and abs(m.rho - rho) < 6:
                merged[i] = m._replace(lo=min(m.lo, t1, t2), hi=max(m.hi, t1, t2))
                break
        else:
            merged.append(_Line(th, rho, min(t1, t2), max(t1, t2)))
    h, w = edge_maps[0].shape[:2]
    # Lines along the photo's border are its own edge (vignetting, glare): the
    # border itself stands in for them (`_frame_lines`).
    inner = [m for m in merged if not any(
        _angle_apart(m.theta, f.theta) < np.deg2rad(6)
        and abs(abs(m.rho) - abs(f.rho)) < 0.02 * side for f in _frame_lines(h, w))]
    return sorted(inner, key=lambda m: m.lo - m.hi)  # the longest reach first


def _frame_lines(h: int, w: int) -> list[_Line]:
    return [_Line(0.0, 0.0, frame=True), _Line(0.0, h - 1.0, frame=True),
            _Line(np.pi / 2, 0.0, frame=True), _Line(np.pi / 2, 1.0 - w, frame=True)]


def _corner(a: _Line, b: _Line) -> tuple[float, float]:
    """Where two lines cross (they are never parallel here: 84-96 degrees apart)."""
    sa, ca, sb, cb = math.sin(a.theta), math.cos(a.theta), math.sin(b.theta), math.cos(b.theta)
    det = -sa * cb + ca * sb
    return (a.rho * cb - ca * b.rho) / det, (-sa * b.rho + sb * a.rho) / det


def _boxes(lines: list[_Line], h: int, w: int) -> Iterator[tuple[np.ndarray, int]]:
    """Four lines, two of each of two perpendicular directions (the frame's
    border may stand in for at most two sides, not for both of one pair and
    one of the other): (corners, sides drawn by the frame) for each."""
    frame = _frame_lines(h, w)
    tol = np.deg2rad(6)
    done: set[float] = set()
    for ref in lines:
        if any(_angle_apart(ref.theta, t) < tol for t in done):
            continue
        done.add(ref.theta)
        along, across = (
            [ln for ln in lines if _angle_apart(ln.theta, t) < tol][:LINES_PER_SIDE]
            + [f for f in frame if _angle_apart(f.theta, t) < tol]
            for t in (ref.theta, ref.theta + np.pi / 2))
        for a, b in itertools.combinations(along, 2):
            for c, e in itertools.combinations(across, 2):
                framed = a.frame + b.frame + c.frame + e.frame
                if framed > 2 or (framed == 2 and (a.frame ^ b.frame)):
                    continue
                if not _roughly_card(_apart(a, b), _apart(c, e), framed, h * w):
                    continue
                yield np.array([_corner(a, c), _corner(c, b), _corner(b, e), _corner(e, a)],
                               np.float32), framed


def _apart(a: _Line, b: _Line) -> float:
    """Distance between two nearly parallel lines (px)."""
    same_way = abs(a.theta - b.theta) < np.pi / 2  # else one is turned half a circle
    return abs(a.rho - b.rho) if same_way else abs(a.rho + b.rho)


def _roughly_card(d1: float, d2: float, framed: int, frame_area: float) -> bool:
    """A quick test on the distances between the two pairs of lines, before
    any corner is worked out: could the box be a card (with some slack, the
    lines being only nearly parallel)?"""
    if min(d1, d2) < 1:
        return False
    aspect = max(d1, d2) / min(d1, d2)
    low = 1.0 if framed else CARD_ASPECT[0]
    return (0.9 * low <= aspect <= 1.1 * CARD_ASPECT[1]
            and 0.8 * LINE_AREA[0] <= d1 * d2 / frame_area <= 1.2 * LINE_AREA[1])


def _lined_card(small: np.ndarray) -> CardRegion | None:
    """A card drawn by straight edges: four lines (or the photo's border where
    the card runs off it) of a card's proportions whose sides lie on edges and
    which enclose nearly all of the photo's text.  The best supported, then the
    largest, of them."""
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    h, w = gray.shape
    # Faint edges, sharp and after a wide blur (which keeps the step of a card's
    # edge where glare breaks it up, and wipes out the desk's grain).
    k = np.ones((3, 3), np.uint8)
    sharp = cv2.dilate(cv2.Canny(gray, 8, 24), k)
    blurred = cv2.dilate(cv2.Canny(cv2.GaussianBlur(gray, (0, 0), LINE_BLUR), 4, 12), k)
    wide = cv2.dilate(cv2.bitwise_or(sharp, blurred), k)
    med = float(np.median(gray))
    text = cv2.Canny(gray, int(max(0, 0.5 * med)), int(min(255, 1.2 * med)))
    ys, xs = np.nonzero(text)
    if len(xs) == 0:
        return None
    best: tuple[float, float, np.ndarray] | None = None
    for corners, framed in _boxes(_straight_lines(sharp, blurred), h, w):
        quad = order_quad(corners)
        if (quad < -2).any() or (quad[:, 0] > w + 1).any() or (quad[:, 1] > h + 1).any():
            continue
        area = cv2.contourArea(quad) / (h * w)
        if not LINE_AREA[0] <= area <= LINE_AREA[1] or not cv2.isContourConvex(quad):
            continue
        rw, rh = cv2.minAreaRect(quad)[1]
        aspect = max(rw, rh) / max(1.0, min(rw, rh))
        # A card cut by the frame shows less than its length: any box up to a card's.
        if not (1.0 if framed else CARD_ASPECT[0]) <= aspect <= CARD_ASPECT[1]:
            continue
        support = [_on_edges(wide, p + np.linspace(0.05, 0.95, 64)[:, None] * (q - p))
                   for p, q in zip(quad, np.roll(quad, -1, axis=0), strict=True)
                   if not _on_border(p, q, h, w)]
        if len(support) < 2 or min(support) < SIDE_SUPPORT[0] or np.mean(support) < SIDE_SUPPORT[1]:
            continue
        key = (round(float(np.mean(support)), 1), area)
        if best is not None and key <= best[:2]:
            continue
        mask = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(mask, quad.astype(np.int32), 1)
        if mask[ys, xs].mean() >= TEXT_INSIDE:
            best = (*key, quad)
    if best is None:
        return None
    return CardRegion(np.clip(best[2], 0, [w - 1, h - 1]), best[0], best[1], "lines")


def _on_border(p: np.ndarray, q: np.ndarray, h: int, w: int) -> bool:
    """Whether the side p-q runs along the photo's border (drawn by the frame)."""
    return bool((abs(p[0] - q[0]) < 3 and (p[0] < 3 or p[0] > w - 4))
                or (abs(p[1] - q[1]) < 3 and (p[1] < 3 or p[1] > h - 4)))


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    ua = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return float(inter / ua) if ua > 0 else 0.0


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over the smaller area: catches a logo box inside a card."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    small = min(cv2.contourArea(a), cv2.contourArea(b))
    return float(inter / small) if small > 0 else 0.0


def _splitting_interiors(cands: list[CardRegion]) -> list[CardRegion]:
    """Interiors only where they split an outline: two or more regions of
    similar size side by side inside one larger card-shaped outline (cards
    touching, read as one).  A region found by interiors alone (a crop's
    printed border, a photo on the card) is left out."""
    outlines = [c for c in cands if not c.method.startswith("interior")]
    interiors = [c for c in cands if c.method.startswith("interior")]

    def inside(c: CardRegion, o: CardRegion) -> bool:
        return o.area >= SPLIT_RATIO * c.area and _overlap(c.quad, o.quad) > 0.9

    def splits(c: CardRegion) -> bool:
        return any(
            inside(c, o) and any(
                d is not c and inside(d, o) and 0.5 <= d.area / c.area <= 2.0
                and _overlap(c.quad, d.quad) < 0.3
                for d in interiors
            )
            for o in outlines
        )

    return outlines + [c for c in interiors if splits(c)]


def _grid(small: list[CardRegion]) -> list[CardRegion]:
    """Small card-shaped regions that tile the picture: at least MIN_GRID of
    one size (within 0.6-1.6x of their median), not overlapping, covering a
    good part of it.  Lone small regions are logos or photos on a card."""
    picked = _select(small, 10 * MIN_GRID * MIN_GRID)
    if len(picked) < MIN_GRID:
        return []
    med = float(np.median([c.area for c in picked]))
    same = [c for c in picked if 0.6 * med <= c.area <= 1.6 * med]
    if len(same) < MIN_GRID or sum(c.area for c in same) < MIN_GRID_COVER:
        return []  # a few boxes printed on one card, not a sheet of cards
    return same


def _with_grid(chosen: list[CardRegion], grid: list[CardRegion]) -> list[CardRegion]:
    """A chosen region that a grid of small cards mostly covers is their
    sheet (or the group's outline), not a card: the small cards replace it."""
    def covered(c: CardRegion) -> bool:
        inside = [gc for gc in grid if _overlap(gc.quad, c.quad) > 0.9]
        return len(inside) >= MIN_GRID // 2 and sum(gc.area for gc in inside) >= 0.5 * c.area

    kept = [c for c in chosen if not covered(c)]
    free = [gc for gc in grid if not any(_overlap(gc.quad, c.quad) > 0.3 for c in kept)]
    return kept + free if len(free) >= MIN_GRID else kept


def _derived(c: CardRegion) -> bool:
    """Made from other regions (split or joined), not found whole."""
    return c.method.endswith((SPLIT, JOIN))


def _select(cands: list[CardRegion], max_cards: int) -> list[CardRegion]:
    """Best-scoring candidates that do not overlap, at most `max_cards`.  Regions
    made from others (halves of a split region, two panels joined) come after
    every outline found whole: they fill in where no card was found, or take
    the place of a panel inside them, as a card outline found whole does."""
    chosen: list[CardRegion] = []
    for c in sorted(cands, key=lambda c: (not _derived(c), c.score, c.area), reverse=True):
        if c.score < 0.55:
            continue
        clash = [i for i, o in enumerate(chosen) if _overlap(o.quad, c.quad) > 0.3]
        if clash:
            # A card-shaped outline that contains a chosen one is the card and
            # the chosen one its coloured panel or logo box: keep the card.
            inner = chosen[clash[0]]
            if (len(clash) == 1 and c.score >= 0.7 and c.area > 1.3 * inner.area
                    and _overlap(inner.quad, c.quad) > 0.85):
                chosen[clash[0]] = c
            continue
        chosen.append(c)
        if len(chosen) >= max_cards:
            break
    return chosen


def find_cards(rgb: np.ndarray, max_cards: int = 10) -> list[CardRegion]:
    """Card regions in the photo in reading order, or [] when the image is the
    card.  At most `max_cards` + 1: one more than asked tells the caller the
    picture holds too many cards (a sheet of them) to read them one by one."""
    h, w = rgb.shape[:2]
    k = DETECT_SIDE / max(h, w)
    small = cv2.resize(rgb, (max(1, round(w * k)), max(1, round(h * k))),
                       interpolation=cv2.INTER_AREA) if k < 1 else rgb
    k = small.shape[1] / w
    cands: list[CardRegion] = []
    for name, mask in _masks(small):
        cands.extend(_candidates(name, mask))
    pieces = [c for c in cands if c.method.endswith(PIECE)]
    cands = _splitting_interiors([c for c in cands if not c.method.endswith(PIECE)])
    cands += _joined(pieces, small)
    chosen = _select([c for c in cands if c.area >= MIN_AREA], max_cards + 1)
    grid = _grid([c for c in cands if c.area < MIN_AREA])
    if grid:
        chosen = _with_grid(chosen, grid)[: max_cards + 1]
    if not chosen:
        lined = _lined_card(small)
        chosen = [lined] if lined is not None else []
    if not chosen:
        return []
    # Several cards in a photo have similar sizes; a much smaller region beside a
    # big one is a panel or logo on the card.
    biggest = max(c.area for c in chosen)
    chosen = [c for c in chosen if c.area >= 0.3 * biggest]
    return [CardRegion(c.quad / k, c.score, c.area, c.method) for c in reading_order(chosen)]


def reading_order(regions: list[CardRegion]) -> list[CardRegion]:
    """Rows top to bottom, each row left to right.  A region joins the row
    whose first card's vertical extent holds its centre, so two cards side by
    side at different angles (one top corner higher) stay one row."""
    rows: list[list[CardRegion]] = []
    for r in sorted(regions, key=lambda r: float(r.quad[:, 1].mean())):
        cy = float(r.quad[:, 1].mean())
        if rows:
            top, bottom = rows[-1][0].quad[:, 1].min(), rows[-1][0].quad[:, 1].max()
            if top <= cy <= bottom:
                rows[-1].append(r)
                continue
        rows.append([r])
    return [r for row in rows for r in sorted(row, key=lambda r: float(r.quad[:, 0].mean()))]


def warp(rgb: np.ndarray, quad: np.ndarray, max_side: int = 1800) -> np.ndarray:
    """Perspective-correct one card to a flat rectangle at its natural size."""
    tl, tr, br, bl = quad
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    s = min(1.0, max_side / max(width, height))
    ow, oh = max(8, int(width * s)), max(8, int(height * s))
    dst = np.array([[0, 0], [ow - 1, 0], [ow - 1, oh - 1], [0, oh - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(rgb, m, (ow, oh), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
