"""The top-k tables in PostgreSQL hold SQLite's rows, and a frequent word's answer read
from them (documents, order, scores, totals, facets) is SQLite's: after copies added,
texts replaced (rows leaving the index) and rows counted in batches of any size."""

from __future__ import annotations

import sqlite3
from itertools import count
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st
from test_topk import COLLECTIONS, WORDS, Added, Extracted, _events, _question, replay_into

from erfurt.archive.viewdb import PgConnection
from erfurt.search import search
from erfurt.search.topk import frequent_best

_schemas = count()
_TABLES = {
    "search_top": "SELECT * FROM search_top",
    "search_top_terms": "SELECT * FROM search_top_terms",
    "search_top_state": "SELECT * FROM search_top_state",
    "search_top_pending": "SELECT * FROM search_top_pending",
    # facet sets are numbered in the order they first came: compared by their values
    "search_top_facets": "SELECT token, collection, media_type, year, lang, extractor, docs"
    " FROM search_top_facets JOIN search_facet_sets USING (facet_set)",
}


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in db.execute(sql))


@settings(max_examples=25, deadline=None)
@given(
    events=_events,
    keep=st.integers(1, 4),
    tracked_from=st.integers(1, 4),
    batch=st.integers(1, 8),
    hidden=st.sampled_from([frozenset(), frozenset({"hk"})]),
)
def test_postgresql_keeps_the_rows_sqlite_keeps_and_answers_alike(
    search_pg: PgConnection,
    events: list[Added | Extracted],
    keep: int,
    tracked_from: int,
    batch: int,
    hidden: frozenset[str],
) -> None:
    local = sqlite3.connect(":memory:", isolation_level=None)
    remote = cast(sqlite3.Connection, search_pg)
    schema = f"search_topk_{next(_schemas)}"
    remote.execute(f"CREATE SCHEMA {schema}")
    remote.execute(f"SET search_path TO {schema}")
    try:
        for db in (local, remote):
            replay_into(db, events, keep, tracked_from, batch)
        for table, sql in _TABLES.items():
            assert _rows(local, sql) == _rows(remote, sql), table
        for word in WORDS[:5]:
            for collection in (None, COLLECTIONS[0]):
                answers = [
                    repr(search(db, word, collection=collection, hidden=hidden, facets=True,
                                limit=3))
                    for db in (local, remote)
                ]  # fmt: skip
                assert answers[0] == answers[1], word
    finally:
        remote.execute("SET search_path TO public")
        remote.execute(f"DROP SCHEMA {schema} CASCADE")
        local.close()


def test_a_frequent_word_is_answered_from_the_table_in_postgresql(
    search_pg: PgConnection,
) -> None:
    """300 notes, some extracted again (losing the word or changing length), the top-k
    table answers in PostgreSQL too, with SQLite's hits, scores, total and facets."""
    events: list[Added | Extracted] = []
    for n in range(300):
        filler = " ".join(["word"] * (n * 7 % 53))
        events.append(Added(n, "ledger.txt" if n % 11 == 0 else f"note{n}.txt", COLLECTIONS[n % 3]))
        events.append(Extracted(n, f"{filler} " + "the ledger " * (1 + n % 2)))
    for n in range(0, 300, 17):
        events.append(Extracted(n, "no such word here" if n % 2 else "ledger " * (n % 5)))
    local = sqlite3.connect(":memory:", isolation_level=None)
    remote = cast(sqlite3.Connection, search_pg)
    remote.execute("CREATE SCHEMA search_topk_corpus")
    remote.execute("SET search_path TO search_topk_corpus")
    try:
        for db in (local, remote):
            replay_into(db, events, 100, 50, 40)
        match, where, params = _question("ledger", frozenset(), None)
        proved = frequent_best(remote, match, where, params, 100)
        assert proved is not None and proved == frequent_best(local, match, where, params, 100)
        for limit, offset in ((20, 0), (10, 40), (1, 99)):
            found = [
                search(db, "Ledger", limit=limit, offset=offset, facets=True)
                for db in (local, remote)
            ]
            assert repr(found[0]) == repr(found[1])
            assert found[0].total == 291 and len(found[0].hits) == limit
    finally:
        remote.execute("SET search_path TO public")
        remote.execute("DROP SCHEMA search_topk_corpus CASCADE")
        local.close()
