"""Reading an existing registry from CSV, row by row, with a problem report per bad row.

Columns (header row required, any order): ``time``, ``alias``, ``organisations``
(several separated by ``;``), and optionally ``place``, ``statement``, ``channel``
(default ``online``), ``volunteer``, and ``number`` (ignored: numbers are given again
by position). Times are ISO 8601; a time without an offset is taken as UTC.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from erfurt.declarations.model import Declaration, RegistrySettings, make_declaration
from erfurt.errors import InputError

__all__ = ["IMPORT_COLUMNS", "RowProblem", "parse_time", "read_import_rows"]

_REQUIRED = ("time", "alias", "organisations")
IMPORT_COLUMNS = (*_REQUIRED, "place", "statement", "channel", "volunteer", "number")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one CSV row (1-based, counting the header as row 1) was not imported."""

    row: int
    message: str


def parse_time(text: str) -> str:
    """An ISO 8601 time as RFC 3339 UTC to the second (``2026-11-25T08:00:00Z``).

    Raises InputError if it is not a time.
    """
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(
            f"time {text!r} is not an ISO 8601 time", "write it as 2026-11-25T08:00:00Z"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_header(header: list[str] | None, source: str) -> list[str]:
    if header is None:
        raise InputError(f"{source}: the file is empty", "give a CSV file with a header row")
    columns = [c.strip().lower() for c in header]
    unknown = [c for c in columns if c not in IMPORT_COLUMNS]
    missing = [c for c in _REQUIRED if c not in columns]
    if unknown or missing:
        raise InputError(
            f"{source} row 1: "
            + "; ".join(
                ([f"unknown columns {', '.join(unknown)}"] if unknown else [])
                + ([f"missing columns {', '.join(missing)}"] if missing else [])
            ),
            f"the columns are: {', '.join(IMPORT_COLUMNS)}",
        )
    return columns


def read_import_rows(
    lines: Iterable[str], settings: RegistrySettings, source: str
) -> Iterator[tuple[int, Declaration | RowProblem]]:
    """Yield (row number, declaration or problem) for every data row of a CSV.

    Raises InputError (before yielding anything) if the header is missing or names
    unknown columns, or lacks a required one.
    """
    reader = csv.reader(lines)
    columns = _check_header(next(reader, None), source)
    for row_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            problem = f"{len(values)} values for {len(columns)} columns"
            yield row_number, RowProblem(row_number, problem)
            continue
        row = dict(zip(columns, values, strict=True))
        try:
            declaration = make_declaration(
                settings,
                alias=row["alias"],
                organisations=[o for o in row["organisations"].split(";") if o.strip()],
                time=parse_time(row["time"]),
                place=row.get("place"),
                statement=row.get("statement"),
                channel=(row.get("channel") or "online").strip(),
                volunteer=row.get("volunteer"),
                imported=True,
            )
        except InputError as exc:
            yield row_number, RowProblem(row_number, exc.message)
            continue
        yield row_number, declaration
