from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from erfurt.extractors import ExtractOptions, extract_file
from ingest_samples import (
    EN_LINES,
    HANS_LINES,
    HANT_LINES,
    encrypted_pdf,
    scan_image,
    scanned_pdf,
    text_pdf,
)


def test_born_digital_english_pdf_gives_text_per_page(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = text_pdf(tmp_path / "a.pdf", [EN_LINES, ["Second page about the court."]])
    result = extract_file(path, "a.pdf", options)
    assert result.ok and result.extractor == "pdf"
    assert len(result.pages) == 2
    assert "detained twelve people" in result.pages[0].text
    assert "court" in result.pages[1].text
    assert result.text.count("\f") == 1


def test_chinese_pdfs_embedded_and_cid_fonts(tmp_path: Path, options: ExtractOptions) -> None:
    hans = extract_file(text_pdf(tmp_path / "s.pdf", [HANS_LINES], font="cjk"), "s.pdf", options)
    hant = extract_file(
        text_pdf(tmp_path / "t.pdf", [HANT_LINES], font="cid-hant"), "t.pdf", options
    )
    assert "国家卫生健康委员会" in hans.text
    assert "國家衛生健康委員會" in hant.text


def test_pdf_without_text_layer_is_ocred_per_page(tmp_path: Path, options: ExtractOptions) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf", [scan_image(EN_LINES), scan_image(HANT_LINES)])
    result = extract_file(path, "scan.pdf", options)
    assert result.ok and result.extractor == "pdf+ocr"
    assert "PP-OCRv4" in result.version and "tesseract" in result.version
    assert "detained" in result.pages[0].text
    assert "衛生健康委員會" in result.pages[1].text
    assert (result.pages[0].language, result.pages[1].language) == ("en", "zh-Hant")
    assert result.pages[0].words and result.pages[0].width > 0
    assert all(page.confidence for page in result.pages)


def test_scanned_page_with_a_stamped_page_number_is_ocred(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # a copier's scan whose only text layer is the page number a scanner stamped on it
    path = tmp_path / "numbered.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    page = Image.new("L", (1700, 2404), 255)
    page.paste(scan_image(HANS_LINES), (0, 200))
    sheet.drawImage(ImageReader(page), 0, 0, width=A4[0], height=A4[1])
    sheet.setFont("Helvetica", 9)
    sheet.drawString(280, 20, "- 1 -")
    sheet.save()
    result = extract_file(path, path.name, options)
    assert result.extractor == "pdf+ocr"
    assert "国家卫生健康委员会" in result.text


def test_scan_under_an_unreadable_text_layer_is_ocred(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # a text layer whose fonts map its characters to nothing (U+FFFD) over a scanned page
    path = tmp_path / "bad-layer.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    scan = scan_image(HANS_LINES)
    height = (A4[0] - 72) * scan.height / scan.width
    sheet.drawImage(ImageReader(scan), 36, A4[1] - 36 - height, width=A4[0] - 72, height=height)
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    layer = sheet.beginText(40, 700)
    layer.setTextRenderMode(3)  # invisible, as scanners write their text layers
    layer.setFont("DejaVu", 12)
    for _ in range(6):
        layer.textLine("e\ufffd\ufffd\ufffd\ufffd" * 8)
    sheet.drawText(layer)
    sheet.save()
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "pdf+ocr"
    assert "国家卫生健康委员会" in result.text and "\ufffd" not in result.text


def test_encrypted_pdf_fails_with_how_to_give_the_password(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    result = extract_file(path, "locked.pdf", options)
    assert not result.ok
    assert "encrypted" in result.failure
    assert "--pdf-passwords" in result.hint


def test_encrypted_pdf_opens_with_a_supplied_password(tmp_path: Path) -> None:
    path = encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    result = extract_file(path, "locked.pdf", ExtractOptions(pdf_passwords=("wrong", "s3cret")))
    assert result.ok
    assert "detained twelve people" in result.text


def test_truncated_and_corrupt_pdfs_fail_with_a_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    whole = text_pdf(tmp_path / "whole.pdf", [EN_LINES] * 3).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(whole[:200])
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    for path in (truncated, corrupt):
        result = extract_file(path, path.name, options)
        assert not result.ok, path.name
        assert "not a readable PDF" in result.failure
        assert result.hint
