"""Card finding on synthetic desk photos with known card corners."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cardscan.detect import find_cards, order_quad, warp


def _card(w: int = 850, h: int = 500, dark: bool = False) -> np.ndarray:
    bg, ink = ((25, 35, 70), (240, 240, 240)) if dark else ((245, 245, 240), (20, 20, 20))
    card = np.full((h, w, 3), bg, np.uint8)
    for i, y in enumerate(range(90, h - 60, 55)):
        cv2.rectangle(card, (60, y), (60 + 500 - 60 * (i % 3), y + 22), ink, -1)
    return card


def _photo(cards: list[tuple[np.ndarray, np.ndarray]], size=(1600, 1200), desk=(120, 90, 60)):
    rng = np.random.default_rng(7)
    photo = np.full((size[1], size[0], 3), desk, np.uint8)
    photo = np.clip(photo + rng.normal(0, 6, photo.shape), 0, 255).astype(np.uint8)
    for card, quad in cards:
        h, w = card.shape[:2]
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
        warped = cv2.warpPerspective(card, m, size)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size)
        photo[mask > 0] = warped[mask > 0]
    return photo


def _max_corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Worst corner distance, whichever corner each quad calls its first (a
    card at 45 degrees has two candidates for top-left)."""
    f, t = order_quad(found), order_quad(truth)
    return min(float(np.abs(np.roll(f, k, axis=0) - t).max()) for k in range(4))


@pytest.mark.parametrize("dark", [False, True], ids=["white-card", "dark-card"])
def test_one_card_in_perspective_is_found_with_its_corners(dark):
    truth = np.array([[420, 300], [1180, 360], [1150, 820], [380, 760]], np.float32)
    photo = _photo([(_card(dark=dark), truth)])
    regions = find_cards(photo)
    assert len(regions) == 1
    assert _max_corner_error(regions[0].quad, truth) < 15  # px in a 1600 px photo


def test_two_cards_are_found_separately():
    a = np.array([[100, 100], [700, 140], [680, 480], [80, 440]], np.float32)
    b = np.array([[850, 650], [1450, 600], [1480, 950], [880, 1000]], np.float32)
    photo = _photo([(_card(), a), (_card(), b)])
    regions = find_cards(photo)
    assert len(regions) == 2
    errs = sorted(min(_max_corner_error(r.quad, t) for t in (a, b)) for r in regions)
    assert errs[-1] < 15


def test_a_scan_that_is_just_the_card_passes_through_whole():
    assert find_cards(_card()) == []


def test_empty_desk_has_no_card():
    assert find_cards(_photo([])) == []


def test_warp_flattens_to_card_proportions():
    truth = np.array([[420, 300], [1180, 360], [1150, 820], [380, 760]], np.float32)
    photo = _photo([(_card(), truth)])
    flat = warp(photo, find_cards(photo)[0].quad)
    h, w = flat.shape[:2]
    assert 1.5 < w / h < 1.8
    # The first ink bar sits where the card drew it (left third, upper part).
    gray = cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY)
    assert gray[int(h * 0.2), int(w * 0.2)] < 80
    assert gray[int(h * 0.05), int(w * 0.5)] > 200


@pytest.mark.parametrize("angle", [0, 30, 44, 45, 46, 60, 90, 135])
def test_a_card_at_any_angle_is_one_region_with_its_area(angle):
    c, (w, h) = np.array([800, 600], np.float32), (700, 420)
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) / 2
    truth = corners @ rot.T + c
    photo = _photo([(_card(), truth)], size=(1600, 1200))
    regions = find_cards(photo)
    assert len(regions) == 1
    area = cv2.contourArea(order_quad(regions[0].quad))
    assert abs(area - w * h) / (w * h) < 0.08
    assert _max_corner_error(regions[0].quad, truth) < 20


