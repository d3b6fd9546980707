"""Exact top-k for one frequent word, without scoring every match.

For a query of one token, FTS5's BM25 is ``idf * F * (k1 + 1) / (F + k1 * (1 - b + b * D
/ avgdl))``, with ``F = 2 * title hits + body hits`` and ``D`` the document's length in
tokens: among documents with the same (title hits, body hits) it falls as ``D`` grows,
whatever ``idf`` and ``avgdl`` are. So ``search_top`` keeps, for each token found in at
least ``tracked_from`` documents and each pair of hit counts, the ``keep`` shortest
documents (ties: the lower log index): the best ``n <= keep`` documents of the word are
among them, and scoring those few gives exactly what FTS5 would give for all.

The table is a function of the index alone (a rebuild gives the same rows): every row
the index gains or loses passes through :func:`remember_document` or
:func:`forget_document`, which also keep the index's own totals (documents, tokens, and
documents per token) that BM25 reads. A group that loses a member while full is rebuilt
from the index. :func:`frequent_best` answers only when the rows it holds are provably
the whole answer, and returns None (search then scores every match) otherwise.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from erfurt.search.fold import has_han

__all__ = [
    "KEEP",
    "TITLE_WEIGHT",
    "TRACKED_FROM",
    "DocumentTerms",
    "create_top_tables",
    "document_terms",
    "forget_document",
    "frequent_best",
    "remember_document",
]

KEEP = 100  # the best 100 answer a first page and the proximity re-ranking (find.RERANKED)
TRACKED_FROM = 2000  # about a million rows at 100,000 documents (docs/performance.md)
TITLE_WEIGHT = 2.0  # chosen on the development half of bench_search (5.0, 2.0, 1.0, 0.5, 0.2)
_K1 = 1.2  # FTS5's bm25() constants
_B = 0.75

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
    "CREATE VIRTUAL TABLE search_top_instances USING fts5vocab(search_index, instance)",
)
_SCRATCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_scratch USING fts5(title, body,"
    " content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_scratch_terms"
    " USING fts5vocab(temp, search_top_scratch, col)",
)


def create_top_tables(
    db: sqlite3.Connection, keep: int = KEEP, tracked_from: int = TRACKED_FROM
) -> None:
    """Create the top-k tables (after ``search_index``): ``keep`` documents per group,
    for tokens in at least ``tracked_from`` documents."""
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO search_top_state VALUES (?, ?, 0, 0)", (keep, tracked_from))


@dataclass(frozen=True, slots=True)
class DocumentTerms:
    """One indexed row: its length and, per token, its (title hits, body hits)."""

    doc: int
    length: int
    hits: dict[str, tuple[int, int]]


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


def _length(db: sqlite3.Connection, doc: int) -> int:
    row = db.execute("SELECT sz FROM search_index_docsize WHERE id = ?", (doc,)).fetchone()
    return sum(_varints(row[0]))


def document_terms(db: sqlite3.Connection, doc: int, title: str, body: str) -> DocumentTerms:
    """The tokens of ``doc`` (indexed with ``title`` and ``body``) and its length.

    Call it while the row is in ``search_index``: the length is FTS5's own.
    """
    for statement in _SCRATCH:
        db.execute(statement)
    db.execute("INSERT INTO temp.search_top_scratch (title, body) VALUES (?, ?)", (title, body))
    hits = {
        token: (title_hits, body_hits)
        for token, title_hits, body_hits in db.execute(
            "SELECT term, sum(iif(col = 'title', cnt, 0)), sum(iif(col = 'body', cnt, 0))"
            " FROM temp.search_top_scratch_terms GROUP BY term"
        )
    }
    db.execute("INSERT INTO temp.search_top_scratch (search_top_scratch) VALUES ('delete-all')")
    return DocumentTerms(doc, _length(db, doc), hits)


def _state(db: sqlite3.Connection) -> tuple[int, int, int, int]:
    keep, tracked_from, documents, tokens = db.execute(
        "SELECT keep, tracked_from, documents, tokens FROM search_top_state"
    ).fetchone()
    return int(keep), int(tracked_from), int(documents), int(tokens)


def _build(db: sqlite3.Connection, token: str, keep: int) -> None:
    """The token's groups, from the index."""
    db.execute("DELETE FROM search_top WHERE token = ?", (token,))
    hits: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for doc, column, count in db.execute(
        "SELECT doc, col, count(*) FROM search_top_instances WHERE term = ? GROUP BY doc, col",
        (token,),
    ):
        hits[doc][column == "body"] = count
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for doc, (title_hits, body_hits) in hits.items():
        groups[title_hits, body_hits].append((_length(db, doc), doc))
    db.executemany(
        "INSERT INTO search_top VALUES (?, ?, ?, ?, ?)",
        [
            (token, *pair, length, doc)
            for pair, members in groups.items()
            for length, doc in sorted(members)[:keep]
        ],
    )


