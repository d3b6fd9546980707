"""How results look on a terminal: tables, counts, record fields and hash encodings.

Every command renders through these functions, so the same thing looks the same
everywhere: tables are padded by terminal cells (a Chinese character takes two, a
combining accent none), numbers are right-aligned with thousands separators, a missing
value reads "(none)", and a hash printed as text says which encoding it is in.

    >>> print(render_table(["place", "declarations"], [["沈阳", 1], ["Harbin", 12]]))
    place   declarations
    沈阳               1
    Harbin            12
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from erfurt.charts import Timeline, check_chart_path
from erfurt.cli.escape import printable

__all__ = [
    "NONE",
    "b64",
    "cell_width",
    "describe",
    "echo_chart",
    "echo_fields",
    "echo_table",
    "plural",
    "render_table",
]

NONE = "(none)"
_NUMBER = re.compile(r"^-?[\d,.]+%?( \(-?[\d,.]+%?\))?$")

Cell = str | int | None


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: 2 for wide (CJK) characters, 0 for marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _cell_text(value: Cell) -> str:
    if value is None:
        return NONE
    if isinstance(value, int):
        return f"{value:,}"
    return printable(value)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(width - cell_width(text), 0)
    return fill + text if right else text + fill


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    total: Sequence[Cell] | None = None,
) -> str:
    """A table with a header line, aligned by terminal cells; ``total`` is a last line.

    Columns of numbers (ints, or texts such as "12 (40.0%)") are right-aligned, ints with
    thousands separators; ``None`` reads "(none)".
    """
    every = [*rows, *([total] if total is not None else [])]
    right = [
        any(isinstance(row[i], int) for row in every)
        and all(isinstance(row[i], int) or _NUMBER.match(str(row[i])) for row in every)
        for i in range(len(headers))
    ]
    texts = [list(headers), *([_cell_text(cell) for cell in row] for row in every)]
    widths = [max(cell_width(line[i]) for line in texts) for i in range(len(headers))]
    lines = [
        "  ".join(_pad(cell, widths[i], right[i]) for i, cell in enumerate(line)).rstrip()
        for line in texts
    ]
    return "\n".join(lines)


def echo_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    total: Sequence[Cell] | None = None,
) -> None:
    """Print :func:`render_table` on stdout."""
    click.echo(render_table(headers, rows, total=total))


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``"1 file"``, ``"3 files"``, ``"2 entities"`` (give ``nouns`` when not just +s)."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def b64(data: bytes) -> str:
    """A hash or key as standard base64, the encoding C2SP checkpoints use."""
    return base64.b64encode(data).decode("ascii")


def describe(value: object) -> str:
    """A record field's value as a person reads it: lists joined, mappings as pairs."""
    if value is None or value == "" or value == [] or value == {}:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(describe(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{printable(str(key))} {describe(item)}" for key, item in value.items())
    return printable(str(value))


def echo_fields(fields: Mapping[str, object], *, indent: str = "  ") -> None:
    """Print ``name: value`` lines, names aligned, values through :func:`describe`."""
    width = max((cell_width(name) for name in fields), default=0)
    for name, value in fields.items():
        click.echo(f"{indent}{_pad(name + ':', width + 1, False)} {describe(value)}")


def echo_chart(out: Path, plotted: Timeline, noun: str, as_json: bool) -> None:
    """Say where a chart and its CSV and alt text went, and what was left off it."""
    chart = check_chart_path(out)
    if as_json:
        left_off = [{"date": o.day.isoformat(), "count": o.count} for o in plotted.outliers]
        document = {
            "ok": True,
            "chart": str(chart.image),
            "csv": str(chart.csv),
            "alt_text": str(chart.alt_text),
            "unit": plotted.unit,
            "bins": len(plotted.bins),
            "left_off": left_off,
        }
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    click.echo(
        f"Wrote the chart ({plural(len(plotted.bins), plotted.unit)}) to {chart.image},"
        f" its numbers to {chart.csv} and its alt text to {chart.alt_text}",
        err=True,
    )
    for outlier in plotted.outliers:
        click.echo(
            f"WARNING: left off the chart, far from the other dates: {plural(outlier.count, noun)}"
            f" dated {outlier.day.isoformat()}",
            err=True,
        )
