from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from erfurt.extractors import ExtractOptions, extract_file, media_type_of_bytes, sniff_media_type
from ingest_samples import EN_LINES, docx_file, image_bytes, scan_image, text_pdf, xlsx_file


def test_media_type_comes_from_content_not_name(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "x.txt", [EN_LINES])
    png = tmp_path / "x.pdf"
    png.write_bytes(image_bytes(scan_image(EN_LINES, degrade=False)))
    html = tmp_path / "x.eml"
    html.write_bytes(b"\xef\xbb\xbf  <!DOCTYPE html><html><body>hi</body></html>")
    mail = tmp_path / "x.html"
    mail.write_bytes(b"Received: by x\nFrom: a@b\nSubject: s\n\nbody")
    assert sniff_media_type(pdf) == "application/pdf"
    assert sniff_media_type(png) == "image/png"
    assert sniff_media_type(html) == "text/html"
    assert sniff_media_type(mail) == "message/rfc822"
    assert sniff_media_type(docx_file(tmp_path / "d.zip")).endswith("wordprocessingml.document")
    assert sniff_media_type(xlsx_file(tmp_path / "s.bin")).endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"<!-- saved page -->\n<html><body>x", "text/html"),
        (b'  <?xml version="1.0"?>\n<!DOCTYPE html>', "text/html"),
        (b"\xef\xbb\xbf<!-- a --><!-- b -->  <TITLE>x</TITLE>", "text/html"),
        (b"<head><meta charset=utf-8>", "text/html"),
        (b"<!-- a comment never closed <html>", "text/plain"),
        (b"<htmlx> is not a tag we know", "text/plain"),
        (b"<p>a fragment</p>", "text/plain"),
    ],
)
def test_html_is_told_by_its_opening(head: bytes, media_type: str) -> None:
    assert media_type_of_bytes(head) == media_type


def test_a_file_of_many_comments_is_sniffed_at_once(tmp_path: Path) -> None:
    # One pattern for "comments, then a tag" backtracked exponentially: 22 empty comments
    # took a second, so this file would have held `erfurt add` for ever. Sniffed in a
    # process of its own, so that a regression fails (after a generous wait) instead of
    # hanging the suite.
    blob = tmp_path / "blob"  # as the pipeline hands it: no name
    blob.write_bytes(b"<!---->" * 1100 + b"x")
    sniff = (
        "import pathlib, sys\n"
        "from erfurt.extractors import sniff_media_type\n"
        "print(sniff_media_type(pathlib.Path(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", sniff, str(blob)],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "text/plain"


def test_file_claiming_another_type_is_read_as_what_it_is(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(image_bytes(scan_image(EN_LINES)))
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "ocr"
    assert "detained twelve people" in result.text
    assert "named as application/pdf but its content is image/png" in result.warnings[0]


def test_empty_file_has_no_text_and_says_why(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    result = extract_file(path, path.name, options)
    assert result.ok and result.text == ""
    assert result.warnings == ("empty file (0 bytes)",)


def test_file_over_the_size_limit_is_not_extracted(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "big.pdf", [EN_LINES] * 5)
    result = extract_file(path, path.name, ExtractOptions(max_file_bytes=100))
    assert not result.ok
    assert "larger than the limit of 100 bytes" in result.failure
    assert "--retry-failed" in result.hint


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x00\x01binary\x00"])
def test_unknown_binary_is_a_listed_failure_not_a_silent_skip(
    tmp_path: Path, options: ExtractOptions, data: bytes
) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    result = extract_file(path, path.name, options)
    assert not result.ok and result.extractor == "none" and result.text == ""
    assert "no extractor reads application/octet-stream" in result.failure
    assert result.hint
