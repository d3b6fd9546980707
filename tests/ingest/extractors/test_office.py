from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from erfurt.extractors import ExtractOptions, extract_file
from ingest_samples import docx_file, xlsx_file


def test_docx_paragraphs_and_tables(tmp_path: Path, options: ExtractOptions) -> None:
    result = extract_file(docx_file(tmp_path / "m.docx"), "m.docx", options)
    assert result.ok and result.extractor == "docx"
    assert "國家衛生健康委員會 and 国家卫生健康委员会" in result.text
    assert "王立强\twitness" in result.text


def test_xlsx_one_page_per_sheet(tmp_path: Path, options: ExtractOptions) -> None:
    result = extract_file(xlsx_file(tmp_path / "d.xlsx"), "d.xlsx", options)
    assert result.ok and result.extractor == "xlsx"
    assert [p.text.splitlines()[0] for p in result.pages] == ["Detainees", "Notes"]
    assert "王立强\t北京\t3" in result.pages[0].text


def test_a_sheet_whose_cells_lie_far_apart_is_read_by_its_cells(
    tmp_path: Path, options: ExtractOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cells of a 5 KB file: once, every row between them was padded to the far
    # one's column, 200,000 rows of 16,384 values. Here reading more than a million
    # values stops the test at once instead of taking a minute.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "top"
    sheet.cell(row=200_000, column=16_384, value="far")
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    workbook.save(path)
    read = 0
    rows_of = ReadOnlyWorksheet._cells_by_row

    def counted(*args: Any, **kwargs: Any) -> Iterator[tuple[Any, ...]]:
        nonlocal read
        for row in rows_of(*args, **kwargs):
            read += len(row)
            assert read <= 1_000_000, "a sheet of two cells was read as millions"
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "xlsx"
    assert result.pages[0].text == "Sheet\ntop\n" + "\t" * 16_383 + "far"
