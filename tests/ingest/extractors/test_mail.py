from __future__ import annotations

import email.headerregistry
from pathlib import Path

import pytest

from erfurt.extractors import ExtractOptions, extract_file
from ingest_samples import EN_LINES, email_with_attachment, text_pdf


def test_email_headers_bodies_and_attachment(tmp_path: Path, options: ExtractOptions) -> None:
    attachment = text_pdf(tmp_path / "a.pdf", [EN_LINES]).read_bytes()
    path = email_with_attachment(tmp_path / "m.eml", attachment)
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "email"
    assert "From: 张三 <zhang@example.org>" in result.text
    assert "Subject: 拘留报告 detention report" in result.text
    assert "王立强说我们在北京看到了这些文件" in result.text  # the GB18030 plain body
    (child,) = result.children
    assert child.name == "證據.pdf"
    assert child.data == attachment


def test_email_with_invalid_bytes_in_its_charset(tmp_path: Path, options: ExtractOptions) -> None:
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: test\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "国家".encode("gb2312") + b"\xff\xfe ok\r\n"
    )
    path = tmp_path / "bad.eml"
    path.write_bytes(raw)
    result = extract_file(path, path.name, options)
    assert result.ok
    assert "国家" in result.text
    assert any("invalid in declared charset 'gb2312'" in w for w in result.warnings)


def test_a_header_too_long_to_parse_is_shown_with_its_words_decoded(
    tmp_path: Path, options: ExtractOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python parses address headers in time quadratic in their length (16,000 addresses:
    # 2.7 s; 64,000: a minute): a long one is decoded word by word, never parsed.
    parse = email.headerregistry.AddressHeader.parse

    def parse_short(cls: type, value: str, kwds: dict[str, object]) -> None:
        assert len(value) < 10_000, "a long header went through the address parser"
        parse(value, kwds)

    monkeypatch.setattr(email.headerregistry.AddressHeader, "parse", classmethod(parse_short))
    recipients = ",\r\n ".join(f"staff{n}@example.org" for n in range(5_000))
    subject = " ".join(["=?utf-8?b?5ouY55WZ?="] * 1_000)  # 拘留, encoded a thousand times
    path = tmp_path / "all-staff.eml"
    path.write_bytes(
        f"From: =?utf-8?b?5byg5LiJ?= <zhang@example.org>\r\nTo: {recipients}\r\n"
        f"Subject: {subject}\r\n\r\nThe order is attached.\r\n".encode()
    )
    result = extract_file(path, path.name, options)
    assert result.ok
    to = next(line for line in result.text.splitlines() if line.startswith("To: "))
    assert to.startswith("To: staff0@example.org, staff1@example.org")
    assert to.endswith("staff4999@example.org")
    assert "Subject: " + "拘留" * 1_000 in result.text  # spaces between encoded words drop
    assert "The order is attached." in result.text


def test_a_short_header_is_still_parsed_as_its_kind(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(
        b"From: =?utf-8?b?5byg5LiJ?= <zhang@example.org>\r\nTo: b@example.org\r\n"
        b"Subject: hi\r\n\r\nbody\r\n"
    )
    assert "From: 张三 <zhang@example.org>" in extract_file(path, path.name, options).text
