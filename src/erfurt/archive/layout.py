"""Where an extracted text sits on its pages: the text split at form feeds, and the OCR
words of a page placed in that page's text.

The ``layout`` blob a ``text.extracted`` record cites holds, per page, the size of the
image OCR read, its rotation, and each "word" OCR kept with its box (``[text, left, top,
width, height, confidence]`` in the image's pixels; this project's OCR keeps one per
detected line). Redaction blacks out the boxes under a marked span; entities cite the
boxes under a mention so a viewer can highlight it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["PageText", "WordBox", "page_texts", "placed_words"]

WordBox = tuple[float, float, float, float]
"""left, top, width, height in the layout's units (the OCR'd image's pixels)."""


@dataclass(frozen=True, slots=True)
class PageText:
    """One page of an extracted text: its ``number`` (from 1), the offset of its text in
    the whole text, the text, and its OCR layout (None when OCR kept no words for it)."""

    number: int
    start: int
    text: str
    layout: dict[str, Any] | None


def page_texts(text: str | None, layout: dict[str, Any] | None) -> list[PageText]:
    """The pages of ``text`` (split at form feeds), each with its page of ``layout``."""
    if text is None:
        return []
    pages, start = [], 0
    layouts = layout["pages"] if layout else []
    for number, page_text in enumerate(text.split("\f"), 1):
        page_layout = layouts[number - 1] if number <= len(layouts) else None
        words = page_layout.get("words") if page_layout else None
        pages.append(PageText(number, start, page_text, page_layout if words else None))
        start += len(page_text) + 1
    return pages


def placed_words(info: PageText) -> Iterator[tuple[int, int, WordBox]]:
    """(start, end, box) of each OCR word of the page, offsets in the page's text, found
    in order in the page's text (words not found are skipped)."""
    assert info.layout is not None
    cursor = 0
    for word, left, top, width, height, *_ in info.layout["words"]:
        found = info.text.find(word, cursor) if word else -1
        if found < 0:
            continue
        cursor = found + len(word)
        yield found, cursor, (left, top, width, height)
