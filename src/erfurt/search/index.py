"""The search tables: documents, their current text, a word index and a trigram index.

Both FTS5 indexes are contentless (the text lives once, in ``search_texts``):

- ``search_words`` (unicode61, diacritics folded): the folded text with each Chinese
  character spaced apart, so English and other spaced scripts match as whole words or
  prefixes, and a one- or two-character Chinese term as a word or a two-word phrase.
- ``search_trigrams`` (trigram): the folded text, for Chinese substrings of three or
  more characters (far fewer candidates per look-up than single characters).

A blob's text is replaced when it is extracted again (the log keeps both; search shows
the latest). Documents point at blobs, so one text serves every copy of a file.
"""

from __future__ import annotations

import sqlite3

from erfurt.search.fold import fold, spaced_han

__all__ = ["create_tables", "index_document", "index_text"]

_SCHEMA = (
    """CREATE TABLE search_documents (
        doc INTEGER PRIMARY KEY,      -- log index of the document.added record
        blob TEXT NOT NULL,
        name TEXT NOT NULL,
        collection TEXT NOT NULL
    )""",
    "CREATE INDEX search_documents_blob ON search_documents (blob)",
    """CREATE TABLE search_texts (
        id INTEGER PRIMARY KEY,
        blob TEXT NOT NULL UNIQUE,    -- the source blob the text came from
        record INTEGER NOT NULL,      -- log index of the text.extracted record
        extractor TEXT NOT NULL,
        original TEXT NOT NULL,
        folded TEXT NOT NULL          -- traditional Chinese folded to simplified
    )""",
    "CREATE VIRTUAL TABLE search_words USING fts5("
    "body, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    "CREATE VIRTUAL TABLE search_trigrams USING fts5(body, content='', tokenize='trigram')",
)


def create_tables(db: sqlite3.Connection) -> None:
    """Create the search tables (all named ``search_*``)."""
    for statement in _SCHEMA:
        db.execute(statement)


def index_document(db: sqlite3.Connection, doc: int, blob: str, name: str, collection: str) -> None:
    """Make document ``doc`` (a copy of ``blob``) findable once its blob has text."""
    db.execute(
        "INSERT OR REPLACE INTO search_documents (doc, blob, name, collection) VALUES (?, ?, ?, ?)",
        (doc, blob, name, collection),
    )


def index_text(db: sqlite3.Connection, record: int, blob: str, extractor: str, text: str) -> None:
    """Index ``text`` as the current text of ``blob``, replacing any earlier one."""
    old = db.execute("SELECT id, folded FROM search_texts WHERE blob = ?", (blob,)).fetchone()
    if old is not None:
        _unindex(db, old[0], old[1])
        db.execute("DELETE FROM search_texts WHERE id = ?", (old[0],))
    folded = fold(text)
    row = db.execute(
        "INSERT INTO search_texts (blob, record, extractor, original, folded)"
        " VALUES (?, ?, ?, ?, ?)",
        (blob, record, extractor, text, folded),
    )
    rowid = row.lastrowid
    db.execute("INSERT INTO search_words (rowid, body) VALUES (?, ?)", (rowid, spaced_han(folded)))
    db.execute("INSERT INTO search_trigrams (rowid, body) VALUES (?, ?)", (rowid, folded))


def _unindex(db: sqlite3.Connection, rowid: int, folded: str) -> None:
    # Contentless tables forget their text: a delete must repeat what was indexed.
    db.execute(
        "INSERT INTO search_words (search_words, rowid, body) VALUES ('delete', ?, ?)",
        (rowid, spaced_han(folded)),
    )
    db.execute(
        "INSERT INTO search_trigrams (search_trigrams, rowid, body) VALUES ('delete', ?, ?)",
        (rowid, folded),
    )
