"""RTF: the text a reader sees, in the code pages the document and its fonts declare."""

from __future__ import annotations

from pathlib import Path

from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.rtf import DEEPEST, rtf_to_text

# As WordPad writes a document, with what Word adds: a Chinese font in an English code
# page, \u characters with fallbacks, a field, a table, a picture, a bookmark, metadata.
DOCUMENT = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}"
    rb"{\f1\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}{\colortbl;\red0\green0\blue0;}"
    rb"{\*\generator Riched20 10.0.19041}{\info{\title Not the text}{\author X}}"
    rb"\viewkind4\uc1\pard\f0\fs22 Detained at the station.\par"
    b"\r\n"
    rb"Officer\tab Chan\line second line\par {\*\bkmkstart b1}\u26106?\u35686?\u23519?\par "
    rb"\f1\'cd\'f5\'c1\'a2\'c7\'bf\f0\par "
    rb'{\field{\*\fldinst HYPERLINK "https://example.org"}{\fldrslt the report}}\par '
    rb"\ldblquote quoted\rdblquote  and a face \u-10179?\u-8704?\par "
    rb"\trowd\cellx1000\cellx2000\pard\intbl name\cell \u-28647\'3f\cell\row "
    rb"{\pict\wmetafile8\picw10 0a0b0c0d}{\pict\bin4 }}{{}after the picture\par}"
)


def test_an_rtf_document_is_read_as_a_reader_sees_it(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(DOCUMENT)
    assert sniff_media_type(path) == "application/rtf"
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "rtf"
    assert result.text.splitlines() == [
        "Detained at the station.",
        "Officer\tChan",
        "second line",
        "旺警察",
        "王立强",
        "the report",
        "\u201cquoted\u201d and a face \U0001f600",
        "name\t\u9019",
        "after the picture",
    ]


def test_groups_nested_past_the_bound_are_read_with_a_warning() -> None:
    deep = b"{" * (DEEPEST + 500) + b"deep text" + b"}" * (DEEPEST + 500)
    text, warnings = rtf_to_text(rb"{\rtf1\ansi " + deep + rb"\par after}")
    assert text == "deep text\nafter"
    assert warnings == (
        f"groups nested deeper than {DEEPEST:,} levels were read as part of the ones around them",
    )


def test_broken_rtf_is_read_as_far_as_it_goes() -> None:
    # A file cut short, a lone backslash, an escape no writer makes, a \bin past the end.
    for data, expected in [
        (rb"{\rtf1\ansi cut short", "cut short"),
        (rb"{\rtf1 a\'zz b\\", "a'zz b\\"),
        (rb"{\rtf1 x\bin99999999 never", "x"),
        (rb"{\rtf1 neg\bin-5 ative}", "negative"),
    ]:
        assert rtf_to_text(data) == (expected, ()), data
