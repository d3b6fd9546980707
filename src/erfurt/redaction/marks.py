"""What a redaction marks: spans of extracted text and regions of page images.

Spans are character offsets in the whole extracted text (pages joined by form feeds);
regions are a page number (from 1) and a box in thousandths of the page's width and
height, measured from its top left corner, so one region means the same place on a
PDF page, a scan or a photo, whatever resolution it is rendered at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from erfurt.errors import InputError

__all__ = [
    "MASK",
    "Region",
    "Span",
    "check_spans",
    "mask_text",
    "merge_spans",
    "parse_region",
    "parse_span",
]

MASK = "\u2588"  # a full block: the masked text keeps its length, so offsets still line up
_KEPT = frozenset("\f\n")  # page and line breaks stay, so pages and lines still line up
PAGE_UNITS = 1000
_SPAN = re.compile(r"(\d+):(\d+)")
_REGION = re.compile(r"(\d+):(\d+),(\d+),(\d+),(\d+)")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Characters ``start`` (included) to ``end`` (excluded) of an extracted text."""

    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any character of ``start``..``end`` falls inside the span."""
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True, order=True)
class Region:
    """A box on page ``page`` (from 1), in thousandths of the page from its top left."""

    page: int
    x0: int
    y0: int
    x1: int
    y1: int

    def to_json(self) -> list[int]:
        """``[page, x0, y0, x1, y1]``, as the record stores it."""
        return [self.page, self.x0, self.y0, self.x1, self.y1]


def parse_span(text: str) -> Span:
    """A span written ``START:END``; raises :class:`InputError` if malformed or empty."""
    found = _SPAN.fullmatch(text.strip())
    if not found:
        raise InputError(
            f"span {text!r} is not START:END",
            "give character offsets of the extracted text, e.g. 120:135 (see `erfurt show`)",
        )
    span = Span(int(found[1]), int(found[2]))
    if span.end <= span.start:
        raise InputError(f"span {text!r} is empty", "END must be greater than START")
    return span


def parse_region(text: str) -> Region:
    """A region written ``PAGE:x0,y0,x1,y1`` in thousandths of the page.

    Raises :class:`InputError` if malformed, empty, outside the page or on page 0.
    """
    found = _REGION.fullmatch(text.strip())
    hint = (
        "give the page (from 1) and the box's corners in thousandths of the page's width"
        " and height from its top left, e.g. 2:100,200,600,260"
    )
    if not found:
        raise InputError(f"box {text!r} is not PAGE:x0,y0,x1,y1", hint)
    region = Region(*(int(found[i]) for i in range(1, 6)))
    if region.page < 1 or max(region.x1, region.y1) > PAGE_UNITS:
        raise InputError(f"box {text!r} is outside the document's pages", hint)
    if region.x1 <= region.x0 or region.y1 <= region.y0:
        raise InputError(f"box {text!r} is empty", hint)
    return region


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """``spans`` in order, those that overlap or touch joined into one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def check_spans(spans: Iterable[Span], length: int) -> None:
    """Raise :class:`InputError` for a span that ends past a text of ``length`` characters."""
    for span in spans:
        if span.end > length:
            raise InputError(
                f"span {span.start}:{span.end} ends past the text ({length} characters)",
                "take them from `erfurt search --json` (a fragment's start and end) or count"
                " them in the text `erfurt show` prints, pages joined by a form feed",
            )


def mask_text(text: str, spans: Sequence[Span], offset: int = 0) -> str:
    """``text`` (which starts at character ``offset`` of the whole) with ``spans`` masked.

    Every character inside a span becomes :data:`MASK` except page and line breaks, so
    the result has the same length and the same pages and lines as ``text``.
    """
    chars = list(text)
    for span in spans:
        for i in range(max(span.start - offset, 0), min(span.end - offset, len(chars))):
            if chars[i] not in _KEPT:
                chars[i] = MASK
    return "".join(chars)
