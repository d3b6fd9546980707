"""The search index in PostgreSQL: FTS5's tokens and positions, kept in plain tables.

PostgreSQL's text search and pg_trgm cannot find a Chinese word of one or two
characters, so Erfurt tokenises itself (:mod:`erfurt.search.words`, the very tokens of
``search_index``) and keeps, per token, document and column, the token's positions:

- ``search_postings``: (token, doc, col, positions); col 0 is the file name, 1 the text.
  A word's documents are one range of its key (``search_postings_key``), a prefix's
  (``la*``, a single Chinese character: the prefix of its pairs) one range too, as
  tokens sort bytewise; a phrase is its tokens at consecutive positions.
- ``search_rows``: each indexed document's length in tokens (FTS5's column sizes summed).
- ``search_top_state``: how many documents and tokens (what BM25's idf and average
  length read, kept as FTS5 keeps them), and the sizes of the top-k tables.
- the top-k tables of frequent words, SQLite's own (:mod:`erfurt.search.topk`), kept
  from the postings by :mod:`erfurt.search.pgtop`.

The documents, texts and facets tables are the SQLite ones (:mod:`erfurt.search.index`).

On a connection that writes in bulk (:func:`~erfurt.archive.held_rows`: a rebuild's or a
catch-up's batches), a document's postings are held back and written with COPY by
:func:`write_held` before the batch commits, with the totals counted once; the rows are
the ones the statement-per-document path writes. While the view is loaded from empty
(:func:`~erfurt.archive.loading_from_empty`: a rebuild), the postings go straight into
``search_postings``, whose key (``search_postings_key``) is made once when the load
ends, and the top-k tables are counted then too (:func:`~erfurt.search.pgtop.count_loaded`).
"""

from __future__ import annotations

import sqlite3

from erfurt.archive import copy_rows, copy_text, held_rows, loading_from_empty
from erfurt.search import pgchinese
from erfurt.search.pgtop import forget_row, note_rows, write_noted
from erfurt.search.tokens import index_form
from erfurt.search.topk import KEEP, TRACKED_FROM
from erfurt.search.words import row_tokens, rows_as_copy

__all__ = ["KEY", "add_row", "create_index_tables", "drop_row", "write_held"]

KEY = "search_postings_key"
"""The index that keys ``search_postings``: left out while the view is loaded from empty."""
_HELD = "search"  # the view's name: where it holds rows, whether it is loading
# Where a batch's postings wait to be noted for the top-k count as they are inserted:
# private to the connection, never a view's table (temporary tables are not in the
# views' schema).
_STAGED = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_postings_staged"
    ' (token TEXT COLLATE "C" NOT NULL, doc BIGINT NOT NULL, col BIGINT NOT NULL,'
    " positions BIGINT[] NOT NULL)"
)
_POSTINGS = ("token", "doc", "col", "positions")

_SCHEMA = (
    """CREATE TABLE search_postings (
        token TEXT NOT NULL,
        doc INTEGER NOT NULL,
        col INTEGER NOT NULL,
        positions INTEGER[] NOT NULL
    )""",
    f"CREATE UNIQUE INDEX {KEY} ON search_postings (token, doc, col)",
    "CREATE INDEX search_postings_doc ON search_postings (doc)",
    """CREATE TABLE search_rows (
        doc INTEGER PRIMARY KEY,
        length INTEGER NOT NULL
    )""",
    """CREATE TABLE search_top_state (
        keep INTEGER NOT NULL,
        tracked_from INTEGER NOT NULL,
        documents BIGINT NOT NULL,    -- rows of search_rows
        tokens BIGINT NOT NULL        -- their lengths summed
    )""",
    """CREATE TABLE search_top (
        token TEXT NOT NULL,
        title_hits INTEGER NOT NULL,
        body_hits INTEGER NOT NULL,
        length INTEGER NOT NULL,
        doc INTEGER NOT NULL,
        PRIMARY KEY (token, title_hits, body_hits, length, doc)
    )""",
    """CREATE TABLE search_top_terms (
        token TEXT PRIMARY KEY,
        docs INTEGER NOT NULL
    )""",
    """CREATE TABLE search_top_facets (
        token TEXT NOT NULL,
        facet_set INTEGER NOT NULL,
        docs INTEGER NOT NULL,
        PRIMARY KEY (token, facet_set)
    )""",
    "CREATE TABLE search_top_pending (doc INTEGER PRIMARY KEY)",
    *pgchinese.SCHEMA,
    # search.facets reads media types with SQLite's instr(); PostgreSQL's is strpos().
    "CREATE OR REPLACE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER"
    " LANGUAGE sql IMMUTABLE STRICT AS 'SELECT strpos(haystack, needle)'",
)


