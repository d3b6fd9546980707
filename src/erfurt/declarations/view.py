"""The declarations view: tally counters, persons seen, and each declaration's number."""

from __future__ import annotations

from collections.abc import Sequence

from erfurt.archive import ALL_BACKENDS, Archive, BlobReader, Record, ViewConnection, held_rows
from erfurt.declarations.csv_import import row_digest
from erfurt.declarations.model import DECLARATION_KIND, Declaration
from erfurt.declarations.tally import (
    Grouping,
    Tally,
    count_declaration,
    create_tally_tables,
    query_tally,
)
from erfurt.declarations.tallybatch import TallyBatch

__all__ = ["DeclarationsView", "imported_count", "number_of", "read_tally"]


class DeclarationsView:
    """Keeps the tally counters up to date as ``declaration.made`` records are logged.

    A declaration's number is its position among declarations in the log, so the view
    numbers them in the order it applies them (log order). It also counts the imported
    declarations by :func:`row_digest`, so that importing a file again (after a crash, or
    corrected) logs only what is not in the log yet.
    """

    name = "declarations"
    version = 3
    kinds = frozenset({DECLARATION_KIND})
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the counters and the log index -> number table."""
        create_tally_tables(db)
        db.execute(
            "CREATE TABLE IF NOT EXISTS declarations_number ("
            " log_index INTEGER PRIMARY KEY, number INTEGER NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS declarations_imported ("
            " digest BLOB PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID"
        )

    def prefetch(self, db: ViewConnection, records: Sequence[tuple[int, Record]]) -> None:
        """Where the batch is held back, read the counts its declarations start from."""
        held = held_rows(db, self.name)
        if held is not None:
            named = {r.get("person") for _, r in records} - {None}
            held["batch"] = TallyBatch.begin(db, (bytes.fromhex(str(p)) for p in named))

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Count one declaration and give it the next number (in the batch's counts,
        where the batch is held back)."""
        declaration = Declaration.from_fields(record.fields, source=f"record {index}")
        held = held_rows(db, self.name)
        if held is not None and "batch" in held:
            digest = row_digest(declaration) if declaration.imported else None
            held["batch"].count(index, declaration, digest)
            return
        count_declaration(db, declaration)
        db.execute(
            "INSERT INTO declarations_number VALUES"
            " (?, (SELECT declarations FROM declarations_count WHERE grouping = 'total'))",
            (index,),
        )
        if declaration.imported:
            db.execute(
                "INSERT INTO declarations_imported VALUES (?, 1) ON CONFLICT (digest)"
                " DO UPDATE SET count = declarations_imported.count + 1",
                (row_digest(declaration),),
            )

    def finish(self, db: ViewConnection) -> None:
        """Write the batch's counts, where it was held back."""
        held = held_rows(db, self.name)
        if held is not None and "batch" in held:
            held.pop("batch").write(db)


def number_of(db: ViewConnection, log_index: int) -> int | None:
    """The number of the declaration at ``log_index``, or None if there is none."""
    row = db.execute(
        "SELECT number FROM declarations_number WHERE log_index = ?", (log_index,)
    ).fetchone()
    return None if row is None else int(row[0])


def imported_count(db: ViewConnection, digest: bytes) -> int:
    """How many imported declarations with this :func:`row_digest` the log holds."""
    row = db.execute(
        "SELECT count FROM declarations_imported WHERE digest = ?", (digest,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def read_tally(archive: Archive, by: Grouping = "total") -> Tally:
    """The registry's tally grouped ``by`` (from the view's counters only)."""
    with archive.query_views() as db:
        return query_tally(db, by)
