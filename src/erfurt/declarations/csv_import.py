"""Reading an existing registry from CSV, row by row, with a problem report per bad row.

Columns (header row required, any order): ``time``, ``alias``, ``organisations``
(several separated by ``;``), and optionally ``place``, ``statement``, ``channel``
(default ``online``), ``volunteer``, and ``number`` (ignored: numbers are given again
by position). Times are ISO 8601; a time without an offset is taken as UTC; a time
later than the import's ``latest`` is refused. A byte-order mark (Excel's "CSV UTF-8")
is ignored.

A row's identity is :func:`row_digest`, a digest of the declaration it holds: importing
a file again (corrected or not) logs only the rows whose declarations are not already
in the log, so nothing is counted twice.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from erfurt.archive import canonical_json
from erfurt.declarations.model import Declaration, RegistrySettings, make_declaration
from erfurt.errors import InputError

__all__ = ["IMPORT_COLUMNS", "RowProblem", "parse_time", "read_import_rows", "row_digest"]

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
    if columns:
        columns[0] = columns[0].lstrip("\ufeff")  # a byte-order mark read as text
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


def _csv_rows(reader: Iterator[list[str]], source: str) -> Iterator[list[str]]:
    """The rows of ``reader``, with decoding and CSV errors as InputError naming the line."""
    line = 0
    try:
        for values in reader:
            line += 1
            yield values
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: after row {line}: the file is not UTF-8 text ({exc.reason})",
            "save it as CSV UTF-8; the rows before this point were imported",
        ) from exc
    except csv.Error as exc:
        raise InputError(
            f"{source}: after row {line}: not CSV ({exc})",
            "check the quotes on that row; the rows before it were imported",
        ) from exc


def row_digest(declaration: Declaration) -> bytes:
    """The identity of an imported declaration: SHA-256 of its canonical record fields.

    Two rows that hold the same declaration (same time, alias, organisations, place,
    statement, channel and volunteer) have the same digest, whatever file they came from.
    """
    return hashlib.sha256(canonical_json(declaration.to_fields())).digest()


def read_import_rows(
    lines: Iterable[str], settings: RegistrySettings, source: str, *, latest: str | None = None
) -> Iterator[tuple[int, Declaration | RowProblem]]:
    """Yield (row number, declaration or problem) for every data row of a CSV.

    A row whose time is later than ``latest`` (RFC 3339 UTC) is a problem. Raises
    InputError (before yielding anything) if the header is missing or names unknown
    columns, or lacks a required one; and, where it happens, if the file is not UTF-8
    text or not CSV (the rows before it have been yielded).
    """
    reader = csv.reader(lines)
    rows = _csv_rows(reader, source)
    columns = _check_header(next(rows, None), source)
    for row_number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            problem = f"{len(values)} values for {len(columns)} columns"
            yield row_number, RowProblem(row_number, problem)
            continue
        row = dict(zip(columns, values, strict=True))
        try:
            time = parse_time(row["time"])
            if latest is not None and time > latest:
                raise InputError(f"time {time} is in the future", "check the year")
            declaration = make_declaration(
                settings,
                alias=row["alias"],
                organisations=[o for o in row["organisations"].split(";") if o.strip()],
                time=time,
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
