"""Writes held back on PostgreSQL and sent in bulk, before anything could read their rows.

In a batch applied to the views (a rebuild's or a catch-up's transaction), a view's
``INSERT`` of one row per statement is, on PostgreSQL, mostly parsing, binding and a
round trip. While a :class:`HeldWrites` is active, the connection keeps the rows of such
statements instead of sending them, and writes a table's rows in one go (``COPY``; a
staging table and one ``INSERT ... SELECT`` for upserts) when the transaction ends, or
as soon as a statement names the table: a view that reads its own rows back reads them
written, so every statement sees what it would have seen row by row.

Held are the statements whose effect is one row and nothing else: ``INSERT INTO t
[(columns)] VALUES (?, ...)``, the same with ``INSERT OR IGNORE`` or ``ON CONFLICT ...
DO NOTHING``, and the upserts :func:`~erfurt.archive.viewdb.upsert_sql` makes (every
other column replaced). Anything else (a subquery, ``RETURNING``, an increment) runs
as it comes.

    >>> held_form("INSERT INTO documents VALUES (?, ?)").table
    'documents'
    >>> held_form("INSERT INTO t VALUES ((SELECT 1), ?)") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["BULK_FROM", "HeldStatement", "HeldWrites", "distinct_rows", "held_form", "names_in"]

BULK_FROM = 16
"""Rows of one statement from which a flush writes them in bulk; fewer are sent as
statements (a writer's batch of one record is not worth a staging table)."""

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_COLUMNS = rf"\(\s*{_NAME}(?:\s*,\s*{_NAME})*\s*\)"
_INSERT = re.compile(
    rf"^\s*INSERT\s+(?P<ignore>OR\s+IGNORE\s+)?INTO\s+(?P<table>{_NAME})\s*"
    rf"(?P<columns>{_COLUMNS})?\s*VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)\s*"
    rf"(?:ON\s+CONFLICT\s*(?P<key>{_COLUMNS})?\s*DO\s+(?P<action>NOTHING|UPDATE\s+SET\s+.*))?"
    r"\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SET = re.compile(rf"^\s*({_NAME})\s*=\s*excluded\.({_NAME})\s*$", re.IGNORECASE)
_LITERAL = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True, slots=True)
class HeldStatement:
    """A statement that writes one row and reads nothing: what a flush needs of it."""

    sql: str
    """The statement as the view wrote it (sent as is for a few rows)."""
    table: str
    columns: tuple[str, ...] | None
    """The columns its values go to, or None for every column in the table's order."""
    conflict: str
    """``""`` (a plain insert), ``"nothing"`` (a row whose key exists is left out) or
    ``"replace"`` (it replaces the row with the same key)."""
    key: tuple[int, ...] = ()
    """For ``replace``: the positions of the key among ``columns``."""
    target: str = ""
    """The statement's conflict target, ``(a, b)``, or empty (any unique key)."""


@lru_cache(maxsize=512)
def held_form(sql: str) -> HeldStatement | None:
    """What ``sql`` (the views' dialect, before translation) writes, if it may be held
    back: one row into one table, reading nothing."""
    match = _INSERT.match(sql)
    if match is None:
        return None
    columns = _column_names(match.group("columns"))
    table = match.group("table")
    action = (match.group("action") or "").upper()
    if match.group("ignore") or action == "NOTHING":
        if match.group("ignore") and action:
            return None
        return HeldStatement(sql, table, columns, "nothing", target=match.group("key") or "")
    if not action:
        return HeldStatement(sql, table, columns, "")
    key = _column_names(match.group("key"))
    if columns is None or key is None or not set(key) <= set(columns):
        return None
    sets = match.group("action")[len("UPDATE") :].strip()[len("SET") :].split(",")
    replaced = set()
    for assignment in sets:
        pair = _SET.match(assignment)
        if pair is None or pair.group(1) != pair.group(2):
            return None  # an increment, or a value from elsewhere: not a replacement
        replaced.add(pair.group(1))
    if replaced != set(columns) - set(key):
        return None
    positions = tuple(columns.index(k) for k in key)
    return HeldStatement(sql, table, columns, "replace", positions, match.group("key"))


def _column_names(group: str | None) -> tuple[str, ...] | None:
    if group is None:
        return None
    return tuple(name.strip() for name in group.strip()[1:-1].split(","))


@lru_cache(maxsize=2048)
def names_in(sql: str) -> frozenset[str]:
    """Every identifier-like word of ``sql`` outside its string literals: a table a
    statement reads or writes is among them (more names only mean an early flush)."""
    return frozenset(re.findall(_NAME, _LITERAL.sub(" ", sql)))


class HeldWrites:
    """The rows held back in one transaction, per table, in the order they came."""

    def __init__(self) -> None:
        self._tables: dict[str, list[tuple[HeldStatement, list[tuple[Any, ...]]]]] = {}

    def hold(self, statement: HeldStatement, rows: Sequence[Sequence[Any]]) -> None:
        """Keep ``rows`` for ``statement`` until its table is flushed."""
        segments = self._tables.setdefault(statement.table, [])
        if not segments or segments[-1][0] != statement:
            segments.append((statement, []))
        segments[-1][1].extend(tuple(row) for row in rows)

    def take(
        self, names: frozenset[str] | None = None
    ) -> list[tuple[HeldStatement, list[tuple[Any, ...]]]]:
        """The held segments of the tables among ``names`` (all of them for None), in the
        order each table's statements came; they are no longer held."""
        if not self._tables:
            return []
        tables = [t for t in self._tables if names is None or t in names]
        return [segment for table in tables for segment in self._tables.pop(table)]


def distinct_rows(statement: HeldStatement, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows a sequence of ``replace`` statements leaves: the last one of each key."""
    last: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = tuple(row[i] for i in statement.key)
        last.pop(key, None)
        last[key] = row
    return list(last.values())
