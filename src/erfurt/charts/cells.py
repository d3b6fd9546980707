"""Cells of the CSV files Erfurt writes, as a spreadsheet will read them.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one) as a formula, and a formula can fetch a URL or start a
program. Names, places and units come from outside (declarants, partners' files,
documents), so every cell that could begin so is written with a leading apostrophe,
which spreadsheets show as text and do not print.

    >>> spreadsheet_cell('=HYPERLINK("http://x")'), spreadsheet_cell(3), spreadsheet_cell(None)
    ('\\'=HYPERLINK("http://x")', '3', '')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["spreadsheet_cell", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet will not run as a formula (a number,
    negative ones included, stays a number)."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int | float) or not text.startswith(_FORMULA_START):
        return text
    return "'" + text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``header`` and ``rows`` to ``path`` as a UTF-8 CSV, each cell as
    :func:`spreadsheet_cell` writes it."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
