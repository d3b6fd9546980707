"""A page of a PDF or an image file drawn as a PNG, for people to look at, within limits.

A viewer shows originals nobody vetted, so a page is drawn in a child process of its
own (:func:`erfurt.extractors.drawers.render_page_isolated`) under an address-space
and a CPU-time limit: a PDF whose page holds an enormous picture, or whose drawing never
ends, stops that process with a clear error and leaves the server alone. Pages are drawn at most
``max_pixels`` pixels whatever size the file claims, and only the first ``max_pages``
pages of a file are drawn at all.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from erfurt.errors import InputError

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported when a page is drawn, not by every command (tests/cli/test_startup.py).

__all__ = [
    "PageImageError",
    "PageImageLimits",
    "drawable",
    "render_page",
    "text_layer",
]

_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/tiff", "image/bmp", "image/webp")
_POINTS_PER_INCH = 72
MAX_LAYER_CHARS = 20_000
"""A PDF page's text layer is kept with its drawing (for marking terms) up to this long."""
TEXT_LAYER = "erfurt-text-layer"


class PageImageError(InputError):
    """A page that cannot be drawn: missing, past the limits, or a file that will not draw."""


@dataclass(frozen=True, slots=True)
class PageImageLimits:
    """How much drawing one page may take: the pages of a file that are drawn, pixels
    per page, the child process's address space and CPU seconds, and the resolution a
    page is drawn at when that fits in ``max_pixels``."""

    max_pages: int = 1_000
    max_pixels: int = 3_000_000
    memory_bytes: int = 1024 * 1024 * 1024
    cpu_seconds: int = 60
    dpi: int = 110


def drawable(media_type: str) -> bool:
    """Whether files of ``media_type`` have pages this module can draw."""
    return media_type == "application/pdf" or media_type in _IMAGES


def _fit(width: float, height: float, scale: float, max_pixels: int) -> float:
    """``scale``, lowered so that the drawn page (sides rounded up) has at most
    ``max_pixels`` pixels."""
    area = max(width * height * scale * scale, 1.0)
    if area > max_pixels:
        scale *= (max_pixels / area) ** 0.5
    while math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:
        scale *= 0.99
    return scale


def _pdf_page(data: bytes, number: int, limits: PageImageLimits) -> tuple[Image.Image, str]:
    """The page drawn, and its text layer with each character's box on the drawing
    (JSON, '' when it has none)."""
    import pypdfium2 as pdfium  # loaded where pages are drawn: the child process

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PageImageError(f"the PDF cannot be opened to draw it ({exc})", "") from exc
    try:
        _check_number(number, len(document), limits)
        page = document[number - 1]
        width, height = page.get_size()
        scale = _fit(width, height, limits.dpi / _POINTS_PER_INCH, limits.max_pixels)
        image: Image.Image = page.render(scale=scale).to_pil()
        textpage = page.get_textpage()
        raw = textpage.get_text_range()
        layer = ""
        if raw.strip() and len(raw) <= MAX_LAYER_CHARS:
            kept = [i for i in range(len(raw)) if not raw.startswith("\r\n", i)]
            boxes = []
            for i in kept:  # pdfium's boxes: left, bottom, right, top in points
                left, bottom, right, top = textpage.get_charbox(i, loose=True)
                boxes.append(
                    [round(v * scale) for v in (left, height - top, right, height - bottom)]
                )
            text = "".join("\n" if raw[i] == "\r" else raw[i] for i in kept)
            layer = json.dumps({"text": text, "boxes": boxes}, ensure_ascii=False)
        textpage.close()
        page.close()
        return image, layer
    finally:
        document.close()


def _image_page(data: bytes, number: int, limits: PageImageLimits) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    try:
        source = Image.open(io.BytesIO(data))
        _check_number(number, getattr(source, "n_frames", 1), limits)
        source.seek(number - 1)
        scale = _fit(source.width, source.height, 1.0, limits.max_pixels)
        # draft() lets a JPEG decoder skip detail it would throw away.
        source.draft("RGB", (int(source.width * scale), int(source.height * scale)))
        frame = source.convert("RGB")
        if frame.width * frame.height > limits.max_pixels:
            scale = _fit(frame.width, frame.height, 1.0, limits.max_pixels)
            size = (max(int(frame.width * scale), 1), max(int(frame.height * scale), 1))
            frame = frame.resize(size)
        return frame
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PageImageError(f"the image cannot be decoded ({exc})", "") from exc


def _check_number(number: int, count: int, limits: PageImageLimits) -> None:
    if number > limits.max_pages:
        raise PageImageError(
            f"page {number} is past the {limits.max_pages:,} pages drawn of a file",
            "download the original to see it",
        )
    if not 1 <= number <= count:
        raise PageImageError(f"there is no page {number} (the file has {count})", "")


def render_page(
    data: bytes, media_type: str, number: int, rotation: int, limits: PageImageLimits
) -> bytes:
    """Page ``number`` (from 1) of a PDF or an image file as PNG bytes, turned
    ``rotation`` degrees clockwise; an upright PDF page carries its text layer (see
    :func:`text_layer`). Raises :class:`PageImageError` for a missing page, a
    page past ``limits.max_pages`` or a file that cannot be drawn. Runs the parsers in
    this process: use :func:`render_page_isolated` for files nobody vetted."""
    layer = ""
    if media_type == "application/pdf":
        image, layer = _pdf_page(data, number, limits)
    elif media_type in _IMAGES:
        image = _image_page(data, number, limits)
    else:
        raise PageImageError(f"a {media_type} file has no pages to draw", "")
    if rotation % 360:
        image, layer = image.rotate(-rotation, expand=True), ""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if layer:
        info.add_itxt(TEXT_LAYER, layer, zip=True)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def text_layer(png: Image.Image) -> tuple[str, list[list[int]]] | None:
    """The text layer a drawn PDF page carries: its text (line ends as ``\\n``, as the
    PDF extractor reads it) and each character's box (left, top, right, bottom) in the
    drawing's pixels; None for a page without one."""
    found = getattr(png, "text", {}).get(TEXT_LAYER)
    if not found:
        return None
    layer = json.loads(found)
    return str(layer["text"]), list(layer["boxes"])
