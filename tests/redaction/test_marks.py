"""Marks as written on the command line, masking, and redrawing pages (no OCR needed)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from erfurt.errors import InputError
from erfurt.redaction import (
    MASK,
    RedactionError,
    Region,
    Span,
    mask_text,
    merge_spans,
    parse_region,
    parse_span,
    render_redacted,
    spans_under_regions,
)
from ingest_samples import image_bytes, scan_image, scanned_pdf, text_pdf


def test_spans_and_boxes_are_read_as_written() -> None:
    assert parse_span(" 12:40 ") == Span(12, 40)
    assert parse_region("2:100,200,600,260") == Region(2, 100, 200, 600, 260)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("12-40", "is not START:END"),
        ("40:12", "is empty"),
        ("7:7", "is empty"),
        ("-1:4", "is not START:END"),
    ],
)
def test_a_malformed_span_is_refused_with_what_to_give(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as raised:
        parse_span(text)
    assert raised.value.hint


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0:1,2,3,4", "outside the document"),
        ("1:0,0,1001,10", "outside the document"),
        ("1:500,10,100,20", "is empty"),
        ("1:0.1,0.2,0.5,0.6", "is not PAGE"),
        ("page1", "is not PAGE"),
    ],
)
def test_a_malformed_box_is_refused_with_what_to_give(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as raised:
        parse_region(text)
    assert "thousandths" in raised.value.hint


def test_masking_keeps_length_pages_and_lines() -> None:
    text = "Lam Wai\nsaw 龙小凤\fon page two"
    masked = mask_text(text, [Span(4, 15)])
    assert len(masked) == len(text)
    assert masked == f"Lam {MASK * 3}\n{MASK * 7}\fon page two"
    # a passage cut from the middle is masked at its own offsets
    assert mask_text(text[12:20], [Span(4, 15)], offset=12) == f"{MASK * 3}\fon p"


def _pdf(tmp_path: Path, pages: list[list[str]]) -> tuple[bytes, str]:
    path = text_pdf(tmp_path / "doc.pdf", pages, font="cjk")
    document = pdfium.PdfDocument(path)
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document.close()
    joined = "\f".join(t.replace("\r\n", "\n") for t in texts)
    return path.read_bytes(), joined


def _dark_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    part = image.convert("L").crop(box)
    return sum(part.histogram()[:60]) / (part.width * part.height)


def test_a_pdf_is_redrawn_as_pictures_with_the_marked_text_black(tmp_path: Path) -> None:
    data, text = _pdf(tmp_path, [["Keep this. Hide Quixbell here."], ["Page two 龙小凤."]])
    start = text.index("Quixbell")
    chinese = text.index("龙小凤")
    spans = [Span(start, start + 8), Span(chinese, chinese + 3)]
    redacted = render_redacted(data, text, None, spans, [Region(2, 0, 500, 1000, 1000)])
    assert redacted is not None
    document = pdfium.PdfDocument(redacted)
    assert len(document) == 2
    for page in document:
        assert page.get_textpage().get_text_range() == ""  # no text layer at all
        assert all(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in page.get_objects())
    assert document.get_metadata_dict(skip_empty=True).keys() <= {"CreationDate", "ModDate"}
    first = document[0].render(scale=1).to_pil()
    original = pdfium.PdfDocument(data)
    left, bottom, right, top = original[0].get_textpage().get_charbox(start + 3)
    height = original[0].get_height()
    middle = (int(left), int(height - top), int(right), int(height - bottom))
    assert _dark_share(first, middle) > 0.9  # a letter of "Quixbell" is under black
    bottom_half = document[1].render(scale=1).to_pil()
    assert _dark_share(bottom_half, (0, 430, 590, 830)) > 0.95  # the region


def test_a_box_on_a_page_the_document_lacks_is_refused(tmp_path: Path) -> None:
    data, text = _pdf(tmp_path, [["one page"]])
    with pytest.raises(RedactionError, match="has 1 page"):
        render_redacted(data, text, None, [], [Region(3, 0, 0, 10, 10)])


def test_a_text_layer_that_reads_differently_is_refused(tmp_path: Path) -> None:
    data, _ = _pdf(tmp_path, [["The text layer says this."]])
    with pytest.raises(RedactionError, match="no longer reads") as raised:
        render_redacted(data, "Something else entirely.", None, [Span(0, 9)], [])
    assert "reextract" in raised.value.hint


def test_a_span_ocr_kept_no_box_for_is_refused() -> None:
    """An image whose layout lost a line: its words cannot be placed, so nothing is made."""
    data = image_bytes(scan_image(["Velmorica spoke"], degrade=False))
    text = "Velmorica spoke\nunboxed line"
    layout = {"pages": [{"width": 1700, "height": 320, "rotation": 0,
                         "words": [["Velmorica spoke", 80, 80, 700, 70, 99]]}]}  # fmt: skip
    redacted = render_redacted(data, text, layout, [Span(0, 9)], [])
    assert redacted is not None
    with pytest.raises(RedactionError, match="cannot be placed") as raised:
        render_redacted(data, text, layout, [Span(16, 23)], [])
    assert "--box" in raised.value.hint


def test_an_image_page_blacks_out_the_whole_line_ocr_boxed() -> None:
    data = image_bytes(scan_image(["Velmorica spoke", "kept line"], degrade=False))
    text = "Velmorica spoke\nkept line"
    words = [["Velmorica spoke", 80, 80, 700, 70, 99], ["kept line", 80, 200, 400, 70, 99]]
    layout = {"pages": [{"width": 1700, "height": 440, "rotation": 0, "words": words}]}
    redacted = render_redacted(data, text, json.loads(json.dumps(layout)), [Span(0, 9)], [])
    assert redacted is not None
    page = pdfium.PdfDocument(redacted)[0].render(scale=1).to_pil()
    scale = page.width / 1700
    line = (int(100 * scale), int(90 * scale), int(760 * scale), int(140 * scale))
    assert _dark_share(page, line) > 0.95
    kept = (int(100 * scale), int(210 * scale), int(470 * scale), int(260 * scale))
    assert _dark_share(page, kept) < 0.5


def test_other_files_have_no_page_image() -> None:
    assert render_redacted(b"plain text, not a picture", "plain", None, [Span(0, 5)], []) is None
    assert Image.open(io.BytesIO(image_bytes(scan_image(["x"])))).format == "PNG"


def test_a_span_on_a_page_with_no_text_layer_nor_ocr_boxes_is_refused(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf", [scan_image(["Velmorica spoke"], degrade=False)])
    with pytest.raises(RedactionError, match="no text layer or OCR boxes") as raised:
        render_redacted(path.read_bytes(), "Velmorica spoke", None, [Span(0, 9)], [])
    assert "--box" in raised.value.hint
    # a span of blanks only needs no place on the page
    assert render_redacted(path.read_bytes(), "Velmorica spoke", None, [Span(9, 10)], [])


def test_overlapping_spans_are_kept_as_one() -> None:
    spans = [Span(20, 28), Span(8, 28), Span(40, 42), Span(28, 30)]
    assert merge_spans(spans) == [Span(8, 30), Span(40, 42)]


def test_the_text_under_a_box_on_a_text_layer_is_masked_too(tmp_path: Path) -> None:
    """Issue 16: a box blacked out the page image, while the masked text (and so search
    passages, dossiers and the package's text) still held the words under it."""
    data, text = _pdf(tmp_path, [["Boxed words here.", "Free words below."]])
    spans = spans_under_regions(data, text, None, [Region(1, 0, 0, 1000, 100)])
    masked = mask_text(text, spans)
    assert "Free words below." in masked and "Boxed" not in masked and "here" not in masked


def _ocr_layout(rotation: int) -> dict[str, object]:
    words = [["Boxed", 10, 10, 200, 40, 0.9], ["free", 10, 600, 200, 40, 0.9]]
    return {"pages": [{"width": 1000, "height": 1000, "rotation": rotation, "words": words}]}


@pytest.mark.parametrize(("rotation", "left"), [(0, "\nfree"), (90, "\n")])
def test_the_ocr_words_under_a_box_are_masked_and_all_of_a_turned_page(
    rotation: int, left: str
) -> None:
    text = "Boxed\nfree"
    spans = spans_under_regions(b"", text, _ocr_layout(rotation), [Region(1, 0, 0, 1000, 100)])
    assert mask_text(text, spans).replace(MASK, "") == left
