"""Batch screening: a CSV of names against a :class:`Matcher`, on every core.

Input columns: ``name`` (required), optional ``id``, ``birth_date``, ``country``,
``schema``. A bad row (empty name, invalid date, ...) becomes a result carrying its
error, and the batch goes on.
"""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from erfurt.engine import Engine
from erfurt.errors import ErfurtError, InputError
from erfurt.names.matcher import DEFAULT_THRESHOLD, Matcher
from erfurt.names.model import Match, Query, parse_date

__all__ = ["ScreenResult", "parse_queries", "read_queries", "screen"]

_COLUMNS = ("id", "name", "birth_date", "country", "schema")
_SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """The outcome for one input row: its matches, or why it could not be screened."""

    row: int  # line number in the input file
    id: str
    query: Query | None
    matches: tuple[Match, ...] = ()
    error: str = ""


def _query(row: dict[str, str], line: int) -> Query:
    name = (row.get("name") or "").strip()
    if not name:
        raise InputError(f"row {line}: name is empty", "every row needs a name")
    birth = (row.get("birth_date") or "").strip()
    schema = (row.get("schema") or "").strip() or None
    if schema and schema not in _SCHEMAS:
        raise InputError(f"row {line}: schema {schema!r} is unknown", f"use one of {_SCHEMAS}")
    return Query(
        name=name,
        birth_date=parse_date(birth, f"row {line}: birth date") if birth else None,
        country=(row.get("country") or "").strip() or None,
        schema=schema,
    )


def read_queries(path: Path) -> Iterator[ScreenResult]:
    """Parse the input CSV into queries; a bad row yields a result with its error.

    Raises InputError for a file that is not UTF-8 or has no ``name`` column.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}", "give a readable CSV file") from exc
    return parse_queries(data, str(path))


def parse_queries(data: bytes, source: str) -> Iterator[ScreenResult]:
    """Parse CSV bytes (named ``source`` in messages) as :func:`read_queries` does."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 text (byte {exc.start})", "save the CSV as UTF-8 and try again"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    if "name" not in (reader.fieldnames or []):
        raise InputError(
            f"{source}: no 'name' column (columns: {', '.join(reader.fieldnames or []) or 'none'})",
            f"the first line must name the columns; allowed: {', '.join(_COLUMNS)}",
        )
    return _rows(reader, source)


def _rows(reader: csv.DictReader[str], source: str) -> Iterator[ScreenResult]:
    try:
        for row in reader:
            line = reader.line_num
            ident = (row.get("id") or "").strip() or str(line)
            try:
                yield ScreenResult(line, ident, _query(row, line))
            except ErfurtError as exc:
                yield ScreenResult(line, ident, None, error=exc.message)
    except csv.Error as exc:
        raise InputError(f"{source} line {reader.line_num}: {exc}", "fix the CSV") from exc


_WORKER: Matcher | None = None
# Rows per task on an engine: a task's own cost (about 10 ms of scheduling and transfer)
# is then under 1 % of its work (see docs/performance.md, Scale).
_ENGINE_CHUNK = 1_000


def _screen_one(item: tuple[ScreenResult, float, int]) -> ScreenResult:
    assert _WORKER is not None
    return _screened(_WORKER, *item)


def _screen_chunk(
    chunk: list[ScreenResult], matcher: Matcher, threshold: float, limit: int
) -> list[ScreenResult]:
    """One engine task: a chunk of rows against the worker's copy of the matcher."""
    return [_screened(matcher, pending, threshold, limit) for pending in chunk]


def _screened(
    matcher: Matcher, pending: ScreenResult, threshold: float, limit: int
) -> ScreenResult:
    if pending.query is None:
        return pending
    try:
        matches = matcher.match(pending.query, limit=limit, threshold=threshold)
    except ErfurtError as exc:
        return ScreenResult(
            pending.row, pending.id, pending.query, error=f"row {pending.row}: {exc.message}"
        )
    return ScreenResult(pending.row, pending.id, pending.query, tuple(matches))


def screen(
    matcher: Matcher,
    pending: Iterator[ScreenResult],
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    engine: Engine | None = None,
) -> Iterator[ScreenResult]:
    """Screen every pending row, in input order, on ``workers`` processes (default: all cores).

    With an ``engine``, the rows go to its workers in chunks instead, the matcher sent
    to each worker once; the results are the same, in the same order.
    """
    global _WORKER
    if engine is not None:
        shared = engine.share(matcher)
        chunks = iter(lambda: list(itertools.islice(pending, _ENGINE_CHUNK)), [])
        done = engine.map(_screen_chunk, chunks, shared, threshold, limit, ordered=True)
        yield from _counted(itertools.chain.from_iterable(done), progress)
        return
    _WORKER = matcher
    count = workers or os.cpu_count() or 1
    items = ((p, threshold, limit) for p in pending)
    if count == 1:
        results: Iterator[ScreenResult] = map(_screen_one, items)
        yield from _counted(results, progress)
        return
    with multiprocessing.get_context("fork").Pool(count) as pool:
        yield from _counted(pool.imap(_screen_one, items, chunksize=32), progress)


def _counted(
    results: Iterator[ScreenResult], progress: Callable[[int], None] | None
) -> Iterator[ScreenResult]:
    for done, result in enumerate(results, start=1):
        if progress:
            progress(done)
        yield result
