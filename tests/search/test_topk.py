"""The top-k table of frequent words: exactly what FTS5's BM25 over every match gives."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from erfurt.archive import Archive, Record
from erfurt.search import (
    SearchView,
    count_pending,
    create_tables,
    index_document,
    index_text,
    search,
)
from erfurt.search.facets import filter_sql, set_filter
from erfurt.search.match import compile_query
from erfurt.search.query import parse_query
from erfurt.search.topk import frequent_best, frequent_counts

WORDS = ["ledger", "Ledger", "tax", "國家", "国家", "the", "of", "a"]
COLLECTIONS = ["open", "hk", "tw"]
NEVER = 10**9  # a threshold no test corpus reaches: every query scores every match
TOP_TABLES = (
    "search_top",
    "search_top_terms",
    "search_top_state",
    "search_top_facets",
    "search_top_pending",
)


@dataclass(frozen=True)
class Added:
    """A document.added: a copy of blob ``blob`` named ``title`` in ``collection``."""

    blob: int
    title: str
    collection: str


@dataclass(frozen=True)
class Extracted:
    """A text.extracted: ``blob``'s (new) text."""

    blob: int
    text: str


def _replay(
    events: list[Added | Extracted], keep: int, tracked_from: int, batch: int = 1
) -> sqlite3.Connection:
    """The events applied ``batch`` at a time, each batch's rows counted at its end."""
    db = sqlite3.connect(":memory:")
    replay_into(db, events, keep, tracked_from, batch)
    return db


def replay_into(
    db: sqlite3.Connection, events: list[Added | Extracted], keep: int, tracked_from: int,
    batch: int,
) -> None:  # fmt: skip
    """:func:`_replay` into ``db`` (empty), of either backend."""
    create_tables(db, top_keep=keep, top_tracked_from=tracked_from)
    for index, event in enumerate(events):
        if isinstance(event, Added):
            index_document(db, index, f"blob{event.blob}", event.title, event.collection)
        else:
            index_text(db, index, f"blob{event.blob}", "test", event.text)
        if index % batch == batch - 1:
            count_pending(db)
    count_pending(db)


_words = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
_events = st.lists(
    st.one_of(
        st.builds(Added, st.integers(0, 5), _words, st.sampled_from(COLLECTIONS)),
        st.builds(Extracted, st.integers(0, 5), _words),
    ),
    min_size=6,
    max_size=40,
)
_hidden = st.sampled_from([frozenset(), frozenset(), frozenset({"hk"}), frozenset({"hk", "tw"})])


def _plain(
    db: sqlite3.Connection, match: str, where: str, params: list[object], wanted: int
) -> list[tuple[int, float, bool]]:
    """The oracle: FTS5 scores every match, equal scores in log order."""
    score = "bm25(search_index, 2.0, 1.0)"
    rows = db.execute(
        f"SELECT search_index.rowid, -{score}, bm25(search_index, 0.0, 1.0) FROM search_index"
        " JOIN search_document_facets AS f ON f.doc = search_index.rowid"
        f" WHERE search_index MATCH ?{where} ORDER BY {score}, search_index.rowid LIMIT ?",
        [match, *params, wanted],
    ).fetchall()
    return [(doc, value, body != 0) for doc, value, body in rows]


def _question(
    word: str, hidden: frozenset[str], collection: str | None
) -> tuple[str, str, list[object]]:
    parsed = parse_query(word)
    where, params = filter_sql(parsed.filters, collection, None, hidden)
    return compile_query(parsed).match, where, params


@settings(max_examples=60, deadline=None)
@given(
    events=_events,
    keep=st.integers(3, 6),
    tracked_from=st.integers(1, 4),
    word=st.sampled_from(WORDS),
    hidden=_hidden,
    collection=st.sampled_from([None, None, *COLLECTIONS]),
    wanted=st.integers(1, 4),
    batch=st.integers(1, 8),
)
def test_the_table_answers_exactly_as_fts5_or_not_at_all(
    events: list[Added | Extracted],
    keep: int,
    tracked_from: int,
    word: str,
    hidden: frozenset[str],
    collection: str | None,
    wanted: int,
    batch: int,
) -> None:
    db = _replay(events, keep, tracked_from, batch)
    match, where, params = _question(word, hidden, collection)
    fast = frequent_best(db, match, where, params, wanted)
    if fast is not None:  # same documents, same order, bit-identical scores
        assert [(d, s, b > 0) for d, s, b in fast] == _plain(db, match, where, params, wanted)
    counts = frequent_counts(db, match, *set_filter(parse_query(word).filters, collection, hidden))
    if counts is not None:  # every match counted, by facet set
        assert counts == dict(
            db.execute(
                "SELECT f.facet_set, count(*) FROM search_index JOIN search_document_facets AS f"
                f" ON f.doc = search_index.rowid WHERE search_index MATCH ?{where}"
                " GROUP BY f.facet_set",
                [match, *params],
            ).fetchall()
        )


