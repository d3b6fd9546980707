"""The search view: keeps the search tables in step with the log."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from erfurt.archive import BlobReader, Record, dialect_of
from erfurt.search.index import (
    count_pending,
    create_tables,
    index_document,
    index_text,
    prefetch_batch,
    write_batch,
)
from erfurt.search.pgchinese import GRAMS
from erfurt.search.pgindex import KEY, write_held
from erfurt.search.pgtop import count_loaded

__all__ = ["FOLLOWER", "SearchView"]

FOLLOWER = (sys.executable, "-m", "erfurt.search.follower")
"""How a writer starts the process that applies the search view's file while it logs
(:func:`erfurt.archive.followed`; the archive's folder and the files' names follow)."""


class SearchView:
    """``search_*``: documents and the latest text of each blob, indexed for search."""

    name = "search"
    # 5: search_top, the exact top-k of frequent words; 6: counted in bulk, facets;
    # 7: search_late, the copies added after their blob's text; 8: a blob's newer text
    # forgets its rows there (none can be held back again); 9: the top-k tables in
    # PostgreSQL too (search_row_totals is search_top_state there); 10: search_han, the
    # trigrams of Chinese runs in PostgreSQL; 11: search_texts.original '' where folding
    # changed nothing
    version = 11
    kinds = frozenset({"document.added", "text.extracted"})
    backends = frozenset({"sqlite", "postgresql"})  # PostgreSQL: erfurt.search.pgindex
    # In SQLite, a file of its own (views/search.sqlite): the most costly view to apply,
    # so that another process can apply it while a writer logs (erfurt.archive.viewsync)
    sqlite_file = "search.sqlite"
    # The index, kept as FTS5 and top-k tables in SQLite and as token tables in
    # PostgreSQL: a function of the other tables, compared within one backend only.
    backend_tables = frozenset(
        [f"search_index{s}" for s in ("", "_data", "_idx", "_docsize", "_config")]
        + [f"search_top{s}" for s in ("", "_terms", "_state", "_facets", "_pending")]
        + ["search_top_instances", "search_postings", "search_rows", "search_han"]
    )
    # PostgreSQL: the postings' key and the trigrams' index, made once when a load from
    # empty ends (finish_load)
    deferred_indexes = frozenset({KEY, GRAMS})

    def create(self, db: sqlite3.Connection) -> None:
        """Create the search tables."""
        create_tables(db)

    def apply(self, db: sqlite3.Connection, index: int, record: Record, blobs: BlobReader) -> None:
        """Index a document, or the text extracted from a blob (replacing older text)."""
        if record.kind == "document.added":
            index_document(
                db,
                index,
                record["blob"],
                record["name"],
                record["collection"],
                record.get("media_type", "application/octet-stream"),
                record.get("time", ""),
            )
        else:
            text = blobs.read_blob(record["text"]).decode("utf-8")
            index_text(db, index, record["source"], record["extractor"], text)

    def prefetch(self, db: sqlite3.Connection, records: Sequence[tuple[int, Record]]) -> None:
        """Read the texts and documents the batch's records will look up, at once."""
        prefetch_batch(
            db,
            {str(r["blob"]) for _, r in records if r.kind == "document.added"},
            {str(r["source"]) for _, r in records if r.kind == "text.extracted"},
        )

    def finish(self, db: sqlite3.Connection) -> None:
        """On PostgreSQL, write the rows the batch kept (:func:`write_batch`) and the
        postings held back for COPY; then count the transaction's new rows into the
        top-k tables, all at once."""
        if dialect_of(db) == "postgresql":
            write_batch(db)
            write_held(db)
        count_pending(db)

    def finish_load(self, db: sqlite3.Connection) -> None:
        """On PostgreSQL, when a load from empty ends (its postings' key just made): count
        the top-k tables, which its batches left empty, from every row at once."""
        if dialect_of(db) == "postgresql":
            count_loaded(db)
