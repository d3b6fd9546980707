"""Issue 8 item 12: e-mail and text that used to be dropped, mangled or silently skipped."""

from __future__ import annotations

from pathlib import Path

from input_archive import documents

from erfurt.archive import Archive
from erfurt.extractors import extract_file
from erfurt.ingest import ExtractOptions, add_paths, extract_pending, failures

HEAD = (
    b"From: witness@example.org\r\nTo: desk@example.org\r\nSubject: report\r\n"
    b"Date: Wed, 04 Jun 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
)


def _mail(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "blob"  # as the pipeline hands it over: no name
    path.write_bytes(data)
    return path


def test_a_nul_byte_does_not_make_a_mail_binary(tmp_path: Path) -> None:
    body = b"Content-Type: text/plain\r\n\r\nThe soldiers came at night.\x00\r\n"
    result = extract_file(_mail(tmp_path, HEAD + body), "", ExtractOptions())
    assert result.extractor == "email" and result.ok
    assert "soldiers came at night" in result.text


def test_the_html_body_of_a_mixed_mail_is_kept(tmp_path: Path) -> None:
    data = HEAD + (
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee the attached statement.\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n"
        b"<html><body><p>Statement: the shooting began at ten.</p></body></html>\r\n"
        b"--b--\r\n"
    )
    result = extract_file(_mail(tmp_path, data), "", ExtractOptions())
    assert "See the attached statement." in result.text
    assert "the shooting began at ten" in result.text


def test_an_html_alternative_of_a_plain_body_is_not_doubled(tmp_path: Path) -> None:
    data = HEAD + (
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nOne body.\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<html><body><p>One body.</p></body></html>\r\n"
        b"--b--\r\n"
    )
    result = extract_file(_mail(tmp_path, data), "", ExtractOptions())
    assert result.text.count("One body.") == 1


def test_a_non_text_charset_does_not_fail_the_mail(tmp_path: Path) -> None:
    data = HEAD + b"Content-Type: text/plain; charset=base64\r\n\r\nPlain words.\r\n"
    result = extract_file(_mail(tmp_path, data), "", ExtractOptions())
    assert result.ok and "Plain words." in result.text
    assert any("base64" in w for w in result.warnings)


def test_xhtml_is_indexed_without_its_tags(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0" encoding="big5"?>\n'
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head>'
        b"<body><p>" + "香港警察拘捕了多名示威者".encode("big5") + b"</p></body></html>"
    )
    result = extract_file(_mail(tmp_path, data), "", ExtractOptions())
    assert result.extractor == "html"
    assert "香港警察拘捕了多名示威者" in result.text and "<" not in result.text


def test_a_short_big5_text_is_decoded_right_and_flagged(tmp_path: Path) -> None:
    result = extract_file(_mail(tmp_path, "我們的證據".encode("big5")), "", ExtractOptions())
    assert result.text == "我們的證據"
    assert any("guessed" in w for w in result.warnings)


def test_nothing_is_skipped_silently(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tool.exe").write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 4)
    (folder / "note.txt").write_text("words")
    add_paths(archive, [folder], who="t")
    extract_pending(archive, ExtractOptions(time_limit_s=120), who="t", workers=1)
    with archive.read_views() as db:
        [failure] = failures(db)
    assert failure.name == "tool.exe" and "no extractor reads" in failure.reason
    assert set(documents(archive)) == {"tool.exe", "note.txt"}
