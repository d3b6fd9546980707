"""Views: tables derived from the log, which can always be thrown away and rebuilt.

Each :class:`View` creates its own tables and applies records in log order, in SQLite
(the default); a :class:`PortableView` writes SQL that PostgreSQL runs too
(:mod:`erfurt.archive.viewdb`). The store (:mod:`erfurt.archive.viewstore`) remembers,
in ``view_state``, how far each view has applied the log, which version of the view
built its tables, and which tables those are, so it can:

- catch a view up after a crash between an append and its application,
- drop and replay one view whose version changed,
- drop and replay everything (``erfurt rebuild``) in place: other processes may have the
  database open (``erfurt serve`` reading, a writer applying its records), so it is
  never deleted or swapped, only emptied in one transaction and filled again,
- compute a digest of each view's tables, to compare with a fresh replay of the log.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

from erfurt.archive.blobs import BlobReader
from erfurt.archive.records import Record
from erfurt.archive.transaction import immediate_transaction, rolled_back_transaction
from erfurt.archive.viewdb import ViewConnection
from erfurt.errors import IntegrityError

__all__ = [
    "STATE_TABLE",
    "DamagedViewsError",
    "LoadingView",
    "PortableView",
    "PrefetchingView",
    "SqliteViews",
    "SubjectSources",
    "View",
    "applied_size",
    "connect_readonly",
    "is_damage",
    "move_aside",
    "move_aside_if_damaged",
    "quoted_identifier",
]

_logger = logging.getLogger(__name__)

ALL_BACKENDS = frozenset({"sqlite", "postgresql"})
"""The ``backends`` of a :class:`PortableView` whose SQL runs on every backend."""
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class View(Protocol):
    """A rebuildable view of the log."""

    name: str
    """Unique name; by convention the prefix of the view's tables."""
    version: int
    """Bump it when ``create`` or ``apply`` change: the view is then replayed."""
    kinds: frozenset[str]
    """The record kinds the view consumes."""

    def create(self, db: sqlite3.Connection) -> None:
        """Create the view's tables and indexes."""
        ...

    def apply(self, db: sqlite3.Connection, index: int, record: Record, blobs: BlobReader) -> None:
        """Apply one record (deterministically: no clock, no randomness)."""
        ...


@runtime_checkable
class PortableView(Protocol):
    """A view whose SQL runs on every backend in ``backends`` (see :mod:`erfurt.archive.viewdb`).

    A view without ``backends`` runs on SQLite only: an archive configured for PostgreSQL
    refuses to open it.
    """

    name: str
    version: int
    kinds: frozenset[str]
    backends: frozenset[str]
    """The backends its SQL was written and tested for: ``sqlite``, ``postgresql``."""

    def create(self, db: ViewConnection) -> None:
        """Create the view's tables and indexes."""
        ...

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Apply one record (deterministically: no clock, no randomness)."""
        ...


@runtime_checkable
class SubjectSources(Protocol):
    """A view that knows what records of ``subject_kinds`` are about beyond the blobs they
    cite: the entities a merge names, say. Sealing asks it, so that a record naming only
    what sealed documents revealed is sealed too."""

    subject_kinds: frozenset[str]
    """The record kinds that name subjects this view knows."""

    def subject_sources(self, db: ViewConnection, record: Record) -> list[set[str]]:
        """For each subject ``record`` names, the blobs it is known from (empty: known
        from none, such as a list entry). Answered from what :meth:`View.apply` wrote:
        ``db`` may hold, uncommitted, the records logged in the same batch before it."""
        ...


@runtime_checkable
class BatchedView(View, Protocol):
    """A view that does part of its work once per transaction, after its records."""

    def finish(self, db: sqlite3.Connection) -> None:
        """Complete the records applied since the last call (before the commit)."""
        ...


@runtime_checkable
class PrefetchingView(BatchedView, Protocol):
    """A batched view that reads, before a batch, what applying it will read."""

    def prefetch(self, db: sqlite3.Connection, records: Sequence[tuple[int, Record]]) -> None:
        """Read at once what applying ``records`` (the batch's, of the view's kinds, in
        log order) will look up, where the connection holds rows back for the batch
        (:func:`~erfurt.archive.viewdb.held_rows`; elsewhere nothing to do)."""
        ...


@runtime_checkable
class LoadingView(View, Protocol):
    """A view that, loaded from empty on PostgreSQL in bulk (a rebuild), leaves part of
    its work to the load's end (:func:`~erfurt.archive.viewdb.loading_from_empty`)."""

    def finish_load(self, db: ViewConnection) -> None:
        """Do, once for every record loaded, the work the load's batches left (in the
        transaction that makes the view's deferred indexes, after them)."""
        ...


