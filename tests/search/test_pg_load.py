"""A rebuild into PostgreSQL in bulk (a load from empty) counts the top-k tables once,
when the load ends: they then hold the rows counting batch by batch leaves (SQLite's,
and PostgreSQL's row by row), after texts replaced and rows dropped mid-load, and when
the load was cut short by a failed batch and resumed by another connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import count
from pathlib import Path
from typing import cast

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_topk import COLLECTIONS, WORDS, Added, Extracted, _events, replay_into

from erfurt.archive import Record
from erfurt.archive.viewdb import connect_postgresql
from erfurt.archive.viewstore import ViewStore
from erfurt.search import SearchView, create_tables, search
from pg_cluster import PgCluster

_schemas = count()
_TOP = ("search_top", "search_top_terms", "search_top_state", "search_top_pending")
# facet sets are numbered in the order they first came: compared by their values
_FACETS = (
    "SELECT token, collection, media_type, year, lang, extractor, docs"
    " FROM search_top_facets JOIN search_facet_sets USING (facet_set)"
)


class _SmallTop(SearchView):
    """The search view with top-k tables a few documents reach."""

    def __init__(self, keep: int, tracked_from: int) -> None:
        self.keep, self.tracked_from = keep, tracked_from

    def create(self, db: sqlite3.Connection) -> None:
        create_tables(db, top_keep=self.keep, top_tracked_from=self.tracked_from)


class _Texts:
    """The events' texts as blobs; reading ``failing`` raises (a batch cut short)."""

    def __init__(self, texts: dict[str, bytes]) -> None:
        self.texts = texts
        self.failing = ""

    def read_blob(self, sha256: str) -> bytes:
        if sha256 == self.failing:
            raise OSError("the connection dropped")  # anything that ends the batch
        return self.texts[sha256]


def _records(events: list[Added | Extracted]) -> tuple[list[tuple[int, Record]], _Texts]:
    """The events as the search view's records (as ``replay_into`` indexes them)."""
    records, texts = [], {}
    for index, event in enumerate(events):
        if isinstance(event, Added):
            fields = {"blob": f"blob{event.blob}", "name": event.title}
            records.append(
                (index, Record("document.added", {**fields, "collection": event.collection}))
            )
        else:
            texts[f"text{index}"] = event.text.encode("utf-8")
            fields = {"source": f"blob{event.blob}", "text": f"text{index}", "extractor": "test"}
            records.append((index, Record("text.extracted", fields)))
    return records, _Texts(texts)


def _load(
    url: str,
    view: SearchView,
    records: Sequence[tuple[int, Record]],
    texts: _Texts,
    batch: int,
    *,
    bulk: bool = True,
    cut_at: int | None = None,
) -> None:
    """Rebuild ``view`` from ``records``, ``batch`` at a time, as a catch-up does; with
    ``cut_at``, the batch holding that record fails once and the store is closed (a
    restart), then a new store resumes from the views' positions."""
    store = ViewStore(Path("unused.sqlite"), [view], database=url, bulk=bulk)
    store.prepare(rebuild=True)
    if cut_at is not None:
        texts.failing = next(
            (f"text{i}" for i, r in records[cut_at:] if r.kind == "text.extracted"), ""
        )
    while (start := store.positions()[view.name]) < len(records):
        chunk = records[start : start + batch]
        try:
            store.apply(chunk, texts, start=start, end=start + len(chunk))
        except OSError:
            texts.failing = ""
            store.close()
            store = ViewStore(Path("unused.sqlite"), [view], database=url, bulk=bulk)
    store.finish_load()
    store.close()


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in db.execute(sql))