def _kth(
    db: sqlite3.Connection, token: str, pair: tuple[int, int], keep: int
) -> tuple[int, int] | None:
    """The group's ``keep``-th (length, doc), or None while it holds fewer."""
    row = db.execute(
        "SELECT length, doc FROM search_top WHERE token = ? AND title_hits = ?"
        " AND body_hits = ? ORDER BY length, doc LIMIT 1 OFFSET ?",
        (token, *pair, keep - 1),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def remember_document(db: sqlite3.Connection, terms: DocumentTerms) -> None:
    """Count a row just added to ``search_index``, and keep it where it is among the best."""
    keep, tracked_from, _, _ = _state(db)
    db.execute(
        "UPDATE search_top_state SET documents = documents + 1, tokens = tokens + ?",
        (terms.length,),
    )
    row = (terms.length, terms.doc)
    counted = db.execute(
        "INSERT INTO search_top_terms SELECT value, 1 FROM json_each(?) WHERE true"
        " ON CONFLICT (token) DO UPDATE SET docs = docs + 1 RETURNING token, docs",
        (json.dumps(list(terms.hits)),),
    ).fetchall()
    for token, docs in counted:
        pair = terms.hits[token]
        if docs == tracked_from:
            _build(db, token, keep)
        elif docs > tracked_from:
            kth = _kth(db, token, pair, keep)
            if kth is not None and row > kth:
                continue
            db.execute("INSERT INTO search_top VALUES (?, ?, ?, ?, ?)", (token, *pair, *row))
            if kth is not None:
                db.execute(
                    "DELETE FROM search_top WHERE token = ? AND title_hits = ?"
                    " AND body_hits = ? AND length = ? AND doc = ?",
                    (token, *pair, *kth),
                )


def forget_document(db: sqlite3.Connection, terms: DocumentTerms) -> None:
    """Count a row just deleted from ``search_index`` (``terms`` read before the delete)."""
    keep, tracked_from, _, _ = _state(db)
    db.execute(
        "UPDATE search_top_state SET documents = documents - 1, tokens = tokens - ?",
        (terms.length,),
    )
    counted = db.execute(
        "UPDATE search_top_terms SET docs = docs - 1"
        " WHERE token IN (SELECT value FROM json_each(?)) RETURNING token, docs",
        (json.dumps(list(terms.hits)),),
    ).fetchall()
    db.executemany(
        "DELETE FROM search_top_terms WHERE token = ?", [(t,) for t, docs in counted if not docs]
    )
    for token, docs in counted:
        pair = terms.hits[token]
        if docs < tracked_from:
            db.execute("DELETE FROM search_top WHERE token = ?", (token,))
            continue
        full = _kth(db, token, pair, keep) is not None
        gone = db.execute(
            "DELETE FROM search_top WHERE token = ? AND title_hits = ? AND body_hits = ?"
            " AND length = ? AND doc = ?",
            (token, *pair, terms.length, terms.doc),
        ).rowcount
        if gone and full:  # the next shortest may not be kept: read the index again
            _build(db, token, keep)


def _single_token(match: str) -> str | None:
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


def frequent_best(
    db: sqlite3.Connection, match: str, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, int]] | None:
    """The best ``wanted`` documents for ``match`` as (doc, BM25, body hits), best first
    (ties: lower doc first), exactly as FTS5's ``bm25(search_index, 2.0, 1.0)`` ranks
    every match; fewer only if fewer match. ``where`` and ``params`` are conditions on
    ``f`` (search_document_facets). None when the table cannot prove the answer.
    """
    token = _single_token(match)
    if token is None:
        return None
    keep, tracked_from, documents, tokens = _state(db)
    row = db.execute("SELECT docs FROM search_top_terms WHERE token = ?", (token,)).fetchone()
    if wanted > keep or row is None or row[0] < tracked_from:
        return None
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
    return _scored(groups, row[0], documents, tokens)[:wanted]


def _scored(
    groups: dict[tuple[int, int], list[tuple[int, int]]], hits: int, documents: int, tokens: int
) -> list[tuple[int, float, int]]:
    """FTS5's BM25 (fts5_aux.c), operation for operation so the doubles are equal."""
    idf = math.log((documents - hits + 0.5) / (hits + 0.5))
    if idf <= 0.0:
        idf = 1e-6
    average = float(tokens) / float(documents)
    scored = []
    for (title_hits, body_hits), members in groups.items():
        frequency = TITLE_WEIGHT * title_hits + 1.0 * body_hits
        for length, doc in members:
            score = idf * (
                (frequency * (_K1 + 1.0))
                / (frequency + _K1 * (1 - _B + _B * float(length) / average))
            )
            scored.append((doc, score, body_hits))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored
