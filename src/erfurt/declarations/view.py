"""The declarations view: tally counters, persons seen, and each declaration's number."""

from __future__ import annotations

import sqlite3

from erfurt.archive import Archive, BlobReader, Record
from erfurt.declarations.model import DECLARATION_KIND, Declaration
from erfurt.declarations.tally import (
    Grouping,
    Tally,
    count_declaration,
    create_tally_tables,
    query_tally,
)

__all__ = ["DeclarationsView", "imported_up_to", "number_of", "read_tally"]


class DeclarationsView:
    """Keeps the tally counters up to date as ``declaration.made`` records are logged.

    A declaration's number is its position among declarations in the log, so the view
    numbers them in the order it applies them (log order). It also remembers, for each
    imported CSV file (by SHA-256), the last row logged, so an interrupted import resumes.
    """

    name = "declarations"
    version = 2
    kinds = frozenset({DECLARATION_KIND})

    def create(self, db: sqlite3.Connection) -> None:
        """Create the counters and the log index -> number table."""
        create_tally_tables(db)
        db.execute(
            "CREATE TABLE IF NOT EXISTS declarations_number ("
            " log_index INTEGER PRIMARY KEY, number INTEGER NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS declarations_import ("
            " file TEXT PRIMARY KEY, last_row INTEGER NOT NULL) WITHOUT ROWID"
        )

    def apply(self, db: sqlite3.Connection, index: int, record: Record, blobs: BlobReader) -> None:
        """Count one declaration and give it the next number."""
        count_declaration(db, Declaration.from_fields(record.fields))
        db.execute(
            "INSERT INTO declarations_number VALUES"
            " (?, (SELECT declarations FROM declarations_count WHERE grouping = 'total'))",
            (index,),
        )
        if "import_file" in record.fields:
            db.execute(
                "INSERT INTO declarations_import VALUES (?, ?) ON CONFLICT (file)"
                " DO UPDATE SET last_row = MAX(last_row, excluded.last_row)",
                (record["import_file"], record["import_row"]),
            )


def number_of(db: sqlite3.Connection, log_index: int) -> int | None:
    """The number of the declaration at ``log_index``, or None if there is none."""
    row = db.execute(
        "SELECT number FROM declarations_number WHERE log_index = ?", (log_index,)
    ).fetchone()
    return None if row is None else int(row[0])


def imported_up_to(db: sqlite3.Connection, file_sha256: str) -> int:
    """The last CSV row of the file with this SHA-256 already logged (0 if none)."""
    row = db.execute(
        "SELECT last_row FROM declarations_import WHERE file = ?", (file_sha256,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def read_tally(archive: Archive, by: Grouping = "total") -> Tally:
    """The registry's tally grouped ``by`` (from the view's counters only)."""
    with archive.read_views() as db:
        return query_tally(db, by)
