"""Outlook .msg files: read as an e-mail is, attachments as children."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from erfurt.errors import IngestError
from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.outlook import DEEPEST, decompressed_rtf
from erfurt.extractors.sniff import OUTLOOK, WORD
from ole_samples import compound_file, outlook_message, word_document


def test_a_message_is_read_with_its_attachments_and_the_message_attached_to_it(
    tmp_path: Path, options: ExtractOptions
) -> None:
    forwarded = outlook_message(
        subject="Fw: 名單",
        html=b"<html><body><p>The list of those held at Mong Kok</p></body></html>",
        attachments=(("名單.txt", "王立强\n李明".encode()),),
        embedded=True,
    )
    message = outlook_message(
        subject="拘留報告",
        body="Officers refused the lawyers.\r\nSee the attachments.",
        sender=("Chan Tai-man", "chan@example.org"),
        to="Lee Ka-ming",
        sent=datetime(2019, 10, 1, 21, 30, tzinfo=UTC),
        attachments=(("report.pdf", b"%PDF-1.4 " + b"x" * 5000), ("note.txt", b"a note")),
        attached_messages=(forwarded,),
    )
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(compound_file(message))
    assert sniff_media_type(path) == OUTLOOK
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "outlook"
    assert result.text.splitlines() == [
        "From: Chan Tai-man <chan@example.org>",
        "To: Lee Ka-ming",
        "Subject: 拘留報告",
        "Date: Tue, 01 Oct 2019 21:30:00 +0000",
        "Attachments: report.pdf, note.txt",
        "",
        "Officers refused the lawyers.",
        "See the attachments.",
        "",
        "--- attached message ---",
        "Subject: Fw: 名單",
        "Attachments: 名單.txt",
        "",
        "The list of those held at Mong Kok",
    ]
    assert [(c.name, len(c.data)) for c in result.children] == [
        ("report.pdf", 5009),
        ("note.txt", 6),
        ("名單.txt", len("王立强\n李明".encode())),
    ]


def test_messages_attached_past_the_bound_are_not_read_but_said(
    tmp_path: Path, options: ExtractOptions
) -> None:
    message = outlook_message(subject="innermost", embedded=True)
    for level in range(DEEPEST + 1, 0, -1):
        message = outlook_message(
            subject=f"level {level}", attached_messages=(message,), embedded=level > 1
        )
    path = tmp_path / "nested.msg"
    path.write_bytes(compound_file(message))
    result = extract_file(path, path.name, options)
    assert result.ok
    assert "Subject: level 1" in result.text and "innermost" not in result.text
    assert result.warnings == (f"a message attached {DEEPEST} levels deep holds another: not read",)


def test_a_word_97_document_is_not_taken_for_a_message(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # A compound file too, without message property streams (see test_word97.py).
    path = tmp_path / "minutes.doc"
    path.write_bytes(word_document([["Minutes of the meeting\r"]]))
    assert sniff_media_type(path) == WORD
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "word97"
    assert result.text == "Minutes of the meeting"


def test_a_broken_compound_file_is_a_failure_with_its_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    whole = compound_file(outlook_message(subject="cut", body="short"))
    path = tmp_path / "cut.msg"
    path.write_bytes(whole[:700])  # the header and a little more
    result = extract_file(path, path.name, options)
    assert not result.ok and result.failure


def test_a_stream_that_claims_more_than_the_file_is_refused(
    tmp_path: Path, options: ExtractOptions
) -> None:
    data = bytearray(compound_file(outlook_message(subject="forged", body="short body")))
    # Its directory entry's size field (the entry's last 8 bytes of 128) made 2 GiB.
    entry = data.index("__substg1.0_1000001F".encode("utf-16-le"))
    data[entry + 120 : entry + 128] = (2**31).to_bytes(8, "little")
    path = tmp_path / "forged.msg"
    path.write_bytes(bytes(data))
    result = extract_file(path, path.name, options)
    assert not result.ok
    assert "claims 2,147,483,648 bytes, more than the whole file" in result.failure


# The example of [MS-OXRTFCP] (section 4.1): a short RTF document, compressed.
SPEC_EXAMPLE = bytes.fromhex(
    "2d0000002b0000004c5a4675f1c5c7a703000a00726370673132354232"
    "0af32068656c0900206277" + "05b06c647d0a800fa0"
)


def test_a_compressed_rtf_body_is_decompressed_as_the_specification_shows() -> None:
    assert decompressed_rtf(SPEC_EXAMPLE) == b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
    # A body stored uncompressed ("MELA"), and one cut short: as far as it goes.
    plain = b"{\\rtf1 plain}"
    stored = len(plain).to_bytes(4, "little") * 2 + b"MELA" + b"\0" * 4 + plain
    assert decompressed_rtf(stored) == plain
    assert decompressed_rtf(SPEC_EXAMPLE[:30]).startswith(b"{\\rtf1\\ansi\\ansicpg1252")
    with pytest.raises(IngestError, match="compressed in an unknown way"):
        decompressed_rtf(b"\0" * 8 + b"ZZZZ" + b"\0" * 8)


def test_a_message_whose_only_body_is_rtf_is_read(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "rtf.msg"
    path.write_bytes(compound_file(outlook_message(subject="RTF only", rtf=SPEC_EXAMPLE)))
    result = extract_file(path, path.name, options)
    assert result.ok
    assert result.text.splitlines()[-1] == "hello world"
