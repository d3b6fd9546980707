"""Run a query on the PostgreSQL index (:mod:`erfurt.search.pgindex`) as FTS5 runs it.

The MATCH expression ``compile_query`` writes is read back (:mod:`erfurt.search.expression`)
and becomes SQL: each phrase a common table of the documents holding it with its hits in
the title and the text (a phrase's hits are the positions of its first token followed by
the others at the next positions; a prefix's, those of every token it begins); AND, OR
and NOT become INTERSECT, UNION and EXCEPT of their documents. BM25 is FTS5's
(``fts5_aux.c``), operation for operation in double precision with the same constants,
idf and average length computed in Python as :mod:`erfurt.search.topk` computes them, so
scores, order (ties: lower log index first), totals and facets are SQLite's.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from erfurt.search.expression import And, Expression, Near, Not, Or, Phrase, parse_match
from erfurt.search.expression import phrases_of as _phrases_of
from erfurt.search.facets import MAX_COUNTED, Facets, facets_of
from erfurt.search.topk import K1, MIN_IDF, TITLE_WEIGHT, B, single_token

__all__ = ["best", "count_matches", "matching"]

_NOTHING = "SELECT NULL::bigint AS doc, NULL::integer AS col, NULL::integer[] AS starts WHERE false"


def _like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _token_source(phrase: Phrase, number: int, docs: list[int] | None) -> tuple[str, list[object]]:
    """(doc, col, positions) of the phrase's ``number``-th token (all a prefix's tokens)."""
    narrow = "" if docs is None else " AND doc = ANY(?)"
    extra: list[object] = [] if docs is None else [docs]
    if phrase.prefix and number == len(phrase.tokens) - 1:
        return (
            "SELECT doc, col, array_agg(p ORDER BY p) AS positions"
            " FROM search_postings, unnest(positions) AS p"
            f" WHERE token LIKE ?{narrow} GROUP BY doc, col",
            [_like(phrase.tokens[number]), *extra],
        )
    return (
        f"SELECT doc, col, positions FROM search_postings WHERE token = ?{narrow}",
        [phrase.tokens[number], *extra],
    )


def _instances(phrase: Phrase, docs: list[int] | None = None) -> tuple[str, list[object]]:
    """SQL of (doc, col, starts): where the phrase starts, per document and column."""
    if not phrase.tokens:
        return _NOTHING, []
    sources = [_token_source(phrase, n, docs) for n in range(len(phrase.tokens))]
    params = [p for _, values in sources for p in values]
    if len(sources) == 1:
        return f"SELECT doc, col, positions AS starts FROM ({sources[0][0]}) AS s0", params
    joins = "".join(
        f" JOIN ({sql}) AS s{n} ON s{n}.doc = s0.doc AND s{n}.col = s0.col"
        for n, (sql, _) in enumerate(sources)
        if n
    )
    follows = " AND ".join(f"p + {n} = ANY(s{n}.positions)" for n in range(1, len(sources)))
    starts = f"ARRAY(SELECT p FROM unnest(s0.positions) AS p WHERE {follows} ORDER BY p)"
    return (
        f"SELECT doc, col, starts FROM (SELECT s0.doc, s0.col, {starts} AS starts"
        f" FROM ({sources[0][0]}) AS s0{joins}) AS i WHERE cardinality(starts) > 0",
        params,
    )


def _hits(phrase: Phrase) -> tuple[str, list[object]]:
    """SQL of (doc, title, body): the phrase's hits in each document that has it."""
    sql, params = _instances(phrase)
    return (
        "SELECT doc, sum(CASE WHEN col = 0 THEN cardinality(starts) ELSE 0 END) AS title,"
        " sum(CASE WHEN col = 1 THEN cardinality(starts) ELSE 0 END) AS body"
        f" FROM ({sql}) AS x GROUP BY doc",
        params,
    )


def _documents(expression: Expression) -> str:
    """SQL of the documents ``expression`` matches, from the phrase tables ``p0``..."""
    if isinstance(expression, Phrase):
        return f"SELECT doc FROM p{expression.number}"
    if isinstance(expression, Near):
        raise ValueError("NEAR is only asked of candidates (see matching)")
    operator = {And: "INTERSECT", Or: "UNION", Not: "EXCEPT"}[type(expression)]
    return f"({_documents(expression.left)}) {operator} ({_documents(expression.right)})"


def _with(
    expression: Expression, operators: tuple[Expression, ...] = ()
) -> tuple[str, list[object]]:
    """``WITH p0 AS (...), ..., m AS (...), a0 AS (...), ...`` and its values: each
    phrase's hits, the matching documents, then the documents of each of ``operators``."""
    tables, params = [], []
    for phrase, _, _ in _phrases_of(expression):
        sql, values = _hits(phrase)
        tables.append(f"p{phrase.number} AS MATERIALIZED ({sql})")
        params += values
    tables.append(f"m AS ({_documents(expression)})")
    tables += [f"a{n} AS ({_documents(node)})" for n, node in enumerate(operators)]
    return f"WITH {', '.join(tables)}", params


def _joined(where: str) -> str:
    """The matches ``m``, with their facets ``f`` where conditions read them."""
    facets = " JOIN search_document_facets AS f ON f.doc = m.doc" if where else ""
    return f" FROM m{facets} WHERE true{where}"