STATE_TABLE = """
CREATE TABLE IF NOT EXISTS view_state (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    next_index INTEGER NOT NULL,
    objects TEXT NOT NULL
)
"""


class DamagedViewsError(IntegrityError):
    """The views database is not what the views left: unreadable, or altered."""

    def __init__(self, path: Path | str, exc: Exception) -> None:
        super().__init__(
            f"{path}: the views database is damaged ({exc})",
            "run `erfurt rebuild`: it moves the damaged file aside and replays the log",
        )
        self._made_of = (path, exc)

    def __reduce__(self) -> tuple[type[DamagedViewsError], tuple[Path | str, Exception]]:
        # Raised in a search process, it reaches the server pickled: rebuilt from its
        # own arguments, not the message and hint the base class was given.
        return (type(self), self._made_of)


def connect_readonly(
    path: Path, *, any_thread: bool = False, attached: Sequence[Path] = ()
) -> sqlite3.Connection:
    """A read-only connection to a views database, with the files of the views kept
    apart (``attached``, each as the schema its file's stem names) attached read-only
    too: a query names their tables as if they were in ``path``.

    ``any_thread`` lets threads other than the opening one use it (one at a time).
    """
    db = sqlite3.connect(_readonly_uri(path), uri=True, check_same_thread=not any_thread)
    try:
        for other in attached:
            db.execute(
                "ATTACH DATABASE ? AS " + quoted_identifier(other.stem), (_readonly_uri(other),)
            )
    except sqlite3.Error:
        db.close()
        raise
    db.row_factory = sqlite3.Row
    return db


