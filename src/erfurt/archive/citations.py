"""The built-in view of which records cite which blobs: the custody chain's index."""

from __future__ import annotations

from erfurt.archive.blobs import BlobReader
from erfurt.archive.kinds import KINDS
from erfurt.archive.records import Record
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import ALL_BACKENDS

__all__ = ["CitationsView"]


class CitationsView:
    """``citations(blob, record, kind, field)``: every blob digest every record cites."""

    name = "citations"
    version = 1
    kinds = frozenset(kind for kind, spec in KINDS.items() if spec.blob_fields)
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the table, indexed by blob."""
        db.execute(
            "CREATE TABLE citations (blob TEXT NOT NULL, record INTEGER NOT NULL, "
            "kind TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (blob, record, field))"
        )

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Index the blobs ``record`` cites."""
        db.executemany(
            "INSERT OR IGNORE INTO citations (blob, record, kind, field) VALUES (?, ?, ?, ?)",
            [(sha256, index, record.kind, field) for field, sha256 in record.blobs().items()],
        )
