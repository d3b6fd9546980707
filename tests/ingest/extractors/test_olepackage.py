"""Files embedded in Office documents as OLE packages: the file inside becomes a child
document under its name, and the path it came from is in the object's text. A package
made to lie fails with a reason, and never costs the document holding it its text."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from erfurt.errors import IngestError
from erfurt.extractors import ExtractOptions, extract_file
from erfurt.extractors.olepackage import packaged_file
from erfurt.extractors.sniff import COMPOUND, OLE_PACKAGE, WORD, media_type_of_bytes
from ingest_samples import added_and_found, docx_file
from ole_samples import (
    PACKAGE_CLASS,
    Slide,
    compound_file,
    excel_workbook,
    ole1_object,
    ole_object,
    ole_package_native,
    outlook_message,
    powerpoint_presentation,
    root_streams,
    rtf_with_objects,
    with_storages,
    word_document,
)

STATEMENT = "證人陳述：警察在車站拘留了三人。".encode()
LABEL = "證人陳述.txt"
ORIGINAL = "C:\\Users\\chan\\Desktop\\證人陳述.txt"


def _native(wide: tuple[str, str] | None = None) -> bytes:
    """A package as Office writes one for a Chinese name: '?' in the ANSI forms (the
    code page lacks the characters), the true names in UTF-16."""
    return ole_package_native(
        b"????.txt", b"C:\\Users\\chan\\Desktop\\????.txt", STATEMENT, wide=wide
    )


def test_an_embedded_object_gives_its_file_under_its_name_and_where_it_came_from(
    tmp_path: Path,
) -> None:
    data = ole_object(_native(wide=(LABEL, ORIGINAL)))
    assert media_type_of_bytes(data) == OLE_PACKAGE
    result = extract_file(_written(tmp_path, data), "", ExtractOptions())
    assert result.ok and (result.extractor, result.media_type) == ("olepackage", OLE_PACKAGE)
    assert [(c.name, c.data, c.name_fields) for c in result.children] == [(LABEL, STATEMENT, ())]
    assert result.text == (
        f"Embedded file: {LABEL} (paths recorded with it: {ORIGINAL};"
        " C:\\Users\\user\\AppData\\Local\\Temp\\????.txt)"
    )


def test_without_utf16_names_the_ansi_name_is_read_and_its_bytes_kept() -> None:
    big5 = "報告.pdf".encode("big5")
    packaged = packaged_file(ole_package_native(big5, b"D:\\" + big5, b"%PDF-1.4"))
    assert packaged.child.name == "報告.pdf"
    assert packaged.paths == ("D:\\報告.pdf", "C:\\Users\\user\\AppData\\Local\\Temp\\報告.pdf")
    fields = dict(packaged.child.name_fields)
    assert fields["name_encoding"] == "big5hkscs"


@pytest.mark.parametrize(
    ("label", "safe"),
    [
        (b"..\\..\\Windows\\evil.txt", "evil.txt"),
        (b"/etc/cron.d/x", "x"),
        (b"C:", "embedded-file"),
        (b"", "embedded-file"),
    ],
)
def test_a_name_that_could_leave_its_folder_is_kept_beside_a_safe_one(
    label: bytes, safe: str
) -> None:
    packaged = packaged_file(ole_package_native(label, b"", b"x"))
    assert packaged.child.name == safe
    fields = dict(packaged.child.name_fields)
    if label and label.decode() != safe:
        assert fields["unsafe_name"] == label.decode()


@pytest.mark.parametrize(
    ("native", "reason"),
    [
        (ole_package_native(b"a.txt", b"", b"short", size=10**9), "runs past the stream's end"),
        (b"\x10\x00\x00\x00\x02\x00" + b"a" * 5000, "has no end within"),
        (b"\x01\x00", "runs past the stream's end"),
    ],
)
def test_a_package_made_to_lie_fails_with_a_reason(native: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        packaged_file(native)


def test_an_object_whose_package_cannot_be_read_fails_with_what_to_do(tmp_path: Path) -> None:
    data = ole_object(ole_package_native(b"a.txt", b"", b"short", size=10**9))
    result = extract_file(_written(tmp_path, data), "", ExtractOptions())
    assert not result.ok and result.children == ()
    assert "an embedded object whose file cannot be read" in result.failure
    assert "save the embedded file on its own" in result.hint


def test_utf16_names_that_run_past_the_end_leave_the_ansi_ones() -> None:
    native = _native(wide=(LABEL, ORIGINAL))
    cut = native[: native.rindex(ORIGINAL.encode("utf-16-le")) + 10]  # the last name cut short
    packaged = packaged_file(cut)
    assert packaged.child.name == LABEL and packaged.child.data == STATEMENT
    assert packaged.paths[0] == "C:\\Users\\chan\\Desktop\\????.txt"  # the ANSI one stands
    label_cut = native[: native.index(LABEL.encode("utf-16-le")) + 2]
    assert packaged_file(label_cut).child.name == "????.txt"


def test_native_data_of_another_class_is_not_taken_for_a_package(tmp_path: Path) -> None:
    paintbrush = "0003000A-0000-0000-C000-000000000046"
    data = ole_object(b"\x08\x00\x00\x00BM......", clsid=paintbrush)
    assert media_type_of_bytes(data) == COMPOUND
    result = extract_file(_written(tmp_path, data), "", ExtractOptions())
    assert not result.ok and "a kind Erfurt does not know" in result.failure


def test_packages_in_a_word_97_document_are_its_children_and_a_bad_one_a_warning(
    tmp_path: Path,
) -> None:
    document = word_document([["Report: see the statement attached.\r"]])
    with_pool = with_storages(
        document,
        {
            "ObjectPool": {
                "_1": {"\x01Ole10Native": _native(wide=(LABEL, ORIGINAL))},
                "_2": {"\x01Ole10Native": b"\x02\x00"},  # damaged
            }
        },
        {"ObjectPool/_1": PACKAGE_CLASS, "ObjectPool/_2": PACKAGE_CLASS},
    )
    result = extract_file(_written(tmp_path, with_pool), "", ExtractOptions())
    assert result.ok and result.media_type == WORD
    assert result.pages[0].text.startswith("Report: see the statement attached.")
    assert result.pages[-1].text.startswith(f"Embedded file: {LABEL} (paths recorded with it:")
    assert [(c.name, c.data) for c in result.children] == [(LABEL, STATEMENT)]
    (warning,) = result.warnings
    assert warning.startswith("an embedded file in ObjectPool/_2 could not be read")


def test_a_workbook_or_document_embedded_in_an_office_97_file_gives_its_text_as_pages(
    tmp_path: Path,
) -> None:
    """Not files of their own but storages of the file: their text follows the file's."""
    workbook = excel_workbook({"Arrests": [["District", "Held"], ["旺角", 96]]})
    memo = word_document([["Memo: the second warrant.\r"]])
    report = with_storages(
        word_document([["Report on the arrests.\r"]]),
        {"ObjectPool": {"_1": root_streams(workbook), "_2": root_streams(memo), "_3": {"x": b"?"}}},
        {},
    )
    result = extract_file(_written(tmp_path, report), "", ExtractOptions())
    assert result.ok and result.warnings == () and result.children == ()
    assert [page.text for page in result.pages] == [
        "Report on the arrests.",
        "--- embedded workbook ---\nArrests\nDistrict\tHeld\n旺角\t96",
        "--- embedded document ---\nMemo: the second warrant.",
    ]
    # In a workbook, Excel keeps them in MBD storages; a damaged one is a warning.
    damaged = {"WordDocument": b"\xec\xa5" + b"\0" * 10}
    sheet = with_storages(workbook, {"MBD0001": root_streams(memo), "MBD0002": damaged}, {})
    result = extract_file(_written(tmp_path, sheet), "", ExtractOptions())
    assert (
        result.ok
        and result.pages[-1].text == "--- embedded document ---\nMemo: the second warrant."
    )
    (warning,) = result.warnings
    assert warning == (
        "the object embedded in MBD0002 could not be read: a damaged Word 97-2003 document:"
        " its File Information Block is cut short"
    )


