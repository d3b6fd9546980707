"""The top-k tables (:mod:`erfurt.search.topk`) in PostgreSQL, kept from the postings.

The tables are SQLite's (``search_top``, ``search_top_terms``, ``search_top_facets``,
``search_top_pending``, and ``search_top_state``, which in PostgreSQL is also where the
index's totals are kept), so :func:`~erfurt.search.topk.frequent_best` and
:func:`~erfurt.search.topk.frequent_counts` read them unchanged, and they hold the same
rows: what makes a token tracked and which documents a group keeps are
:func:`~erfurt.search.topk.tracked_sql` and :func:`~erfurt.search.topk.kept_sql`.

Where SQLite tokenises rows again in a scratch FTS5 table, PostgreSQL reads the hit
counts from ``search_postings``: a document's hits in a column are its positions there.
A row added is noted in ``search_top_pending`` (a batch written in bulk: its rows' hits
taken from the postings as they are inserted, :func:`write_noted`); :func:`count_pending`
counts all the noted rows at once, in a few statements that return nothing (a pipelined
bulk connection does not wait for them). A row leaving the index is counted out by
:func:`forget_row` before its postings go, in statements that return nothing too.

While the view is loaded from empty (a rebuild in bulk) nothing is counted per batch:
the tables stay empty (so :func:`~erfurt.search.topk.frequent_best` steps aside, as for
any word not tracked) until :func:`count_loaded`, when the load ends, fills them from
every posting at once: the rows the per-batch count would have left, as the tables are
a function of the index alone.
"""

from __future__ import annotations

import sqlite3

from erfurt.archive import loading_from_empty
from erfurt.search.topk import kept_sql, place_sql, tracked_sql

__all__ = ["count_loaded", "count_pending", "forget_row", "note_rows", "write_noted"]

_VIEW = "search"

