"""Run a query: every match ranked by BM25, exact totals, facets, snippets.

Ranking: FTS5's BM25 over *all* matching documents (the index keeps the statistics),
the title weighing twice the body; then the best :data:`RERANKED` are re-ordered
with a bonus for documents where the words of the query stand within ten words of each
other, and a larger one where they stand as typed. Totals are exact up to
:data:`MAX_COUNTED`; past that a result says "more than".
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from erfurt.archive import dialect_of
from erfurt.errors import InputError
from erfurt.search import pgfind
from erfurt.search.facets import (
    Facets,
    count_matches,
    counted_matches,
    filter_sql,
    matches_sql,
    set_filter,
)
from erfurt.search.index import TITLE_WEIGHT
from erfurt.search.match import CompiledQuery, NameExpander, NameForm, compile_query
from erfurt.search.query import parse_query
from erfurt.search.snippets import Fragment, fragments
from erfurt.search.topk import frequent_best, frequent_counts

__all__ = ["SearchHit", "SearchResults", "Sighting", "search"]

MAX_LIMIT = 1000
RERANKED = 100
NEAR_BONUS = 0.25
PHRASE_BONUS = 0.5
TITLE_ONLY = 0.5  # chosen on the development half of bench_search (1.0, 0.5, 0.25, 0.1)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One document (a ``document.added`` record) whose file is the hit's blob."""

    doc: int
    name: str
    collection: str
    media_type: str
    added: str

    def to_json(self) -> dict[str, object]:
        """The sighting as JSON, with the field names of ``erfurt search --json``."""
        return {
            "document": self.doc,
            "name": self.name,
            "collection": self.collection,
            "media_type": self.media_type,
            "added": self.added,
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching file, with passages of its text around what matched.

    A file added several times (under other names, into other collections) is one hit:
    ``sightings`` lists each matching document of it, oldest first; ``doc``, ``name``,
    ``collection``, ``media_type`` and ``added`` are those of the best-ranked one.
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
    sightings: tuple[Sighting, ...]

    def to_json(self) -> dict[str, object]:
        """The hit as JSON (``erfurt search --json`` and the web API give this)."""
        return {
            **Sighting(self.doc, self.name, self.collection, self.media_type, self.added).to_json(),
            "sha256": self.blob,
            "text_record": self.text_record,
            "extractor": self.extractor,
            "lang": self.lang,
            "score": round(self.score, 4),
            "names_matched": [{"text": f.text, "how": f.how} for f in self.names],
            "fragments": [f.to_json() for f in self.fragments],
            "sightings": [s.to_json() for s in self.sightings],
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The hits asked for (one per file), how many documents match, and (if asked) facets.

    ``total`` counts documents (a file added twice counts twice, as in the facets); it
    is exact when ``total_exact``, otherwise more than :data:`MAX_COUNTED` match, and
    the facets count the first :data:`MAX_COUNTED` of them (every match, for a word in
    so many documents that the index keeps its counts, filtered by properties only).
    """

    hits: tuple[SearchHit, ...]
    total: int
    total_exact: bool
    facets: Facets | None

    def total_text(self) -> str:
        """The total as people read it: "3,001" or "more than 10,000"."""
        return f"{self.total:,}" if self.total_exact else f"more than {self.total:,}"

    def to_json(self) -> dict[str, object]:
        """The results as JSON (``erfurt search --json``)."""
        return {
            "total": self.total,
            "total_exact": self.total_exact,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": None if self.facets is None else self.facets.to_json(),
        }


# SQLite's own sorter keeping the best LIMIT rows: a quarter faster than FTS5's
# ORDER BY rank (which sorts through a statement of its own), same order.
_SCORE = f"bm25(search_index, {TITLE_WEIGHT}, 1.0)"


def _best(
    db: sqlite3.Connection, compiled: CompiledQuery, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, int]]:
    """The best ``wanted`` documents as (doc, BM25, the text's own BM25 or body hits).

    A frequent word's best come from the top-k table (:mod:`erfurt.search.topk`, on
    either backend) when it can prove them; otherwise FTS5 computes BM25 once per match
    and SQLite keeps the best ``wanted`` (ORDER BY LIMIT, equal scores by log index), with
    the text's own BM25 beside it for those. PostgreSQL computes the same
    (:mod:`erfurt.search.pgfind`).
    """
    rows = frequent_best(db, compiled.match, where, params, wanted)
    if rows is None and dialect_of(db) == "postgresql":
        rows = pgfind.best(db, compiled.match, where, params, wanted)
    elif rows is None:
        rows = db.execute(
            f"SELECT search_index.rowid, -{_SCORE}, bm25(search_index, 0.0, 1.0)"
            f"{matches_sql(where)} ORDER BY {_SCORE}, search_index.rowid LIMIT ?",
            [compiled.match, *params, wanted],
        ).fetchall()
    return rows


def _reranked(
    db: sqlite3.Connection, compiled: CompiledQuery, rows: list[tuple[int, float, int]]
) -> list[tuple[int, float]]:
    """``rows`` (from :func:`_best`) as (doc, score), best first: only the best
    :data:`RERANKED` are looked at again, for proximity."""
    postgresql = dialect_of(db) == "postgresql"
    # The file name weighs more only where the text matches too.
    candidates = {
        doc: score * (1.0 if body else TITLE_ONLY) for doc, score, body in rows[:RERANKED]
    }
    for expression, factor in (
        (compiled.near, 1 + NEAR_BONUS),
        (compiled.phrase, 1 + PHRASE_BONUS),
    ):
        if expression is None or not candidates:
            continue
        for doc in _matching(db, postgresql, expression, list(candidates)):
            if doc in candidates:
                candidates[doc] *= factor
    return sorted(
        [*candidates.items(), *((doc, score) for doc, score, _ in rows[RERANKED:])],
        key=lambda row: (-row[1], row[0]),
    )


def _matching(
    db: sqlite3.Connection, postgresql: bool, expression: str, candidates: list[int]
) -> list[int]:
    """The documents ``expression`` matches: of ``candidates`` at least."""
    if postgresql:
        return sorted(pgfind.matching(db, expression, candidates))
    # FTS5 cannot narrow a MATCH to a list of rowids (each would be a query of its
    # own): one pass over the expression's matches costs less.
    rows = db.execute("SELECT rowid FROM search_index WHERE search_index MATCH ?", [expression])
    return [int(doc) for (doc,) in rows]


def _ranked(
    db: sqlite3.Connection,
    compiled: CompiledQuery,
    where: str,
    params: list[object],
    count: int,
    first: list[tuple[int, float, int]] | None = None,
) -> list[tuple[str, int, float]]:
    """The best ``count`` files: blob, its best-ranked document and that one's score
    (``first``: the best ``max(count, RERANKED)`` documents scored, if known)."""
    wanted = count
    while True:
        asked = max(wanted, RERANKED)
        rows = first if first is not None else _best(db, compiled, where, params, asked)
        first = None
        scored, complete = _reranked(db, compiled, rows), len(rows) < asked
        if not scored:  # PostgreSQL refuses an empty IN ()
            return []
        marks = ",".join("?" * len(scored))
        blob_of = dict(
            db.execute(
                f"SELECT doc, blob FROM search_documents WHERE doc IN ({marks})",
                [doc for doc, _ in scored],
            ).fetchall()
        )
        best: dict[str, tuple[int, float]] = {}
        for doc, score in scored:
            best.setdefault(blob_of[doc], (doc, score))
        if len(best) >= count or complete:
            return [(blob, doc, score) for blob, (doc, score) in best.items()][:count]
        wanted *= 2  # copies took places: look further down the ranking


def _hits(
    db: sqlite3.Connection,
    ranked: list[tuple[str, int, float]],
    compiled: CompiledQuery,
    where: str,
    params: list[object],
) -> tuple[SearchHit, ...]:
    if not ranked:
        return ()
    marks = ",".join("?" * len(ranked))
    blobs = [blob for blob, _, _ in ranked]
    texts = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT blob, record, extractor, lang, original, folded FROM search_texts"
            f" WHERE blob IN ({marks})",
            blobs,
        )
    }
    seen: dict[str, list[Sighting]] = {blob: [] for blob in blobs}
    for blob, *sighting in db.execute(
        "SELECT d.blob, d.doc, d.name, d.collection, d.media_type, d.added"
        " FROM search_documents AS d JOIN search_document_facets AS f ON f.doc = d.doc"
        f" WHERE d.blob IN ({marks}){where} ORDER BY d.doc",
        [*blobs, *params],
    ):
        seen[blob].append(Sighting(*sighting))
    hits = []
    for blob, doc, score in ranked:
        record, extractor, lang, original, folded = texts[blob]
        passages, forms = fragments(original or folded, folded, compiled.patterns)
        sightings = tuple(seen[blob])
        best = next(s for s in sightings if s.doc == doc)
        hits.append(
            SearchHit(
                best.doc, best.name, best.collection, best.media_type, best.added, blob,
                record, extractor, lang, score, passages, forms, sightings,
            )
        )  # fmt: skip
    return tuple(hits)


def _held_back(db: sqlite3.Connection, hidden: frozenset[str]) -> list[int]:
    """The copies outside ``hidden`` whose blob's text is older than every copy of it
    outside them: that text was made for a hidden copy, and finding the new copy by it at
    once would tell whoever added it that a hidden collection held the file. Each is
    found once the file is extracted again for it (``pending_blobs(resighted=True)``).
    Read from ``search_late``, the few documents added after their blob's text."""
    marks = ",".join("?" * len(hidden))
    rows = db.execute(
        "SELECT late.doc FROM search_late AS late"
        " JOIN search_texts AS t ON t.blob = late.blob AND t.record < late.doc"
        " JOIN search_documents AS d ON d.doc = late.doc"
        f" WHERE d.collection NOT IN ({marks}) AND NOT EXISTS (SELECT 1"
        " FROM search_documents AS seen WHERE seen.blob = late.blob AND seen.doc < t.record"
        f" AND seen.collection NOT IN ({marks}))",
        [*sorted(hidden), *sorted(hidden)],
    )
    return sorted(int(doc) for (doc,) in rows)


def _listed(db: sqlite3.Connection) -> str:
    """SQL of the values of one JSON list parameter (any number fits)."""
    if dialect_of(db) == "sqlite":
        return "SELECT value FROM json_each(?)"
    return "SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS bigint)"


def _docs_of_blobs(db: sqlite3.Connection) -> str:
    """SQL of the documents holding the blobs of one JSON list parameter (any number fits)."""
    listed = (
        "SELECT value FROM json_each(?)"
        if dialect_of(db) == "sqlite"
        else "SELECT jsonb_array_elements_text(CAST(? AS jsonb))"
    )
    return f"SELECT doc FROM search_documents WHERE blob IN ({listed})"


def search(
    db: sqlite3.Connection,
    query: str,
    *,
    names: NameExpander | None = None,
    collection: str | None = None,
    hidden: frozenset[str] = frozenset(),
    limit: int = 20,
    offset: int = 0,
    facets: bool = False,
    after_doc: int | None = None,
    blobs: frozenset[str] | None = None,
    exclude_blobs: frozenset[str] = frozenset(),
) -> SearchResults:
    """The files matching ``query`` (see :mod:`erfurt.search.query`), best first.

    ``names`` gives the spellings of a ``name:`` term (else it is searched as typed);
    ``collection``, ``after_doc`` (only documents added after that log index) and
    ``blobs`` (only copies of those files) narrow the search, and documents in the
    ``hidden`` collections and copies of ``exclude_blobs`` are left out before
    anything is ranked or counted, and when some collection is hidden so is a copy
    whose text predates every copy outside them (see :func:`_held_back`);
    ``facets`` counts the matches by collection, media type, year, language and
    extractor. Copies of one file are one hit. Raises
    InputError (QuerySyntaxError naming the position) for a query that cannot be read,
    and for a limit outside 1..1000 or a negative offset.
    """
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InputError(
            f"limit {limit}, offset {offset}: out of range",
            f"give a limit from 1 to {MAX_LIMIT} and an offset of 0 or more",
        )
    parsed = parse_query(query)
    compiled = compile_query(parsed, names)
    where, params = filter_sql(parsed.filters, collection, after_doc, hidden)
    for listed, condition in ((blobs, "IN"), (exclude_blobs or None, "NOT IN")):
        if listed is not None:
            where += f" AND f.doc {condition} ({_docs_of_blobs(db)})"
            params.append(json.dumps(sorted(listed)))
    held = _held_back(db, hidden) if hidden else []
    if held:
        where += f" AND f.doc NOT IN ({_listed(db)})"
        params.append(json.dumps(held))
    by_sets_only = (
        not parsed.filters.added
        and after_doc is None
        and blobs is None
        and not exclude_blobs
        and not held
    )
    sets = set_filter(parsed.filters, collection, hidden) if by_sets_only else None
    try:
        if dialect_of(db) == "postgresql":
            wanted = max(offset + limit, RERANKED)
            first = frequent_best(db, compiled.match, where, params, wanted)
            known = None if first is None or sets is None else frequent_counts(
                db, compiled.match, *sets
            )  # fmt: skip
            if known is not None:  # a frequent word: all from the top-k tables, as SQLite
                total, exact, counted = counted_matches(db, known, facets)
            else:  # ranked, counted and faceted in one statement
                found = pgfind.evaluate(
                    db, compiled.match, where, params, wanted, facets, bool(sets)
                )  # fmt: skip
                first, total, exact, counted = found.best, found.total, found.exact, found.facets
            ranked = _ranked(db, compiled, where, params, offset + limit, first)[offset:]
        else:
            ranked = _ranked(db, compiled, where, params, offset + limit)[offset:]
            total, exact, counted = count_matches(db, compiled.match, where, params, facets, sets)
    except sqlite3.OperationalError as exc:  # e.g. a term too common for memory limits
        raise InputError(
            f"search query {query[:80]!r} could not be run: {exc}", "search for rarer words"
        ) from exc
    return SearchResults(_hits(db, ranked, compiled, where, params), total, exact, counted)