@pytest.mark.parametrize("mode", ["L", "RGB", "1"])
@pytest.mark.parametrize("bare", [False, True])
def test_a_picture_object_gives_its_bitmap_as_a_child_image(
    mode: str, bare: bool, tmp_path: Path
) -> None:
    """A screenshot pasted into an Outlook message is an OLE picture object: its
    CONTENTS, a BMP file or a bare DIB (given the file header it lacks), becomes a child
    image that OCR reads."""
    picture = Image.new(mode, (37, 11))
    picture.putpixel((3, 4), 1 if mode == "1" else (200, 10, 10) if mode == "RGB" else 200)
    saved = io.BytesIO()
    picture.save(saved, format="BMP")
    contents = saved.getvalue()[14:] if bare else saved.getvalue()
    dib_class = "00000316-0000-0000-C000-000000000046"
    data = compound_file(
        {"\x01Ole": b"\x01\x00\x00\x02" + b"\0" * 16, "CONTENTS": contents}, {"": dib_class}
    )
    result = extract_file(_written(tmp_path, data), "", ExtractOptions())
    assert result.ok and result.extractor == "olepicture" and result.text == ""
    (child,) = result.children
    assert child.name == "picture.bmp"
    assert child.data == saved.getvalue()  # a bare DIB's file header as Pillow writes it
    assert Image.open(io.BytesIO(child.data)).tobytes() == picture.tobytes()


