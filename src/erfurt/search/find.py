"""Run a query against the search tables: ranked hits with highlighted snippets."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

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

    Raises InputError for an empty query or a non-positive limit.
    """
    if limit < 1:
        raise InputError(f"limit {limit} is not a positive number", "give --limit 1 or more")
    terms = parse_query(query)
    words = [t for t in terms if not t.han]
    trigrams = [t for t in terms if t.han and not t.short]
    scans = [t for t in terms if t.short]
    params: list[object] = []
    if words:
        ranked = (
            "SELECT rowid AS id, bm25(search_words) AS rank FROM search_words"
            " WHERE search_words MATCH ?"
        )
        params.append(" AND ".join(t.fts() for t in words))
    elif trigrams:
        ranked = (
            "SELECT rowid AS id, bm25(search_trigrams) AS rank FROM search_trigrams"
            " WHERE search_trigrams MATCH ?"
        )
        params.append(" AND ".join(t.fts() for t in trigrams))
        trigrams = []
    else:
        ranked = "SELECT id, 0.0 AS rank FROM search_texts"
    filters = []
    if trigrams:
        filters.append("t.id IN (SELECT rowid FROM search_trigrams WHERE search_trigrams MATCH ?)")
        params.append(" AND ".join(t.fts() for t in trigrams))
    for term in scans:
        filters.append("t.folded LIKE ? ESCAPE '\\'")
        params.append(term.like())
    if collection is not None:
        filters.append("d.collection = ?")
        params.append(collection)
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    sql = (
        "SELECT d.doc, d.name, d.collection, d.blob, t.record, t.extractor, r.rank,"
        " t.original, t.folded"
        f" FROM ({ranked}) AS r JOIN search_texts AS t ON t.id = r.id"
        f" JOIN search_documents AS d ON d.blob = t.blob {where}"
        " ORDER BY r.rank, d.doc LIMIT ?"
    )
    params.append(limit)
    try:
        rows = db.execute(sql, params).fetchall()
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
