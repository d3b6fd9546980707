"""The search tables: documents, the current text of each blob, one FTS5 index.

``search_index`` is a contentless FTS5 table with one row per document that has text
(rowid = the document's log index) and two columns, ``title`` (the file name) and
``body`` (the text), both folded traditional → simplified and given in
:func:`~erfurt.search.tokens.index_form`. FTS5 keeps the statistics BM25 needs (document
count, lengths, postings), so ranking every match costs one pass over the postings.
The text itself lives once per blob, in ``search_texts``: copies of a file share it.
A blob's text is replaced when it is extracted again (the log keeps both).
``search_late`` lists the documents added when their blob already had text (late while
their log index is above the text's), so that search can hold back, cheaply, a copy
whose text was made for copies hidden from the caller; a newer text of the blob, made
after every copy then known, forgets its rows.

Filters and facets read only ``search_document_facets``: per document, one small integer
naming its combination of collection, media type, year, language and extractor (the
combinations are in ``search_facet_sets``, a few rows) and the day it was added, so
counting 10,000 matches touches a few pages instead of 10,000 documents' rows.
"""

from __future__ import annotations

import re
import sqlite3
from typing import cast

from erfurt.archive import dialect_of, held_rows, upsert_sql
from erfurt.search import pgindex, pgtop, topcount
from erfurt.search.fold import count_han, fold, has_han
from erfurt.search.tokens import index_form
from erfurt.search.topcount import forget_row, note_row
from erfurt.search.topk import KEEP, TITLE_WEIGHT, TRACKED_FROM, create_top_tables
from erfurt.search.words import TOKENIZER

__all__ = [
    "TITLE_WEIGHT",
    "count_pending",
    "create_tables",
    "day_number",
    "guess_language",
    "index_document",
    "index_text",
    "prefetch_batch",
    "write_batch",
]

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
_ENGLISH_BYTES = frozenset(word.encode("ascii") for word in _ENGLISH)
_SAMPLE = 20_000
_WORD = re.compile(r"[^\W\d_]+")
# In ASCII text the words are the runs of letters: this table makes them lower case and
# everything else a space, so that bytes.split() finds the words the pattern above does.
_ASCII_WORDS = bytes(
    ord(chr(c).lower()) if chr(c).isascii() and chr(c).isalpha() else ord(" ") for c in range(256)
)
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_TEXT_COLUMNS = ("blob", "record", "extractor", "lang", "original", "folded")


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
    """CREATE TABLE search_facet_sets (
        facet_set INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        media_type TEXT NOT NULL,
        year TEXT NOT NULL,
        lang TEXT NOT NULL,           -- '' until the blob has text
        extractor TEXT NOT NULL,      -- '' until the blob has text
        UNIQUE (collection, media_type, year, lang, extractor)
    )""",
    """CREATE TABLE search_document_facets (
        doc INTEGER PRIMARY KEY,
        facet_set INTEGER NOT NULL,
        day INTEGER                   -- the day added as 20240131 (see day_number)
    )""",
    """CREATE TABLE search_late (
        doc INTEGER PRIMARY KEY,      -- a document added when its blob already had text
        blob TEXT NOT NULL            -- (still late while doc > search_texts.record)
    )""",
    "CREATE INDEX search_late_blob ON search_late (blob)",
    """CREATE TABLE search_texts (
        blob TEXT PRIMARY KEY,        -- the source blob the text came from
        record INTEGER NOT NULL,      -- log index of the text.extracted record
        extractor TEXT NOT NULL,
        lang TEXT NOT NULL,           -- zh, en or und (see guess_language)
        original TEXT NOT NULL,       -- '' where it is the folded text (most are)
        folded TEXT NOT NULL          -- traditional Chinese folded to simplified
    )""",
)
_FTS5_INDEX = (
    f"CREATE VIRTUAL TABLE search_index USING fts5(title, body, content='', {TOKENIZER},"
    " prefix='1 2 3')"
)


def create_tables(
    db: sqlite3.Connection, top_keep: int = KEEP, top_tracked_from: int = TRACKED_FROM
) -> None:
    """Create the search tables (all named ``search_*``): on PostgreSQL the index is
    :mod:`erfurt.search.pgindex`'s tables, on SQLite FTS5; on both the top-k tables.

    ``top_keep`` and ``top_tracked_from`` size the top-k table (see
    :mod:`erfurt.search.topk`): small values let tests reach it with a few documents.
    """
    for statement in _SCHEMA:
        db.execute(statement)
    if dialect_of(db) == "postgresql":
        pgindex.create_index_tables(db, top_keep, top_tracked_from)
        return
    db.execute(_FTS5_INDEX)
    create_top_tables(db, top_keep, top_tracked_from)


def count_pending(db: sqlite3.Connection) -> None:
    """Count the rows added since the last count into the top-k tables, all at once
    (:mod:`erfurt.search.topcount` in SQLite, :mod:`erfurt.search.pgtop` in PostgreSQL)."""
    if dialect_of(db) == "postgresql":
        pgtop.count_pending(db)
    else:
        topcount.count_pending(db)