def test_a_file_attached_to_an_outlook_message_as_an_object_becomes_its_child(
    tmp_path: Path,
) -> None:
    """Outlook attaches a file dropped into a rich-text message as an OLE object (a
    package), not as a file; it was taken for an attached message before."""
    package = {
        "\x01CompObj": b"\x01\x00\xfe\xff",
        "\x01Ole10Native": _native(wide=(LABEL, ORIGINAL)),
    }
    message = outlook_message(
        subject="the statement", body="See the object.", attached_objects=(package,)
    )
    where = "__attach_version1.0_#00000000/__substg1.0_3701000D"
    result = extract_file(
        _written(tmp_path, compound_file(message, {where: PACKAGE_CLASS})), "", ExtractOptions()
    )
    assert result.ok and result.extractor == "outlook" and result.warnings == ()
    assert "--- attached message ---" not in result.text
    assert result.text.endswith(
        f"Embedded file: {LABEL} (paths recorded with it: {ORIGINAL};"
        " C:\\Users\\user\\AppData\\Local\\Temp\\????.txt)"
    )
    assert [(c.name, c.data) for c in result.children] == [(LABEL, STATEMENT)]


def test_objects_embedded_in_an_rtf_document_become_children(tmp_path: Path) -> None:
    """RTF keeps each object as hexadecimal digits of an OLE 1.0 object: a package gives
    its file, a workbook its compound file; an equation holds no file; a linked object
    and one cut short are warnings, and the text is read as before."""
    native = _native(wide=(LABEL, ORIGINAL))[4:]  # a package's data, without its size
    workbook = excel_workbook({"Arrests": [["旺角", 96]]})
    document = rtf_with_objects(
        "Report on the arrests",
        [
            ("Package", ole1_object("Package", native)),
            ("Excel.Sheet.8", ole1_object("Excel.Sheet.8", workbook)),
            ("Equation.3", ole1_object("Equation.3", b"\x1c\x00equation")),
            ("Package", ole1_object("Package", native, linked=True)),
            ("Package", ole1_object("Package", native)[:40]),
        ],
    )
    result = extract_file(_written(tmp_path, document), "", ExtractOptions())
    assert result.ok and result.extractor == "rtf"
    assert result.pages[0].text == "Report on the arrests"
    assert result.pages[1].text.startswith(f"Embedded file: {LABEL} (paths recorded with it:")
    assert [(c.name, c.data) for c in result.children] == [
        (LABEL, STATEMENT),
        ("oleObject2.bin", workbook),
    ]
    assert [w.split(":")[0] for w in result.warnings] == [
        "embedded object 4 could not be read",
        "embedded object 5 could not be read",
    ]
    assert "a linked object" in result.warnings[0]