_HITS = (
    "sum(CASE WHEN p.col = 0 THEN cardinality(p.positions) ELSE 0 END) AS title_hits,"
    " sum(CASE WHEN p.col = 1 THEN cardinality(p.positions) ELSE 0 END) AS body_hits"
)
_TEMPORARY = (
    # The pending rows' (token, hits, length, facet set): what SQLite's scratch table reads.
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_top_new (token TEXT NOT NULL,"
    " doc BIGINT NOT NULL, title_hits BIGINT NOT NULL, body_hits BIGINT NOT NULL,"
    " length BIGINT NOT NULL, facet_set BIGINT NOT NULL)",
    # Per token of the pending rows: documents added and documents now.
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_top_counted (token TEXT PRIMARY KEY,"
    " added BIGINT NOT NULL, docs BIGINT NOT NULL)",
    # Per group of a tracked token the new rows reach: its keep-th (length, doc), if full.
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_top_bars (token TEXT NOT NULL,"
    " title_hits BIGINT NOT NULL, body_hits BIGINT NOT NULL, length BIGINT, doc BIGINT)",
    # The tokens of a row leaving the index, with its hits, length and facet set.
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_top_leaving (token TEXT NOT NULL,"
    " title_hits BIGINT NOT NULL, body_hits BIGINT NOT NULL, length BIGINT NOT NULL,"
    " facet_set BIGINT NOT NULL)",
    # Groups to read again from the postings: full when a member left.
    "CREATE TEMPORARY TABLE IF NOT EXISTS search_top_refill (token TEXT NOT NULL,"
    " title_hits BIGINT NOT NULL, body_hits BIGINT NOT NULL)",
)


def _new_rows(source: str) -> str:
    """SQL noting in search_top_new each (token, row) of the postings ``source`` (a FROM
    clause naming them ``p``) with its hits, the row's length and its facet set."""
    return (
        "INSERT INTO search_top_new (token, doc, title_hits, body_hits, length, facet_set)"
        f" SELECT p.token, p.doc, {_HITS}, r.length, f.facet_set FROM {source}"
        " JOIN search_rows AS r ON r.doc = p.doc JOIN search_document_facets AS f"
        " ON f.doc = p.doc GROUP BY p.token, p.doc, r.length, f.facet_set"
    )


_NEWLY = (
    "SELECT c.token FROM search_top_counted AS c, search_top_state AS s"
    f" WHERE {tracked_sql('c.docs', 's.tracked_from')}"
    f" AND NOT {tracked_sql('c.docs - c.added', 's.tracked_from')}"
)
_STILL = (
    "SELECT c.token FROM search_top_counted AS c, search_top_state AS s"
    f" WHERE {tracked_sql('c.docs - c.added', 's.tracked_from')}"
)
_STATE_KEEP = "(SELECT keep FROM search_top_state)"
# The new rows of tokens tracked before that come before their group's keep-th member.
_ADMITTED = (
    "SELECT n.token, n.title_hits, n.body_hits, n.length, n.doc FROM search_top_new AS n"
    " JOIN search_top_bars AS b ON (b.token, b.title_hits, b.body_hits) = (n.token,"
    " n.title_hits, n.body_hits) WHERE b.length IS NULL OR (n.length, n.doc) < (b.length, b.doc)"
)
_COUNT = (
    _new_rows("search_top_pending AS n JOIN search_postings AS p ON p.doc = n.doc"),
    "INSERT INTO search_top_counted (token, added, docs) SELECT a.token, a.added,"
    " coalesce(t.docs, 0) + a.added FROM (SELECT token, count(*) AS added FROM search_top_new"
    " GROUP BY token) AS a LEFT JOIN search_top_terms AS t ON t.token = a.token",
    "INSERT INTO search_top_terms (token, docs) SELECT token, docs FROM search_top_counted"
    " ON CONFLICT (token) DO UPDATE SET docs = excluded.docs",
    # Tracked from now on: the groups and facet counts read from every posting.
    f"DELETE FROM search_top WHERE token IN ({_NEWLY})",
    f"DELETE FROM search_top_facets WHERE token IN ({_NEWLY})",
    "INSERT INTO search_top (token, title_hits, body_hits, length, doc) "
    + kept_sql(
        f"SELECT h.token, h.title_hits, h.body_hits, r.length, h.doc FROM (SELECT p.token,"
        f" p.doc, {_HITS} FROM search_postings AS p WHERE p.token IN ({_NEWLY})"
        " GROUP BY p.token, p.doc) AS h JOIN search_rows AS r ON r.doc = h.doc"
    ),
    "INSERT INTO search_top_facets (token, facet_set, docs) SELECT p.token, f.facet_set,"
    " count(DISTINCT p.doc) FROM search_postings AS p JOIN search_document_facets AS f"
    f" ON f.doc = p.doc WHERE p.token IN ({_NEWLY}) GROUP BY p.token, f.facet_set",
    # Tracked before: each touched group's keep-th member (none while it holds fewer),
    # read from the key; the new rows before it join, and the groups they joined keep
    # their first (SQLite's _admit, in bulk).
    "INSERT INTO search_top_bars (token, title_hits, body_hits, length, doc) SELECT g.token,"
    " g.title_hits, g.body_hits, bar.length, bar.doc FROM (SELECT DISTINCT token, title_hits,"
    f" body_hits FROM search_top_new WHERE token IN ({_STILL})) AS g LEFT JOIN LATERAL"
    " (SELECT t.length, t.doc FROM search_top AS t WHERE (t.token, t.title_hits,"
    " t.body_hits) = (g.token, g.title_hits, g.body_hits) ORDER BY t.length, t.doc"
    f" OFFSET {_STATE_KEEP} - 1 LIMIT 1) AS bar ON true",
    f"INSERT INTO search_top (token, title_hits, body_hits, length, doc) {_ADMITTED}",
    "INSERT INTO search_top_facets (token, facet_set, docs) SELECT token, facet_set,"
    f" count(*) FROM search_top_new WHERE token IN ({_STILL}) GROUP BY token, facet_set"
    " ON CONFLICT (token, facet_set) DO UPDATE SET docs = search_top_facets.docs + excluded.docs",
    "DELETE FROM search_top AS t USING (SELECT token, title_hits, body_hits, length, doc,"
    f" {place_sql()} AS place FROM search_top WHERE (token, title_hits, body_hits)"
    f" IN (SELECT DISTINCT token, title_hits, body_hits FROM ({_ADMITTED}) AS a)) AS x,"
    " search_top_state AS s WHERE x.place > s.keep AND (t.token, t.title_hits, t.body_hits,"
    " t.length, t.doc) = (x.token, x.title_hits, x.body_hits, x.length, x.doc)",
    "DELETE FROM search_top_pending",
    "TRUNCATE search_top_new, search_top_counted, search_top_bars",
)
_FORGET = (
    "INSERT INTO search_top_leaving (token, title_hits, body_hits, length, facet_set)"
    f" SELECT p.token, {_HITS}, r.length, f.facet_set FROM search_postings AS p"
    " JOIN search_rows AS r ON r.doc = p.doc JOIN search_document_facets AS f"
    " ON f.doc = p.doc WHERE p.doc = ? AND p.doc NOT IN (SELECT doc FROM search_top_pending)"
    " GROUP BY p.token, r.length, f.facet_set",
    "UPDATE search_top_terms SET docs = docs - 1"
    " WHERE token IN (SELECT token FROM search_top_leaving)",
    "DELETE FROM search_top_terms WHERE docs = 0"
    " AND token IN (SELECT token FROM search_top_leaving)",
    # No longer tracked: its rows go (its count stays, as SQLite's does).
    "DELETE FROM search_top WHERE token IN (SELECT l.token FROM search_top_leaving AS l"
    " LEFT JOIN search_top_terms AS t ON t.token = l.token, search_top_state AS s"
    f" WHERE NOT {tracked_sql('coalesce(t.docs, 0)', 's.tracked_from')})",
    "DELETE FROM search_top_facets WHERE token IN (SELECT l.token FROM search_top_leaving AS l"
    " LEFT JOIN search_top_terms AS t ON t.token = l.token, search_top_state AS s"
    f" WHERE NOT {tracked_sql('coalesce(t.docs, 0)', 's.tracked_from')})",
    "UPDATE search_top_facets AS t SET docs = t.docs - 1 FROM search_top_leaving AS l"
    " WHERE t.token = l.token AND t.facet_set = l.facet_set",
    "DELETE FROM search_top_facets WHERE docs = 0"
    " AND token IN (SELECT token FROM search_top_leaving)",
    # A full group losing a member: the next shortest may not be kept, read it again.
    "INSERT INTO search_top_refill (token, title_hits, body_hits) SELECT l.token,"
    " l.title_hits, l.body_hits FROM search_top_leaving AS l WHERE EXISTS (SELECT 1"
    " FROM search_top AS t WHERE (t.token, t.title_hits, t.body_hits, t.length, t.doc)"
    " = (l.token, l.title_hits, l.body_hits, l.length, ?)) AND (SELECT count(*)"
    " FROM search_top AS t WHERE (t.token, t.title_hits, t.body_hits)"
    f" = (l.token, l.title_hits, l.body_hits)) >= {_STATE_KEEP}",
    "DELETE FROM search_top AS t USING search_top_leaving AS l"
    " WHERE (t.token, t.title_hits, t.body_hits, t.length, t.doc)"
    " = (l.token, l.title_hits, l.body_hits, l.length, ?)",
    "DELETE FROM search_top AS t USING search_top_refill AS g"
    " WHERE (t.token, t.title_hits, t.body_hits) = (g.token, g.title_hits, g.body_hits)",
    "INSERT INTO search_top (token, title_hits, body_hits, length, doc) "
    + kept_sql(
        "SELECT h.token, h.title_hits, h.body_hits, r.length, h.doc FROM (SELECT p.token,"
        f" p.doc, {_HITS} FROM search_postings AS p WHERE p.token IN (SELECT token"
        " FROM search_top_refill) AND p.doc != ? AND p.doc NOT IN (SELECT doc"
        " FROM search_top_pending) GROUP BY p.token, p.doc) AS h"
        " JOIN search_rows AS r ON r.doc = h.doc JOIN search_top_refill AS g"
        " ON (g.token, g.title_hits, g.body_hits) = (h.token, h.title_hits, h.body_hits)"
    ),
    "TRUNCATE search_top_leaving, search_top_refill",
    "DELETE FROM search_top_pending WHERE doc = ?",
)


_TRACKED = (
    "SELECT t.token FROM search_top_terms AS t, search_top_state AS s"
    f" WHERE {tracked_sql('t.docs', 's.tracked_from')}"
)
_LOADED = (
    "TRUNCATE search_top, search_top_terms, search_top_facets, search_top_pending",
    # A (token, doc) has a posting per column it is in: one or two.
    "INSERT INTO search_top_terms (token, docs) SELECT token, count(DISTINCT doc)"
    " FROM search_postings GROUP BY token",
    "CREATE TEMPORARY TABLE search_top_loaded ON COMMIT DROP AS SELECT p.token, p.doc,"
    f" {_HITS} FROM search_postings AS p WHERE p.token IN ({_TRACKED}) GROUP BY p.token, p.doc",
    "INSERT INTO search_top (token, title_hits, body_hits, length, doc) "
    + kept_sql(
        "SELECT h.token, h.title_hits, h.body_hits, r.length, h.doc FROM search_top_loaded"
        " AS h JOIN search_rows AS r ON r.doc = h.doc"
    ),
    "INSERT INTO search_top_facets (token, facet_set, docs) SELECT h.token, f.facet_set,"
    " count(*) FROM search_top_loaded AS h JOIN search_document_facets AS f ON f.doc = h.doc"
    " GROUP BY h.token, f.facet_set",
    "DROP TABLE search_top_loaded",
)


def _temporary(db: sqlite3.Connection) -> None:
    for statement in _TEMPORARY:
        db.execute(statement)


def note_rows(db: sqlite3.Connection, docs: list[int]) -> None:
    """Note rows just added to the index (their postings written), to count later."""
    db.execute("INSERT INTO search_top_pending (doc) SELECT unnest(?::bigint[])", (docs,))


def write_noted(db: sqlite3.Connection, postings: str) -> None:
    """Run ``postings``, an INSERT into search_postings of new rows (their lengths and
    facets written) ending in ``RETURNING token, doc, col, positions``, noting its rows
    for :func:`count_pending` from what it returns: they are not read back."""
    _temporary(db)
    db.execute(f"WITH p AS ({postings}) {_new_rows('p')}")


def count_pending(db: sqlite3.Connection) -> None:
    """Count every noted row into the top-k tables, all at once (as
    :func:`erfurt.search.topcount.count_pending` does in SQLite); nothing while the view
    is loaded from empty (:func:`count_loaded` counts it all when the load ends)."""
    if loading_from_empty(db, _VIEW):
        return
    _temporary(db)
    for statement in _COUNT:
        db.execute(statement)


def forget_row(db: sqlite3.Connection, doc: int) -> None:
    """Count out row ``doc`` before its postings and length are deleted (only un-note it
    if it is still pending: then the first statement finds nothing to count out)."""
    _temporary(db)
    for statement in _FORGET:
        db.execute(statement, [doc] * statement.count("?"))


def count_loaded(db: sqlite3.Connection) -> None:
    """Fill the top-k tables from every row of the index, set-based, when a load from
    empty ends (its batches counted nothing): the rows counting them batch by batch
    would have left."""
    for statement in _LOADED:
        db.execute(statement)
