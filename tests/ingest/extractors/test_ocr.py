from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from erfurt.ingest.extractors import ExtractOptions, extract_file
from ingest_samples import EN_LINES, HANS_LINES, HANT_LINES, image_bytes, scan_image


@pytest.mark.parametrize(
    ("lines", "expected", "pack"),
    [
        (EN_LINES, "detained twelve people", "chi_sim"),
        (HANS_LINES, "国家卫生健康委员会", "chi_sim"),
        (HANT_LINES, "國家衛生健康委員會", "chi_tra"),
    ],
    ids=["english", "simplified", "traditional"],
)
def test_scan_is_read_in_its_own_script(
    tmp_path: Path, options: ExtractOptions, lines: list[str], expected: str, pack: str
) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(image_bytes(scan_image(lines)))
    result = extract_file(path, "scan.png", options)
    assert result.ok and result.extractor == "ocr"
    (page,) = result.pages
    assert expected in page.text
    assert page.language.startswith(pack)
    assert page.words and all(w.width > 0 and w.height > 0 for w in page.words)


def test_rotated_jpeg_scan_is_read(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "sideways.jpg"
    path.write_bytes(image_bytes(scan_image(EN_LINES).rotate(90, expand=True), "JPEG"))
    assert "Witness statement" in extract_file(path, path.name, options).text


def test_image_with_no_text_says_so(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "blank.png"
    path.write_bytes(image_bytes(Image.new("L", (800, 600), 255)))
    result = extract_file(path, path.name, options)
    assert result.ok
    assert result.text == ""
    assert "no text" in " ".join(result.warnings)


def test_broken_image_fails_with_a_reason(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(image_bytes(scan_image(EN_LINES))[:300])
    result = extract_file(path, path.name, options)
    assert not result.ok
    assert "tesseract could not read the image" in result.failure
