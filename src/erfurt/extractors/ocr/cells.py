"""A column of Chinese characters, read as a page turned a quarter, laid out as a line
written across: each character cut into its own cell and turned upright.

On a page written in columns, the pipeline turns the page a quarter so that each column
becomes a line, and PP-OCR reads its characters lying on their side. Tesseract cannot:
it needs them upright. The characters of a column sit at a regular pitch (found from the
line's ink profile), so the line is cut at the emptiest pixel column near each pitch step,
each cell turned back, and the cells laid side by side with a gap between them.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

__all__ = ["upright_cells"]

_INK_BELOW_PAPER = 48  # a pixel this much darker than the paper is ink
_PITCH_RANGE = (0.55, 1.3)  # character pitch, in line heights
_CUT_WINDOW = (0.7, 1.3)  # where the next cut may fall, in pitches from the last
_GAP = 6  # a cell's side over the gap laid between two cells

Gray = NDArray[np.uint8]


def upright_cells(line: NDArray[np.uint8], quarter_turns: int) -> Gray:
    """The characters of ``line`` (an RGB crop of a column lying on its side), each turned
    by ``quarter_turns`` quarters counterclockwise and laid left to right in square cells
    as high as the line: a line of upright characters, in grey. A line with no ink is
    returned as it is, in grey."""
    gray = line.min(axis=2)
    ink = (np.median(gray) - gray.astype(np.int16) > _INK_BELOW_PAPER).sum(axis=0)
    side = gray.shape[0]
    edges = _cuts(ink, _pitch(ink, side))
    if len(edges) < 2:
        return np.ascontiguousarray(gray)
    cells = [np.rot90(gray[:, start:end], k=quarter_turns) for start, end in pairwise(edges)]
    side = max(side, *(max(cell.shape) for cell in cells))
    gap = max(1, side // _GAP)
    out = np.full((side, gap + len(cells) * (side + gap)), 255, dtype=np.uint8)
    for number, cell in enumerate(cells):
        top = (side - cell.shape[0]) // 2
        left = gap + number * (side + gap) + (side - cell.shape[1]) // 2
        out[top : top + cell.shape[0], left : left + cell.shape[1]] = cell
    return out


def _pitch(ink: NDArray[np.int64], height: int) -> int:
    """The distance between characters along the line: the shift, between
    ``_PITCH_RANGE`` line heights, at which the ink profile best matches itself."""
    profile = ink - ink.mean()
    low = max(1, int(_PITCH_RANGE[0] * height))
    high = min(len(profile) - 1, int(_PITCH_RANGE[1] * height))
    if high < low:
        return height
    scores = [
        float(profile[:-lag] @ profile[lag:]) / (len(profile) - lag) for lag in range(low, high + 1)
    ]
    return low + int(np.argmax(scores))


def _cuts(ink: NDArray[np.int64], pitch: int) -> list[int]:
    """Where to cut the line between characters: from just before the first ink, each next
    cut at the emptiest pixel column (nearest the expected place among equals) within
    ``_CUT_WINDOW`` pitches of the last, until the last ink."""
    inked = np.flatnonzero(ink)
    if not len(inked):
        return []
    end = int(inked[-1]) + 1
    cuts = [max(0, int(inked[0]) - 1)]
    while cuts[-1] + _CUT_WINDOW[0] * pitch < end:
        low = int(cuts[-1] + _CUT_WINDOW[0] * pitch)
        high = min(len(ink), int(cuts[-1] + _CUT_WINDOW[1] * pitch))
        expected = cuts[-1] + pitch
        cuts.append(min(range(low, high), key=lambda x: (int(ink[x]), abs(x - expected))))
    if cuts[-1] < end:
        cuts.append(min(len(ink), end + 1))
    return cuts
