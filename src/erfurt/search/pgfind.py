"""Run a query on the PostgreSQL index (:mod:`erfurt.search.pgindex`) as FTS5 runs it.

The MATCH expression ``compile_query`` writes is read back (:mod:`erfurt.search.expression`)
and becomes SQL: each phrase a common table of the documents holding it with its hits in
the title and the text (a phrase's hits are the positions of its first token followed by
the others at the next positions; a prefix's, those of every token it begins); AND, OR
and NOT become INTERSECT, UNION and EXCEPT of their documents. BM25 is FTS5's
(``fts5_aux.c``), operation for operation in double precision with the same constants,
idf and average length computed as :mod:`erfurt.search.topk` computes them, so scores,
order (ties: lower log index first), totals and facets are SQLite's.

A search is one evaluation (:func:`evaluate`): the phrase tables are computed once, every
match scored once into one materialised table, and the best documents, the count and the
facets (with their values) are read from it in the same statement. A phrase, or an OR
of phrases alone (a name's many spellings), is scored from one table of every phrase's
hits summed per document in phrase order, not a join per phrase: the planner's time grew
with the joins. A Chinese phrase (a word of three or more characters: its pairs) is
found from its pairs' positions in one pass (:func:`_grouped_hits`), each phrase's idf
computed once, not per match. Each match's length and facets are looked up by key, and
the statement is never compiled (JIT): see :func:`evaluate`. A frequent word comes here only when
:mod:`erfurt.search.topk` cannot answer.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from erfurt.search.expression import And, Expression, Near, Not, Or, Phrase, parse_match
from erfurt.search.expression import phrases_of as _phrases_of
from erfurt.search.facets import MAX_COUNTED, Facets, facets_from
from erfurt.search.fold import has_han
from erfurt.search.pgchinese import chinese_word, hits_sql
from erfurt.search.topk import K1, MIN_IDF, TITLE_WEIGHT, B, single_token

__all__ = ["Evaluation", "best", "evaluate", "matching"]

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


def _grouped_hits(phrase: Phrase) -> tuple[str, list[object]]:
    """SQL of (doc, title, body) for a phrase of several whole tokens, from one pass
    over its tokens' positions: each position of the ``n``-th token stands for a start
    ``n`` places before it, and a start every token stands for is an instance. No join
    of one token's postings with the next's, and no position test per row: the cost
    follows the positions read, not the joins (:func:`_instances` for 2,001 rows of a
    phrase of three pairs: a hash join, 2,001 index lookups and three subplans a row).
    Only for Chinese (a phrase of pairs, each about once in a document): a phrase of
    English words, each read at every place it stands, was slower so (docs/performance.md)."""
    return (
        "SELECT doc, count(*) FILTER (WHERE col = 0) AS title,"
        " count(*) FILTER (WHERE col = 1) AS body FROM (SELECT p.doc, p.col"
        " FROM unnest(?::text[]) WITH ORDINALITY AS o (token, n)"
        " JOIN search_postings AS p ON p.token = o.token CROSS JOIN unnest(p.positions) AS u (at)"
        f" GROUP BY p.doc, p.col, u.at - o.n HAVING count(*) = {len(phrase.tokens)}) AS i"
        " GROUP BY doc",
        [list(phrase.tokens)],
    )


def _word(phrase: Phrase) -> str | None:
    """The Chinese word ``phrase`` stands for, to be found by its trigrams
    (:mod:`erfurt.search.pgchinese`); None for any other phrase."""
    return None if phrase.prefix else chinese_word(phrase.tokens)


def _hits(phrase: Phrase) -> tuple[str, list[object]]:
    """SQL of (doc, title, body): the phrase's hits in each document that has it."""
    word = _word(phrase)
    if word is not None:
        sql, values = hits_sql(word)
        return f"SELECT doc, title, body FROM ({sql}) AS c", values
    if len(phrase.tokens) > 1 and not phrase.prefix and all(map(has_han, phrase.tokens)):
        return _grouped_hits(phrase)
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


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What one evaluation of a query gives: the best documents as (doc, BM25, body
    hits), best first; the matching documents (exact to MAX_COUNTED) and whether that
    is exact; the facets, if asked."""

    best: list[tuple[int, float, int]]
    total: int
    exact: bool
    facets: Facets | None


def _checked(path: tuple[Expression, ...]) -> tuple[Expression, ...]:
    """The operators above a phrase whose match must be checked for its hits to count:
    an OR matches wherever its child on the path does (the phrase itself, or the next
    operator, checked in turn), so only the others (AND, NOT) are; a name's many
    spellings, one OR, then need no table of their own."""
    return tuple(node for node in path if not isinstance(node, Or))


def _weight(hits: str) -> tuple[str, list[object]]:
    """SQL of a phrase's idf (``t`` search_top_state) from ``hits``, the documents
    holding it; the marks' values. topk.idf in the same statement: ln() is the C
    library's log(), as math.log is."""
    ratio = f"((t.documents - {hits})::float8 + 0.5::float8) / ({hits}::float8 + 0.5::float8)"
    return f"(SELECT CASE WHEN v <= 0.0 THEN ?::float8 ELSE v END FROM ln({ratio}) AS v)", [MIN_IDF]


