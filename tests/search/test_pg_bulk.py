"""The PostgreSQL index written in bulk (documents, facets and postings held back per
batch and copied before the commit) holds the very rows the statement-per-document path
writes: copies of a file and texts extracted again, within one batch and across batches."""

from __future__ import annotations

import sqlite3
from typing import cast

from erfurt.archive.viewdb import PgConnection, connect_postgresql
from erfurt.search import SearchView, create_tables, index_document, index_text, search
from pg_cluster import PgCluster

_TABLES = (
    "search_documents",
    "search_facet_sets",
    "search_document_facets",
    "search_texts",
    "search_postings",
    "search_rows",
    "search_han",
    "search_top_state",
    "search_top",
    "search_top_terms",
    "search_top_facets",
    "search_top_pending",
)
# Batches of (kind, doc or record, blob, name or extractor, text or collection).
_BATCHES = [
    [
        ("doc", 0, "a", "report.pdf", "hk"),
        ("text", 1, "a", "pdf", "The police detained twelve people. 国家衛生"),
        ("doc", 2, "a", "copy of report.pdf", "tw"),  # a copy after its text
        ("doc", 3, "b", "notes.txt", "hk"),
        ("text", 4, "b", "text", "Notes on the station"),
        ("text", 5, "b", "ocr", "Notes again: the station, the police"),  # replaced at once
    ],
    [
        ("doc", 6, "a", "third copy.pdf", "cn"),  # a copy of a blob from the last batch
        ("text", 7, "a", "ocr", "Police released everyone 警察局长"),  # replaces across batches
        ("doc", 8, "c", "空白文件.txt", "cn"),
        ("text", 9, "c", "text", "—"),  # no token at all
        ("doc", 10, "d", "later.txt", "hk"),  # text never extracted
    ],
    [("text", 11, "b", "html", "Station records, detained again")],
]


def _build(url: str, bulk: bool) -> PgConnection:
    db = connect_postgresql(url, bulk=bulk)
    view = cast(sqlite3.Connection, db)
    create_tables(view, top_keep=2, top_tracked_from=2)  # top-k tables of a few rows
    for batch in _BATCHES:
        with db.raw.transaction(), db.pipelined(), db.held_back():
            for kind, number, blob, what, other in batch:
                if kind == "doc":
                    index_document(view, number, blob, what, other, "text/plain", "2024-03-01")
                else:
                    index_text(view, number, blob, what, other)
            SearchView().finish(view)
    return db


def _rows(db: PgConnection, table: str) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in db.execute(f"SELECT * FROM {table}"))


def test_the_bulk_batches_write_the_rows_the_row_by_row_path_writes(
    pg_cluster: PgCluster,
) -> None:
    bulk = _build(pg_cluster.create_database(), bulk=True)
    rows = _build(pg_cluster.create_database(), bulk=False)
    try:
        for table in _TABLES:
            assert _rows(bulk, table) == _rows(rows, table), table
        assert len(_rows(bulk, "search_documents")) == 6
        # Chinese runs of three or more: blob a's last text (three copies), one name
        assert [row[0] for row in _rows(bulk, "search_han")] == [0, 2, 6, 8]
        assert _rows(bulk, "search_top") and not _rows(bulk, "search_top_pending")
        assert not bulk.held.get("search") and not bulk.held.get("search_documents")
        found = search(cast(sqlite3.Connection, bulk), "police", facets=True)
        assert [hit.doc for hit in found.hits] == [0]
        assert [s.doc for s in found.hits[0].sightings] == [0, 2, 6]
        assert repr(found) == repr(search(cast(sqlite3.Connection, rows), "police", facets=True))
    finally:
        bulk.close()
        rows.close()
