"""The connection the views write SQL against, on SQLite or on PostgreSQL.

A view writes one SQL text for both backends: SQLite's dialect with ``?`` parameters,
standard upserts (``INSERT ... ON CONFLICT (key) DO UPDATE``/``DO NOTHING``), SQLite's
column types (INTEGER, TEXT, BLOB, REAL). On SQLite it runs as written. On PostgreSQL
:class:`PgConnection` translates it: ``?`` becomes ``%s``; in ``CREATE TABLE``, INTEGER
becomes BIGINT (sizes pass 2**31), BLOB becomes BYTEA, REAL becomes DOUBLE PRECISION,
TEXT compares bytewise (``COLLATE "C"``, as SQLite's BINARY does), ``WITHOUT ROWID`` is
dropped; ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``. Rows come back as
tuples that also answer to column names, with the same Python values as SQLite's (int,
str, bytes, float, None), so the views' digests agree across backends.

    >>> translate("INSERT OR IGNORE INTO t VALUES (?, '?%')")
    "INSERT INTO t VALUES (%s, '?%%') ON CONFLICT DO NOTHING"
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol, cast

from erfurt.archive.heldwrites import (
    BULK_FROM,
    HeldStatement,
    HeldWrites,
    distinct_rows,
    held_form,
    names_in,
)
from erfurt.errors import ConfigError

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "PgConnection",
    "Rows",
    "ViewConnection",
    "ViewDatabaseError",
    "connect_postgresql",
    "copy_rows",
    "copy_text",
    "dialect_of",
    "held_rows",
    "loading_from_empty",
    "redacted_url",
    "translate",
    "upsert_sql",
]


class Rows(Protocol):
    """What a statement returns: its rows, one at a time or all at once."""

    @property
    def rowcount(self) -> int:
        """How many rows the statement changed."""
        ...

    def fetchone(self) -> Any:
        """The next row, or None."""
        ...

    def fetchall(self) -> list[Any]:
        """Every remaining row."""
        ...

    def __iter__(self) -> Iterator[Any]: ...


class ViewConnection(Protocol):
    """The part of a database connection views use: :class:`sqlite3.Connection` is one."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows:
        """Run one statement."""
        ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Rows:
        """Run one statement once per parameter row."""
        ...


class ViewDatabaseError(ConfigError):
    """The views' PostgreSQL database cannot be reached or used."""


def dialect_of(db: ViewConnection) -> str:
    """``"sqlite"`` or ``"postgresql"``: for the few statements no one SQL text serves."""
    return "sqlite" if isinstance(db, sqlite3.Connection) else "postgresql"


_LITERAL_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?|%")
_DDL_TYPES = {
    "INTEGER": "BIGINT",
    "BLOB": "BYTEA",
    "REAL": "DOUBLE PRECISION",
    "TEXT": 'TEXT COLLATE "C"',
}
_DDL_TYPE = re.compile(r"\b(INTEGER|BLOB|REAL|TEXT)\b")
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)


def translate(sql: str) -> str:
    """One statement of the views' SQL, as PostgreSQL (with psycopg's ``%s``) takes it."""
    if _INSERT_OR_IGNORE.match(sql):
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql, count=1) + " ON CONFLICT DO NOTHING"
    if re.match(r"\s*CREATE\s+TABLE\b", sql, re.IGNORECASE):
        sql = re.sub(r"\)\s*WITHOUT\s+ROWID\s*$", ")", sql, flags=re.IGNORECASE)
        sql = _outside_literals(sql, lambda part: _DDL_TYPE.sub(_ddl_type, part))
    return _LITERAL_OR_MARK.sub(_parameter_mark, sql)


def _ddl_type(match: re.Match[str]) -> str:
    return _DDL_TYPES[match.group(1)]


def _parameter_mark(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith("'"):  # a literal: psycopg reads % even there
        return token.replace("%", "%%")
    return {"?": "%s", "%": "%%"}[token]


def _outside_literals(sql: str, change: Any) -> str:
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if i % 2 else change(part) for i, part in enumerate(parts))


