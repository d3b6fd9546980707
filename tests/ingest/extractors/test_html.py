from __future__ import annotations

from pathlib import Path

from erfurt.extractors import ExtractOptions, extract_file

ARTICLE = "".join(
    f"<p>第{n}段：香港警察於十月一日在旺角拘捕了多名示威者。目擊者說，警察使用了催淚彈。律師無法見到被拘留者。</p>"
    for n in range(1, 8)
)
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="big5"><title>拘留報告</title></head><body>'
    "<nav><a href='/'>Home</a> | <a href='/about'>About us</a> | <a href='/donate'>Donate</a></nav>"
    f"<article><h1>拘留報告</h1>{ARTICLE}</article>"
    "<footer>Copyright 2024 Example Watch. All rights reserved.</footer></body></html>"
)


def test_html_main_text_in_its_declared_charset(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(PAGE.encode("big5"))
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "html"
    assert "香港警察於十月一日在旺角拘捕了多名示威者" in result.text
    assert "Copyright" not in result.text
    assert "Donate" not in result.text


def test_html_with_bytes_invalid_in_its_charset_is_read_with_a_warning(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(PAGE.encode("big5").replace("律師".encode("big5"), b"\xff\xff", 1))
    result = extract_file(path, path.name, options)
    assert result.ok
    assert "目擊者說" in result.text
    assert any("invalid in declared charset 'big5'" in w for w in result.warnings)
