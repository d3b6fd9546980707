from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trafilatura

from erfurt.extractors import ExtractOptions, extract_file
from erfurt.extractors.html import MOST_ATTRIBUTES

ARTICLE = "".join(
    f"<p>第{n}段：香港警察於十月一日在旺角拘捕了多名示威者。目擊者說，警察使用了催淚彈。律師無法見到被拘留者。</p>"
    for n in range(1, 8)
)
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="big5"><title>拘留報告</title></head><body>'
    "<nav><a href='/'>Home</a> | <a href='/about'>About us</a> | <a href='/donate'>Donate</a></nav>"
    f"<article><h1>拘留報告</h1>{ARTICLE}</article>"
    "<footer>Copyright 2024 Example Watch. All rights reserved.</footer></body></html>"
)


def test_html_main_text_in_its_declared_charset(tmp_path: Path, options: ExtractOptions) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(PAGE.encode("big5"))
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "html"
    assert "香港警察於十月一日在旺角拘捕了多名示威者" in result.text
    assert "Copyright" not in result.text
    assert "Donate" not in result.text


def test_html_with_bytes_invalid_in_its_charset_is_read_with_a_warning(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(PAGE.encode("big5").replace("律師".encode("big5"), b"\xff\xff", 1))
    result = extract_file(path, path.name, options)
    assert result.ok
    assert "目擊者說" in result.text
    assert any("invalid in declared charset 'big5'" in w for w in result.warnings)


@pytest.fixture
def tree_read(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every tree trafilatura is given to read, as it is given."""
    trees: list[Any] = []
    real = trafilatura.extract

    def extract(tree: Any, **options: Any) -> str | None:
        trees.append(tree)
        return real(tree, **options)

    monkeypatch.setattr(trafilatura, "extract", extract)
    return trees


# HTML5 ends a name at a space or "/" (a value only at a space), a "<" is part of a name,
# and a quote only opens a value after "=": each a way to write an element libxml2 would
# compare attribute by attribute.
@pytest.mark.parametrize(
    "attribute", ["data-{}=x ", "data-{}/", "<data-{} ", 'data-{}="x>"', "a'{} "]
)
def test_an_element_of_thousands_of_attributes_keeps_none_of_them(
    attribute: str, tmp_path: Path, options: ExtractOptions, tree_read: list[Any]
) -> None:
    crowded = "".join(attribute.format(n) for n in range(5000))
    page = PAGE.replace("<article>", f'<article><p class="lead" {crowded}>頭條：</p>')
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(page.encode("big5"))
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "html"
    assert "香港警察於十月一日在旺角拘捕了多名示威者" in result.text
    assert "頭條" in result.text
    assert any("more than 1,000 attributes" in w for w in result.warnings)
    (tree,) = tree_read
    assert max(len(element.attrib) for element in tree.iter()) <= MOST_ATTRIBUTES


def test_a_table_row_of_thousands_of_cells_is_read_as_rows_of_a_thousand(
    tmp_path: Path, options: ExtractOptions, tree_read: list[Any]
) -> None:
    cells = "".join(f"<td>cell{n}</td>" for n in range(2500))
    page = PAGE.replace("</article>", f"<table><tr>{cells}</tr></table></article>")
    path = tmp_path / "wide.html"
    path.write_bytes(page.encode("big5"))
    result = extract_file(path, path.name, options)
    assert result.ok
    found = [int(n) for n in re.findall(r"cell(\d+)", result.text)]
    assert found == list(range(2500))  # every cell, in order
    assert any("1 table row(s) had more than 1,000 cells" in w for w in result.warnings)
    (tree,) = tree_read
    assert [len(row) for row in tree.iter("tr")] == [1000, 1000, 500]


def test_an_ordinary_page_is_read_as_trafilatura_reads_it(
    tmp_path: Path, options: ExtractOptions, tree_read: list[Any]
) -> None:
    cells = "".join(
        f"<tr><td>row{n}</td><td class='x' id='r{n}'>value{n}</td></tr>" for n in range(50)
    )
    page = PAGE.replace("</article>", f"<table>{cells}</table></article>").replace(
        "<article>", '<article class="story" data-id="7" lang="zh-Hant">'
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("big5"))
    result = extract_file(path, path.name, options)
    assert result.ok and result.warnings == ()
    (tree,) = tree_read
    assert tree.find(".//article").attrib == {"class": "story", "data-id": "7", "lang": "zh-Hant"}
    # the title is the article's heading too: the text is trafilatura's, as it reads the page
    assert result.text == trafilatura.extract(page, include_comments=False, include_tables=True)


def test_the_attribute_scan_is_one_pass_over_markup_made_to_defeat_it() -> None:
    # Tags never closed, quotes never closed, "<" inside tags: a scan that backtracked
    # or restarted at every "<" would take hours here. Run in a process of its own, so
    # that a regression fails (after a generous wait) instead of hanging the suite.
    scan = (
        "from erfurt.extractors.html import _without_crowded_attributes as scan\n"
        "n = 200_000\n"
        "for markup in ('<a ' * n, '<p a=\"' * n, \"<p a='\" * n, '<a b=\\'x\" c=\"y\\' ' * n,\n"
        "               '<p ' + ' '.join('<a%d' % i for i in range(n)) + '>x'):\n"
        "    print(scan(markup)[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", scan], capture_output=True, text=True, timeout=600, check=True
    )
    assert done.stdout.split() == ["1"] * 5
