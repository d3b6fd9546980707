"""Exact top-k for one frequent word, without scoring every match.

For a query of one token, FTS5's BM25 is ``idf * F * (k1 + 1) / (F + k1 * (1 - b + b * D
/ avgdl))``, with ``F = 2 * title hits + body hits`` and ``D`` the document's length in
tokens: among documents with the same (title hits, body hits) it falls as ``D`` grows,
whatever ``idf`` and ``avgdl`` are. So ``search_top`` keeps, for each token found in at
least ``tracked_from`` documents and each pair of hit counts, the ``keep`` shortest
documents (ties: the lower log index): the best ``n <= keep`` documents of the word are
among them, and scoring those few gives exactly what FTS5 would give for all.

``search_top_facets`` counts each tracked token's documents per combination of facet
values, so the total and the facets of a frequent word are a few rows' sums
(:func:`frequent_counts`), not a pass over its matches.

The tables are a function of the index alone (a rebuild gives the same rows):
:mod:`erfurt.search.topcount` counts every row the index gains or loses, with the
index's own totals (documents, tokens, and documents per token) that BM25 reads.
:func:`frequent_best` answers only when the rows it holds are provably the whole
answer, and returns None (search then scores every match) otherwise.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3

from erfurt.search.fold import has_han

__all__ = [
    "K1",
    "KEEP",
    "MIN_IDF",
    "TITLE_WEIGHT",
    "TRACKED_FROM",
    "B",
    "create_top_tables",
    "document_length",
    "document_lengths",
    "frequent_best",
    "frequent_counts",
    "idf",
    "is_tracked",
    "kept",
    "kept_sql",
    "newly_tracked",
    "place_sql",
    "single_token",
    "sized_length",
    "top_state",
    "tracked_sql",
]

KEEP = 100  # the best 100 answer a first page and the proximity re-ranking (find.RERANKED)
TRACKED_FROM = 2000  # about a million rows at 100,000 documents (docs/performance.md)
TITLE_WEIGHT = 2.0  # chosen on the development half of bench_search (5.0, 2.0, 1.0, 0.5, 0.2)
K1 = 1.2  # FTS5's bm25() constants
B = 0.75
MIN_IDF = 1e-6  # FTS5's idf of a phrase in half the rows or more

_SCHEMA = (
    """CREATE TABLE search_top (
        token TEXT NOT NULL,
        title_hits INTEGER NOT NULL,
        body_hits INTEGER NOT NULL,
        length INTEGER NOT NULL,      -- tokens in title and body, as FTS5 counts them
        doc INTEGER NOT NULL,
        PRIMARY KEY (token, title_hits, body_hits, length, doc)
    ) WITHOUT ROWID""",
    """CREATE TABLE search_top_terms (
        token TEXT PRIMARY KEY,
        docs INTEGER NOT NULL         -- indexed documents that hold the token
    ) WITHOUT ROWID""",
    """CREATE TABLE search_top_state (
        keep INTEGER NOT NULL,
        tracked_from INTEGER NOT NULL,
        documents INTEGER NOT NULL,   -- rows of search_index
        tokens INTEGER NOT NULL       -- their lengths summed
    )""",
    """CREATE TABLE search_top_facets (
        token TEXT NOT NULL,          -- a token of search_top
        facet_set INTEGER NOT NULL,   -- see search_facet_sets
        docs INTEGER NOT NULL,        -- indexed documents of that set that hold the token
        PRIMARY KEY (token, facet_set)
    ) WITHOUT ROWID""",
    """CREATE TABLE search_top_pending (
        doc INTEGER PRIMARY KEY       -- a row of search_index not yet counted here
    )""",
    "CREATE VIRTUAL TABLE search_top_instances USING fts5vocab(search_index, instance)",
)


def create_top_tables(
    db: sqlite3.Connection, keep: int = KEEP, tracked_from: int = TRACKED_FROM
) -> None:
    """Create the top-k tables (after ``search_index``): ``keep`` documents per group,
    for tokens in at least ``tracked_from`` documents."""
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO search_top_state VALUES (?, ?, 0, 0)", (keep, tracked_from))


@functools.lru_cache(maxsize=1 << 14)
def sized_length(size: bytes) -> int:
    """A row's length in tokens, from its ``sz`` in ``search_index_docsize`` (FTS5's
    count of each column's tokens, summed).

    Remembered: rows of many lengths share few such blobs, and a word becoming frequent
    reads those of thousands of rows at once (decoding them was a twentieth of the
    search view's time over 100,000 small files)."""
    return sum(_varints(size))


def _varints(data: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 stores sizes."""
    values, position = [], 0
    while position < len(data):
        value = 0
        for step in range(9):
            byte = data[position]
            position += 1
            if step == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values


def document_length(db: sqlite3.Connection, doc: int) -> int:
    """The length of row ``doc`` of ``search_index`` in tokens, as FTS5 counts it."""
    row = db.execute("SELECT sz FROM search_index_docsize WHERE id = ?", (doc,)).fetchone()
    return sized_length(row[0])


def document_lengths(db: sqlite3.Connection, docs: list[int]) -> dict[int, int]:
    """:func:`document_length` of each of ``docs``, read in one statement."""
    return {
        doc: sized_length(size)
        for doc, size in db.execute(
            "SELECT id, sz FROM search_index_docsize WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(docs),),
        )
    }


def is_tracked(docs: int, tracked_from: int) -> bool:
    """Whether a token found in ``docs`` documents has rows in the tables."""
    return docs >= tracked_from


def newly_tracked(docs: int, added: int, tracked_from: int) -> bool:
    """Whether a token now in ``docs`` documents, ``added`` of them just counted, has
    just become tracked (its groups are then read whole from the index)."""
    return is_tracked(docs, tracked_from) and not is_tracked(docs - added, tracked_from)


def tracked_sql(docs: str, tracked_from: str) -> str:
    """:func:`is_tracked` in SQL, of the expressions ``docs`` and ``tracked_from``."""
    return f"{docs} >= {tracked_from}"


def kept(members: list[tuple[int, int]], keep: int) -> list[tuple[int, int]]:
    """The (length, doc) members a group keeps: the ``keep`` shortest, ties the lower doc."""
    return sorted(members)[:keep]


def place_sql() -> str:
    """SQL of a row's place in its group, in :func:`kept`'s order (1 for the first)."""
    return "row_number() OVER (PARTITION BY token, title_hits, body_hits ORDER BY length, doc)"


def kept_sql(rows: str) -> str:
    """SQL of the rows of ``rows`` (token, title_hits, body_hits, length, doc) that their
    groups keep (:func:`kept`), ``keep`` read from search_top_state."""
    return (
        "SELECT token, title_hits, body_hits, length, doc FROM (SELECT token, title_hits,"
        f" body_hits, length, doc, {place_sql()} AS place FROM ({rows}) AS g) AS k"
        " WHERE place <= (SELECT keep FROM search_top_state)"
    )


def top_state(db: sqlite3.Connection) -> tuple[int, int, int, int]:
    """keep, tracked_from, and the counted rows and tokens of the index."""
    keep, tracked_from, documents, tokens = db.execute(
        "SELECT keep, tracked_from, documents, tokens FROM search_top_state"
    ).fetchone()
    return int(keep), int(tracked_from), int(documents), int(tokens)


def single_token(match: str) -> str | None:
    """The token a MATCH expression of one plain word stands for, as FTS5 writes it.

    Only ASCII words (lower-cased, as unicode61 does) and Chinese pairs are read here;
    any other term is left to FTS5, whose folding of other scripts is its own.
    """
    if len(match) < 3 or match[0] != '"' or match[-1] != '"':
        return None
    word = match[1:-1]
    if word.isascii() and word.isalnum():
        return word.lower()
    if len(word) == 2 and all(has_han(char) for char in word):
        return word
    return None


def _tracked(db: sqlite3.Connection, match: str) -> tuple[str, int] | None:
    """The token ``match`` stands for and its documents, if the tables hold all of it."""
    token = single_token(match)
    if token is None:
        return None
    row = db.execute(
        "SELECT docs FROM search_top_terms WHERE token = ? AND"
        f" {tracked_sql('docs', '(SELECT tracked_from FROM search_top_state)')}"
        " AND NOT EXISTS (SELECT 1 FROM search_top_pending)",
        (token,),
    ).fetchone()
    return None if row is None else (token, int(row[0]))


def frequent_counts(
    db: sqlite3.Connection, match: str, sets: str, params: list[object]
) -> dict[int, int] | None:
    """Documents matching ``match`` per facet set (of those meeting the condition ``sets``
    on search_facet_sets, if any): every match counted. None unless a frequent word."""
    tracked = _tracked(db, match)
    if tracked is None:
        return None
    chosen = (
        f" AND facet_set IN (SELECT facet_set FROM search_facet_sets WHERE {sets})" if sets else ""
    )
    return dict(
        db.execute(
            f"SELECT facet_set, docs FROM search_top_facets WHERE token = ?{chosen}",
            [tracked[0], *params],
        ).fetchall()
    )


def frequent_best(
    db: sqlite3.Connection, match: str, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, int]] | None:
    """The best ``wanted`` documents for ``match`` as (doc, BM25, body hits), best first
    (ties: lower doc first), exactly as FTS5's ``bm25(search_index, 2.0, 1.0)`` ranks
    every match; fewer only if fewer match. ``where`` and ``params`` are conditions on
    ``f`` (search_document_facets). None when the table cannot prove the answer.
    """
    keep, _, documents, tokens = top_state(db)
    tracked = _tracked(db, match)
    if tracked is None or wanted > keep:
        return None
    token, hits = tracked
    stored = dict(
        ((title_hits, body_hits), count)
        for title_hits, body_hits, count in db.execute(
            "SELECT title_hits, body_hits, count(*) FROM search_top WHERE token = ?"
            " GROUP BY title_hits, body_hits",
            (token,),
        )
    )
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {pair: [] for pair in stored}
    joined = " JOIN search_document_facets AS f ON f.doc = t.doc" if where else ""
    for title_hits, body_hits, length, doc in db.execute(
        f"SELECT t.title_hits, t.body_hits, t.length, t.doc FROM search_top AS t{joined}"
        f" WHERE t.token = ?{where} ORDER BY t.title_hits, t.body_hits, t.length, t.doc",
        [token, *params],
    ):
        members = groups[title_hits, body_hits]
        if len(members) < wanted:
            members.append((length, doc))
    if any(len(groups[pair]) < wanted and count >= keep for pair, count in stored.items()):
        return None  # filters left a group short whose later members are not kept
    return _scored(groups, hits, documents, tokens)[:wanted]


def idf(documents: int, hits: int) -> float:
    """FTS5's idf of a phrase found in ``hits`` of the index's ``documents`` rows."""
    value = math.log((documents - hits + 0.5) / (hits + 0.5))
    return MIN_IDF if value <= 0.0 else value


def _scored(
    groups: dict[tuple[int, int], list[tuple[int, int]]], hits: int, documents: int, tokens: int
) -> list[tuple[int, float, int]]:
    """FTS5's BM25 (fts5_aux.c), operation for operation so the doubles are equal."""
    weight = idf(documents, hits)
    average = float(tokens) / float(documents)
    scored = []
    for (title_hits, body_hits), members in groups.items():
        frequency = TITLE_WEIGHT * title_hits + 1.0 * body_hits
        for length, doc in members:
            score = weight * (
                (frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * float(length) / average))
            )
            scored.append((doc, score, body_hits))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored
