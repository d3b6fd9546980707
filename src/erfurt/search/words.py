"""The tokens FTS5 makes of a row, with positions, for indexes kept outside SQLite.

PostgreSQL's parsers do not split text as ``search_index`` does (unicode61 with its own
case and diacritic folding, each Chinese pair a token), so the PostgreSQL search tables
take their tokens from FTS5 itself: a private in-memory SQLite database with an FTS5
table of the same tokenizer, read back through ``fts5vocab``. The same text gives the
same tokens on both backends, so the same query finds the same documents.

    >>> row_tokens("Report", "Hello Wörld 国家 家")
    [('report', 0, 0), ('hello', 1, 0), ('world', 1, 1), ('国家', 1, 2), ('家', 1, 3)]
"""

from __future__ import annotations

import sqlite3
import threading

__all__ = ["TOKENIZER", "phrase_tokens", "row_tokens", "rows_as_copy"]

TOKENIZER = "tokenize='unicode61 remove_diacritics 2'"
"""The tokenizer of ``search_index`` (and of every table that must split as it does)."""

_local = threading.local()


def _tokenizer() -> sqlite3.Connection:
    db: sqlite3.Connection | None = getattr(_local, "db", None)
    if db is None:
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute(f"CREATE VIRTUAL TABLE row USING fts5(title, body, content='', {TOKENIZER})")
        db.execute("CREATE VIRTUAL TABLE row_tokens USING fts5vocab(row, instance)")
        _local.db = db
    return db


def row_tokens(title: str, body: str) -> list[tuple[str, int, int]]:
    """Every token of a row (columns as indexed) as (token, column, position): column 0
    is the title, 1 the body; positions count from 0 in each column. In column and
    position order."""
    db = _tokenizer()
    db.execute("INSERT INTO row (rowid, title, body) VALUES (1, ?, ?)", (title, body))
    try:
        rows = db.execute("SELECT term, col, offset FROM row_tokens").fetchall()
    finally:
        db.execute("INSERT INTO row (row) VALUES ('delete-all')")
    tokens = [(str(term), int(col == "body"), int(offset)) for term, col, offset in rows]
    return sorted(tokens, key=lambda token: (token[1], token[2]))


def phrase_tokens(text: str) -> list[str]:
    """The tokens of a phrase as FTS5 reads a quoted string of a query, in order."""
    return [token for token, _, _ in row_tokens("", text)]


def rows_as_copy(rows: dict[int, tuple[str, str]]) -> tuple[str, dict[int, int]]:
    """Every token of many rows (doc: columns as indexed), tokenised in one pass, as the
    postings of ``search_postings`` in lines of a ``COPY`` in text format: token, doc,
    column and the positions of the token there (an array), in the order of (token,
    doc, column); and each row's length in tokens (0 for a row without any).

    >>> rows_as_copy({7: ("Report", "Wörld report")})
    ('report\\t7\\t0\\t{0}\\nreport\\t7\\t1\\t{1}\\nworld\\t7\\t1\\t{0}\\n', {7: 3})
    """
    db = _tokenizer()
    db.executemany(
        "INSERT INTO row (rowid, title, body) VALUES (?, ?, ?)",
        [(doc, title, body) for doc, (title, body) in rows.items()],
    )
    try:
        # The lines are written by SQLite: no Python object per token. A token never
        # holds a tab or a newline (unicode61 splits there); a backslash is escaped.
        # fts5vocab gives a (token, doc, column)'s places in order, and the grouping
        # sorts by its key alone, stably: each array is in position order, the lines in
        # key order (the column as its number: one sort, not a second for the order).
        (text,) = db.execute(
            "SELECT group_concat(line, '') FROM (SELECT replace(term, char(92), char(92, 92))"
            " || char(9) || doc || char(9) || (col = 'body') || char(9) || '{'"
            " || group_concat(offset, ',') || '}' || char(10) AS line FROM row_tokens"
            " GROUP BY term, doc, col = 'body')"
        ).fetchone()
        lengths = dict.fromkeys(rows, 0)
        lengths.update(db.execute("SELECT doc, count(*) FROM row_tokens GROUP BY doc").fetchall())
    finally:
        db.execute("INSERT INTO row (row) VALUES ('delete-all')")
    return text or "", lengths
