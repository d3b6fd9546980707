from __future__ import annotations

from pathlib import Path

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
