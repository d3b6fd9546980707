"""Where text runs on a page: which way up it is, and the order its lines are read in."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

import cv2
import numpy as np
from numpy.typing import NDArray

from erfurt.extractors.ocr.ppocr import Image, Quad

__all__ = [
    "gutter",
    "half_turned",
    "ink_copy",
    "is_sideways",
    "looks_sideways",
    "reading_order",
    "split_quad",
]

Box = tuple[int, int, int, int]

_TALL = 1.5
_MIN_COLUMN_LINES = 2
_MIN_COLUMN_OVERLAP = 0.5
_MAX_CROSSING = 0.5
_COLUMN_TO_GAP = 3
_PROFILE_SIDE = 400  # pixels of the longer side of the copy whose ink profiles are compared
_PROFILE_STRIPS = 6  # a tilt of 1-2° blurs a profile taken across the whole page
SIDEWAYS_CONTRAST = 1.0
"""How much more the ink varies from column to column than from row to row on a page that
:func:`looks_sideways` (dev half: 1.5-3.9 on pages turned a quarter, 1.1 on Chinese
written in columns, at most 0.64 on the others)."""


def is_sideways(quads: Sequence[Quad]) -> bool:
    """Whether most of the text (by area) runs up or down the page: a page turned by 90°.

    (Vertical Chinese writing looks the same to this test; it is read as turned.)
    """
    tall = wide = 0.0
    for quad in quads:
        width = float(np.linalg.norm(quad[0] - quad[1]))
        height = float(np.linalg.norm(quad[0] - quad[3]))
        if height >= _TALL * width:
            tall += width * height
        elif width >= _TALL * height:
            wide += width * height
    return tall > wide


def looks_sideways(image: Image) -> bool:
    """Whether the lines of ``image`` seem to run up or down the page, from its pixels
    alone (tens of milliseconds, before any detection): lines across the page make the
    ink vary from row to row (lines and the gaps between them), lines down the page from
    column to column. A guess: detection, then :func:`is_sideways`, has the last word."""
    ink, _ = ink_copy(image)
    across = _row_contrast(ink.astype(np.float32))
    down = _row_contrast(ink.T.astype(np.float32))
    return down > SIDEWAYS_CONTRAST * across


def ink_copy(image: Image | NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float]:
    """A small copy of ``image`` (RGB or grey; ``_PROFILE_SIDE`` pixels on its longer
    side): 1 where there is ink (Otsu's threshold), else 0; and its scale."""
    height, width = image.shape[:2]
    scale = _PROFILE_SIDE / max(height, width, 1)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    if small.ndim == 3:
        small = small.min(axis=2)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(ink, dtype=np.uint8), scale


def _row_contrast(ink: NDArray[np.float32]) -> float:
    """How much the share of ink varies from row to row, within vertical strips."""
    strips = np.array_split(ink, _PROFILE_STRIPS, axis=1)
    return float(np.mean([np.std(strip.mean(axis=1)) for strip in strips if strip.size]))


def half_turned(image: Image, quads: list[Quad]) -> tuple[Image, list[Quad]]:
    """``image`` turned by half a turn, and the line outlines found on it (``quads``, each
    clockwise from top left) moved with it: lines across the page need not be found again."""
    height, width = image.shape[:2]
    size = np.array([width, height], dtype=np.float32)
    return np.ascontiguousarray(image[::-1, ::-1]), [(size - q)[[2, 3, 0, 1]] for q in quads]


def reading_order(boxes: Sequence[Box], gap: int | None = None) -> list[list[int]]:
    """The rows to read lines in, given their (left, top, width, height) boxes: top to
    bottom, each row left to right (pieces of one line that a stamp or a gap split); a
    page in columns is read column by column (split at ``gap`` if given, else where
    :func:`gutter` finds one), lines across the columns (a heading) before or after them."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1], boxes[i][0]))
    return _order(order, boxes, gap)


def gutter(boxes: Sequence[Box], among: Sequence[int] | None = None) -> int | None:
    """The middle x of the gap between two columns of lines (of those ``among``), or None.

    Columns: at least two lines wholly on each side, side by side, lines much wider than
    the gap (a form's labels and values are not columns). Lines may cross the gap: the
    detector joins a line to its neighbour across it when both fill their columns.
    """
    indices = list(range(len(boxes)) if among is None else among)
    best: tuple[int, int] | None = None
    for x in sorted({boxes[i][0] + boxes[i][2] for i in indices}):
        left = [i for i in indices if boxes[i][0] + boxes[i][2] <= x]
        right = [i for i in indices if boxes[i][0] > x]
        crossing = len(indices) - len(left) - len(right)
        if crossing > _MAX_CROSSING * len(indices) or not _side_by_side(left, right, boxes):
            continue
        end = min(boxes[i][0] for i in right)
        widths = [boxes[i][2] for i in left], [boxes[i][2] for i in right]
        if min(median(w) for w in widths) >= _COLUMN_TO_GAP * (end - x) and (
            best is None or crossing < best[0]
        ):
            best = (crossing, (x + end) // 2)
    return None if best is None else best[1]


def split_quad(quad: Quad, x: float) -> tuple[Quad, Quad]:
    """``quad`` cut in two along the vertical line at ``x``."""
    top_left, top_right, bottom_right, bottom_left = quad

    def at_x(start: Quad, end: Quad) -> Quad:
        share = (x - start[0]) / max(1e-6, end[0] - start[0])
        return np.asarray(start + (end - start) * min(1.0, max(0.0, share)), dtype=np.float32)

    top, bottom = at_x(top_left, top_right), at_x(bottom_left, bottom_right)
    return (
        np.array([top_left, top, bottom, bottom_left], dtype=np.float32),
        np.array([top, top_right, bottom_right, bottom], dtype=np.float32),
    )


def _order(order: list[int], boxes: Sequence[Box], gap: int | None) -> list[list[int]]:
    x = gutter(boxes, order) if gap is None else gap
    if x is None:
        return _rows(order, boxes)
    across = [i for i in order if _crosses(boxes[i], x)]
    left = [i for i in order if i not in across and boxes[i][0] + boxes[i][2] / 2 < x]
    right = [i for i in order if i not in across and i not in left]
    if not left or not right:
        return _rows(order, boxes)
    first_top = min(boxes[i][1] for i in left + right)
    above = [i for i in across if boxes[i][1] < first_top]
    below = [i for i in across if boxes[i][1] >= first_top]
    return [
        *_rows(above, boxes),
        *_rows(left, boxes),
        *_order(right, boxes, None),
        *_rows(below, boxes),
    ]


def _crosses(box: Box, x: int) -> bool:
    """Whether ``box`` reaches well over ``x`` on both sides (by half its height)."""
    left, _, width, height = box
    return left < x - height / 2 and left + width > x + height / 2


def _rows(order: list[int], boxes: Sequence[Box]) -> list[list[int]]:
    """``order`` (top to bottom) grouped into rows: boxes whose middles are each within
    the other's height (a tall box, a stamp, does not swallow the lines beside it)."""
    rows: list[list[int]] = []
    for index in order:
        if rows and _level(boxes[index], boxes[rows[-1][0]]):
            rows[-1].append(index)
        else:
            rows.append([index])
    return [sorted(row, key=lambda i: boxes[i][0]) for row in rows]


def _level(one: Box, other: Box) -> bool:
    def within(box: Box, middle: float) -> bool:
        return box[1] <= middle <= box[1] + box[3]

    return within(other, one[1] + one[3] / 2) and within(one, other[1] + other[3] / 2)


def _side_by_side(left: list[int], right: list[int], boxes: Sequence[Box]) -> bool:
    if min(len(left), len(right)) < _MIN_COLUMN_LINES:
        return False
    spans = [
        (min(boxes[i][1] for i in side), max(boxes[i][1] + boxes[i][3] for i in side))
        for side in (left, right)
    ]
    overlap = min(spans[0][1], spans[1][1]) - max(spans[0][0], spans[1][0])
    shorter = min(end - start for start, end in spans)
    return overlap >= _MIN_COLUMN_OVERLAP * max(1, shorter)