def best(
    db: sqlite3.Connection, match: str, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, int]]:
    """The best ``wanted`` documents for ``match`` as (doc, BM25, body hits), best first,
    as ``bm25(search_index, TITLE_WEIGHT, 1.0)`` ranks them (ties: lower doc first)."""
    expression = parse_match(match)
    phrases = _phrases_of(expression)
    operators = tuple(dict.fromkeys(node for _, path, _ in phrases for node in path))
    opening, values = _with(expression, operators)
    documents, tokens = db.execute("SELECT documents, tokens FROM search_row_totals").fetchone()
    if not documents:
        return []
    average = float(tokens) / float(documents)
    terms, body, weights = [], [], []
    for phrase, path, positive in phrases:
        if not positive:  # never an instance in a matching row: adds 0.0
            continue
        n = phrase.number
        counted = " AND ".join(
            [f"p{n}.doc IS NOT NULL", *(f"a{operators.index(o)}.doc IS NOT NULL" for o in path)]
        )
        title_hits, body_hits = (
            f"(CASE WHEN {counted} THEN p{n}.{column} ELSE 0 END)" for column in ("title", "body")
        )
        frequency = f"(?::float8 * {title_hits}::float8 + {body_hits}::float8)"
        # topk.idf, in the same statement: ln() is the C library's log(), as math.log is.
        hits = f"(SELECT count(*) FROM p{n})"
        ratio = f"((?::bigint - {hits})::float8 + 0.5::float8) / ({hits}::float8 + 0.5::float8)"
        weight = f"(SELECT CASE WHEN v <= 0.0 THEN ?::float8 ELSE v END FROM ln({ratio}) AS v)"
        terms.append(
            f"{weight} * (({frequency} * ?::float8) / ({frequency} + ?::float8"
            " * (?::float8 + ?::float8 * r.length::float8 / ?::float8)))"
        )
        weights += [MIN_IDF, int(documents), TITLE_WEIGHT, K1 + 1.0, TITLE_WEIGHT, K1]
        weights += [1 - B, B, average]
        body.append(body_hits)
    joins = "".join(f" LEFT JOIN p{p.number} ON p{p.number}.doc = m.doc" for p, _, _ in phrases)
    joins += "".join(f" LEFT JOIN a{n} ON a{n}.doc = m.doc" for n in range(len(operators)))
    rows = db.execute(
        f"{opening} SELECT * FROM (SELECT m.doc, {' + '.join(terms)} AS score,"
        f" {' + '.join(body)} AS body FROM m JOIN search_rows AS r ON r.doc = m.doc{joins}"
        f"{' JOIN search_document_facets AS f ON f.doc = m.doc' if where else ''}"
        f" WHERE true{where}) AS s ORDER BY score DESC, doc LIMIT ?",
        [*values, *weights, *params, wanted],
    ).fetchall()
    return [(int(doc), float(score), int(hits)) for doc, score, hits in rows]


def count_matches(
    db: sqlite3.Connection,
    match: str,
    where: str,
    params: list[object],
    facets: bool,
    by_sets: bool,
) -> tuple[int, bool, Facets | None]:
    """As :func:`erfurt.search.facets.count_matches` counts: exact to MAX_COUNTED, the
    facets of the first MAX_COUNTED matches in log order, or of every match for a plain
    word filtered by properties only (``by_sets``), which SQLite counts from its top-k
    table."""
    opening, values = _with(parse_match(match))
    found = None
    if facets:
        every = by_sets and single_token(match) is not None
        limit = "" if every else " ORDER BY m.doc LIMIT ?"
        counts = dict(
            db.execute(
                f"{opening} SELECT facet_set, count(*) FROM (SELECT f.facet_set FROM m"
                " JOIN search_document_facets AS f ON f.doc = m.doc"
                f" WHERE true{where}{limit}) AS c GROUP BY facet_set",
                [*values, *params, *([] if every else [MAX_COUNTED])],
            ).fetchall()
        )
        found = facets_of(db, counts)
        documents = sum(counts.values())
        if documents < MAX_COUNTED or every:
            return min(documents, MAX_COUNTED), documents <= MAX_COUNTED, found
    (documents,) = db.execute(
        f"{opening} SELECT count(*) FROM (SELECT 1{_joined(where)} LIMIT ?) AS c",
        [*values, *params, MAX_COUNTED + 1],
    ).fetchone()
    return min(documents, MAX_COUNTED), documents <= MAX_COUNTED, found


def _near(starts: list[tuple[int, list[int]]], distance: int) -> bool:
    """FTS5's NEAR test: some position M such that each phrase (its length, its starts)
    starts within [M - length - distance, M]."""
    for _, candidates in starts:
        for top in candidates:
            if all(
                any(top - length - distance <= s <= top for s in others)
                for length, others in starts
            ):
                return True
    return False


def matching(db: sqlite3.Connection, match: str, docs: list[int]) -> set[int]:
    """Which of ``docs`` match ``match``: a phrase, or a NEAR of phrases (as
    ``compile_query`` writes ``near`` and ``phrase``)."""
    expression = parse_match(match)
    phrases = expression.phrases if isinstance(expression, Near) else (expression,)
    if not isinstance(phrases[0], Phrase):
        raise ValueError(f"not a phrase or NEAR: {match!r}")
    found: dict[tuple[int, int], list[tuple[int, list[int]]]] = defaultdict(list)
    for phrase in phrases:
        assert isinstance(phrase, Phrase)
        sql, params = _instances(phrase, docs)
        for doc, col, starts in db.execute(sql, params).fetchall():
            found[int(doc), int(col)].append((len(phrase.tokens), list(starts)))
    distance = expression.distance if isinstance(expression, Near) else 0
    return {
        doc
        for (doc, _), starts in found.items()
        if len(starts) == len(phrases) and (len(phrases) == 1 or _near(starts, distance))
    }
