"""Where a mention found on an OCR'd page sits on the page image: the boxes of its words,
so a viewer can highlight it.

Boxes are ``(left, top, right, bottom)`` in thousandths of the page image as it was
stored (before OCR turned it upright), so a viewer scales them to whatever size it
draws the page at. Words come from the ``layout`` of the ``text.extracted`` record,
placed in the text as redaction places them (:func:`erfurt.archive.placed_words`). OCR
keeps one box per line it detected, so a mention's box is its line's (one per line when a
name runs over a line break).
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

from erfurt.archive import PageText, WordBox, page_texts, placed_words
from erfurt.entities.model import Box, Found, Mention

__all__ = ["BOX_UNITS", "with_boxes"]

BOX_UNITS = 1000


class _PageWords:
    """The placed words of one OCR page, offsets in the whole text, in text order."""

    def __init__(self, page: PageText) -> None:
        assert page.layout is not None
        self.number = page.number
        self._rotation = int(page.layout.get("rotation") or 0) % 360
        self._width = float(page.layout.get("width") or 0) or 1.0
        self._height = float(page.layout.get("height") or 0) or 1.0
        placed = list(placed_words(page))
        self._starts = [page.start + start for start, _, _ in placed]
        self._ends = [page.start + end for _, end, _ in placed]
        self._boxes = [box for _, _, box in placed]

    def boxes(self, start: int, end: int) -> tuple[Box, ...]:
        """The boxes of the words overlapping characters ``start``-``end``."""
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end)
        return tuple(self._upright(self._boxes[i]) for i in range(first, last))

    def _upright(self, box: WordBox) -> Box:
        """A box of the image OCR read (turned clockwise by the rotation) on the stored
        image, in thousandths of its width and height."""
        left, top, width, height = box
        u0, v0 = left / self._width, top / self._height
        u1, v1 = (left + width) / self._width, (top + height) / self._height
        if self._rotation == 90:
            u0, v0, u1, v1 = v0, 1 - u1, v1, 1 - u0
        elif self._rotation == 180:
            u0, v0, u1, v1 = 1 - u1, 1 - v1, 1 - u0, 1 - v0
        elif self._rotation == 270:
            u0, v0, u1, v1 = 1 - v1, u0, 1 - v0, u1
        return (_units(u0), _units(v0), _units(u1), _units(v1))


def _units(fraction: float) -> int:
    return max(0, min(BOX_UNITS, round(fraction * BOX_UNITS)))


def with_boxes(found: Found, text: str, layout: dict[str, Any]) -> Found:
    """``found`` (read from ``text``) with every mention on a page OCR read carrying the
    boxes of its words (claims' holders too); mentions elsewhere are left as they are."""
    pages = {p.number: _PageWords(p) for p in page_texts(text, layout) if p.layout is not None}
    if not pages:
        return found

    def placed(mention: Mention) -> Mention:
        words = pages.get(mention.page)
        boxes = words.boxes(mention.start, mention.end) if words else ()
        return replace(mention, boxes=boxes) if boxes else mention

    claims = tuple(replace(c, holder=placed(c.holder)) for c in found.claims)
    return replace(found, mentions=tuple(placed(m) for m in found.mentions), claims=claims)