def _box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def test_outline_around_a_later_chosen_panel_replaces_it_without_crashing():
    """Regression (issue 7): with two regions already chosen, a card outline
    around the second one made `chosen.index(inner)` compare numpy quads and
    raise "truth value of an array ... is ambiguous"."""
    from cardscan.detect import CardRegion, _select

    first = CardRegion(_box(10, 10, 180, 110), 0.95, 0.10, "edges")
    panel = CardRegion(_box(300, 40, 380, 90), 0.90, 0.02, "dark")
    card = CardRegion(_box(250, 10, 420, 110), 0.80, 0.10, "edges")
    chosen = _select([card, panel, first], max_cards=8)
    assert [c.method for c in chosen] == ["edges", "edges"]
    assert chosen[0] is first and chosen[1] is card


def test_reading_order_is_rows_top_to_bottom_then_left_to_right():
    """The right card of a row sits a little higher (its top corner first),
    yet the left one is read first; the next row comes after both."""
    from cardscan.detect import CardRegion, reading_order

    left = CardRegion(_box(10, 40, 180, 140), 0.9, 0.1, "left")
    right = CardRegion(_box(200, 20, 370, 120), 0.9, 0.1, "right")
    below = CardRegion(_box(5, 160, 175, 260), 0.9, 0.1, "below")
    got = reading_order([below, right, left])
    assert [r.method for r in got] == ["left", "right", "below"]


def test_four_touching_cards_rotated_differently_come_in_reading_order():
    w, h = 500, 300
    cards = []
    for row, col, angle in [(0, 0, 4), (0, 1, -4), (1, 0, -5), (1, 1, 3)]:
        c = np.array([290 + 522 * col, 320 + 338 * row], np.float32)  # touching, not covered
        a = np.deg2rad(angle)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
        corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) / 2
        cards.append(corners @ rot.T + c)
    photo = _photo([(_card(), q) for q in cards], size=(1120, 1020))
    regions = find_cards(photo)
    assert len(regions) == 4
    for r, truth in zip(regions, cards, strict=True):
        assert _max_corner_error(r.quad, truth) < 20


def test_overlapping_white_cards_with_no_edge_between_them_are_split():
    """White cards lying over each other's corners on a dark desk: the edge
    between two of them vanishes (white on white), so their outlines merge;
    the regions inside the remaining edges still tell the four cards apart."""
    w, h = 500, 300
    cards = []
    for row, col, angle in [(0, 0, 4), (0, 1, -4), (1, 0, -5), (1, 1, 3)]:
        c = np.array([290 + 520 * col, 320 + 320 * row], np.float32)  # overlapping
        a = np.deg2rad(angle)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
        corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) / 2
        cards.append(corners @ rot.T + c)
    photo = _photo([(_card(), q) for q in cards], size=(1100, 1000))
    regions = find_cards(photo)
    assert len(regions) == 4
    for r, truth in zip(regions, cards, strict=True):
        centre = tuple(float(v) for v in r.quad.mean(axis=0))
        assert cv2.pointPolygonTest(truth.reshape(-1, 1, 2), centre, False) > 0
        area = cv2.contourArea(order_quad(r.quad))
        assert 0.8 < area / (w * h) < 1.08  # a card, not two


def test_a_sheet_of_fifty_small_cards_is_more_than_max_cards_not_one_card():
    """Issue 14: a sheet of many small cards must not pass as one card (or as
    the whole photo read as one).  find_cards says there are too many."""
    cw, ch = 150, 88
    cards = [
        (_card(850, 500), np.array([[x, y], [x + cw, y], [x + cw, y + ch], [x, y + ch]],
                                   np.float32))
        for x in range(30, 30 + 5 * 170, 170) for y in range(25, 25 + 10 * 106, 106)
    ]
    photo = _photo(cards, size=(900, 1100), desk=(235, 232, 225))
    regions = find_cards(photo, max_cards=10)
    assert len(regions) == 11
    for r in regions:  # each a single small card, not the sheet
        assert cv2.contourArea(order_quad(r.quad)) < 2 * cw * ch


def _turned(centre: tuple[float, float], w: float, h: float, angle: float) -> np.ndarray:
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) / 2
    return corners @ rot.T + np.array(centre, np.float32)


