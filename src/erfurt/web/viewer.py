"""The document page's pages: each page's image, its OCR boxes, and what a search matched.

A PDF's pages and an image's frames are shown as pictures drawn on the server
(:func:`erfurt.ingest.page_image`); where OCR read a page, the boxes of the lines it read
are laid over the picture, and those holding a term of the search that led here are
highlighted, as are the terms in the page's text. A page is drawn only for a caller who
may see its document (:func:`visible_document` first, a hidden one answering 404).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from PIL import Image, ImageDraw

from erfurt.archive import Archive, CollectionRules, PageText, Principal, placed_words
from erfurt.errors import InputError
from erfurt.extractors import drawable, text_layer
from erfurt.ingest import PageImageLimits, page_image, page_layouts
from erfurt.search import match_spans
from erfurt.web.queries import document_page, marked_parts, visible_document

__all__ = ["LIMITS", "PAGE_CACHING", "document_view", "page_png"]

LIMITS = PageImageLimits()
"""How much drawing a page may take (pages per file, pixels, memory, CPU)."""
_MARK = (255, 210, 0, 110)  # the colour of <mark>, seen through
PAGE_CACHING = "no-store"
"""Not kept by the browser either: a volunteer's shared computer must not show the next
user a restricted page (the server keeps the drawn image)."""


def _spans(text: str, query: str) -> tuple[tuple[int, int], ...]:
    if not query.strip():
        return ()
    try:
        return match_spans(text, query)
    except InputError:  # a query that cannot be read marks nothing; the page still shows
        return ()


def _boxes(info: PageText, spans: tuple[tuple[int, int], ...]) -> list[dict[str, Any]]:
    return [
        {
            "left": left,
            "top": top,
            "width": width,
            "height": height,
            "text": info.text[start:end],
            "hit": any(low < end and start < high for low, high in spans),
        }
        for start, end, (left, top, width, height) in placed_words(info)
    ]


def _page(index: int, info: PageText, drawn: bool, query: str) -> dict[str, Any]:
    spans = _spans(info.text, query)
    layout = info.layout or {}
    image = f"/documents/{index}/pages/{info.number}.png"
    if spans and not info.layout:  # terms are marked on the picture by its text layer
        image += "?" + urlencode({"q": query})
    return {
        "number": info.number,
        "parts": marked_parts(info.text, spans),
        "image": image if drawn else None,
        "width": int(layout.get("width") or 0),
        "height": int(layout.get("height") or 0),
        "boxes": _boxes(info, spans) if info.layout else [],
    }


def document_view(
    archive: Archive, rules: CollectionRules, principal: Principal, index: int, query: str = ""
) -> dict[str, Any]:
    """:func:`~erfurt.web.queries.document_page` with ``page_views``: per page its number,
    its text in ``parts`` (``match`` where ``query`` matched), the address of its image
    (None for a file with no pages to draw), the OCR layout's size and its boxes."""
    data = document_page(archive, rules, principal, index)
    drawn = drawable(str(data["media_type"]))
    pages = page_layouts(archive, str(data["blob"]), tuple(data["pages"]))
    if not pages and drawn:  # no text (yet): the picture alone
        pages = [PageText(1, 0, "", None)]
    data["page_views"] = [
        _page(index, info, drawn and info.number <= LIMITS.max_pages, query) for info in pages
    ]
    return data


def page_png(
    archive: Archive,
    rules: CollectionRules,
    principal: Principal,
    index: int,
    number: int,
    query: str = "",
) -> bytes:
    """The PNG of page ``number`` of a document the caller may see (404 otherwise, before
    anything is drawn), the terms of ``query`` filled on it where the page's PDF text
    layer places them. Raises PageImageError for a page that cannot be drawn."""
    record = visible_document(archive, rules, principal, index)
    drawn = page_image(archive, str(record["blob"]), str(record["media_type"]), number, LIMITS)
    with Image.open(drawn) as image:
        layer = text_layer(image)
        spans = _spans(layer[0], query) if layer else ()
        if layer is None or not spans:
            return drawn.read_bytes()
        text, boxes = layer
        marks = Image.new("RGBA", image.size)
        draw = ImageDraw.Draw(marks)
        for start, end in spans:
            for i in range(start, end):
                if not text[i].isspace():
                    draw.rectangle(tuple(boxes[i]), fill=_MARK)
        marked = Image.alpha_composite(image.convert("RGBA"), marks)
    out = io.BytesIO()
    marked.save(out, "PNG")
    return out.getvalue()
