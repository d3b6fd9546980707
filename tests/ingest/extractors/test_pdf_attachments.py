"""Files attached to a PDF (its EmbeddedFiles and its pages' paperclips) become the PDF's
children, under names that stay in their folder and within the expansion budget."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from erfurt.extractors import ExtractOptions, extract_file
from ingest_samples import added_and_found, text_pdf, with_attachments

ANNEX = "District,Held\n旺角,96\n".encode()


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return text_pdf(tmp_path / "report.pdf", [["Report on the arrests"], ["Annexes attached"]])


def test_attached_files_become_children_and_the_text_stays(report: Path, tmp_path: Path) -> None:
    path = with_attachments(
        report,
        tmp_path / "blob",  # a blob: no name, as a worker reads it
        {"annex.csv": ANNEX, "..\\..\\evil.bat": b"echo"},
        on_page={"clip.txt": b"a note clipped to page 1"},
    )
    result = extract_file(path, "", ExtractOptions())
    assert result.ok and result.warnings == ()
    assert [page.text for page in result.pages] == ["Report on the arrests", "Annexes attached"]
    assert [(c.name, c.data, c.name_fields) for c in result.children] == [
        ("evil.bat", b"echo", (("unsafe_name", "..\\..\\evil.bat"),)),
        ("annex.csv", ANNEX, ()),
        ("clip.txt", b"a note clipped to page 1", ()),
    ]


def test_attachments_past_the_budget_are_named_in_a_warning_not_copied(
    report: Path, tmp_path: Path
) -> None:
    files = {"a.txt": b"a" * 10, "b.txt": b"b" * 10, "large.bin": b"\0" * 100_000}
    path = with_attachments(report, tmp_path / "blob", files)
    few = extract_file(path, "", replace(ExtractOptions(), expand_max_members=2))
    assert [c.name for c in few.children] == ["a.txt", "b.txt"]
    assert few.warnings == (
        "1 attached files past the expansion limit (extract_expand_bytes, "
        "extract_expand_members): not kept; 2 kept",
    )
    small = ExtractOptions(expand_max_bytes=1_000)
    assert [c.name for c in extract_file(path, "", small).children] == ["a.txt", "b.txt"]
    too_deep = replace(small, budget=replace(small.budget_for(0), depth=0))
    nested = extract_file(path, "", too_deep)
    assert nested.children == () and "nested deeper than the limit" in nested.warnings[0]


def test_a_file_attached_to_a_pdf_is_found_by_search_under_its_path(
    report: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with_attachments(report, folder / "report.pdf", {"annex.csv": ANNEX})
    said, (found,) = added_and_found(tmp_path / "a", folder, "旺角")
    assert "text: 2 extracted, 0 failed" in said
    assert found == ["report.pdf/annex.csv"]
