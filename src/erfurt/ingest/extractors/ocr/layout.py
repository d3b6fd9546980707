"""Where text runs on a page: which way up it is, and the order its lines are read in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from erfurt.ingest.extractors.ocr.ppocr import Quad

__all__ = ["is_sideways", "reading_order"]

Box = tuple[int, int, int, int]

_TALL = 1.5
_MIN_COLUMN_LINES = 3
_MIN_COLUMN_OVERLAP = 0.5


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


def reading_order(boxes: Sequence[Box]) -> list[list[int]]:
    """The rows to read lines in, given their (left, top, width, height) boxes: top to
    bottom, each row left to right (pieces of one line that a stamp or a gap split); a
    page in two or more columns is read column by column."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1], boxes[i][0]))
    return [row for column in _columns(order, boxes) for row in _rows(column, boxes)]


def _rows(order: list[int], boxes: Sequence[Box]) -> list[list[int]]:
    """``order`` (top to bottom) grouped into rows of boxes whose middles are level."""
    rows: list[list[int]] = []
    for index in order:
        _, top, _, height = boxes[index]
        middle = top + height / 2
        if rows:
            _, row_top, _, row_height = boxes[rows[-1][0]]
            if row_top <= middle <= row_top + row_height:
                rows[-1].append(index)
                continue
        rows.append([index])
    return [sorted(row, key=lambda i: boxes[i][0]) for row in rows]


def _columns(order: list[int], boxes: Sequence[Box]) -> list[list[int]]:
    """Split ``order`` at the first vertical gutter no line crosses, if both sides are
    columns (several lines each, side by side), and read each side in turn."""
    by_left = sorted(order, key=lambda i: boxes[i][0])
    reach = -1
    for position, index in enumerate(by_left[:-1]):
        reach = max(reach, boxes[index][0] + boxes[index][2])
        if boxes[by_left[position + 1]][0] <= reach:
            continue
        left = [i for i in order if boxes[i][0] < reach]
        right = [i for i in order if boxes[i][0] >= reach]
        if _side_by_side(left, right, boxes):
            return [left, *_columns(right, boxes)]
    return [order]


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
