"""Office 97-2003 files, compound files all: Word documents (.doc), the text of every
story as the piece table lays it out; Excel workbooks (.xls), a page per sheet as for
xlsx; PowerPoint presentations (.ppt), a page per slide with its notes, as the last save
left them. Encrypted, older and damaged files fail with a reason, and no file made to
lie can make a reader allocate more than the file holds or loop."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from datetime import date
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner

from erfurt.archive import Archive
from erfurt.cli.main import cli
from erfurt.errors import IngestError
from erfurt.extractors import Extraction, ExtractOptions, extract_file
from erfurt.extractors.powerpoint97 import presentation_pages
from erfurt.extractors.sniff import (
    COMPOUND,
    EXCEL,
    POWERPOINT,
    WORD,
    media_type_of_bytes,
    sniff_media_type,
)
from ole_samples import (
    CellError,
    Slide,
    compound_file,
    excel_workbook,
    powerpoint_presentation,
    word_document,
)

MINUTES = [
    [
        "Minutes of the meeting\r",
        "警察在車站拘留了三名證人，𠀋村\r",  # UTF-16 (one character of it in two units)
        "Name\x07Unit\x07\x07Li Wei\x07Station 4\x07\x07",  # a table of two rows
        'See \x13 HYPERLINK "http://example.org/x" \x14the report\x15 of 3 May.\r',
        "Caf\xe9 owner\x1ewitness\x1f.\x01\r",  # a non-breaking hyphen, optional one, picture
    ],
    ["A footnote: the second warrant.\r"],
]


def test_each_kind_is_told_by_the_stream_at_its_root_from_the_bytes_or_the_file(
    tmp_path: Path,
) -> None:
    """The media type a document is logged with (and searched by), from the content, as
    the writer judges the bytes it holds and a worker the stored blob."""
    kinds = {
        WORD: word_document(MINUTES),
        EXCEL: excel_workbook(DETAINEES),
        POWERPOINT: powerpoint_presentation(BRIEFING),
        COMPOUND: compound_file({"Contents": b"\0" * 600}),  # a kind no reader knows
    }
    for kind, data in kinds.items():
        path = tmp_path / kind.replace("/", "-")
        path.write_bytes(data)
        assert sniff_media_type(path) == media_type_of_bytes(data) == kind
    broken = word_document(MINUTES)[:1024]  # its header, and the start of what it holds
    (tmp_path / "broken").write_bytes(broken)
    assert sniff_media_type(tmp_path / "broken") == media_type_of_bytes(broken) == COMPOUND


def test_a_short_blob_is_never_taken_for_the_name_of_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """olefile opens bytes shorter than a sector as a file name: the type guess hands it
    a stream, so a blob that spells the name of a file here is judged by its own bytes."""
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Q" * 40  # the magic, then nothing
    monkeypatch.chdir(tmp_path)
    Path(os.fsdecode(blob)).write_bytes(word_document(MINUTES))  # a Word file of that name
    assert media_type_of_bytes(blob) == COMPOUND


def test_the_text_of_every_story_is_read_with_words_marks_as_plain_text(
    tmp_path: Path, options: ExtractOptions
) -> None:
    result = _extract_file_of(tmp_path, word_document(MINUTES), options)
    assert result.ok, result.failure
    assert (result.extractor, result.media_type) == ("word97", "application/msword")
    assert result.text.split("\n") == [
        "Minutes of the meeting",
        "警察在車站拘留了三名證人，𠀋村",
        "Name\tUnit",
        "Li Wei\tStation 4",
        "See the report of 3 May.",  # the field's result, not its instructions
        "Café owner-witness.",
        "A footnote: the second warrant.",
    ]


def test_a_field_inside_a_field_and_a_field_with_no_result(
    tmp_path: Path, options: ExtractOptions
) -> None:
    nested = "Filed \x13 IF \x13 DATE \x14 3 May\x15 \x14on 3 May\x15 and\x13 TOC \x15 kept.\r"
    result = _extract_file_of(tmp_path, word_document([[nested]]), options)
    assert result.text == "Filed on 3 May and kept."


def test_a_story_miscounted_short_reads_what_the_counts_say(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # ccpText says 8 characters: the pieces beyond are not text of any story.
    data = _with_fib(word_document([["counted\r", "beyond the counts\r"]]), 0x4C, 8)
    assert _extract_file_of(tmp_path, data, options).text == "counted"


def test_a_word_95_document_is_refused_with_what_to_do(
    tmp_path: Path, options: ExtractOptions
) -> None:
    result = _extract_file_of(tmp_path, word_document(MINUTES, version=0x0065), options)
    assert not result.ok and "Word 6 or Word 95" in result.failure
    assert "save it as docx" in result.hint


@pytest.mark.parametrize(
    ("pieces", "reason"),
    [
        # Ten pieces of 100 million characters each, all stored at the same place.
        ([(n * 10**8, 0x40000400) for n in range(11)], "more text than the file"),
        ([(0, 0x40000400), (10, 0x40000400), (5, 0)], "out of order"),
        ([(0, 0x7FFFFFF0), (10, 0)], "outside the WordDocument stream"),
    ],
    ids=["overlapping-pieces", "out-of-order", "outside-the-stream"],
)
def test_a_piece_table_made_to_lie_fails_with_a_reason(
    tmp_path: Path, options: ExtractOptions, pieces: list[tuple[int, int]], reason: str
) -> None:
    story = [["x" * 2000]]
    data = word_document(story, pieces=pieces)
    if reason == "more text than the file":  # the counts claim it all, as a forger would
        data = _with_fib(data, 0x4C, 10**9)
    result = _extract_file_of(tmp_path, data, options)
    assert not result.ok
    assert "a damaged Word 97-2003 document" in result.failure and reason in result.failure


def test_a_piece_table_said_to_lie_beyond_its_stream_fails_with_a_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    data = _with_fib(word_document(MINUTES), 0x01A6, 10**6)  # lcbClx
    result = _extract_file_of(tmp_path, data, options)
    assert "its piece table lies outside the table stream" in result.failure


def test_a_missing_table_stream_or_a_stream_that_is_no_fib_fails_with_a_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    whole = word_document(MINUTES)
    no_table = compound_file({"WordDocument": _stream_of(whole), "0Table": b"\0" * 64})
    result = _extract_file_of(tmp_path, no_table, options)
    assert "its table stream 1Table is missing" in result.failure
    zeros = compound_file({"WordDocument": b"\0" * 600, "1Table": b"\0" * 100})
    result = _extract_file_of(tmp_path, zeros, options)
    assert "does not start as Word's does" in result.failure


BRIEFING = [
    Slide(
        placeholders=["Briefing on the arrests", "警察在車站拘留了三名證人"],
        shapes=["Held: 3\rReleased: 1"],  # two paragraphs
        notes=["Say nothing of the second warrant"],
    ),
    Slide(placeholders=["Next steps"], shapes=["Next steps"]),  # a writer that keeps both
]


def test_a_powerpoint_97_presentation_is_a_page_per_slide_as_the_last_save_left_it(
    tmp_path: Path, options: ExtractOptions
) -> None:
    data = powerpoint_presentation(BRIEFING, deleted="a name deleted before the last save")
    assert _page_lines(tmp_path, data, options, ("powerpoint97", POWERPOINT)) == [
        [
            "Briefing on the arrests",
            "警察在車站拘留了三名證人",
            "Held: 3",
            "Released: 1",
            "Say nothing of the second warrant",  # the notes after the slide
        ],
        ["Next steps"],  # once
    ]


def _slides_streams(data: bytes) -> tuple[bytearray, bytes]:
    with olefile.OleFileIO(data) as ole:
        document = ole.openstream("PowerPoint Document").read()
        return bytearray(document), bytes(ole.openstream("Current User").read())


def test_a_presentation_made_to_lie_fails_with_a_reason() -> None:
    document, user = _slides_streams(powerpoint_presentation(BRIEFING))
    (edit,) = struct.unpack_from("<I", user, 16)  # offsetToCurrentEdit
    cases = {}
    looped = bytearray(document)
    struct.pack_into("<I", looped, edit + 8 + 8, edit)  # the edit before it is itself
    cases["its chain of edits loops"] = looped
    longer = bytearray(document)
    struct.pack_into("<I", longer, 4, 10**6)  # the first object says it is 1 MB long
    cases["a record is longer than what holds it"] = longer
    unnamed = bytearray(document)
    struct.pack_into("<I", unnamed, edit + 8 + 16, 99)  # docPersistIdRef
    cases["object 99 is named but not in any persist directory"] = unnamed
    short = bytearray(document)
    persist = short.index(struct.pack("<HH", 0, 0x03F3))  # the first slide's persist record
    struct.pack_into("<I", short, persist + 4, 8)  # 8 bytes of its 20: the rest read as records
    cases["a slide's persist record is cut short"] = short
    for why, stream in cases.items():
        with pytest.raises(IngestError, match=why):
            presentation_pages(bytes(stream), user)
    with pytest.raises(IngestError, match="its last edit lies outside the document stream"):
        presentation_pages(bytes(document), user[:16] + struct.pack("<I", 10**9) + user[20:])


def test_records_nested_deeper_than_32_levels_fail_with_a_reason(
    tmp_path: Path, options: ExtractOptions
) -> None:
    deep = Slide(shapes=["x"])
    data = powerpoint_presentation([deep], nesting=40)
    result = _extract_file_of(tmp_path, data, options)
    assert "nest more than 32 levels deep" in result.failure


def test_a_stream_said_to_hold_more_than_the_file_fails_before_it_is_read(
    tmp_path: Path, options: ExtractOptions
) -> None:
    data = bytearray(word_document(MINUTES))
    entry = data.index("WordDocument".encode("utf-16-le"))  # its directory entry
    struct.pack_into("<I", data, entry + 120, 10**9)  # the stream's size
    result = _extract_file_of(tmp_path, bytes(data), options)
    assert "its stream WordDocument claims 1,000,000,000 bytes" in result.failure


DETAINEES = {
    "Detainees": [
        ["Name", "Held on", "Days", "Released", "Ratio"],
        ["李偉", date(2024, 5, 3), 12, False, CellError(0x07)],
        [None, None, 2.5, True, None],  # the first cells empty: the row keeps its places
        [],  # an empty row is no line
    ],
    "Notes (hidden or not)": [["警察在車站"]],
}


@pytest.mark.parametrize("stream", ["Workbook", "Book"], ids=["excel-97", "excel-95-name"])
def test_an_excel_97_workbook_is_a_page_per_sheet_as_xlsx_is(
    tmp_path: Path, options: ExtractOptions, stream: str
) -> None:
    data = excel_workbook(DETAINEES, stream=stream)
    assert _page_lines(tmp_path, data, options, ("excel97", EXCEL)) == [
        [
            "Detainees",
            "Name\tHeld on\tDays\tReleased\tRatio",
            "李偉\t2024-05-03\t12\tFalse\t#DIV/0!",
            "\t\t2.5\tTrue",
        ],
        ["Notes (hidden or not)", "警察在車站"],
    ]


def _extract_file_of(tmp_path: Path, data: bytes, options: ExtractOptions) -> Extraction:
    """:func:`extract_file` of ``data`` as the pipeline hands a blob over: a file named
    by its digest, with the original name given apart."""
    path = tmp_path / "0f3a9c"
    path.write_bytes(data)
    return extract_file(path, "minutes.doc", options)


def _page_lines(
    tmp_path: Path, data: bytes, options: ExtractOptions, kind: tuple[str, str]
) -> list[list[str]]:
    """The lines of each page extracted from ``data``, which must be read by the
    extractor and as the media type ``kind`` names."""
    result = _extract_file_of(tmp_path, data, options)
    assert result.ok, result.failure
    assert (result.extractor, result.media_type) == kind
    return [page.text.split("\n") for page in result.pages]


def _with_fib(data: bytes, offset: int, value: int) -> bytes:
    """``data`` with the 32-bit field of the FIB at ``offset`` set to ``value``."""
    changed = bytearray(data)
    at = changed.index(struct.pack("<HH", 0xA5EC, 0x00C1))
    struct.pack_into("<i", changed, at + offset, value)
    return bytes(changed)


def _stream_of(data: bytes) -> bytes:
    """The WordDocument stream inside a compound file made by ``word_document``."""
    with olefile.OleFileIO(data) as ole:
        return bytes(ole.openstream("WordDocument").read())


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: word_document(MINUTES, flags=0x0300), "Word document"),
        (lambda: excel_workbook(DETAINEES, encrypted=True), "Excel workbook"),
        (lambda: powerpoint_presentation(BRIEFING, encrypted=True), "PowerPoint presentation"),
    ],
    ids=["doc", "xls", "ppt"],
)
def test_an_encrypted_file_is_refused_with_what_to_do(
    tmp_path: Path, options: ExtractOptions, make: Callable[[], bytes], kind: str
) -> None:
    result = _extract_file_of(tmp_path, make(), options)
    assert not result.ok and result.extractor == "compound"
    assert f"an encrypted (password-protected) {kind}; preserved without text" in result.failure
    assert "open it with its password" in result.hint


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("minutes.doc", ("word97", WORD)),
        ("detainees.xls", ("excel97", EXCEL)),
        ("briefing.ppt", ("powerpoint97", POWERPOINT)),
    ],
)
def test_an_added_office_97_file_is_searchable_in_either_script(
    tmp_path: Path, name: str, kind: tuple[str, str]
) -> None:
    """End to end, as a user adds one: the extraction is logged with the file's media type
    and the traditional text is found by its simplified form."""
    runner = CliRunner()
    root, folder = tmp_path / "a", tmp_path / "in"
    folder.mkdir()
    data = {
        "doc": lambda: word_document(MINUTES),
        "xls": lambda: excel_workbook(DETAINEES),
        "ppt": lambda: powerpoint_presentation(BRIEFING),
    }[name.rpartition(".")[2]]()
    (folder / name).write_bytes(data)
    assert runner.invoke(cli, ["init", "--archive", str(root), "--who", "t"]).exit_code == 0
    added = runner.invoke(cli, ["add", "--archive", str(root), "--who", "t", str(folder)])
    assert added.exit_code == 0, added.output
    assert "text: 1 extracted, 0 failed" in added.stderr
    found = runner.invoke(cli, ["search", "--archive", str(root), "--json", "车站"])
    assert [hit["name"] for hit in json.loads(found.stdout)["hits"]] == [name]
    with Archive.open(root, catch_up=False) as archive:
        texts = [r for _, r in archive.records() if r.kind == "text.extracted"]
    assert [(r["extractor"], r["media_type"]) for r in texts] == [kind]