def guess_language(text: str) -> str:
    """``zh`` for mostly Chinese text, ``en`` for English, else ``und`` (undetermined).

    A guess from the script and common English words in the first 20,000 characters:
    ``zh`` when CJK ideographs are at least 30% of the ideographs and the letters of
    words without any, ``en`` when at least 5% of the words are common English ones.
    """
    sample = text[:_SAMPLE]
    if sample.isascii():  # no ideograph; the words found in C, not by the pattern
        ascii_words = sample.encode("ascii").translate(_ASCII_WORDS).split()
        return _english_or_not(len(ascii_words), sum(map(_ENGLISH_BYTES.__contains__, ascii_words)))
    words = _WORD.findall(sample)
    han = count_han(sample)
    if han and han >= 0.3 * (han + sum(len(w) for w in words if not has_han(w))):
        return "zh"
    return _english_or_not(len(words), sum(1 for w in words if w.lower() in _ENGLISH))


def _english_or_not(words: int, english: int) -> str:
    return "en" if words and english >= 0.05 * words else "und"


def day_number(date: str) -> int | None:
    """An ISO date (or its year or month) as one integer, 2024-01-31 → 20240131.

    Missing parts count as 00 (2024 → 20240000); None for text that is not a date,
    which no date filter then matches.
    """
    match = _DATE.match(date)
    if match is None:
        return None
    year, month, day = match.groups()
    return int(f"{year}{month or '00'}{day or '00'}")


def _facet_set(
    db: sqlite3.Connection, collection: str, media_type: str, added: str, text: tuple[str, str]
) -> int:
    """The number of a combination of facet values, added to search_facet_sets if new.

    A bulk connection remembers the numbers it read for the rest of the batch: each
    lookup there is a round trip that stops the pipeline."""
    values = (collection, media_type, added[:4], *text)
    known = held_rows(db, "search_facet_sets")
    if known is not None and values in known:
        return int(known[values])
    where = "collection = ? AND media_type = ? AND year = ? AND lang = ? AND extractor = ?"
    row = db.execute(f"SELECT facet_set FROM search_facet_sets WHERE {where}", values).fetchone()
    if row is None:
        # Numbered as SQLite numbers rows (the largest plus one), on either backend.
        row = db.execute(
            "INSERT INTO search_facet_sets"
            " (facet_set, collection, media_type, year, lang, extractor)"
            " SELECT coalesce(max(facet_set), 0) + 1, ?, ?, ?, ?, ? FROM search_facet_sets"
            " RETURNING facet_set",
            values,
        ).fetchone()
    if known is not None:
        known[values] = int(row[0])
    return int(row[0])


def _row(db: sqlite3.Connection, doc: int, name: str, folded: str, delete: bool) -> None:
    if dialect_of(db) == "postgresql":
        if delete:
            pgindex.drop_row(db, doc)
        else:
            pgindex.add_row(db, doc, fold(name), folded)
        return
    # Contentless tables forget their text: a delete must repeat what was indexed.
    columns = (index_form(fold(name)), index_form(folded))
    if delete:
        forget_row(db, doc, *columns)
        db.execute(
            "INSERT INTO search_index (search_index, rowid, title, body)"
            " VALUES ('delete', ?, ?, ?)",
            (doc, *columns),
        )
    else:
        db.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", (doc, *columns)
        )
        note_row(db, doc, *columns)


def index_document(
    db: sqlite3.Connection,
    doc: int,
    blob: str,
    name: str,
    collection: str,
    media_type: str = "application/octet-stream",
    added: str = "",
) -> None:
    """Make document ``doc`` (a copy of ``blob``) findable, now or once its blob has text.

    Call :func:`count_pending` before committing, once for all the documents and texts
    of the transaction: until then frequent words are ranked by scoring every match.
    On a connection that holds rows back (:func:`~erfurt.archive.held_rows`), the
    document, its facets and texts are kept for the batch and read back from there, then
    written by :func:`write_batch`.
    """
    text = _current_text(db, blob)
    documents = held_rows(db, "search_documents")
    if documents is None:
        db.execute(
            "INSERT INTO search_documents (doc, blob, name, collection, media_type, added)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (doc, blob, name, collection, media_type, added),
        )
    else:
        documents.setdefault(blob, []).append((doc, name, collection, media_type, added))
    facet_set = _facet_set(db, collection, media_type, added, text[:2] if text else ("", ""))
    facets = held_rows(db, "search_document_facets")
    if facets is None:
        db.execute(
            "INSERT INTO search_document_facets (doc, facet_set, day) VALUES (?, ?, ?)",
            (doc, facet_set, day_number(added)),
        )
    else:
        facets[doc] = (facet_set, day_number(added))
    if text is not None:
        _row(db, doc, name, text[2], delete=False)
        # Its text was made for earlier copies: search may hold it back (find.py).
        db.execute("INSERT INTO search_late (doc, blob) VALUES (?, ?)", (doc, blob))


