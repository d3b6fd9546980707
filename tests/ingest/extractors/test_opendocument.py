"""LibreOffice's files: the text of documents, sheets and slides, repeats bounded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.opendocument import MOST_REPEATS
from erfurt.extractors.sniff import ODP, ODS, ODT
from ole_samples import ole_object, ole_package_native

_NAMESPACES = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"'
    for prefix, name in (
        ("office", "office"),
        ("text", "text"),
        ("table", "table"),
        ("draw", "drawing"),
        ("presentation", "presentation"),
    )
)


def _content(body: str) -> str:
    return (
        f'<office:document-content {_NAMESPACES} xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0">'
        f"<office:body>{body}</office:body></office:document-content>"
    )


def _document(
    path: Path, media_type: str, body: str, parts: dict[str, str | bytes] | None = None
) -> Path:
    """An OpenDocument file as LibreOffice writes one: its type first, stored; ``parts``
    are more members (embedded objects)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", _content(body), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return path


_TEXT = (
    "<office:text>"
    '<text:h text:outline-level="1">拘留報告</text:h>'
    '<text:p>Two<text:s text:c="3"/>spaces<text:tab/>a tab<text:line-break/>next line</text:p>'
    '<text:p>Held at<text:note text:note-class="footnote">'
    "<text:note-citation>1</text:note-citation>"
    "<text:note-body><text:p>the station in Mong Kok</text:p></text:note-body></text:note>"
    " <text:span>night</text:span>.</text:p>"
    "<text:p><office:annotation><dc:creator>editor</dc:creator><dc:date>2019-10-02</dc:date>"
    "<text:p>Check with the lawyer</text:p></office:annotation>Lawyers were refused</text:p>"
    "<text:list><text:list-item><text:p>first</text:p></text:list-item></text:list>"
    '<table:table table:name="T"><table:table-column/><table:table-row>'
    "<table:table-cell><text:p>a</text:p></table:table-cell>"
    '<table:table-cell table:number-columns-repeated="2"/>'
    "<table:table-cell><text:p>d</text:p></table:table-cell></table:table-row></table:table>"
    "</office:text>"
)
_SHEETS = (
    '<office:spreadsheet><table:table table:name="被捕者"><table:table-row>'
    "<table:table-cell><text:p>王立强</text:p></table:table-cell>"
    '<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p>'
    '</table:table-cell><table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
    # A sheet's unused area, as LibreOffice writes it: one empty row for a million.
    '<table:table-row table:number-rows-repeated="1048574">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    '<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-'
    'repeated="3"><text:p>same</text:p></table:table-cell></table:table-row></table:table>'
    '<table:table table:name="Notes"><table:table-row><table:table-cell><text:p>a note</text:p>'
    "</table:table-cell></table:table-row></table:table></office:spreadsheet>"
)
_SLIDES = (
    '<office:presentation><draw:page draw:name="1"><draw:frame><draw:text-box>'
    "<text:p>Arrests in Mong Kok</text:p></draw:text-box></draw:frame>"
    "<presentation:notes><draw:page-thumbnail/><draw:frame><draw:text-box>"
    "<text:p>Mention the lawyers</text:p></draw:text-box></draw:frame></presentation:notes>"
    '</draw:page><draw:page draw:name="2"><draw:frame><draw:text-box><text:p>Agenda</text:p>'
    "</draw:text-box></draw:frame></draw:page></office:presentation>"
)


@pytest.mark.parametrize(
    ("media_type", "body", "extractor", "pages"),
    [
        (
            ODT,
            _TEXT,
            "odt",
            [
                "拘留報告\nTwo   spaces\ta tab\nnext line\nHeld at night.\n"
                "the station in Mong Kok\nLawyers were refused\nCheck with the lawyer\n"
                "first\na\t\t\td"
            ],
        ),
        (
            ODS,
            _SHEETS,
            "ods",
            [
                "\n".join(["被捕者", "王立强\t3", *["same\tsame\tsame"] * MOST_REPEATS]),
                "Notes\na note",
            ],
        ),
        (ODP, _SLIDES, "odp", ["Arrests in Mong Kok\n\nMention the lawyers", "Agenda"]),
    ],
)
def test_documents_sheets_and_slides_are_read_as_a_reader_sees_them(
    media_type: str,
    body: str,
    extractor: str,
    pages: list[str],
    tmp_path: Path,
    options: ExtractOptions,
) -> None:
    path = _document(tmp_path / "blob", media_type, body)  # no name, as the pipeline has it
    assert sniff_media_type(path) == media_type  # not a zip whose XML is unpacked
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == extractor and not result.children
    assert [page.text for page in result.pages] == pages


def test_a_row_written_once_for_thousands_is_read_a_bounded_number_of_times(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = _document(tmp_path / "sheet.ods", ODS, _SHEETS)
    result = extract_file(path, path.name, options)
    assert result.warnings == ("a row written once for 5,000 was read 100 times",)


def test_a_document_without_its_content_is_a_failure_that_says_why(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "broken.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office:document-content")  # cut short
    result = extract_file(path, path.name, options)
    assert not result.ok and result.extractor == "opendocument"
    assert "XMLSyntaxError" in result.failure


def test_embedded_objects_give_their_text_and_ole_objects_become_children(
    tmp_path: Path, options: ExtractOptions
) -> None:
    """A chart inserted in a report is an OpenDocument part of its own (its title and
    its data table are its text); a file dropped in is an OLE object, kept as a child."""
    chart = _content(
        "<office:chart><chart:chart><chart:title><text:p>Arrests by district</text:p>"
        '</chart:title><table:table table:name="local-table"><table:table-rows>'
        "<table:table-row><table:table-cell><text:p>旺角</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="96"><text:p>96</text:p>'
        "</table:table-cell></table:table-row></table:table-rows></table:table>"
        "</chart:chart></office:chart>"
    )
    ole = ole_object(ole_package_native(b"note.txt", b"C:\\note.txt", b"a note"))
    parts: dict[str, str | bytes] = {
        "Object 1/content.xml": chart,
        "Object 1/styles.xml": "<x/>",
        "ObjectReplacements/Object 1": b"a picture of the chart",
        "Object 2": ole,
    }
    body = "<office:text><text:p>Report</text:p></office:text>"
    path = _document(tmp_path / "blob", ODT, body, parts)
    result = extract_file(path, "", options)
    assert result.ok and result.warnings == ()
    assert [page.text for page in result.pages] == [
        "Report",
        "--- embedded object ---\nArrests by district\n旺角\t96",
    ]
    assert [(c.name, c.data) for c in result.children] == [("Object 2", ole)]
