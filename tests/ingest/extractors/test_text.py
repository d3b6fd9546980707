from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.extractors import ExtractOptions, extract_file
from erfurt.extractors.text import decode_text

SIMPLIFIED = "国家卫生健康委员会今天发布通报，确认新增病例。王立强说我们在北京看到了这些文件。"
TRADITIONAL = "香港警察於十月一日在旺角拘捕了多名示威者。目擊者說，警察使用了催淚彈。"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "gb18030"),
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-16"),
        ("Plain English with a café.", "latin-1"),
    ],
)
def test_text_files_in_any_encoding(
    tmp_path: Path, options: ExtractOptions, text: str, encoding: str
) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode(encoding))
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "text"
    assert result.text == text


def test_invalid_bytes_in_declared_charset_are_replaced_with_a_warning() -> None:
    text, encoding, warnings = decode_text("国家".encode("gb18030") + b"\xff\xfe", "gb2312")
    assert encoding == "gb18030"
    assert text.startswith("国家") and "\ufffd" in text
    assert "byte 4" in warnings[0] and "gb2312" in warnings[0]


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    text, _, warnings = decode_text(SIMPLIFIED.encode("utf-8"), "x-no-such-charset")
    assert text == SIMPLIFIED
    assert "unknown" in warnings[0]


@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "big5", "gb2312", "bogus"]))
def test_decoding_never_raises(data: bytes, declared: str | None) -> None:
    text, encoding, _ = decode_text(data, declared)
    assert isinstance(text, str) and encoding


@given(st.text(max_size=200))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_text(text.encode("utf-8"))[0] == text
