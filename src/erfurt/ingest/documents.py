"""The documents view: every preserved file, each sighting, by blob and by collection."""

from __future__ import annotations

from collections.abc import Iterable

from erfurt.archive import ALL_BACKENDS, JSON, BlobReader, BlobRef, Record, ViewConnection

__all__ = ["DocumentsView"]


class DocumentsView:
    """``documents``: one row per ``document.added`` record."""

    name = "documents"
    version = 2  # 2: the index by parent, for expansion budgets
    kinds = frozenset({"document.added"})
    backends = ALL_BACKENDS
    deferred_indexes = frozenset(
        {"documents_by_blob", "documents_by_collection", "documents_by_parent"}
    )  # no apply reads them: made after a load

    def create(self, db: ViewConnection) -> None:
        """Create the table and its look-up indexes."""
        db.execute(
            "CREATE TABLE documents (record INTEGER PRIMARY KEY, blob TEXT NOT NULL, "
            "size INTEGER NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL, "
            "collection TEXT NOT NULL, time TEXT NOT NULL, who TEXT NOT NULL, parent INTEGER)"
        )
        db.execute("CREATE INDEX documents_by_blob ON documents (blob, collection, name)")
        db.execute("CREATE INDEX documents_by_collection ON documents (collection)")
        db.execute("CREATE INDEX documents_by_parent ON documents (parent)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Add the document's row."""
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                index,
                record["blob"],
                record["size"],
                record["name"],
                record["media_type"],
                record["collection"],
                record["time"],
                record["who"],
                record.get("parent"),
            ),
        )


def find_sighting(db: ViewConnection, blob: str, name: str, collection: str) -> int | None:
    """The record that already added this blob under this name to this collection, if any."""
    row = db.execute(
        "SELECT record FROM documents WHERE blob = ? AND collection = ? AND name = ? "
        "ORDER BY record LIMIT 1",
        (blob, collection, name),
    ).fetchone()
    return int(row[0]) if row else None


def is_preserved(db: ViewConnection, blob: str) -> bool:
    """Whether any document has been added with these bytes."""
    return (
        db.execute("SELECT 1 FROM documents WHERE blob = ? LIMIT 1", (blob,)).fetchone() is not None
    )


def document_record(
    blob: BlobRef,
    *,
    media_type: str,
    name: str,
    collection: str,
    who: str,
    time: str,
    parent: int | None = None,
    name_fields: Iterable[tuple[str, str]] = (),
) -> Record:
    """The ``document.added`` record of a preserved blob (``media_type`` sniffed from its bytes).

    ``name_fields`` keep the name as it was when ``name`` could not be it (see kinds.py).
    """
    fields: dict[str, JSON] = {
        "blob": blob.sha256,
        "size": blob.size,
        "name": name,
        "media_type": media_type,
        "collection": collection,
        "time": time,
        "who": who,
    }
    if parent is not None:
        fields["parent"] = parent
    fields.update(name_fields)
    return Record("document.added", fields)
