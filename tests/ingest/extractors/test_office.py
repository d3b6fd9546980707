from __future__ import annotations

from pathlib import Path

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
