"""Importing incidents from CSV: one incident per row, keyed by a stable row key.

Columns (header row, any order): ``key`` (the spreadsheet's own stable id of the row),
``kind``, ``date``, ``place``, ``harmed``, and optionally ``region``, ``responsible``,
``harmed_names``, ``witnesses``, ``disputed``. Values are ``VALUE@CITES`` as in
:mod:`erfurt.incidents.model`; ``date``, ``harmed`` and ``responsible`` take several,
separated by ``;`` (sources that disagree: ``3@12:0-9; 5@14:3-20``); names are separated
by ``;`` and are sealed.

Importing again never counts twice: a row whose key is in the log with the same content
is skipped, one with changed content becomes a new version of its incident (history
kept). Rows go in durable batches, so an interrupted import is finished by running it
again.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, replace

from erfurt.archive import (
    Archive,
    Record,
    SealingKey,
    ViewConnection,
    canonical_json,
    load_sealing_key,
)
from erfurt.errors import InputError
from erfurt.incidents.model import (
    EDITED,
    RECORDED,
    Incident,
    parse_count_claim,
    parse_date_claim,
    parse_value_claim,
)
from erfurt.incidents.recording import check_incident, seal_names, stamp, today

__all__ = ["IMPORT_COLUMNS", "ImportReport", "RowProblem", "import_incidents"]

_REQUIRED = ("key", "kind", "date", "place", "harmed")
IMPORT_COLUMNS = (
    *_REQUIRED,
    "region",
    "responsible",
    "harmed_names",
    "witnesses",
    "disputed",
)
_BATCH = 500
_ROW_PURPOSE = "incident.row"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row (1-based, the header is row 1) was not imported."""

    row: int
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: incidents recorded, edited, rows unchanged, rows refused."""

    recorded: int
    edited: int
    unchanged: int
    problems: tuple[RowProblem, ...]


def _header(row: list[str] | None, source: str) -> list[str]:
    if row is None:
        raise InputError(f"{source}: the file is empty", "give a CSV file with a header row")
    columns = [c.strip().lower().lstrip("\ufeff") for c in row]
    unknown = [c for c in columns if c not in IMPORT_COLUMNS]
    missing = [c for c in _REQUIRED if c not in columns]
    if unknown or missing:
        raise InputError(
            f"{source} row 1: unknown columns {unknown}, missing columns {missing}",
            f"the columns are: {', '.join(IMPORT_COLUMNS)}",
        )
    return columns


def _many(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def incident_id(key: str) -> str:
    """The id of the incident imported under row key ``key`` (the same on every import)."""
    return "K-" + hashlib.sha256(f"incident.key\x1f{key}".encode()).hexdigest()[:16]


def _incident(cells: dict[str, str], archive: Archive, key: SealingKey) -> Incident:
    day = today(archive)
    names = [("harmed", n) for n in _many(cells.get("harmed_names", ""))] + [
        ("witness", n) for n in _many(cells.get("witnesses", ""))
    ]
    dates, harmed = _many(cells["date"]), _many(cells["harmed"])
    if not dates or not harmed:
        raise InputError("date and harmed need a value each", "cite each: VALUE@RECORD:START-END")
    return Incident(
        id=incident_id(cells["key"]),
        kind=parse_value_claim(cells["kind"], "kind"),
        dates=tuple(parse_date_claim(d, day) for d in dates),
        place=parse_value_claim(cells["place"], "place"),
        harmed=tuple(parse_count_claim(h) for h in harmed),
        responsible=tuple(
            parse_value_claim(r, "responsible") for r in _many(cells.get("responsible", ""))
        ),
        region=cells.get("region", "").strip() or None,
        names=seal_names(key, names),
        disputed=" ".join(cells.get("disputed", "").split()) or None,
        key=cells["key"],
    )


def import_incidents(
    archive: Archive,
    lines: Iterable[str],
    source: str,
    who: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every good row of a CSV file; report the others by row number.

    Raises InputError only for a file that cannot be read as the expected CSV at all.
    """
    key = load_sealing_key(archive.paths, create=True)
    reader = csv.reader(lines)
    try:
        columns = _header(next(reader, None), source)
    except csv.Error as exc:
        raise InputError(f"{source} row 1: {exc}", "save the file as CSV (UTF-8)") from exc
    recorded = edited = unchanged = 0
    problems: list[RowProblem] = []
    pending: list[Record] = []
    seen: dict[str, int] = {}
    lengths: dict[int, int] = {}
    stack = ExitStack()
    number = 1
    db = None
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                problems.append(
                    RowProblem(
                        number,
                        f"{len(values)} cells for {len(columns)} columns"
                        " (quote cells holding commas)",
                    )
                )
                continue
            cells = {c: v.strip() for c, v in zip(columns, values, strict=True)}
            if db is None:  # one read of the view per batch, not per row
                db = stack.enter_context(archive.query_views())
            try:
                kind = _import_row(archive, db, cells, key, seen, number, lengths, pending, who)
            except InputError as exc:
                message = exc.message + (f" ({exc.hint})" if exc.hint else "")
                problems.append(RowProblem(number, message))
                continue
            recorded += kind == RECORDED
            edited += kind == EDITED
            unchanged += kind is None
            if len(pending) >= _BATCH:
                stack.close()
                db = None
                archive.append(pending)
                pending.clear()
                if progress:
                    progress(number)
    except (csv.Error, UnicodeDecodeError) as exc:
        problems.append(
            RowProblem(number + 1, f"unreadable from here on ({exc}); save the file as UTF-8 CSV")
        )
    finally:
        stack.close()
    archive.append(pending)
    return ImportReport(recorded, edited, unchanged, tuple(problems))


def _import_row(
    archive: Archive,
    db: ViewConnection,
    cells: dict[str, str],
    key: SealingKey,
    seen: dict[str, int],
    number: int,
    lengths: dict[int, int],
    pending: list[Record],
    who: str,
) -> str | None:
    """Add the record a row needs to ``pending``; returns its kind (None: unchanged)."""
    row_key = cells.get("key", "")
    if not row_key:
        raise InputError("the key is empty", "give every row a stable key of its own")
    if row_key in seen:
        raise InputError(f"key {row_key!r} is used by row {seen[row_key]} already")
    seen[row_key] = number
    digest = key.reference(_ROW_PURPOSE, canonical_json(dict(sorted(cells.items()))).decode())
    incident = _incident(cells, archive, key)
    row = db.execute("SELECT row FROM incidents_incident WHERE id = ?", (incident.id,)).fetchone()
    if row is not None and row[0] == digest:
        return None
    check_incident(archive, incident, lengths)
    kind = RECORDED if row is None else EDITED
    pending.append(stamp(archive, kind, replace(incident, row=digest), who))
    return kind
