"""Redacted renderings: every page drawn as an image, marked places filled black.

The published form of a PDF or an image is a new PDF holding one picture per page and
nothing else: no text layer under the black boxes, none of the original's metadata,
fonts, attachments or scripts. A span of text is found on the page through the PDF's
own text layer (pdfium's character boxes) or, for pages OCR read, through the line
boxes kept in the layout of the ``text.extracted`` record. A span that cannot be found
on the page image is refused rather than published: the caller marks a region for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from erfurt.archive import PageText, page_texts, placed_words
from erfurt.errors import InputError
from erfurt.redaction.marks import PAGE_UNITS, Region, Span

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image

# Pillow, like pdfium, is imported when a rendering is made, not by every command that
# imports the views (tests/cli/test_startup.py).

__all__ = [
    "Box",
    "RedactionError",
    "char_boxes",
    "is_pdf",
    "render_redacted",
]

DPI = 120
MAX_PAGES = 500  # every page is held as a picture until the PDF is written (~4 MB each)
_PAD = 2  # pixels around each character or line box: anti-aliased edges show letters
_REEXTRACT = "extract it again (`erfurt reextract --extractor pdf`), then mark the spans again"
Box = tuple[float, float, float, float]


class RedactionError(InputError):
    """A redaction cannot be made safely as marked."""


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF (by its header, as the extractors sniff it)."""
    return data[:1024].lstrip().startswith(b"%PDF")


def render_redacted(
    data: bytes,
    text: str | None,
    layout: dict[str, Any] | None,
    spans: Sequence[Span],
    regions: Sequence[Region],
) -> bytes | None:
    """The redacted rendering of a PDF or an image as a PDF of page images.

    ``text`` and ``layout`` are those of the ``text.extracted`` record the spans refer to.
    Returns None for other files (their published form is the redacted text alone).
    Raises :class:`RedactionError` when a region names a page the file lacks, or a span
    cannot be found on its page.
    """
    from PIL import Image, UnidentifiedImageError

    pages = page_texts(text, layout)
    if is_pdf(data):
        images = list(_pdf_pages(data, pages, spans, regions))
    else:
        try:
            source = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, OSError):
            return None
        except Image.DecompressionBombError as exc:
            raise RedactionError(f"the image is too large to redraw ({exc})", "") from exc
        with source:
            images = list(_image_pages(source, pages, spans, regions))
    for region in regions:
        if region.page > len(images):
            raise RedactionError(
                f"box on page {region.page}: the document has {len(images)} page(s)",
                "give a page number the document has",
            )
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return out.getvalue()