def _tables(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    tables = {table: _rows(db, f"SELECT * FROM {table}") for table in _TOP}
    return {**tables, "search_top_facets": _rows(db, _FACETS)}


def _postgresql(url: str) -> sqlite3.Connection:
    return cast(sqlite3.Connection, connect_postgresql(url))


@pytest.fixture(scope="module")
def load_database(pg_cluster: PgCluster) -> Iterator[str]:
    """One database for this module's loads, each in a schema of its own (cheaper)."""
    yield pg_cluster.create_database()


def _schema(url: str) -> str:
    """A new empty schema of the database at ``url``: the URL of a session using it."""
    name = f"load_{next(_schemas)}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    return f"{url}?options=-csearch_path%3D{name}"


@settings(max_examples=20, deadline=None)
@given(
    events=_events,
    keep=st.integers(1, 4),
    tracked_from=st.integers(1, 4),
    batch=st.integers(1, 8),
    cut=st.none() | st.floats(0, 1),
)
def test_a_load_counted_at_its_end_holds_the_rows_of_counting_batch_by_batch(
    load_database: str,
    events: list[Added | Extracted],
    keep: int,
    tracked_from: int,
    batch: int,
    cut: float | None,
) -> None:
    records, texts = _records(events)
    cut_at = None if cut is None else int(cut * (len(records) - 1))
    loaded, by_rows = _schema(load_database), _schema(load_database)
    _load(loaded, _SmallTop(keep, tracked_from), records, texts, batch, cut_at=cut_at)
    _load(by_rows, _SmallTop(keep, tracked_from), records, texts, batch, bulk=False)
    local = sqlite3.connect(":memory:", isolation_level=None)
    replay_into(local, events, keep, tracked_from, batch)
    remote, rows = _postgresql(loaded), _postgresql(by_rows)
    try:
        expected = _tables(local)
        assert _tables(remote) == expected == _tables(rows)
        assert not _rows(remote, "SELECT * FROM view_deferred_indexes")
        for word in WORDS[:5]:
            for collection in (None, COLLECTIONS[0]):
                answers = [
                    repr(search(db, word, collection=collection, facets=True, limit=3))
                    for db in (local, remote)
                ]
                assert answers[0] == answers[1], word
    finally:
        for db in (local, remote, rows):
            db.close()


def test_a_load_counts_nothing_until_it_ends_and_search_answers_meanwhile(
    load_database: str,
) -> None:
    """Mid-load the top-k tables are empty (no word answered from half-counted tables),
    the postings' key is missing, search still answers every word by scoring its
    matches; the load's end makes the key and fills the tables; a catch-up after it
    counts per batch as before."""
    events: list[Added | Extracted] = []
    for n in range(60):
        events.append(Added(n, f"ledger {n}.txt", COLLECTIONS[n % 3]))
        events.append(Extracted(n, "the ledger " * (1 + n % 4)))
    records, texts = _records(events)
    url = _schema(load_database)
    view = _SmallTop(5, 10)
    store = ViewStore(Path("unused.sqlite"), [view], database=url)
    try:
        store.prepare(rebuild=True)
        store.apply(records[:80], texts, start=0, end=80)
        db = _postgresql(url)
        try:
            assert not _rows(db, "SELECT * FROM search_top_terms")
            assert not _rows(
                db,
                "SELECT indexname FROM pg_indexes WHERE indexname = 'search_postings_key'"
                " AND schemaname = current_schema()",
            )
            assert search(db, "ledger").total == 40
        finally:
            db.close()
        store.apply(records[80:100], texts, start=80, end=100)
        assert store.finish_load() == ["search_han_grams", "search_postings_key"]
        store.apply(records[100:], texts, start=100, end=len(records))  # a catch-up
        with psycopg.connect(url, autocommit=True) as planted:  # the index is there
            (definition,) = planted.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_postings_key'"
                " AND schemaname = current_schema()"
            ).fetchone()
            planted.execute(
                "INSERT INTO view_deferred_indexes VALUES ('search_postings_key', 'search', %s)",
                (definition,),
            )
        assert store.finish_load() == ["search_postings_key"]  # recounted: the same rows
    finally:
        store.close()
    local = sqlite3.connect(":memory:", isolation_level=None)
    replay_into(local, events, 5, 10, 20)
    remote = _postgresql(url)
    try:
        assert _tables(remote) == _tables(local)
        assert _rows(remote, "SELECT docs FROM search_top_terms WHERE token = 'ledger'") == [(60,)]
        assert repr(search(remote, "ledger", facets=True)) == repr(
            search(local, "ledger", facets=True)
        )
        with pytest.raises(psycopg.errors.UniqueViolation):  # the key is made, and holds
            remote.execute("INSERT INTO search_postings SELECT * FROM search_postings LIMIT 1")
    finally:
        remote.close()
        local.close()