def index_text(db: sqlite3.Connection, record: int, blob: str, extractor: str, text: str) -> None:
    """Index ``text`` as the current text of ``blob``, replacing any earlier one
    (then :func:`count_pending`, as for :func:`index_document`)."""
    before = held_rows(db, "search_documents_before")
    if before is not None and blob in before:
        copies = list(before[blob])
    else:
        copies = db.execute(
            "SELECT doc, name, collection, media_type, added FROM search_documents"
            " WHERE blob = ? ORDER BY doc",
            (blob,),
        ).fetchall()
    documents = held_rows(db, "search_documents")
    if documents is not None:
        copies += documents.get(blob, [])
    old = _current_text(db, blob)
    if old is not None:
        for doc, name, *_ in copies:
            _row(db, doc, name, old[2], delete=True)
        # Every copy is older than this text: none is held back for it again (find.py).
        db.execute("DELETE FROM search_late WHERE blob = ?", (blob,))
    folded = fold(text)
    lang = guess_language(folded)
    # Kept once when folding changed nothing: a third of the file, and of its writes.
    original = "" if text == folded else text
    texts = held_rows(db, "search_texts")
    if texts is None:
        db.execute(
            upsert_sql("search_texts", _TEXT_COLUMNS, ("blob",)),
            (blob, record, extractor, lang, original, folded),
        )
    else:
        texts[blob] = (record, extractor, lang, original, folded)
    facets = held_rows(db, "search_document_facets")
    for doc, name, collection, media_type, added in copies:
        facet_set = _facet_set(db, collection, media_type, added, (lang, extractor))
        if facets is not None and doc in facets:
            facets[doc] = (facet_set, facets[doc][1])
        else:
            db.execute(
                "UPDATE search_document_facets SET facet_set = ? WHERE doc = ?", (facet_set, doc)
            )
        _row(db, doc, name, folded, delete=False)


def _current_text(db: sqlite3.Connection, blob: str) -> tuple[str, str, str] | None:
    """The language, extractor and folded text of ``blob``'s current text, if it has one."""
    texts = held_rows(db, "search_texts")
    if texts is not None and blob in texts:
        _, extractor, lang, _, folded = texts[blob]
        return lang, extractor, folded
    before = held_rows(db, "search_texts_before")
    if before is not None and blob in before:
        return cast(tuple[str, str, str] | None, before[blob])
    row = db.execute(
        "SELECT lang, extractor, folded FROM search_texts WHERE blob = ?", (blob,)
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]))


def prefetch_batch(db: sqlite3.Connection, documents: set[str], texts: set[str]) -> None:
    """Read at once, where the connection holds rows back for a batch, the current
    texts of the blobs of the batch's ``documents`` and ``texts`` and the documents
    holding the blobs of its ``texts``, as the batch's lookups would one by one."""
    known_texts = held_rows(db, "search_texts_before")
    known_documents = held_rows(db, "search_documents_before")
    if known_texts is None or known_documents is None:
        return
    blobs = sorted(documents | texts)
    known_texts.update(dict.fromkeys(blobs))
    for blob, lang, extractor, folded in db.execute(
        "SELECT blob, lang, extractor, folded FROM search_texts WHERE blob = ANY(?)", (blobs,)
    ):
        known_texts[blob] = (lang, extractor, folded)
    known_documents.update((blob, []) for blob in texts)
    for blob, *row in db.execute(
        "SELECT blob, doc, name, collection, media_type, added FROM search_documents"
        " WHERE blob = ANY(?) ORDER BY doc",
        (sorted(texts),),
    ):
        known_documents[blob].append(tuple(row))


def write_batch(db: sqlite3.Connection) -> None:
    """Write the documents, facets and texts :func:`index_document` and :func:`index_text`
    kept for the batch (on a connection that holds rows back; else there are none), as
    the statements that write them one at a time: the connection sends them in bulk."""
    documents = held_rows(db, "search_documents")
    facets = held_rows(db, "search_document_facets")
    texts = held_rows(db, "search_texts")
    if documents is None or facets is None or texts is None:
        return
    db.executemany(
        "INSERT INTO search_documents (doc, blob, name, collection, media_type, added)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        sorted((doc, blob, *rest) for blob, rows in documents.items() for doc, *rest in rows),
    )
    db.executemany(
        "INSERT INTO search_document_facets (doc, facet_set, day) VALUES (?, ?, ?)",
        sorted((doc, *row) for doc, row in facets.items()),
    )
    db.executemany(
        upsert_sql("search_texts", _TEXT_COLUMNS, ("blob",)),
        sorted((blob, *row) for blob, row in texts.items()),
    )
    for held in (documents, facets, texts):
        held.clear()