def _term(
    title_hits: str, body_hits: str, weight: str, length: str = "r.length"
) -> tuple[str, list[object]]:
    """SQL of one phrase's BM25 term in a row (``t`` search_top_state) from its hits
    there, ``weight``, its idf, and ``length``, the row's (by default from ``r``
    search_rows); the marks' values."""
    frequency = f"(?::float8 * {title_hits}::float8 + {body_hits}::float8)"
    # The average length as topk._scored divides it: float(tokens) / float(documents).
    average = "(t.tokens::float8 / t.documents::float8)"
    return (
        f"{weight} * (({frequency} * ?::float8) / ({frequency} + ?::float8"
        f" * (?::float8 + ?::float8 * {length}::float8 / {average})))",
        [TITLE_WEIGHT, K1 + 1.0, TITLE_WEIGHT, K1, 1 - B, B],
    )


def _or_of_phrases(expression: Expression) -> bool:
    """Whether ``expression`` is phrases joined by OR alone (a name's spellings)."""
    if isinstance(expression, Phrase):
        return True
    return (
        isinstance(expression, Or)
        and _or_of_phrases(expression.left)
        and _or_of_phrases(expression.right)
    )


def _by_key(table: str) -> str:
    """SQL joining ``r`` (search_rows) and ``f`` (search_document_facets) to each row of
    ``table`` by its document, looked up by key: the planner, misjudging a phrase table
    (half its rows, or one for a phrase of several tokens), otherwise hashes all of
    either table, a scan that grows with the index where the lookups grow with matches.
    OFFSET 0 keeps each lookup a subquery the planner cannot turn back into a join."""
    return "".join(
        f" CROSS JOIN LATERAL (SELECT * FROM {source} WHERE doc = {table}.doc OFFSET 0) AS {alias}"
        for source, alias in (("search_rows", "r"), ("search_document_facets", "f"))
    )


