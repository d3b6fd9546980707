"""A bulk batch's documents and their facets, held back and written with COPY.

On a connection that writes in bulk (:func:`~erfurt.archive.held_rows`: a rebuild's or a
catch-up's batches), the rows of ``search_documents`` and ``search_document_facets`` a
batch adds are held in maps instead of inserted one statement each; what the batch reads
of them (a blob's copies, a copy's facet set changing when its text arrives) is answered
from the maps, and :func:`write_documents` copies them before the batch commits. The rows
are those the statement-per-document path writes (the bulk and row-by-row digests are
compared by a test).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from erfurt.archive import copy_rows, held_rows

__all__ = ["held_copies", "hold_document", "hold_facet_set", "write_documents"]

_DOCUMENTS = "search_documents"
_FACETS = "search_document_facets"
_BY_BLOB = "search_documents_by_blob"
_DOCUMENT_COLUMNS = ("doc", "blob", "name", "collection", "media_type", "added")


def hold_document(db: sqlite3.Connection, row: tuple[Any, ...], facet_set: int, day: Any) -> bool:
    """Hold a new document's row (the columns of ``search_documents``) and its facets;
    False where the connection writes row by row (nothing held)."""
    documents = held_rows(db, _DOCUMENTS)
    if documents is None:
        return False
    doc, blob = row[0], row[1]
    documents[doc] = row
    held_rows(db, _FACETS)[doc] = [facet_set, day]  # type: ignore[index]  # bulk, as above
    held_rows(db, _BY_BLOB).setdefault(blob, []).append(doc)  # type: ignore[union-attr]
    return True


def held_copies(db: sqlite3.Connection, blob: str) -> list[tuple[Any, ...]]:
    """The documents of ``blob`` held in this batch: (doc, name, collection, media
    type, added) each, in log order."""
    by_blob = held_rows(db, _BY_BLOB)
    documents = held_rows(db, _DOCUMENTS)
    if not by_blob or documents is None:
        return []
    return [(doc, *documents[doc][2:]) for doc in by_blob.get(blob, ())]


def hold_facet_set(db: sqlite3.Connection, doc: int, facet_set: int) -> bool:
    """Change a held document's facet set; False if ``doc`` is not held (then the
    caller updates its row)."""
    facets = held_rows(db, _FACETS)
    if facets is None or doc not in facets:
        return False
    facets[doc][0] = facet_set
    return True


def write_documents(db: sqlite3.Connection) -> None:
    """Copy the documents and facets held since the batch began, then forget them."""
    documents = held_rows(db, _DOCUMENTS)
    if not documents:
        return
    facets = held_rows(db, _FACETS)
    assert facets is not None
    copy_rows(db, _DOCUMENTS, _DOCUMENT_COLUMNS, documents.values())
    copy_rows(db, _FACETS, ("doc", "facet_set", "day"), ((d, *f) for d, f in facets.items()))
    for name in (_DOCUMENTS, _FACETS, _BY_BLOB):
        held_rows(db, name).clear()  # type: ignore[union-attr]  # bulk: a map
