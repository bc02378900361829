"""Reading order within columns.

OCR engines list lines top to bottom across the whole card, so on a two-column
card the lines of an address interleave with the phone lines beside it.  The
boxes tell which line is printed right under which: the same column (the boxes
overlap horizontally) and a small vertical gap.  Without boxes (plain text) the
next line is simply the next one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .text import TextLine

MAX_GAP = 1.0  # vertical gap allowed between two lines of one block, in line heights
MIN_OVERLAP = 0.3  # horizontal overlap needed, as a share of the narrower line


@dataclass(frozen=True)
class Column:
    """Line index -> the line printed right under / over it in the same column."""

    below: dict[int, int]
    above: dict[int, int]

    def chain_down(self, index: int) -> list[int]:
        out = []
        while index in self.below:
            index = self.below[index]
            out.append(index)
        return out

    def neighbours(self, index: int) -> list[int]:
        return [j for j in (self.above.get(index), self.below.get(index)) if j is not None]


def _under(a: TextLine, b: TextLine) -> float | None:
    """Vertical gap when b is printed under a in the same column, else None."""
    if not (a.box and b.box):
        return None
    ha, hb = a.box.h, b.box.h
    if b.box.cy <= a.box.cy or b.box.y < a.box.y + 0.5 * ha:
        return None
    overlap = min(a.box.x2, b.box.x2) - max(a.box.x, b.box.x)
    if overlap < MIN_OVERLAP * min(a.box.w, b.box.w):
        return None
    gap = b.box.y - a.box.y2
    if gap > MAX_GAP * max(min(ha, hb), 1):
        return None
    return float(gap)


def columns(lines: Sequence[TextLine]) -> Column:
    """Links between lines printed one under the other (mutual nearest)."""
    below: dict[int, int] = {}
    above: dict[int, int] = {}
    if not all(tl.box for tl in lines):
        for a, b in itertools.pairwise(lines):
            below[a.index] = b.index
            above[b.index] = a.index
        return Column(below, above)
    best_below: dict[int, tuple[float, int]] = {}
    best_above: dict[int, tuple[float, int]] = {}
    for a in lines:
        for b in lines:
            if a is b:
                continue
            gap = _under(a, b)
            if gap is None:
                continue
            if a.index not in best_below or gap < best_below[a.index][0]:
                best_below[a.index] = (gap, b.index)
            if b.index not in best_above or gap < best_above[b.index][0]:
                best_above[b.index] = (gap, a.index)
    for i, (_gap, j) in best_below.items():
        if best_above.get(j, (0.0, -1))[1] == i:
            below[i] = j
            above[j] = i
    return Column(below, above)