def _flat_scored(expression: Expression, where: str) -> tuple[str, list[object]]:
    """``WITH ..., s AS (...)`` of a phrase or an OR of phrases: every phrase's hits in
    one table (a phrase numbered per row), each match's terms summed in phrase order as
    FTS5 sums them: one aggregate (none for one phrase: its term is the score), where
    :func:`_joined_scored` plans a join per phrase (for one phrase, a join of its table
    with itself that the planner, taking the table for one row, ran as a nested loop:
    1,926 matches, 3.7 million rows compared).

    When every phrase is a Chinese word and nothing is filtered, each match's length
    and facets come with its hits (``search_han``): no lookup per match, which at
    1,000,000 documents took longer than finding a common word's 19,000 matches."""
    phrases = [phrase for phrase, _, _ in _phrases_of(expression)]
    carried = not where and all(_word(phrase) is not None for phrase in phrases)
    hits, values = [], []
    for phrase in phrases:
        if carried:
            sql, phrase_values = hits_sql(str(_word(phrase)))
            columns = "doc, title, body, length, facet_set"
        else:
            sql, phrase_values = _hits(phrase)
            columns = "doc, title, body"
        hits.append(f"SELECT {phrase.number} AS phrase, {columns} FROM ({sql}) AS h")
        values += phrase_values
    weight, idf_values = _weight("c.hits")
    term, weights = _term("h.title", "h.body", "w.weight", "h.length" if carried else "r.length")
    looked_up = "" if carried else _by_key("h")
    if len(phrases) == 1:  # a row per match already: its one term is its score
        scored = f"{term} AS score, h.body AS body"
        grouped = ""
    else:
        scored = f"sum({term} ORDER BY h.phrase) AS score, sum(h.body) AS body"
        grouped = " GROUP BY 1, 2"
    return (
        f"WITH h AS MATERIALIZED ({' UNION ALL '.join(hits)}), t AS (SELECT nullif(documents,"
        " 0) AS documents, tokens FROM search_top_state), w AS MATERIALIZED (SELECT c.phrase,"
        f" {weight} AS weight FROM (SELECT phrase, count(*) AS hits FROM h GROUP BY phrase)"
        f" AS c CROSS JOIN t), s AS MATERIALIZED (SELECT h.doc, {'h' if carried else 'f'}"
        f".facet_set, {scored} FROM h JOIN w ON w.phrase = h.phrase{looked_up} CROSS JOIN t"
        f" WHERE true{where}{grouped})",
        [*values, *idf_values, *weights],
    )


def _joined_scored(expression: Expression, where: str) -> tuple[str, list[object]]:
    """``WITH ..., s AS (...)``: a table per phrase and per operator that must be checked
    above one, each match scored from their joins."""
    phrases = _phrases_of(expression)
    operators = tuple(dict.fromkeys(node for _, path, _ in phrases for node in _checked(path)))
    opening, values = _with(expression, operators)
    score, body, weights = _score_terms(phrases, operators)
    joins = "".join(f" LEFT JOIN p{p.number} ON p{p.number}.doc = m.doc" for p, _, _ in phrases)
    joins += "".join(f" LEFT JOIN a{n} ON a{n}.doc = m.doc" for n in range(len(operators)))
    return (
        f"{opening}, t AS (SELECT nullif(documents, 0) AS documents, tokens"
        " FROM search_top_state), s AS MATERIALIZED (SELECT m.doc, f.facet_set,"
        f" {score} AS score, {body} AS body FROM m{_by_key('m')} CROSS JOIN t{joins}"
        f" WHERE true{where})",
        [*values, *weights],
    )


def _score_terms(
    phrases: list[tuple[Phrase, tuple[Expression, ...], bool]],
    operators: tuple[Expression, ...],
) -> tuple[str, str, list[object]]:
    """SQL of a matching row's BM25 and its body hits (columns of ``m``'s joins, ``r``
    search_rows and ``t`` search_top_state), and the values of the score's marks."""
    terms: list[str] = []
    body: list[str] = []
    weights: list[object] = []
    for phrase, path, positive in phrases:
        if not positive:  # never an instance in a matching row: adds 0.0
            continue
        n = phrase.number
        counted = " AND ".join(
            [
                f"p{n}.doc IS NOT NULL",
                *(f"a{operators.index(o)}.doc IS NOT NULL" for o in _checked(path)),
            ]
        )
        title_hits, body_hits = (
            f"(CASE WHEN {counted} THEN p{n}.{column} ELSE 0 END)" for column in ("title", "body")
        )
        weight, idf_values = _weight(f"(SELECT count(*) FROM p{n})")
        term, values = _term(title_hits, body_hits, weight)
        terms.append(term)
        weights += [*idf_values, *values]
        body.append(body_hits)
    return " + ".join(terms) or "0.0::float8", " + ".join(body) or "0", weights