def _local(page: PageText | None, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """The spans' parts on ``page``, as offsets in the page's text."""
    if page is None:
        return []
    end = page.start + len(page.text)
    return [
        (max(s.start, page.start) - page.start, min(s.end, end) - page.start)
        for s in spans
        if s.overlaps(page.start, end)
    ]


def _page_at(pages: list[PageText], number: int) -> PageText | None:
    return pages[number - 1] if number <= len(pages) else None


def _pdf_pages(
    data: bytes, pages: list[PageText], spans: Sequence[Span], regions: Sequence[Region]
) -> Iterator[Image.Image]:
    # Imported here: loading pdfium cost every command (each imports the views) about
    # 25 ms of CPU and 4 MiB, and only a PDF being redacted needs it.
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise RedactionError(f"the PDF cannot be opened to render it ({exc})", _REEXTRACT) from exc
    try:
        if len(document) > MAX_PAGES:
            raise RedactionError(
                f"the PDF has {len(document)} pages; redaction renders at most {MAX_PAGES}",
                "split the document and redact the parts",
            )
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            scale = DPI / 72
            image = page.render(scale=scale).to_pil().convert("RGB")
            info = _page_at(pages, number)
            local = _local(info, spans)
            boxes = (
                [] if info is None or info.layout or not local else _text_layer(page, info, local)
            )
            page.close()
            yield _blacked(image, info, local, boxes, scale, regions, number)
    finally:
        document.close()


def _image_pages(
    source: Image.Image, pages: list[PageText], spans: Sequence[Span], regions: Sequence[Region]
) -> Iterator[Image.Image]:
    from PIL import ImageSequence

    for number, frame in enumerate(ImageSequence.Iterator(source), 1):
        if number > MAX_PAGES:
            raise RedactionError(f"the image has more than {MAX_PAGES} frames", "")
        image = frame.convert("RGB")
        info = _page_at(pages, number)
        yield _blacked(image, info, _local(info, spans), [], 1.0, regions, number)


def _blacked(
    image: Image.Image,
    info: PageText | None,
    local: list[tuple[int, int]],
    text_boxes: list[Box],
    scale: float,
    regions: Sequence[Region],
    number: int,
) -> Image.Image:
    """The page image with its regions, then its spans, filled black."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    width, height = image.size
    for region in regions:
        if region.page == number:
            draw.rectangle(
                (
                    region.x0 * width / PAGE_UNITS,
                    region.y0 * height / PAGE_UNITS,
                    region.x1 * width / PAGE_UNITS,
                    region.y1 * height / PAGE_UNITS,
                ),
                fill="black",
            )
    for left, top, right, bottom in text_boxes:
        draw.rectangle(
            (left * scale - _PAD, top * scale - _PAD, right * scale + _PAD, bottom * scale + _PAD),
            fill="black",
        )
    if info is not None and info.layout is not None and local:
        image = _ocr_blacked(image, info, local)
    elif info is not None and not text_boxes and _has_letters(info.text, local):
        raise RedactionError(
            f"page {number} has no text layer or OCR boxes to find the marked text on",
            "mark the place on the page image with --box",
        )
    return image


def _has_letters(text: str, local: list[tuple[int, int]]) -> bool:
    return any(not text[i].isspace() for start, end in local for i in range(start, end))


def _text_layer(page: pdfium.PdfPage, info: PageText, local: list[tuple[int, int]]) -> list[Box]:
    """Boxes (in points from the page's top left) of the spans' characters on a PDF page."""
    offsets = [i for start, end in local for i in range(start, end)]
    return [box for _, box in char_boxes(page, info, offsets)]


def char_boxes(
    page: pdfium.PdfPage, info: PageText, offsets: Iterable[int]
) -> list[tuple[int, Box]]:
    """(offset, box in points from the page's top left) of each character of the page's
    text at ``offsets`` that is not a space, through the PDF's own text layer.

    Empty when the page has no text layer (the caller decides what that means). Raises
    :class:`RedactionError` when the text layer no longer reads as the extracted text.
    """
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_range()
        if not raw.strip():
            return []
        raw_index = _normalised_to_raw(raw)
        if raw.replace("\r\n", "\n").replace("\r", "\n") != info.text:
            raise RedactionError(
                f"page {info.number}'s text layer no longer reads as the extracted text",
                _REEXTRACT,
            )
        height = page.get_height()
        boxes: list[tuple[int, Box]] = []
        for offset in offsets:
            if info.text[offset].isspace():
                continue
            left, bottom, right, top = textpage.get_charbox(raw_index[offset], loose=True)
            boxes.append((offset, (left, height - top, right, height - bottom)))
        return boxes
    finally:
        textpage.close()


def _normalised_to_raw(raw: str) -> list[int]:
    """For each character of the text with line ends made ``\\n``, its index in ``raw``."""
    index, i = [], 0
    while i < len(raw):
        index.append(i)
        i += 2 if raw.startswith("\r\n", i) else 1
    return index


def _ocr_blacked(image: Image.Image, info: PageText, local: list[tuple[int, int]]) -> Image.Image:
    """Black out the OCR line boxes holding the spans (the image turned as OCR read it)."""
    from PIL import ImageDraw

    assert info.layout is not None
    rotation = int(info.layout.get("rotation") or 0)
    if rotation:
        image = image.rotate(-rotation, expand=True)
    sx = image.width / max(int(info.layout["width"]) or image.width, 1)
    sy = image.height / max(int(info.layout["height"]) or image.height, 1)
    covered = [False] * len(info.text)
    draw = ImageDraw.Draw(image)
    for found, end, (left, top, width, height) in placed_words(info):
        if any(start < end and found < stop for start, stop in local):
            draw.rectangle(
                (
                    left * sx - _PAD,
                    top * sy - _PAD,
                    (left + width) * sx + _PAD,
                    (top + height) * sy + _PAD,
                ),
                fill="black",
            )
            covered[found:end] = [True] * (end - found)
    for start, end in local:
        if not all(covered[i] or info.text[i].isspace() for i in range(start, end)):
            raise RedactionError(
                f"span {info.start + start}:{info.start + end} cannot be placed on page"
                f" {info.number}'s image (OCR kept no box for all of it)",
                "mark the place on the page image with --box as well",
            )
    return image