def _readonly_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def applied_size(db: ViewConnection, name: str) -> int:
    """How many log records the view ``name`` has applied, as seen by ``db``'s transaction:
    the log size that what the view answers in the same transaction was computed at."""
    row = db.execute("SELECT next_index FROM view_state WHERE name = ?", (name,)).fetchone()
    return 0 if row is None else int(row[0])


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite failed because the file is not what the views left (not a bad query)."""
    return type(exc) is sqlite3.DatabaseError or "no such" in str(exc)


def move_aside_if_damaged(path: Path) -> Path | None:
    """Rename an unreadable views database to ``<name>.damaged-N``; return where it went.

    It is kept, not deleted: it may be evidence of tampering. Returns None if the file
    is absent or SQLite can read its schema.
    """
    if not path.exists():
        return None
    try:
        db = connect_readonly(path)
        try:
            db.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return move_aside(path)
    return None


def move_aside(path: Path) -> Path:
    """Rename a damaged views database, with its journal files, to ``<name>.damaged-N``.

    The write-ahead log goes with it: left behind, SQLite would apply its pages to the
    fresh database created in its place.
    """
    number = 1
    while (aside := path.with_name(f"{path.name}.damaged-{number}")).exists():
        number += 1
    for suffix in ("-wal", "-shm"):
        journal = Path(f"{path}{suffix}")
        if journal.exists():
            journal.rename(f"{aside}{suffix}")
    path.rename(aside)
    _logger.warning("moved the damaged views database to %s", aside)
    return aside


class SqliteViews:
    """The views' SQLite file: the embedded default backend of the view store."""

    dialect = "sqlite"

    def __init__(self, path: Path, *, wait: float) -> None:
        """Open (or create) the database at ``path``; a write waits up to ``wait`` seconds
        for another process's write transaction to end. Raises :class:`DamagedViewsError`
        if the file is not a SQLite database."""
        self.path = path
        self.where = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=wait)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(STATE_TABLE)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise DamagedViewsError(path, exc) from exc

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def transaction(self, *, bulk: bool = False) -> AbstractContextManager[ViewConnection]:
        """A write transaction that holds the write lock from its start (``bulk`` changes
        nothing in SQLite: its statements cost no round trip)."""
        return immediate_transaction(self.db)

    def trial(self) -> AbstractContextManager[ViewConnection]:
        """A write transaction that is always rolled back: what the views would answer
        after records not logged yet (other connections never see them)."""
        return rolled_back_transaction(self.db)

    @contextmanager
    def snapshot(self) -> Iterator[ViewConnection]:
        """One read snapshot; a damaged file raises :class:`DamagedViewsError`."""
        try:
            self.db.execute("BEGIN")
            try:
                yield self.db
            finally:
                self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise DamagedViewsError(self.path, exc) from exc

    def objects(self) -> list[str]:
        """The tables in the database, by name."""
        return _objects(self.db)

    def drop_everything(self) -> None:
        """Drop every object, then recreate ``view_state`` (inside a transaction)."""
        _drop_everything(self.db, self.path)

    def rows_in_order(self, table: str) -> Iterator[Sequence[object]]:
        """Every row of ``table`` in a fixed order (see :func:`_rows_in_order`)."""
        return _rows_in_order(self.db, table)


def _rows_in_order(db: sqlite3.Connection, table: str) -> Iterator[Sequence[object]]:
    """Every row of ``table`` sorted by all its columns; a full-text index by its postings.

    Contentless FTS5 tables return no text, so their content is read back through an
    ``fts5vocab`` table: every (term, row, column, offset) the index holds.
    """
    sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (table,)).fetchone()
    using = str(sql[0]).upper() if sql is not None else ""
    if "USING FTS5VOCAB" in using:
        return  # a window onto another full-text index, which is read itself
    if "USING FTS5" in using:
        vocab = f"temp.{table}_postings"
        db.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, "{table}", instance)'
        )
        yield from db.execute(f"SELECT term, doc, col, offset FROM {vocab} ORDER BY 1, 2, 3, 4")
        return
    columns = len(db.execute(f'PRAGMA table_info("{table}")').fetchall())
    order = ", ".join(str(n) for n in range(1, columns + 1))
    yield from db.execute(f'SELECT * FROM "{table}" ORDER BY {order}')


def _drop_everything(db: sqlite3.Connection, path: Path) -> None:
    """Drop every trigger, view and table of the main schema, then recreate ``view_state``."""
    try:
        for kind in ("trigger", "view", "table"):
            # Virtual tables first: dropping one drops its shadow tables with it.
            rows = db.execute(
                "SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' "
                "ORDER BY sql NOT LIKE 'CREATE VIRTUAL%'",
                (kind,),
            ).fetchall()
            for (name,) in rows:
                if db.execute("SELECT 1 FROM sqlite_schema WHERE name = ?", (name,)).fetchone():
                    db.execute(f"DROP {kind.upper()} {quoted_identifier(name)}")
        db.execute(STATE_TABLE)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc) and "no such module" not in str(exc):
            raise
        raise DamagedViewsError(path, exc) from exc


def quoted_identifier(name: str) -> str:
    """An SQL identifier for any name (a name read from the file may be hostile)."""
    return '"' + name.replace('"', '""') + '"'


def _objects(db: sqlite3.Connection) -> list[str]:
    return [
        str(row[0])
        for row in db.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' "
            "AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