def evaluate(
    db: sqlite3.Connection,
    match: str,
    where: str,
    params: list[object],
    wanted: int,
    facets: bool = False,
    by_sets: bool = False,
) -> Evaluation:
    """The best ``wanted`` documents for ``match``, ranked as ``bm25(search_index,
    TITLE_WEIGHT, 1.0)`` ranks them (ties: lower doc first), with the count and (if
    ``facets``) the facets as :func:`erfurt.search.facets.count_matches` gives them:
    exact to MAX_COUNTED, the facets of the first MAX_COUNTED matches in log order, or
    of every match for a plain word filtered by properties only (``by_sets``), which
    SQLite counts from its top-k table. One statement, the phrase tables computed once.
    ``where`` and ``params`` are conditions on ``f`` (search_document_facets)."""
    expression = parse_match(match)
    scored, values = (_flat_scored if _or_of_phrases(expression) else _joined_scored)(
        expression, where
    )
    every = by_sets and single_token(match) is not None
    parts = [
        "SELECT 0 AS part, doc, score, body, NULL AS collection, NULL AS media_type,"
        " NULL AS year, NULL AS lang, NULL AS extractor FROM (SELECT doc, score, body FROM s"
        " ORDER BY score DESC, doc LIMIT ?) AS b",
        "SELECT 2, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL"
        " FROM (SELECT 1 FROM s LIMIT ?) AS n",
    ]
    limits: list[object] = [wanted, MAX_COUNTED + 1]
    if facets:
        parts.append(
            "SELECT 1, c.facet_set, NULL, c.docs, v.collection, v.media_type, v.year, v.lang,"
            " v.extractor FROM (SELECT facet_set, count(*) AS docs FROM (SELECT facet_set"
            " FROM s ORDER BY doc LIMIT ?) AS l GROUP BY facet_set) AS c"
            " JOIN search_facet_sets AS v ON v.facet_set = c.facet_set"
        )
        limits.append(None if every else MAX_COUNTED)  # LIMIT NULL: every match
    # Compiling this statement's expressions (the planner's cost, overestimated per
    # row, passes jit_above_cost) took 140 of its 230 ms at 100,000 documents.
    db.execute("SET jit = off")
    rows = db.execute(
        f"{scored} {' UNION ALL '.join(parts)}", [*values, *params, *limits]
    ).fetchall()
    best = sorted(
        ((int(r[1]), float(r[2]), int(r[3])) for r in rows if r[0] == 0),
        key=lambda hit: (-hit[1], hit[0]),
    )
    (documents,) = [int(r[1]) for r in rows if r[0] == 2]
    found = None
    if facets:
        sets = [r for r in rows if r[0] == 1]
        found = facets_from(
            {int(r[1]): tuple(r[4:]) for r in sets}, {int(r[1]): int(r[3]) for r in sets}
        )
    return Evaluation(best, min(documents, MAX_COUNTED), documents <= MAX_COUNTED, found)


def best(
    db: sqlite3.Connection, match: str, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, int]]:
    """The best ``wanted`` documents for ``match`` as (doc, BM25, body hits), best first,
    as ``bm25(search_index, TITLE_WEIGHT, 1.0)`` ranks them (ties: lower doc first)."""
    return evaluate(db, match, where, params, wanted).best


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
    ``compile_query`` writes ``near`` and ``phrase``). One statement for all its phrases."""
    expression = parse_match(match)
    phrases = expression.phrases if isinstance(expression, Near) else (expression,)
    if not isinstance(phrases[0], Phrase):
        raise ValueError(f"not a phrase or NEAR: {match!r}")
    parts, params = [], []
    for n, phrase in enumerate(phrases):
        assert isinstance(phrase, Phrase)
        sql, values = _instances(phrase, docs)
        parts.append(f"SELECT {n} AS phrase, doc, col, starts FROM ({sql}) AS i{n}")
        params += values
    found: dict[tuple[int, int], list[tuple[int, list[int]]]] = defaultdict(list)
    for n, doc, col, starts in db.execute(" UNION ALL ".join(parts), params).fetchall():
        phrase = phrases[n]
        assert isinstance(phrase, Phrase)
        found[int(doc), int(col)].append((len(phrase.tokens), list(starts)))
    distance = expression.distance if isinstance(expression, Near) else 0
    return {
        doc
        for (doc, _), starts in found.items()
        if len(starts) == len(phrases) and (len(phrases) == 1 or _near(starts, distance))
    }