def _two_tone(w: int = 560, h: int = 330) -> np.ndarray:
    """A card whose right part is a navy panel (its edge stronger than the outline)."""
    card = _card(w, h)
    card[:, w * 9 // 16:] = (25, 35, 70)
    cv2.rectangle(card, (w * 10 // 16, 120), (w - 40, 140), (240, 240, 240), -1)
    return card


@pytest.mark.parametrize("second", ["plain", "two-tone"])
@pytest.mark.parametrize("gap", [0, 3])
@pytest.mark.parametrize("desk", [(120, 90, 60), (200, 200, 195)], ids=["wood", "grey"])
def test_two_cards_touching_end_to_end_are_split_into_two(desk, gap, second):
    """Two cards side by side with no gap (or a hairline) read as one region
    about 3.4 times as long as high, no card's shape; it is split along the
    seam between them, each turned its own way.  The second card may be
    two-tone: its panel edge does not pass for the seam."""
    w, h = 560, 330
    a = _turned((330, 500), w, h, 1)
    b = _turned((330 + w + gap, 500), w, h, -1)
    other = _card() if second == "plain" else _two_tone()
    photo = _photo([(_card(), a), (other, b)], size=(1400, 1000), desk=desk)
    regions = find_cards(photo)
    assert len(regions) == 2
    for r, truth in zip(regions, (a, b), strict=True):
        assert _max_corner_error(r.quad, truth) < 20


def test_a_long_banner_with_no_seam_is_not_split():
    """A region two cards long whose middle has no straight edge across it is
    not two cards: nothing card-shaped there."""
    w, h = 1120, 330
    banner = np.full((h, w, 3), (245, 245, 240), np.uint8)
    cv2.rectangle(banner, (60, 100), (1000, 130), (20, 20, 20), -1)
    photo = _photo([(banner, _turned((700, 500), w, h, 0))], size=(1400, 1000))
    assert find_cards(photo) == []


@pytest.mark.parametrize("desk", [(228, 228, 224), (215, 215, 212)])
def test_a_white_card_running_off_a_light_desk_photo_is_found_by_its_straight_edges(desk):
    """Issue 10: a white card on a light desk, wider than the photo (its ends
    cut off), is no region of its own; its top and bottom edges and the
    photo's border make the box, and a printed rule across the card does not
    cut it short."""
    card = _card(1300, 765)
    cv2.line(card, (40, 560), (1260, 560), (120, 120, 120), 3)
    truth = _turned((600, 800), 1300, 765, 0)
    photo = _photo([(card, truth)], size=(1200, 1600), desk=desk)
    regions = find_cards(photo)
    assert len(regions) == 1
    assert regions[0].method == "lines"
    assert _max_corner_error(regions[0].quad, np.clip(truth, 0, [1199, 1599])) < 20


def test_rules_printed_across_a_scan_holding_part_of_the_text_are_not_a_card():
    """A scan that is the card, with two rules printed down it: they and the
    border make a box drawn by straight lines (square enough for a card cut by
    the frame), but text lies outside it, so it is not the card and the scan
    passes through whole."""
    card = _card(1000, 600)
    for x in (200, 780):
        cv2.line(card, (x, 0), (x, 599), (60, 60, 60), 3)
    cv2.rectangle(card, (650, 480), (950, 560), (20, 20, 20), -1)
    assert find_cards(card) == []


@pytest.mark.parametrize("tones", ["light+navy", "light+light"])
def test_two_panels_of_one_card_are_joined_only_when_their_tones_differ(tones):
    """A two-tone card's light and navy panels, each found inside its own
    outline and neither of a card's shape, make one card; two blank areas of
    the same tone side by side (parts of one light card) are not joined."""
    from cardscan.detect import PIECE, CardRegion, _joined

    img = np.full((480, 640, 3), (120, 90, 60), np.uint8)
    img[150:340, 100:420] = (245, 245, 240)
    if tones == "light+navy":
        img[150:340, 270:420] = (25, 35, 70)
    left = CardRegion(_box(100, 150, 268, 340), 0.0, 168 * 190 / (480 * 640), "interior" + PIECE)
    right = CardRegion(_box(272, 150, 420, 340), 0.0, 148 * 190 / (480 * 640), "interior" + PIECE)
    joined = _joined([left, right], img)
    if tones == "light+light":
        assert joined == []
        return
    assert len(joined) == 1
    assert _max_corner_error(joined[0].quad, _box(100, 150, 420, 340)) < 6
