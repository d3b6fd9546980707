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


def test_a_part_whose_parameters_run_for_megabytes_is_read_by_its_first_ones(
    tmp_path: Path, options: ExtractOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parameters of Content-Type and Content-Disposition are parsed in time that grows
    # faster than their length (a 470 KB Content-Type of RFC 2231 parts took 22 s), and
    # the parser reads them for every part: a mail of a few such headers held a worker
    # up to its time limit. Only their first 8,192 characters are parsed now.
    parse = email.headerregistry.ParameterizedMIMEHeader.parse.__func__  # type: ignore[attr-defined]

    def parse_short(cls: type, value: str, kwds: dict[str, object]) -> None:
        assert len(value) < 10_000, "a long header went through the parameter parser"
        parse(cls, value, kwds)  # as the header's own class (Content-Type, -Disposition)

    monkeypatch.setattr(
        email.headerregistry.ParameterizedMIMEHeader, "parse", classmethod(parse_short)
    )
    names = "".join(f";\r\n name*{n}*=utf-8''%E6%8B%98{n}" for n in range(20_000))
    disposition = "".join(f"; p{n}=v" for n in range(20_000))
    path = tmp_path / "hostile.eml"
    path.write_bytes(
        b"From: a@example.org\r\nSubject: orders\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=gb2312" + names.encode() + b"\r\n\r\n"
        + "拘留名单".encode("gb2312") + b"\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Disposition: inline" + disposition.encode() + b"\r\n\r\n"
        + "第二部分".encode() + b"\r\n--XX--\r\n"
    )  # fmt: skip
    result = extract_file(path, path.name, options)
    assert result.ok, result.failure
    assert "第二部分" in result.text  # the other parts are read as before
    # The first part's name is what its first parameters spell: 拘0拘1... up to the cut.
    (child,) = result.children
    assert child.name.startswith("拘0拘1拘2") and child.data == "拘留名单".encode("gb2312")
    assert len(child.name) < 8_192
    long_headers = [w for w in result.warnings if "header is" in w]
    assert len(long_headers) == 2
    assert "part 1: its Content-Type header is" in long_headers[0]
    assert "only its first 8,192 were read" in long_headers[0]
    assert "part 2: its Content-Disposition header is" in long_headers[1]


def test_a_short_header_is_still_parsed_as_its_kind(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(
        b"From: =?utf-8?b?5byg5LiJ?= <zhang@example.org>\r\nTo: b@example.org\r\n"
        b"Subject: hi\r\n\r\nbody\r\n"
    )
    assert "From: 张三 <zhang@example.org>" in extract_file(path, path.name, options).text


def _nested(levels: int) -> bytes:
    """A message whose text is ``levels`` multipart/mixed parts deep."""
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n' for n in range(levels)
    )
    closing = "".join(f"\n--b{n}--\n" for n in reversed(range(levels)))
    return (
        "From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n"
        f"{opening}Content-Type: text/plain\n\nthe innermost text\n{closing}"
    ).encode()


def test_a_message_nested_hundreds_deep_is_read_to_its_innermost_text(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(_nested(300))
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "email"
    assert "the innermost text" in result.text


def test_a_message_nested_past_what_the_parser_follows_fails_with_a_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "blob"
    path.write_bytes(_nested(3000))
    result = extract_file(path, "", options)
    assert not result.ok and result.extractor == "email"
    assert "nested inside each other deeper than" in result.failure
    assert "open it in a mail program" in result.hint