@settings(max_examples=60, deadline=None)
@given(
    events=_events, keep=st.integers(1, 4), tracked_from=st.integers(1, 4), batch=st.integers(1, 8)
)
def test_rebuilding_from_the_final_state_gives_the_same_table(
    events: list[Added | Extracted], keep: int, tracked_from: int, batch: int
) -> None:
    """Texts replaced, copies added late, rows counted in batches of any size: the
    tables are a function of the index alone."""
    db = _replay(events, keep, tracked_from, batch)
    final: dict[int, str] = {}
    for event in events:
        if isinstance(event, Extracted):
            final[event.blob] = event.text
    # The same documents and only each blob's last text, texts first this time.
    rebuilt = sqlite3.connect(":memory:")
    create_tables(rebuilt, top_keep=keep, top_tracked_from=tracked_from)
    for blob, text in final.items():
        index_text(rebuilt, 10_000 + blob, f"blob{blob}", "test", text)
    for index, event in enumerate(events):
        if isinstance(event, Added):
            index_document(rebuilt, index, f"blob{event.blob}", event.title, event.collection)
    count_pending(rebuilt)
    for table in TOP_TABLES:
        rows = f"SELECT * FROM {table}"
        if table == "search_top_facets":  # sets are numbered in the order they first came
            rows = (
                "SELECT token, collection, media_type, year, lang, extractor, docs"
                " FROM search_top_facets JOIN search_facet_sets USING (facet_set)"
            )
        assert sorted(db.execute(rows)) == sorted(rebuilt.execute(rows)), table


def test_a_batch_of_any_size_is_counted_by_statements_of_one_size() -> None:
    """Counting a batch names its documents in one parameter, not one each: a statement
    per batch size stayed in the connection's statement cache (tens of MiB once a large
    `add` made its words frequent), and past SQLite's limit on parameters none would run.
    With that limit at 8, batches of 12 to 80 rows count what batches of one count."""
    events: list[Added | Extracted] = []
    for n in range(40):
        events.append(Added(n, f"note{n}.txt", COLLECTIONS[n % 3]))
        events.append(Extracted(n, "the ledger " * (1 + n % 3)))
    expected = _replay(events, 3, 2)
    for batch in (12, 21, 80):
        few = sqlite3.connect(":memory:")
        few.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 8)
        replay_into(few, events, 3, 2, batch)
        for table in TOP_TABLES:
            rows = f"SELECT * FROM {table}"
            assert sorted(few.execute(rows)) == sorted(expected.execute(rows)), table


def _corpus(tracked_from: int) -> sqlite3.Connection:
    """300 notes of 3 collections saying "ledger" once or twice in texts of many lengths."""
    events: list[Added | Extracted] = []
    for n in range(300):
        filler = " ".join(["word"] * (n * 7 % 53))
        title = "ledger.txt" if n % 11 == 0 else f"note{n}.txt"
        events.append(Added(n, title, COLLECTIONS[n % 3]))
        events.append(Extracted(n, f"{filler} " + "the ledger " * (1 + n % 2)))
    for n in range(0, 300, 17):  # re-extracted: some lose the word, some change length
        events.append(Extracted(n, "no such word here" if n % 2 else "ledger " * (n % 5)))
    return _replay(events, 100, tracked_from)


def test_search_gives_the_same_hits_through_the_table() -> None:
    fast, plain = _corpus(tracked_from=50), _corpus(tracked_from=NEVER)
    for hidden in (frozenset(), frozenset({"hk"})):
        match, where, params = _question("ledger", hidden, None)
        assert frequent_best(fast, match, where, params, 50) is not None
        assert frequent_best(plain, match, where, params, 50) is None
        for limit, offset in ((20, 0), (10, 40), (1, 99)):
            found = [
                search(db, "Ledger", hidden=hidden, limit=limit, offset=offset, facets=True)
                for db in (fast, plain)
            ]
            assert found[0] == found[1]
            assert len(found[0].hits) == limit


