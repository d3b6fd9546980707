"""The search tables: documents, the current text of each blob, one FTS5 index.

``search_index`` is a contentless FTS5 table with one row per document that has text
(rowid = the document's log index) and two columns, ``title`` (the file name) and
``body`` (the text), both folded traditional → simplified and given in
:func:`~erfurt.search.tokens.index_form`. FTS5 keeps the statistics BM25 needs (document
count, lengths, postings), so ranking every match costs one pass over the postings.
The text itself lives once per blob, in ``search_texts``: copies of a file share it.
A blob's text is replaced when it is extracted again (the log keeps both).
"""

from __future__ import annotations

import re
import sqlite3

from erfurt.search.fold import fold, has_han
from erfurt.search.tokens import index_form

__all__ = ["create_tables", "guess_language", "index_document", "index_text"]

_SCHEMA = (
    """CREATE TABLE search_documents (
        doc INTEGER PRIMARY KEY,      -- log index of the document.added record
        blob TEXT NOT NULL,
        name TEXT NOT NULL,
        collection TEXT NOT NULL,
        media_type TEXT NOT NULL,
        added TEXT NOT NULL           -- the record's time, ISO 8601
    )""",
    "CREATE INDEX search_documents_blob ON search_documents (blob)",
    """CREATE TABLE search_texts (
        blob TEXT PRIMARY KEY,        -- the source blob the text came from
        record INTEGER NOT NULL,      -- log index of the text.extracted record
        extractor TEXT NOT NULL,
        lang TEXT NOT NULL,           -- zh, en or und (see guess_language)
        original TEXT NOT NULL,
        folded TEXT NOT NULL          -- traditional Chinese folded to simplified
    )""",
    "CREATE VIRTUAL TABLE search_index USING fts5(title, body, content='',"
    " tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
)

_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "was",
        "on",
        "with",
        "by",
        "as",
        "at",
        "from",
        "this",
        "are",
        "be",
    ]
)
_SAMPLE = 20_000


def create_tables(db: sqlite3.Connection) -> None:
    """Create the search tables (all named ``search_*``)."""
    for statement in _SCHEMA:
        db.execute(statement)


def guess_language(text: str) -> str:
    """``zh`` for mostly Chinese text, ``en`` for English, else ``und`` (undetermined).

    A guess from the script and common English words in the first 20,000 characters.
    """
    sample = text[:_SAMPLE]
    han = sum(1 for char in sample if has_han(char))
    words = re.findall(r"[^\W\d_]+", sample)
    if han and han >= 0.3 * (han + sum(len(w) for w in words if not has_han(w))):
        return "zh"
    english = sum(1 for w in words if w.lower() in _ENGLISH)
    return "en" if words and english >= 0.05 * len(words) else "und"


def _row(db: sqlite3.Connection, doc: int, name: str, folded: str, delete: bool) -> None:
    # Contentless tables forget their text: a delete must repeat what was indexed.
    columns = (index_form(fold(name)), index_form(folded))
    if delete:
        db.execute(
            "INSERT INTO search_index (search_index, rowid, title, body)"
            " VALUES ('delete', ?, ?, ?)",
            (doc, *columns),
        )
    else:
        db.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", (doc, *columns)
        )


def index_document(
    db: sqlite3.Connection,
    doc: int,
    blob: str,
    name: str,
    collection: str,
    media_type: str = "application/octet-stream",
    added: str = "",
) -> None:
    """Make document ``doc`` (a copy of ``blob``) findable, now or once its blob has text."""
    db.execute(
        "INSERT INTO search_documents (doc, blob, name, collection, media_type, added)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (doc, blob, name, collection, media_type, added),
    )
    text = db.execute("SELECT folded FROM search_texts WHERE blob = ?", (blob,)).fetchone()
    if text is not None:
        _row(db, doc, name, text[0], delete=False)


def index_text(db: sqlite3.Connection, record: int, blob: str, extractor: str, text: str) -> None:
    """Index ``text`` as the current text of ``blob``, replacing any earlier one."""
    documents = db.execute("SELECT doc, name FROM search_documents WHERE blob = ?", (blob,))
    copies = documents.fetchall()
    old = db.execute("SELECT folded FROM search_texts WHERE blob = ?", (blob,)).fetchone()
    if old is not None:
        for doc, name in copies:
            _row(db, doc, name, old[0], delete=True)
    folded = fold(text)
    db.execute(
        "INSERT OR REPLACE INTO search_texts (blob, record, extractor, lang, original, folded)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (blob, record, extractor, guess_language(folded), text, folded),
    )
    for doc, name in copies:
        _row(db, doc, name, folded, delete=False)