def upsert_sql(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """An ``INSERT`` of one row that replaces the row with the same ``key``: the standard
    upsert both backends run (SQLite's ``INSERT OR REPLACE`` is not PostgreSQL's)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


class PgRow(tuple[Any, ...]):
    """A row that also answers to its column names, like :class:`sqlite3.Row`."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> PgRow:
        row = PgRow(values)
        row._names = names
        return row

    return make


class _PipelinedRows:
    """A statement's cursor in pipeline mode: fetching waits for its results (psycopg
    does so itself), and so does its row count, which psycopg would give before them."""

    def __init__(self, cursor: psycopg.Cursor[Any], pipeline: psycopg.Pipeline) -> None:
        self._cursor = cursor
        self._pipeline = pipeline

    @property
    def rowcount(self) -> int:
        self._pipeline.sync()
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class PgConnection:
    """A psycopg connection that takes the views' SQL (see the module's docstring)."""

    def __init__(
        self, connection: psycopg.Connection[Any], url: str, *, bulk: bool = False
    ) -> None:
        self.raw = connection
        self.url = url
        self.bulk = bulk
        """Whether views may hold rows back and write them with COPY before the commit."""
        self.held: dict[str, dict[Any, Any]] = {}
        """The rows views hold back, by view: emptied when a transaction starts."""
        self.loading: frozenset[str] = frozenset()
        """The views being loaded from empty in the current transaction (see
        :func:`loading_from_empty`): set by the view store for each batch."""
        self._writes: HeldWrites | None = None
        self._pipeline: psycopg.Pipeline | None = None
        self._pipeline_context: AbstractContextManager[psycopg.Pipeline] | None = None

    @contextmanager
    def pipelined(self) -> Iterator[None]:
        """Send statements without waiting for each one's reply (libpq's pipeline mode):
        a batch of inserts costs one round trip, not one per statement. A statement whose
        rows or row count are read waits for its results; an error is raised at the
        latest when the block ends. :meth:`copy` leaves the pipeline while it runs."""
        self._enter_pipeline()
        try:
            yield
        except BaseException as exc:
            self._leave_pipeline(exc)
            raise
        self._leave_pipeline(None)

    def _enter_pipeline(self) -> None:
        self._pipeline_context = self.raw.pipeline()
        self._pipeline = self._pipeline_context.__enter__()

    def _leave_pipeline(self, exc: BaseException | None) -> None:
        context, self._pipeline_context, self._pipeline = self._pipeline_context, None, None
        if context is not None:
            context.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    @property
    def holding(self) -> bool:
        """Whether writes are held back now (inside :meth:`held_back`)."""
        return self._writes is not None

    @contextmanager
    def held_back(self, hold: bool = True) -> Iterator[None]:
        """Hold back (with ``hold``) the writes :mod:`erfurt.archive.heldwrites` can send
        in bulk (a connection with ``bulk`` off sends every statement as it comes), and
        what views keep in :func:`held_rows`; write what is still held when the block
        ends. An exception discards it all: the transaction around is rolled back."""
        self.held.clear()
        if not (self.bulk and hold):
            yield
            return
        self._writes = HeldWrites()
        try:
            yield
            self._flush(None)
        finally:
            self._writes = None
            self.held.clear()

    def _flush(self, names: frozenset[str] | None) -> None:
        """Write the held rows of the tables among ``names`` (all for None), in order."""
        assert self._writes is not None
        for statement, rows in self._writes.take(names):
            if len(rows) < BULK_FROM:
                self.raw.cursor().executemany(translate(statement.sql), rows)
            elif statement.conflict:
                self._write_staged(statement, rows)
            else:
                self.copy(statement.table, statement.columns, rows)

    def _write_staged(self, statement: HeldStatement, rows: list[tuple[Any, ...]]) -> None:
        """Rows of an upsert or an ``INSERT OR IGNORE``: copied into a temporary table,
        then one ``INSERT ... SELECT`` with the statement's conflict clause (an ignored
        row loses to the earlier one, as in log order; of replacements the last wins)."""
        table, staged = statement.table, f"erfurt_held_{statement.table}"
        columns = statement.columns or self._columns_of(table)
        names = ", ".join(columns)
        if statement.conflict == "replace":
            rows = distinct_rows(statement, rows)
            updates = ", ".join(
                f"{c} = excluded.{c}" for n, c in enumerate(columns) if n not in statement.key
            )
            action, order = f"{statement.target} DO UPDATE SET {updates}", ""
        else:
            action, order = f"{statement.target} DO NOTHING", " ORDER BY ctid"
        self.raw.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        self.copy(staged, columns, rows)
        self.raw.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staged}{order} "
            f"ON CONFLICT {action}"
        )
        self.raw.execute(f"DROP TABLE {staged}")

    def _columns_of(self, table: str) -> tuple[str, ...]:
        rows = self.raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        return tuple(str(row[0]) for row in rows)

    def copy(
        self, table: str, columns: Sequence[str] | None, rows: Iterable[Sequence[Any]]
    ) -> None:
        """Write ``rows`` into ``table`` (into ``columns``, or every column in order for
        None) with one ``COPY ... FROM STDIN`` (libpq cannot copy in pipeline mode: a
        pipeline open around it is synced, left and entered again after)."""
        encoding = self.raw.info.encoding
        with self._copying(table, columns) as copy:
            lines: list[str] = []
            for row in rows:
                lines.append("\t".join(map(_copy_text, row)))
                if len(lines) == _COPY_LINES:
                    copy.write(("\n".join(lines) + "\n").encode(encoding))
                    lines = []
            if lines:
                copy.write(("\n".join(lines) + "\n").encode(encoding))

    def copy_text(self, table: str, columns: Sequence[str], text: str) -> None:
        """Write rows already in COPY's text format (``text``: lines, each ending in a
        newline) into ``table``, as :meth:`copy` does."""
        with self._copying(table, columns) as copy:
            copy.write(text.encode(self.raw.info.encoding))

    @contextmanager
    def _copying(self, table: str, columns: Sequence[str] | None) -> Iterator[psycopg.Copy]:
        pipelined = self._pipeline_context is not None
        if pipelined:
            self._leave_pipeline(None)
        try:
            into = f" ({', '.join(columns)})" if columns is not None else ""
            with self.raw.cursor().copy(f"COPY {table}{into} FROM STDIN") as copy:
                yield copy
        finally:
            if pipelined:
                self._enter_pipeline()

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows:
        """Run one statement (translated); returns its cursor. While writes are held
        back, a statement that may be held is, and any other first has the held rows of
        the tables it names written."""
        if self._writes is not None:
            held = held_form(sql)
            if held is not None:
                self._writes.hold(held, (parameters,))
                return _HELD
            self._flush(names_in(sql))
        cursor = self.raw.execute(translate(sql), tuple(parameters))
        return cursor if self._pipeline is None else _PipelinedRows(cursor, self._pipeline)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Rows:
        """Run one statement once per parameter row, pipelined (held back as
        :meth:`execute` holds)."""
        if self._writes is not None:
            held = held_form(sql)
            if held is not None:
                self._writes.hold(held, list(parameters))
                return _HELD
            self._flush(names_in(sql))
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), [tuple(p) for p in parameters])
        return cursor if self._pipeline is None else _PipelinedRows(cursor, self._pipeline)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


