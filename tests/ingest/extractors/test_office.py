from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from openpyxl.chart import BarChart, PieChart, Reference
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


def _docx_of(table: Callable[[Any], None], rows: int, cols: int, path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Before the table")
    table(document.add_table(rows=rows, cols=cols))
    document.save(path)
    return path


def test_a_cell_merged_across_columns_or_down_rows_gives_its_text_once(
    tmp_path: Path, options: ExtractOptions
) -> None:
    def fill(table: Any) -> None:
        table.cell(0, 1).merge(table.cell(0, 2)).text = "名稱"  # a heading over two columns
        table.cell(1, 0).merge(table.cell(2, 0)).text = "北京"  # a place down two rows
        for (r, c), text in {(0, 0): "區域", (1, 1): "王立强", (1, 2): "3"}.items():
            table.cell(r, c).text = text
        table.cell(2, 1).text, table.cell(2, 2).text = "李明", "4"

    path = _docx_of(fill, 3, 3, tmp_path / "blob")  # as the pipeline hands it: no name
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "docx"
    assert result.text.splitlines()[1:] == ["區域\t名稱", "北京\t王立强\t3", "\t李明\t4"]


def test_a_label_merged_down_a_thousand_rows_is_read(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # python-docx finds a merged cell's text by walking up the rows, one call deeper a
    # row: this table once failed with a RecursionError.
    def fill(table: Any) -> None:
        for number, row in enumerate(table.rows):  # written before the merge: fast
            row.cells[1].text = f"detainee {number}"
        table.cell(0, 0).text = "拘留所"
        for number, row in enumerate(table._tbl.tr_lst):
            row.tc_lst[0].vMerge = "restart" if number == 0 else "continue"

    path = _docx_of(fill, 1200, 2, tmp_path / "long.docx")
    result = extract_file(path, path.name, options)
    assert result.ok, result.failure
    lines = result.text.splitlines()[1:]
    assert lines[0] == "拘留所\tdetainee 0" and lines[-1] == "\tdetainee 1199"
    assert result.text.count("拘留所") == 1


def test_a_cell_that_claims_to_span_a_hundred_thousand_columns_is_read_once(
    tmp_path: Path, options: ExtractOptions
) -> None:
    def fill(table: Any) -> None:
        table.cell(0, 0).text = "wide"
        table.cell(0, 1).text = "next"
        table._tbl.tr_lst[0].tc_lst[0].grid_span = 100_000

    path = _docx_of(fill, 1, 2, tmp_path / "span.docx")
    result = extract_file(path, path.name, options)
    assert result.ok
    assert result.text.splitlines()[1:] == ["wide\tnext"]


def test_xlsx_charts_follow_their_sheets_and_a_chart_sheet_is_a_page(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # As Excel writes them (openpyxl here): a chart drawn on a sheet, and a chart sheet.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Arrests"
    for row in (["District", "2019"], ["旺角", 96], ["銅鑼灣", 41]):
        sheet.append(row)
    bars = BarChart()
    bars.title = "Arrests by district"
    bars.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    bars.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=3))
    sheet.add_chart(bars, "D2")
    pie = PieChart()
    pie.title = "Share by district"
    pie.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    pie.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=3))
    workbook.create_chartsheet("Share").add_chart(pie)
    workbook.save(tmp_path / "blob")  # no name, as a blob
    # openpyxl writes the data's references only, not the values Excel caches beside
    # them: the titles are what is read here (the values are the sheet's own cells).
    result = extract_file(tmp_path / "blob", "", options)
    assert result.ok and result.extractor == "xlsx"
    assert [page.text.split("\n") for page in result.pages] == [
        ["Arrests", "District\t2019", "旺角\t96", "銅鑼灣\t41", "Arrests by district"],
        ["Share", "Share by district"],
    ]


def _with_embedded(saved: Path, path: Path, embedded: dict[str, bytes]) -> Path:
    """``saved`` with files in its embeddings folder, as Word puts an inserted object."""
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, data in embedded.items():
            target.writestr(f"word/embeddings/{name}", data)
    return path


def _workbook_bytes(folder: Path, text: str) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append([text])
    workbook.save(folder / "inner.xlsx")
    return (folder / "inner.xlsx").read_bytes()


def test_files_embedded_in_a_document_are_its_children_within_the_budget(
    tmp_path: Path, options: ExtractOptions
) -> None:
    inner = _workbook_bytes(tmp_path, "拘留名單")
    made = docx_file(tmp_path / "m.docx")
    path = _with_embedded(made, tmp_path / "blob", {"Microsoft_Excel_Worksheet.xlsx": inner})
    result = extract_file(path, "", options)
    assert result.ok and result.warnings == ()
    assert [(c.name, c.data) for c in result.children] == [
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner)
    ]
    two = _with_embedded(made, tmp_path / "two", {"a.xlsx": inner, "b.xlsx": inner})
    limited = replace(options, expand_max_members=1)
    result = extract_file(two, "", limited)
    assert result.ok and len(result.children) == 1  # the text stays; one file within the limit
    assert result.warnings == (
        "embedded files: 2 members, more than the 1 files left of the limit "
        "(extract_expand_members); 1 kept",
    )
