"""CSV cells a spreadsheet reads as text, whatever a name or place begins with."""

from __future__ import annotations

import pytest

from erfurt.charts import spreadsheet_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1-202", "'+1-202"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Berlin", "Berlin"),
        ("王曉明", "王曉明"),
        (3, "3"),
        (-3, "-3"),
        (-0.5, "-0.5"),
        (None, ""),
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_written_as_text(value: object, cell: str) -> None:
    assert spreadsheet_cell(value) == cell