def create_index_tables(
    db: sqlite3.Connection, keep: int = KEEP, tracked_from: int = TRACKED_FROM
) -> None:
    """Create the PostgreSQL index tables (beside the shared documents tables), the
    top-k tables sized as :func:`erfurt.search.topk.create_top_tables` sizes them."""
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO search_top_state VALUES (?, ?, 0, 0)", (keep, tracked_from))


def add_row(db: sqlite3.Connection, doc: int, name: str, text: str) -> None:
    """Index document ``doc``, its file name and text folded (its facets already
    written: its row of ``search_han`` keeps their combination)."""
    held = held_rows(db, _HELD)
    if held is not None:
        held[doc] = (name, text)  # tokenised with the batch's others by write_held
        return
    tokens = row_tokens(index_form(name), index_form(text))
    db.execute(
        "INSERT INTO search_postings (token, doc, col, positions)"
        " SELECT token, ?, col, array_agg(position ORDER BY position)"
        " FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS t (token, col, position)"
        " GROUP BY token, col",
        (doc, [t for t, _, _ in tokens], [c for _, c, _ in tokens], [p for _, _, p in tokens]),
    )
    db.execute("INSERT INTO search_rows (doc, length) VALUES (?, ?)", (doc, len(tokens)))
    han = pgchinese.han_row(name, text)
    if han is not None:
        db.execute(
            "INSERT INTO search_han (doc, length, facet_set, name, text, grams) SELECT doc, ?,"
            " facet_set, ?, ?, ?::bigint[] FROM search_document_facets WHERE doc = ?",
            (len(tokens), *han, doc),
        )
    db.execute(
        "UPDATE search_top_state SET documents = documents + 1, tokens = tokens + ?",
        (len(tokens),),
    )
    note_rows(db, [doc])


def drop_row(db: sqlite3.Connection, doc: int) -> None:
    """Take document ``doc`` out of the index (its text is about to be replaced)."""
    held = held_rows(db, _HELD)
    if held is not None and held.pop(doc, None) is not None:
        return  # added in this batch: never written
    if not loading_from_empty(db, _HELD):  # else nothing is counted yet
        forget_row(db, doc)
    db.execute("DELETE FROM search_postings WHERE doc = ?", (doc,))
    db.execute("DELETE FROM search_han WHERE doc = ?", (doc,))
    db.execute(
        "UPDATE search_top_state SET documents = documents - 1,"
        " tokens = tokens - (SELECT length FROM search_rows WHERE doc = ?)",
        (doc,),
    )
    db.execute("DELETE FROM search_rows WHERE doc = ?", (doc,))


def write_held(db: sqlite3.Connection) -> None:
    """Write the documents held back since the batch began (:func:`add_row` on a bulk
    connection), tokenised in one pass into postings (the COPY lines written by SQLite,
    in key order); the lengths with COPY, the totals with one update. While the view is
    loaded from empty the postings are copied into ``search_postings`` and counted when
    the load ends; else through a scratch table, noted for the top-k count as they are
    inserted."""
    held = held_rows(db, _HELD)
    if not held:
        return
    postings, lengths = rows_as_copy(
        {doc: (index_form(name), index_form(text)) for doc, (name, text) in held.items()}
    )
    loading = loading_from_empty(db, _HELD)
    if loading:
        copy_text(db, "search_postings", _POSTINGS, postings)
    else:
        db.execute(_STAGED)
        copy_text(db, "search_postings_staged", _POSTINGS, postings)
    copy_rows(db, "search_rows", ("doc", "length"), lengths.items())
    _write_han(db, held, lengths)
    if not loading:
        write_noted(
            db,
            "INSERT INTO search_postings (token, doc, col, positions) SELECT token, doc, col,"
            " positions FROM search_postings_staged RETURNING token, doc, col, positions",
        )
        db.execute("TRUNCATE search_postings_staged")
    db.execute(
        "UPDATE search_top_state SET documents = documents + ?, tokens = tokens + ?",
        (len(lengths), sum(lengths.values())),
    )
    held.clear()


def _write_han(
    db: sqlite3.Connection, held: dict[int, tuple[str, str]], lengths: dict[int, int]
) -> None:
    """Copy the ``search_han`` rows of the held documents that have Chinese, with the
    facet combinations the batch wrote before them (:func:`write_held` runs after
    :func:`erfurt.search.index.write_batch`)."""
    rows = {
        doc: han for doc, (name, text) in held.items() if (han := pgchinese.han_row(name, text))
    }
    if not rows:
        return
    facet_sets = dict(
        db.execute(
            "SELECT doc, facet_set FROM search_document_facets WHERE doc = ANY(?)", (sorted(rows),)
        ).fetchall()
    )
    copy_rows(
        db,
        "search_han",
        pgchinese.COLUMNS,
        ((doc, lengths[doc], facet_sets[doc], *han) for doc, han in sorted(rows.items())),
    )