def test_filters_that_leave_a_group_short_fall_back_to_scoring_every_match() -> None:
    db = _corpus(tracked_from=50)
    match, where, params = _question("ledger", frozenset({"open", "hk"}), None)
    # A third of each full group is left: the table cannot show what lies past it.
    groups = "SELECT count(*) FROM search_top WHERE token = 'ledger' GROUP BY title_hits, body_hits"
    assert max(count for (count,) in db.execute(groups)) == 100

    assert frequent_best(db, match, where, params, 100) is None
    found = search(db, "ledger", hidden=frozenset({"open", "hk"}), limit=50)
    assert {hit.collection for hit in found.hits} == {"tw"}
    assert found == search(_corpus(NEVER), "ledger", hidden=frozenset({"open", "hk"}), limit=50)


def test_hidden_collections_never_reach_the_table_answer() -> None:
    db = _corpus(tracked_from=50)
    match, where, params = _question("ledger", frozenset({"tw"}), "hk")
    rows = frequent_best(db, match, where, params, 20)
    assert rows is not None
    collections = {
        db.execute("SELECT collection FROM search_documents WHERE doc = ?", (doc,)).fetchone()[0]
        for doc, _, _ in rows
    }
    assert collections == {"hk"}


def test_rows_are_counted_when_the_transaction_ends_not_before() -> None:
    db = sqlite3.connect(":memory:")
    create_tables(db, top_keep=5, top_tracked_from=2)
    for doc in range(4):
        index_document(db, doc, f"blob{doc}", f"n{doc}", "open")
        index_text(db, doc, f"blob{doc}", "test", "the ledger " * (doc + 1))
    match, where, params = _question("ledger", frozenset(), None)
    assert frequent_best(db, match, where, params, 3) is None  # pending: every match scored
    assert frequent_counts(db, match, "", []) is None
    count_pending(db)
    fast = frequent_best(db, match, where, params, 3)
    assert fast is not None
    assert [(d, s, b > 0) for d, s, b in fast] == _plain(db, match, where, params, 3)
    (texted,) = db.execute("SELECT facet_set FROM search_facet_sets WHERE lang != ''").fetchone()
    assert frequent_counts(db, match, "", []) == {texted: 4}


def test_the_search_view_counts_each_transaction_of_an_archive(tmp_path: Path) -> None:
    """Through the archive: records appended in batches leave nothing pending."""
    archive = Archive.init(
        tmp_path / "a", origin="test.example/topk", who="t", views=[SearchView()]
    )
    with archive:
        for batch in range(3):
            records = []
            for n in range(4):
                text = archive.put_bytes(f"the ledger of batch {batch}, note {n}".encode())
                source = archive.put_bytes(f"source {batch} {n}".encode())
                added = {
                    "blob": source.sha256, "size": source.size, "name": f"n{n}.txt",
                    "media_type": "text/plain", "collection": "open", "who": "t",
                    "time": "2024-01-01T00:00:00Z",
                }  # fmt: skip
                records.append(Record("document.added", added))
                fields = {
                    "source": source.sha256, "text": text.sha256, "extractor": "text",
                    "extractor_version": "1", "media_type": "text/plain", "pages": 1,
                    "chars": 30, "time": "2024-01-01T00:00:00Z",
                }  # fmt: skip
                records.append(Record("text.extracted", fields))
            archive.append(records)
        with archive.read_views() as db:
            assert tuple(db.execute("SELECT count(*) FROM search_top_pending").fetchone()) == (0,)
            assert tuple(db.execute("SELECT documents FROM search_top_state").fetchone()) == (12,)
            ledger = db.execute("SELECT docs FROM search_top_terms WHERE token = 'ledger'")
            assert tuple(ledger.fetchone()) == (12,)


def test_rows_committed_uncounted_are_counted_by_the_next_connection(tmp_path: Path) -> None:
    """A caller that commits without counting leaves pending rows; another connection
    counts them from the stored texts, and the first one's scratch rows are not counted
    twice."""
    path = tmp_path / "views.sqlite"
    first = sqlite3.connect(path)
    with first:
        create_tables(first, top_keep=5, top_tracked_from=2)
        for doc in range(3):
            index_document(first, doc, f"blob{doc}", f"n{doc}", "open")
            index_text(first, doc, f"blob{doc}", "test", "the ledger " * (doc + 1))
    second = sqlite3.connect(path)
    with second:
        count_pending(second)
    with first:
        index_document(first, 3, "blob3", "n3", "open")
        index_text(first, 3, "blob3", "test", "a ledger")
        count_pending(first)
    expected = _replay(
        [Added(n, f"n{n}", "open") for n in range(4)]
        + [Extracted(n, "the ledger " * (n + 1)) for n in range(3)]
        + [Extracted(3, "a ledger")],
        5,
        2,
    )
    for table in ("search_top", "search_top_terms", "search_top_state"):
        rows = f"SELECT * FROM {table}"
        assert sorted(first.execute(rows)) == sorted(expected.execute(rows)), table
