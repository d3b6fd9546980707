"""Views: SQLite tables derived from the log, which can always be thrown away and rebuilt.

Each :class:`View` creates its own tables and applies records in log order. The
:class:`ViewStore` remembers, in ``view_state``, how far each view has applied the log,
which version of the view built its tables, and which tables those are, so it can:

- catch a view up after a crash between an append and its application,
- drop and replay one view whose version changed,
- drop and replay everything (``erfurt rebuild``) in place: other processes may have the
  file open (``erfurt serve`` reading, a writer applying its records), so the file is
  never deleted or swapped, only emptied in one transaction and filled again,
- compute a digest of each view's tables, to compare with a fresh replay of the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

from erfurt.archive.blobs import BlobReader
from erfurt.archive.records import Record
from erfurt.archive.transaction import immediate_transaction, rolled_back_transaction
from erfurt.errors import ConfigError, IntegrityError

__all__ = [
    "DamagedViewsError",
    "SubjectSources",
    "View",
    "ViewStore",
    "applied_size",
    "connect_readonly",
    "is_damage",
    "move_aside",
    "move_aside_if_damaged",
]

_logger = logging.getLogger(__name__)
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
class SubjectSources(Protocol):
    """A view that knows what records of ``subject_kinds`` are about beyond the blobs they
    cite: the entities a merge names, say. Sealing asks it, so that a record naming only
    what sealed documents revealed is sealed too."""

    subject_kinds: frozenset[str]
    """The record kinds that name subjects this view knows."""

    def subject_sources(self, db: sqlite3.Connection, record: Record) -> list[set[str]]:
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


_STATE = """
CREATE TABLE IF NOT EXISTS view_state (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    next_index INTEGER NOT NULL,
    objects TEXT NOT NULL
)
"""


class DamagedViewsError(IntegrityError):
    """The views database is not a readable SQLite database."""

    def __init__(self, path: Path, exc: sqlite3.DatabaseError) -> None:
        super().__init__(
            f"{path}: the views database is damaged ({exc})",
            "run `erfurt rebuild`: it moves the damaged file aside and replays the log",
        )


def connect_readonly(path: Path, *, any_thread: bool = False) -> sqlite3.Connection:
    """A read-only connection to a views database.

    ``any_thread`` lets threads other than the opening one use it (one at a time).
    """
    db = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=not any_thread
    )
    db.row_factory = sqlite3.Row
    return db


def applied_size(db: sqlite3.Connection, name: str) -> int:
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


class ViewStore:
    """The views database of one archive, and the views kept in it."""

    def __init__(self, path: Path, views: Sequence[View], *, wait: float = 5.0) -> None:
        """Open (or create) the database at ``path``; a write waits up to ``wait`` seconds
        for another process's write transaction to end."""
        names = [v.name for v in views]
        if len(set(names)) != len(names):
            raise ConfigError(f"two views share a name: {sorted(names)}")
        self.path = path
        self.views = tuple(views)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=wait)
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_STATE)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise DamagedViewsError(path, exc) from exc

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._db)

    def trial(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction that is always rolled back: what the views would answer
        after records not logged yet (other connections never see them)."""
        return rolled_back_transaction(self._db)

    def _state(self, db: sqlite3.Connection, view: View) -> tuple[int, int, list[str]] | None:
        row = db.execute(
            "SELECT version, next_index, objects FROM view_state WHERE name = ?", (view.name,)
        ).fetchone()
        if row is None:
            return None
        return int(row[0]), int(row[1]), list(json.loads(row[2]))

    def _reset(self, db: sqlite3.Connection, view: View) -> None:
        """Drop what the view built before, create it afresh, and start it at record 0."""
        state = self._state(db, view)
        for name in (state[2] if state else [])[::-1]:
            db.execute(f"DROP TABLE IF EXISTS {_quoted(name)}")
        before = _objects(db)
        view.create(db)
        created = [n for n in _objects(db) if n not in before]
        db.execute(
            "INSERT OR REPLACE INTO view_state (name, version, next_index, objects) "
            "VALUES (?, ?, 0, ?)",
            (view.name, view.version, json.dumps(created)),
        )

    def positions(self) -> dict[str, int]:
        """For each view, the index of the next record it has to apply."""
        positions: dict[str, int] = {}
        for view in self.views:
            state = self._state(self._db, view)
            current = state is not None and state[0] == view.version
            positions[view.name] = state[1] if state and current else 0
        return positions

    def prepare(self, *, rebuild: bool = False) -> None:
        """Create missing views, and reset those whose version changed.

        With ``rebuild``, every object in the database (the views' tables, and anything
        else found there: a planted trigger or table) is dropped first, in the same
        transaction, so open readers see the old views or the empty new ones, never a
        mix. Raises :class:`DamagedViewsError` if SQLite cannot drop what it finds.
        """
        with self._transaction() as db:
            if rebuild:
                _drop_everything(db, self.path)
            for view in self.views:
                state = self._state(db, view)
                if rebuild or state is None or state[0] != view.version:
                    if state is not None:
                        _logger.info("replaying view %s from the start", view.name)
                    self._reset(db, view)

    def apply(
        self,
        records: Iterable[tuple[int, Record]],
        blobs: BlobReader,
        *,
        start: int,
        end: int,
    ) -> None:
        """Apply the records from index ``start`` to before ``end`` (in log order) to the views.

        All in one transaction: every view that had applied the log up to ``start`` (or
        further) advances to ``end``. A view that is behind ``start`` (another process
        reset it since its position was read, as ``rebuild`` does) is left as it is: the
        caller reads the positions again (:meth:`positions`) and fills the gap.
        """
        with self._transaction() as db:
            for view in self.views:
                if self._state(db, view) is None:  # dropped by another process's rebuild
                    self._reset(db, view)
            states = {v.name: self._state(db, v) for v in self.views}
            behind = {n for n, s in states.items() if s is None or s[1] < start}
            current = [v for v in self.views if v.name not in behind]
            for index, record in records:
                for view in current:
                    state = states[view.name]
                    assert state is not None
                    if index >= state[1] and record.kind in view.kinds:
                        view.apply(db, index, record, blobs)
            for view in current:
                if isinstance(view, BatchedView):
                    view.finish(db)
            for view in current:
                db.execute(
                    "UPDATE view_state SET next_index = MAX(next_index, ?) WHERE name = ?",
                    (end, view.name),
                )

    def digests(self) -> dict[str, str]:
        """For each view, the SHA-256 (hex) of every row of its tables, in a fixed order.

        Two databases that applied the same records give the same digests. Raises
        :class:`DamagedViewsError` if the database cannot be read.
        """
        try:
            self._db.execute("BEGIN")  # one snapshot for every view
            try:
                return {
                    v.name: _view_digest(self._db, self._state(self._db, v)) for v in self.views
                }
            finally:
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise DamagedViewsError(self.path, exc) from exc


def _view_digest(db: sqlite3.Connection, state: tuple[int, int, list[str]] | None) -> str:
    digest = hashlib.sha256()
    if state is None:
        return digest.hexdigest()
    version, next_index, objects = state
    digest.update(f"version {version} next {next_index}\n".encode())
    for name in sorted(objects):
        if not _TABLE_NAME.fullmatch(name):  # names come from the file: never into SQL as is
            raise sqlite3.DatabaseError(f"view_state names a table {name!r}")
        digest.update(f"table {name}\n".encode())
        for row in _rows_in_order(db, name):
            digest.update(repr(tuple(row)).encode() + b"\n")
    return digest.hexdigest()


def _rows_in_order(db: sqlite3.Connection, table: str) -> Iterator[sqlite3.Row]:
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
                    db.execute(f"DROP {kind.upper()} {_quoted(name)}")
        db.execute(_STATE)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc) and "no such module" not in str(exc):
            raise
        raise DamagedViewsError(path, exc) from exc


def _quoted(name: str) -> str:
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