def test_embedded_objects_that_share_their_sectors_are_not_read_past_the_file(
    tmp_path: Path,
) -> None:
    """A forged file whose objects' streams all point at the same sectors: each alone
    fits in the file, together they would be read many times its size."""
    big = excel_workbook({"S": [[f"row {n} " * 20] for n in range(60)]})
    streams = root_streams(big)
    assert len(streams["Workbook"]) > 4096  # in the file's own sectors, not the mini stream
    pool = {
        f"_{n}": ({"Workbook": streams["Workbook"]} if n == 0 else {"Workbook": b"x"})
        for n in range(12)
    }
    forged = bytearray(with_storages(word_document([["Report\r"]]), {"ObjectPool": pool}, {}))
    entry = forged.index("Workbook".encode("utf-16-le"))
    start, size = struct.unpack_from("<IQ", forged, entry + 0x74)
    for _ in range(11):  # every other Workbook claims the first one's sectors
        entry = forged.index("Workbook".encode("utf-16-le"), entry + 1)
        struct.pack_into("<IQ", forged, entry + 0x74, start, size)
    path = _written(tmp_path, bytes(forged))
    result = extract_file(path, "", ExtractOptions())
    assert result.ok and result.pages[0].text == "Report"
    read = [page for page in result.pages if page.text.startswith("--- embedded workbook")]
    assert 1 <= len(read) < 12 and len(read) * size <= path.stat().st_size
    assert result.warnings and all("the file holds for it" in w for w in result.warnings)


def test_objects_embedded_in_a_ppt_are_inflated_into_children_within_the_limit(
    tmp_path: Path,
) -> None:
    package = ole_object(_native(wide=(LABEL, ORIGINAL)))
    bomb = struct.pack("<I", 10**9) + zlib.compress(b"\0" * 10**6)
    presentation = powerpoint_presentation(
        [Slide(["Briefing"], ["see the statement"])],
        embedded=(package, (1, bomb), (1, b"\x10\0\0\0not zlib"), (1, struct.pack("<I", 7))),
    )
    result = extract_file(_written(tmp_path, presentation), "", ExtractOptions())
    assert result.ok and result.text == "Briefing\nsee the statement"
    assert [(c.name, c.data) for c in result.children] == [("oleObject1.bin", package)]
    assert [w.split(":")[0] for w in result.warnings] == [
        f"embedded object {n} could not be read" for n in (2, 3, 4)
    ]
    assert "more than the" in result.warnings[0] and "extract_expand_bytes" in result.warnings[0]
    assert "damaged" in result.warnings[1]
    inner = extract_file(_written(tmp_path, result.children[0].data), "", ExtractOptions())
    assert [(c.name, c.data) for c in inner.children] == [(LABEL, STATEMENT)]


def test_a_file_embedded_in_a_docx_is_found_by_search_under_its_path(tmp_path: Path) -> None:
    """End to end, as a user adds a report with a statement dropped into it: docx ->
    oleObject1.bin -> the statement, each a document, the statement searchable."""
    folder = tmp_path / "in"
    folder.mkdir()
    made = docx_file(tmp_path / "made.docx")
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(folder / "report.docx", "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("word/embeddings/oleObject1.bin", ole_object(_native(wide=(LABEL, ORIGINAL))))
    said, (by_word, by_user) = added_and_found(tmp_path / "a", folder, "车站", "chan")
    assert "text: 3 extracted, 0 failed" in said
    assert by_word == [f"report.docx/word/embeddings/oleObject1.bin/{LABEL}"]
    assert by_user == ["report.docx/word/embeddings/oleObject1.bin"]


def _written(folder: Path, data: bytes) -> Path:
    """``data`` as a blob, with no name: as a worker reads it."""
    path = folder / "blob"
    path.write_bytes(data)
    return path