class _HeldRows:
    """What a held-back write returns: no rows (a held statement has no RETURNING)."""

    rowcount = -1  # not known until written, as DB-API says of an unknown count

    def fetchone(self) -> Any:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


_HELD = _HeldRows()
_COPY_LINES = 10_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: object) -> str:
    """``value`` in COPY's text format (psycopg's own row writer formats an array several
    times slower): None, int, str, bytes (BYTEA), float, or a list of ints (INTEGER[]).
    Dispatched on the exact type: this runs for every value of a rebuild's rows."""
    kind = type(value)
    if kind is str:
        text = cast(str, value)
        special = "\\" in text or "\t" in text or "\n" in text or "\r" in text
        return text.translate(_COPY_ESCAPES) if special else text
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is list:
        return "{" + ",".join(map(str, map(int, cast(list[int], value)))) + "}"
    if kind is bytes:
        return "\\\\x" + cast(bytes, value).hex()  # bytea's hex form, its backslash escaped
    if kind is float:
        return repr(value)  # round-trips exactly; inf and nan as PostgreSQL reads them
    if isinstance(value, str):  # a subclass (an enum's member): its plain text
        return _copy_text(str.__str__(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    raise TypeError(f"COPY of a {kind.__name__} is not supported")


def held_rows(db: ViewConnection, view: str) -> dict[Any, Any] | None:
    """Where ``view`` holds rows back on ``db`` to write them in bulk (with
    :func:`copy_rows`) before the transaction commits, or None where it writes each row
    as it comes (SQLite, or a PostgreSQL connection with ``bulk`` off). What it holds
    is forgotten when the next transaction starts: a rolled-back batch leaves nothing.
    Only a batch that ends with the views' ``finish`` holds rows
    (:meth:`PgConnection.held_back`)."""
    if isinstance(db, PgConnection) and db.holding:
        return db.held.setdefault(view, {})
    return None


def loading_from_empty(db: ViewConnection, view: str) -> bool:
    """Whether ``view`` is being loaded from empty on ``db``: a batch of a rebuild (or of
    a catch-up after the view was reset) on PostgreSQL in bulk, before the load ends with
    the store's ``finish_load``. Such a view may leave work that its ``finish_load`` then
    does once for every record loaded (its deferred indexes are missing meanwhile)."""
    return isinstance(db, PgConnection) and view in db.loading


def copy_rows(
    db: ViewConnection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write ``rows`` into ``table`` in one COPY (``db`` is one :func:`held_rows` gave
    a place to hold rows in: a PostgreSQL connection)."""
    if not isinstance(db, PgConnection):
        raise TypeError("copy_rows needs a PostgreSQL connection")
    db.copy(table, columns, rows)


def copy_text(db: ViewConnection, table: str, columns: Sequence[str], text: str) -> None:
    """Write rows already in COPY's text format into ``table`` (as :func:`copy_rows`)."""
    if not isinstance(db, PgConnection):
        raise TypeError("copy_text needs a PostgreSQL connection")
    db.copy_text(table, columns, text)


def redacted_url(url: str) -> str:
    """``url`` with its password replaced by ``***``: the only form messages and logs show."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def connect_postgresql(url: str, *, bulk: bool = False) -> PgConnection:
    """Connect to the views' PostgreSQL database at ``url`` (autocommit: the store opens
    its own transactions); ``bulk`` lets views write their rows with COPY (see
    :func:`held_rows`: only for a writer that ends each batch with the views' ``finish``,
    as the view store does).

    Raises :class:`ViewDatabaseError` if psycopg is not installed or the server cannot be
    reached; the message never shows the password.
    """
    try:
        import psycopg
    except ImportError as exc:
        raise ViewDatabaseError(
            "PostgreSQL views need the psycopg driver, which is not installed",
            "install Erfurt's postgresql extra: pip install 'erfurt[postgresql]'",
        ) from exc
    try:
        raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
    except psycopg.Error as exc:
        reason = str(exc).replace(url, redacted_url(url)).strip().splitlines()
        raise ViewDatabaseError(
            f"cannot connect to the views database {redacted_url(url)}: "
            f"{reason[0] if reason else type(exc).__name__}",
            "start PostgreSQL (or fix `database` in erfurt.toml / ERFURT_DATABASE_URL), "
            "then run the command again",
        ) from exc
    return PgConnection(raw, url, bulk=bulk)
