"""Run a query: every match ranked by BM25, exact totals, facets, snippets.

Ranking: FTS5's BM25 over *all* matching documents (the index keeps the statistics),
the title weighing five times the body; then the best :data:`RERANKED` are re-ordered
with a bonus for documents where the words of the query stand within ten words of each
other, and a larger one where they stand as typed. Totals are exact up to
:data:`MAX_COUNTED`; past that a result says "more than".
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from erfurt.errors import InputError
from erfurt.search.match import CompiledQuery, NameExpander, NameForm, compile_query
from erfurt.search.query import Filters, parse_query
from erfurt.search.snippets import Fragment, fragments

__all__ = ["MAX_COUNTED", "Facets", "SearchHit", "SearchResults", "search"]

MAX_COUNTED = 10_000
MAX_LIMIT = 1000
RERANKED = 100
TITLE_WEIGHT = 5.0
NEAR_BONUS = 0.25
PHRASE_BONUS = 0.5


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching document, with passages of its text around what matched.

    ``score`` is higher for better matches; ``names`` are the spellings of a searched
    name that this document contains.
    """

    doc: int
    name: str
    collection: str
    media_type: str
    added: str
    blob: str
    text_record: int
    extractor: str
    lang: str
    score: float
    fragments: tuple[Fragment, ...]
    names: tuple[NameForm, ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts of the matching documents by each property, largest first."""

    collection: tuple[tuple[str, int], ...]
    media_type: tuple[tuple[str, int], ...]
    year: tuple[tuple[str, int], ...]
    lang: tuple[tuple[str, int], ...]
    extractor: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The hits asked for, how many documents match, and (if asked) facets.

    ``total`` is exact when ``total_exact``; otherwise more than :data:`MAX_COUNTED`
    match, and the facets count the first :data:`MAX_COUNTED` of them.
    """

    hits: tuple[SearchHit, ...]
    total: int
    total_exact: bool
    facets: Facets | None


def _where(
    filters: Filters, collection: str | None, after_doc: int | None
) -> tuple[str, list[object]]:
    """SQL conditions on ``d`` (search_documents) and ``t`` (search_texts), and their values."""
    clauses: list[str] = []
    params: list[object] = []

    def any_of(template: str, values: tuple[str, ...]) -> None:
        if values:
            clauses.append("(" + " OR ".join([template] * len(values)) + ")")
            for value in values:
                params.extend([value] * template.count("?"))

    any_of("d.collection = ?", filters.collections)
    any_of("d.collection = ?", (collection,) if collection is not None else ())
    any_of(
        "(d.media_type = ? OR substr(d.media_type, instr(d.media_type, '/') + 1) = ?"
        " OR substr(d.media_type, 1, instr(d.media_type, '/') - 1) = ?)",
        filters.types,
    )
    for low, high in filters.added:
        clauses.append("substr(d.added, 1, 10) BETWEEN ? AND ?")
        params += [low, high]
    any_of("t.lang = ?", filters.langs)
    if after_doc is not None:
        clauses.append("d.doc > ?")
        params.append(after_doc)
    return "".join(f" AND {c}" for c in clauses), params


_JOINED = (
    " FROM search_index JOIN search_documents AS d ON d.doc = search_index.rowid"
    " JOIN search_texts AS t ON t.blob = d.blob WHERE search_index MATCH ?"
)
# Every indexed row has its document and text rows: joins are needed only to filter.
_BARE = " FROM search_index WHERE search_index MATCH ?"


def _ranked(
    db: sqlite3.Connection, compiled: CompiledQuery, where: str, params: list[object], count: int
) -> list[tuple[int, float]]:
    rows = db.execute(
        f"SELECT search_index.rowid AS doc, -bm25(search_index, {TITLE_WEIGHT}, 1.0) AS score"
        f"{_JOINED if where else _BARE}{where} ORDER BY score DESC, doc LIMIT ?",
        [compiled.match, *params, max(count, RERANKED)],
    ).fetchall()
    candidates = {doc: score for doc, score in rows[:RERANKED]}
    for expression, bonus in ((compiled.near, NEAR_BONUS), (compiled.phrase, PHRASE_BONUS)):
        if expression is None or not candidates:
            continue
        marks = ",".join("?" * len(candidates))
        close = db.execute(
            f"SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid IN ({marks})",
            [expression, *candidates],
        )
        for (doc,) in close:
            candidates[doc] += abs(candidates[doc]) * bonus
    reranked = sorted(candidates.items(), key=lambda item: (-item[1], item[0]))
    return (reranked + [(doc, score) for doc, score in rows[RERANKED:]])[:count]


def _facets(rows: list[tuple[str, str, str, str, str]]) -> Facets:
    columns = [Counter(column) for column in zip(*rows, strict=True)] if rows else [Counter()] * 5
    return Facets(*(tuple(c.most_common()) for c in columns))


def _hits(
    db: sqlite3.Connection, ranked: list[tuple[int, float]], compiled: CompiledQuery
) -> tuple[SearchHit, ...]:
    if not ranked:
        return ()
    marks = ",".join("?" * len(ranked))
    rows = db.execute(
        "SELECT d.doc, d.name, d.collection, d.media_type, d.added, d.blob, t.record,"
        " t.extractor, t.lang, t.original, t.folded FROM search_documents AS d"
        f" JOIN search_texts AS t ON t.blob = d.blob WHERE d.doc IN ({marks})",
        [doc for doc, _ in ranked],
    ).fetchall()
    by_doc = {row[0]: row for row in rows}
    hits = []
    for doc, score in ranked:
        _, name, collection, media_type, added, blob, record, extractor, lang, original, folded = (
            by_doc[doc]
        )
        passages, forms = fragments(original, folded, compiled.patterns)
        hits.append(
            SearchHit(
                doc, name, collection, media_type, added, blob, record, extractor, lang,
                score, passages, forms,
            )
        )  # fmt: skip
    return tuple(hits)


def search(
    db: sqlite3.Connection,
    query: str,
    *,
    names: NameExpander | None = None,
    collection: str | None = None,
    limit: int = 20,
    offset: int = 0,
    facets: bool = False,
    after_doc: int | None = None,
) -> SearchResults:
    """The documents matching ``query`` (see :mod:`erfurt.search.query`), best first.

    ``names`` gives the spellings of a ``name:`` term (else it is searched as typed);
    ``collection`` and ``after_doc`` (only documents added after that log index)
    narrow the search; ``facets`` counts the matches by collection, media type, year,
    language and extractor. Raises InputError (QuerySyntaxError naming the position)
    for a query that cannot be read, and for a limit outside 1..1000 or a negative offset.
    """
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InputError(
            f"limit {limit}, offset {offset}: out of range",
            f"give a limit from 1 to {MAX_LIMIT} and an offset of 0 or more",
        )
    parsed = parse_query(query)
    compiled = compile_query(parsed, names)
    where, params = _where(parsed.filters, collection, after_doc)
    try:
        ranked = _ranked(db, compiled, where, params, offset + limit)[offset:]
        columns = "d.collection, d.media_type, substr(d.added, 1, 4), t.lang, t.extractor"
        matched = db.execute(
            f"SELECT {columns if facets else 1}{_JOINED if facets or where else _BARE}{where}"
            " LIMIT ?",
            [compiled.match, *params, MAX_COUNTED + 1],
        ).fetchall()
    except sqlite3.OperationalError as exc:  # e.g. a term too common for memory limits
        raise InputError(
            f"search query {query[:80]!r} could not be run: {exc}", "search for rarer words"
        ) from exc
    return SearchResults(
        _hits(db, ranked, compiled),
        min(len(matched), MAX_COUNTED),
        len(matched) <= MAX_COUNTED,
        _facets(matched[:MAX_COUNTED]) if facets else None,
    )
