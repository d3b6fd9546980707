"""The characters of an extracted text that lie under marked regions.

A box blacks out a place on the page image; the text read from that place (a PDF's text
layer, OCR words) must be masked as well, or the masked text, search passages and
dossiers would still publish what the box hides. Each such character becomes a span of
the redaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from erfurt.archive import PageText, page_texts, placed_words
from erfurt.redaction.marks import PAGE_UNITS, Region, Span, merge_spans
from erfurt.redaction.pages import Box, RedactionError, char_boxes, is_pdf

if TYPE_CHECKING:
    import pypdfium2 as pdfium

__all__ = ["spans_under_regions"]


def _under(box: Box, width: float, height: float, regions: Sequence[Region]) -> bool:
    """Whether ``box`` (left, top, right, bottom on a page ``width`` by ``height``) meets
    any region."""
    left, top, right, bottom = (
        box[0] * PAGE_UNITS / width,
        box[1] * PAGE_UNITS / height,
        box[2] * PAGE_UNITS / width,
        box[3] * PAGE_UNITS / height,
    )
    return any(r.x0 < right and left < r.x1 and r.y0 < bottom and top < r.y1 for r in regions)


def _ocr_offsets(info: PageText, regions: Sequence[Region]) -> Iterable[int]:
    assert info.layout is not None
    if int(info.layout.get("rotation") or 0):
        return range(len(info.text))  # boxes of a turned page: the whole page, the safe side
    width, height = float(info.layout["width"] or 1), float(info.layout["height"] or 1)
    return [
        offset
        for start, end, (left, top, w, h) in placed_words(info)
        if _under((left, top, left + w, top + h), width, height, regions)
        for offset in range(start, end)
    ]


def _pdf_offsets(page: pdfium.PdfPage, info: PageText, regions: Sequence[Region]) -> Iterable[int]:
    boxes = char_boxes(page, info, range(len(info.text)))
    if not boxes:
        return range(len(info.text))  # text with no place on the page: the whole page
    width, height = page.get_width(), page.get_height()
    return [offset for offset, box in boxes if _under(box, width, height, regions)]


def spans_under_regions(
    data: bytes, text: str, layout: dict[str, Any] | None, regions: Sequence[Region]
) -> list[Span]:
    """Spans of ``text`` (of the file ``data``, with its OCR ``layout``) read from under
    ``regions``: characters whose box meets a region; all of a page's text when its words
    have no box to check (no text layer nor OCR boxes, a page OCR read turned).

    Raises :class:`RedactionError` when a PDF cannot be opened or its text layer no longer
    reads as the text.
    """
    pages = page_texts(text, layout)
    numbers = sorted({r.page for r in regions if r.page <= len(pages)})
    if not numbers:
        return []
    import pypdfium2 as pdfium  # only when regions are marked (see redaction.pages)

    try:
        document = pdfium.PdfDocument(data) if is_pdf(data) else None
    except pdfium.PdfiumError as exc:
        raise RedactionError(f"the PDF cannot be opened ({exc})", "") from exc
    spans = []
    try:
        for number in numbers:
            info = pages[number - 1]
            boxed = [r for r in regions if r.page == number]
            if info.layout is not None:
                offsets = _ocr_offsets(info, boxed)
            elif document is not None and number <= len(document):
                page = document[number - 1]
                offsets = _pdf_offsets(page, info, boxed)
                page.close()
            else:
                offsets = range(len(info.text))
            spans += [Span(info.start + i, info.start + i + 1) for i in offsets]
    finally:
        if document is not None:
            document.close()
    return merge_spans(spans)
