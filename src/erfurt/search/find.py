"""Run a query against the search tables: ranked hits with highlighted snippets."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from erfurt.errors import InputError
from erfurt.search.query import Term, parse_query

__all__ = ["SearchHit", "search"]

_CONTEXT = 60


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching document.

    ``snippet`` is a passage around the first match; ``highlights`` are (start, end)
    character offsets of the matches inside the snippet. ``rank`` is FTS5's bm25
    (lower is better; 0 when only short Chinese terms were searched).
    """

    doc: int
    name: str
    collection: str
    blob: str
    text_record: int
    extractor: str
    rank: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]


def search(
    db: sqlite3.Connection, query: str, *, collection: str | None = None, limit: int = 20
) -> list[SearchHit]:
    """The documents matching every term of ``query``, best first, at most ``limit``.

    Ranking (FTS5 bm25) costs time in proportion to the number of matches, so when more
    than :data:`RANKED_CANDIDATES` texts match, the most recently indexed ones are ranked;
    if they yield fewer than ``limit`` hits (a narrow ``collection``), every match is.
    Raises InputError for an empty query or a non-positive limit.
    """
    if limit < 1:
        raise InputError(f"limit {limit} is not a positive number", "give --limit 1 or more")
    terms = parse_query(query)
    words = [t for t in terms if not t.han or t.short]
    trigrams = [t for t in terms if t.han and not t.short]
    table = "search_words" if words else "search_trigrams"
    match = " AND ".join(t.fts() for t in (words or trigrams))
    filters: list[str] = []
    params: list[object] = []
    if words and trigrams:
        filters.append("t.id IN (SELECT rowid FROM search_trigrams WHERE search_trigrams MATCH ?)")
        params.append(" AND ".join(t.fts() for t in trigrams))
    if collection is not None:
        filters.append("d.collection = ?")
        params.append(collection)
    try:
        floor = _candidate_floor(db, table, match)
        rows = _ranked(db, table, match, floor, filters, params, limit)
        if len(rows) < limit and floor > 0:
            rows = _ranked(db, table, match, 0, filters, params, limit)
    except sqlite3.OperationalError as exc:
        raise InputError(
            f"search query {query!r} could not be run: {exc}",
            'use words, "phrases" and prefix* only',
        ) from exc
    return [
        SearchHit(
            doc, name, coll, blob, record, extractor, rank, *_snippet(original, folded, terms)
        )
        for doc, name, coll, blob, record, extractor, rank, original, folded in rows
    ]


RANKED_CANDIDATES = 2000


def _candidate_floor(db: sqlite3.Connection, table: str, match: str) -> int:
    """The lowest rowid among the newest RANKED_CANDIDATES matches (0: rank them all)."""
    row = db.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (match, RANKED_CANDIDATES - 1),
    ).fetchone()
    return int(row[0]) if row else 0


def _ranked(
    db: sqlite3.Connection,
    table: str,
    match: str,
    floor: int,
    filters: list[str],
    params: list[object],
    limit: int,
) -> list[Any]:
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    sql = (
        "SELECT d.doc, d.name, d.collection, d.blob, t.record, t.extractor, r.rank,"
        " t.original, t.folded"
        f" FROM (SELECT rowid AS id, rank FROM {table} WHERE {table} MATCH ? AND rowid >= ?)"
        " AS r JOIN search_texts AS t ON t.id = r.id"
        f" JOIN search_documents AS d ON d.blob = t.blob {where}"
        " ORDER BY r.rank, d.doc LIMIT ?"
    )
    return db.execute(sql, [match, floor, *params, limit]).fetchall()


def _snippet(
    original: str, folded: str, terms: tuple[Term, ...]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A passage around the first match, with the matches in it.

    Matches are found in the folded text; when folding kept the length (it nearly always
    does), the passage is cut from the original so traditional text is shown as written.
    """
    shown = original if len(original) == len(folded) else folded
    spans = sorted(span for term in terms for span in _spans(folded, term))
    if not spans:
        return _clean(shown[: 2 * _CONTEXT]), ()
    start = max(0, spans[0][0] - _CONTEXT)
    end = min(len(shown), spans[0][1] + _CONTEXT)
    inside = tuple((s - start, e - start) for s, e in spans if s >= start and e <= end)
    return _clean(shown[start:end]), inside


def _spans(folded: str, term: Term) -> list[tuple[int, int]]:
    if term.han:
        pattern = re.escape(term.text)
    else:
        words = r"\W+".join(re.escape(w) for w in re.findall(r"\w+", term.text))
        pattern = rf"\b{words}" + (r"\w*" if term.prefix else r"\b")
    return [m.span() for m in re.finditer(pattern, folded, re.IGNORECASE)]


def _clean(passage: str) -> str:
    # One line, same length: offsets into the passage stay valid.
    return re.sub(r"\s", " ", passage)
