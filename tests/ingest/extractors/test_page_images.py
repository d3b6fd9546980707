"""Pages drawn for the viewer: bounded in pixels, pages and memory, whatever the file claims."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from erfurt.extractors import (
    DrawingPool,
    PageImageError,
    PageImageLimits,
    render_page_isolated,
    text_layer,
)
from ingest_samples import EN_LINES, image_bytes, scan_image, text_pdf

LIMITS = PageImageLimits(max_pages=3, max_pixels=400_000)


def _drawn(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_a_page_claiming_to_be_huge_is_drawn_within_the_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(14_400, 14_400))  # 200 inches a side
    sheet.drawString(72, 72, "a corner of a very large page")
    sheet.save()
    image = _drawn(render_page_isolated(path, "application/pdf", 1, 0, LIMITS))
    assert 0.9 * LIMITS.max_pixels <= image.width * image.height <= LIMITS.max_pixels
    assert image.width == image.height


def test_pages_past_the_file_or_the_limit_are_refused_with_the_reason(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "five.pdf", [EN_LINES] * 5)
    third = _drawn(render_page_isolated(path, "application/pdf", 3, 0, LIMITS))
    layer = text_layer(third)  # the page's text, each character boxed on the drawing
    assert layer is not None and layer[0] == "\n".join(EN_LINES)
    text, boxes = layer
    assert len(boxes) == len(text)
    left, top, right, bottom = boxes[text.index("police")]
    assert 0 < left < right < third.width and 0 < top < bottom < third.height / 4
    with pytest.raises(PageImageError, match="past the 3 pages drawn"):
        render_page_isolated(path, "application/pdf", 4, 0, LIMITS)
    one = text_pdf(tmp_path / "one.pdf", [EN_LINES])
    with pytest.raises(PageImageError, match=r"there is no page 2 \(the file has 1\)"):
        render_page_isolated(one, "application/pdf", 2, 0, LIMITS)


def test_an_image_is_turned_as_ocr_read_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(image_bytes(scan_image(EN_LINES, degrade=False)))  # 1700 x 560
    upright = _drawn(render_page_isolated(path, "image/png", 1, 0, LIMITS))
    turned = _drawn(render_page_isolated(path, "image/png", 1, 90, LIMITS))
    assert upright.width > upright.height and turned.height > turned.width
    assert upright.width * upright.height <= LIMITS.max_pixels


def _png_of_zeros(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` x ``height`` whose compressed rows take a few KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" * ((width + 1) * height), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_a_file_that_needs_more_memory_than_allowed_stops_its_drawing_process_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_of_zeros(9_000, 9_000))  # 81 megapixels: 243 MB once in RGB
    tight = PageImageLimits(max_pixels=400_000, memory_bytes=160 * 1024 * 1024)
    with pytest.raises(PageImageError, match="could not be drawn within the limits") as caught:
        render_page_isolated(path, "image/png", 1, 0, tight)
    assert "160 MiB" in caught.value.message and caught.value.hint


def test_a_file_that_is_not_what_it_claims_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.7\nnothing else\n")
    with pytest.raises(PageImageError, match="cannot be opened to draw it"):
        render_page_isolated(path, "application/pdf", 1, 0, LIMITS)
    with pytest.raises(PageImageError, match="no pages to draw"):
        render_page_isolated(path, "text/plain", 1, 0, LIMITS)


def test_pages_are_drawn_by_a_waiting_process_and_a_crash_ends_only_its_own(
    tmp_path: Path,
) -> None:
    pdf = text_pdf(tmp_path / "two.pdf", [["first page"], ["second page"]])
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_of_zeros(9_000, 9_000))
    tight = PageImageLimits(max_pixels=400_000, memory_bytes=160 * 1024 * 1024)
    pool = DrawingPool(idle=2)
    try:
        first = _drawn(pool.draw(pdf, "application/pdf", 1, 0, LIMITS))
        second = _drawn(pool.draw(pdf, "application/pdf", 2, 0, LIMITS))
        assert first.size == second.size and pool.started == 1  # the same process, warm
        with pytest.raises(PageImageError, match="no page 3"):  # refused: the process lives on
            pool.draw(pdf, "application/pdf", 3, 0, LIMITS)
        with pytest.raises(PageImageError, match="could not be drawn within the limits"):
            pool.draw(bomb, "image/png", 1, 0, tight)  # its own process, under its own limit
        assert pool.started == 2
        again = pool.draw(bomb, "image/png", 1, 0, LIMITS)  # the waiting one, unharmed
        assert _drawn(again).width * _drawn(again).height <= LIMITS.max_pixels
        assert pool.started == 2
        with pytest.raises(PageImageError, match="within the limits"):
            pool.draw(bomb, "image/png", 1, 0, tight)  # the crashed one was not kept
        assert pool.started == 3
        (_, waiting), *_ = pool._idle  # ended while waiting (the machine's OOM killer, say)
        waiting.process.kill()
        waiting.process.wait()
        assert _drawn(pool.draw(pdf, "application/pdf", 1, 0, LIMITS)).size == first.size
        assert pool.started == 4  # a fresh one drew it, the page was not refused
        assert waiting not in [drawer for _, drawer in pool._idle]
    finally:
        pool.close()
