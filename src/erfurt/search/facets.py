"""Filters and facets: conditions on documents, and counts of the matches by property.

Both read only ``search_document_facets`` (one small row per document) and the few rows
of ``search_facet_sets``, never the documents' own rows: counting 10,000 matches then
costs a lookup in a narrow table per match, grouped inside SQLite, and one row per
combination of properties reaches Python.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from erfurt.search.index import day_number
from erfurt.search.query import Filters
from erfurt.search.topk import frequent_counts

__all__ = [
    "MAX_COUNTED",
    "Facets",
    "count_matches",
    "counted_matches",
    "facets_from",
    "facets_of",
    "filter_sql",
    "matches_sql",
    "set_filter",
]

MAX_COUNTED = 10_000
_FACETS = ("collection", "media_type", "year", "lang", "extractor")


@dataclass(frozen=True, slots=True)
class Facets:
    """How many matching documents have each property, largest first."""

    collection: tuple[tuple[str, int], ...]
    media_type: tuple[tuple[str, int], ...]
    year: tuple[tuple[str, int], ...]
    lang: tuple[tuple[str, int], ...]
    extractor: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, dict[str, int]]:
        """Each property's counts as an object, largest first."""
        return {key: dict(getattr(self, key)) for key in _FACETS}


def set_filter(
    filters: Filters, collection: str | None, hidden: frozenset[str]
) -> tuple[str, list[object]]:
    """The SQL condition on search_facet_sets (collection, media type, language,
    extractor, hidden collections; '' for none) and its values."""
    sets: list[str] = []
    params: list[object] = []

    def any_of(template: str, values: tuple[str, ...]) -> None:
        if values:
            sets.append("(" + " OR ".join([template] * len(values)) + ")")
            for value in values:
                params.extend([value] * template.count("?"))

    any_of("collection = ?", filters.collections)
    any_of("collection = ?", (collection,) if collection is not None else ())
    any_of(
        "(media_type = ? OR substr(media_type, instr(media_type, '/') + 1) = ?"
        " OR substr(media_type, 1, instr(media_type, '/') - 1) = ?)",
        filters.types,
    )
    any_of("lang = ?", filters.langs)
    any_of("extractor = ?", filters.extractors)
    if hidden:
        sets.append(f"collection NOT IN ({','.join('?' * len(hidden))})")
        params += sorted(hidden)
    return " AND ".join(sets), params


def filter_sql(
    filters: Filters, collection: str | None, after_doc: int | None, hidden: frozenset[str]
) -> tuple[str, list[object]]:
    """SQL conditions on ``f`` (search_document_facets), each starting " AND ", and values.

    Conditions on collection, media type and language pick combinations from
    search_facet_sets once per query; the date and ``after_doc`` are read from ``f``.
    """
    sets, params = set_filter(filters, collection, hidden)
    clauses = []
    if sets:
        clauses.append(f"f.facet_set IN (SELECT facet_set FROM search_facet_sets WHERE {sets})")
    for low, high in filters.added:
        clauses.append("f.day BETWEEN ? AND ?")
        params += [day_number(low), day_number(high)]
    if after_doc is not None:
        clauses.append("f.doc > ?")
        params.append(after_doc)
    return "".join(f" AND {c}" for c in clauses), params


def matches_sql(where: str, joined: bool = False) -> str:
    """``FROM ... WHERE search_index MATCH ?`` and the conditions ``where`` on ``f``,
    search_document_facets, which is joined if there are conditions or ``joined``."""
    if not where and not joined:  # every indexed row has its document
        return " FROM search_index WHERE search_index MATCH ?"
    return (
        " FROM search_index JOIN search_document_facets AS f ON f.doc = search_index.rowid"
        f" WHERE search_index MATCH ?{where}"
    )


def facets_of(db: sqlite3.Connection, counts: dict[int, int]) -> Facets:
    """The facets of matches counted per facet set (search_facet_sets' numbers)."""
    if not counts:  # PostgreSQL refuses an empty IN ()
        return Facets((), (), (), (), ())
    marks = ",".join("?" * len(counts))
    rows = db.execute(
        f"SELECT facet_set, {', '.join(_FACETS)} FROM search_facet_sets"
        f" WHERE facet_set IN ({marks})",
        list(counts),
    )
    return facets_from({int(facet_set): tuple(values) for facet_set, *values in rows}, counts)


def facets_from(values: dict[int, tuple[str, ...]], counts: dict[int, int]) -> Facets:
    """The facets of matches counted per facet set, given each set's values (collection,
    media type, year, language, extractor)."""
    counters: list[Counter[str]] = [Counter() for _ in _FACETS]
    for facet_set, properties in values.items():
        for counter, value in zip(counters, properties, strict=True):
            counter[value] += counts[facet_set]
    return Facets(*(tuple(sorted(c.items(), key=lambda i: (-i[1], i[0]))) for c in counters))


def counted_matches(
    db: sqlite3.Connection, known: dict[int, int], facets: bool
) -> tuple[int, bool, Facets | None]:
    """What :func:`count_matches` gives for matches already counted per facet set
    (a frequent word's, :func:`~erfurt.search.topk.frequent_counts`): every match."""
    documents = sum(known.values())
    found = facets_of(db, known) if facets else None
    return min(documents, MAX_COUNTED), documents <= MAX_COUNTED, found


def count_matches(
    db: sqlite3.Connection,
    match: str,
    where: str,
    params: list[object],
    facets: bool,
    sets: tuple[str, list[object]] | None = None,
) -> tuple[int, bool, Facets | None]:
    """Matching documents (exact up to MAX_COUNTED), whether exact, facets if asked.

    ``sets`` is the same filter as ``where`` if it is only a condition on the facet sets
    (:func:`set_filter`): then a frequent word's counts are the top-k table's sums, and
    its facets count every match. Otherwise the facets count the first MAX_COUNTED
    matches in log order; without filters the count reads only the index.
    """
    known = None if sets is None else frequent_counts(db, match, *sets)
    if known is not None:
        return counted_matches(db, known, facets)
    found = None
    if facets:
        counts = dict(
            db.execute(
                "SELECT facet_set, count(*) FROM (SELECT f.facet_set"
                f"{matches_sql(where, joined=True)} LIMIT ?) GROUP BY facet_set",
                [match, *params, MAX_COUNTED],
            ).fetchall()
        )
        found = facets_of(db, counts)
        documents = sum(counts.values())
        if documents < MAX_COUNTED:
            return documents, True, found
    (documents,) = db.execute(
        f"SELECT count(*) FROM (SELECT 1{matches_sql(where)} LIMIT ?)",
        [match, *params, MAX_COUNTED + 1],
    ).fetchone()
    return min(documents, MAX_COUNTED), documents <= MAX_COUNTED, found
