"""Chinese words of three or more characters, found on PostgreSQL by their trigrams
(``search_han``), give SQLite's answers: the same documents, hits counted where they
overlap (哈哈哈 in 哈哈哈哈), in the file name and the text, traditional and simplified
folded, scores, totals and facets; after texts are replaced and copies added, loaded in
bulk or row by row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pg_load import _load, _records, _rows, _schema
from test_topk import COLLECTIONS, Added, Extracted, replay_into

from erfurt.archive.viewdb import connect_postgresql
from erfurt.search import SearchView, search
from erfurt.search.pgchinese import chinese_word, han_row, trigrams
from erfurt.search.topk import KEEP, TRACKED_FROM
from pg_cluster import PgCluster

# Few characters, so that words repeat, overlap and share trigrams without standing
# together; 國 and 聞 fold to 国 and 闻; punctuation, a space and a Latin word end runs.
_CHARACTERS = "哈哈哈新闻自由国國聞"
_TEXT = st.lists(st.sampled_from([*_CHARACTERS, "。", " ", " Lam "]), max_size=40).map("".join)
_NAME = st.lists(st.sampled_from(_CHARACTERS), max_size=5).map(lambda s: "".join(s) + ".txt")
_EVENT = st.one_of(
    st.builds(Added, st.integers(0, 3), _NAME, st.sampled_from(COLLECTIONS)),
    st.builds(Extracted, st.integers(0, 3), _TEXT),
)


@st.composite
def _events(draw: st.DrawFn) -> list[Added | Extracted]:
    """Three files, each with its text (so that most words are found), then anything:
    copies, texts extracted again, files whose text never comes."""
    first: list[Added | Extracted] = []
    for blob in range(3):
        first.append(Added(blob, draw(_NAME), draw(st.sampled_from(COLLECTIONS))))
        first.append(Extracted(blob, draw(_TEXT)))
    return first + draw(st.lists(_EVENT, max_size=12))


_WORD = st.text(_CHARACTERS, min_size=3, max_size=5)


@st.composite
def _words(draw: st.DrawFn, events: list[Added | Extracted]) -> list[str]:
    """Words of three to five characters: most cut from the events' texts and names
    (so that they are found), some made up."""
    sources = [e.text if isinstance(e, Extracted) else e.title for e in events]
    words = []
    for _ in range(draw(st.integers(1, 3))):
        source = draw(st.sampled_from(sources))
        start = draw(st.integers(0, max(0, len(source) - 3)))
        word = source[start : start + draw(st.integers(3, 5))]
        whole = len(word) >= 3 and all(c in _CHARACTERS for c in word)
        words.append(word if whole else draw(_WORD))
    return words


@pytest.fixture(scope="module")
def database(pg_cluster: PgCluster) -> Iterator[str]:
    """One database for this module's loads, each in a schema of its own."""
    yield pg_cluster.create_database()


def _answers(db: sqlite3.Connection, words: list[str]) -> list[str]:
    """Each word alone (scored from search_han's rows alone), filtered by collection
    (each match's facets looked up), and beside another word (OR) and a pair (AND)."""
    queries = [
        *words,
        *(f"{word} collection:{COLLECTIONS[1]}" for word in words),
        f"{words[0]} OR {words[-1]}",
        f"{words[0]} 自由",
    ]
    return [repr(search(db, query, facets=True, limit=4)) for query in queries]


@settings(max_examples=30, deadline=None)
@given(events=_events(), data=st.data(), batch=st.integers(1, 6), bulk=st.booleans())
def test_chinese_words_answer_as_on_sqlite(
    database: str, events: list[Added | Extracted], data: st.DataObject, batch: int, bulk: bool
) -> None:
    words = data.draw(_words(events))
    records, texts = _records(events)
    url = _schema(database)
    _load(url, SearchView(), records, texts, batch, bulk=bulk)
    local = sqlite3.connect(":memory:", isolation_level=None)
    replay_into(local, events, KEEP, TRACKED_FROM, batch)  # the view's own sizes
    remote = cast(sqlite3.Connection, connect_postgresql(url))
    try:
        assert _answers(remote, words) == _answers(local, words)
        assert not _rows(remote, "SELECT * FROM view_deferred_indexes")  # the index is made
    finally:
        local.close()
        remote.close()


def test_a_words_trigrams_are_the_rows_index_and_only_chains_of_pairs_use_them() -> None:
    """A row keeps the runs of three or more Chinese characters, apart; a query's word
    is read back only from the chain of pairs a Chinese term becomes."""
    assert han_row("国家.txt", "国家安全。自由 ab 新闻自由") == (
        "",
        "国家安全 新闻自由",
        trigrams(["国家安全", "新闻自由"]),
    )
    assert han_row("国家.txt", "国家, 自由") is None
    assert len(trigrams(["哈哈哈哈"])) == 1  # distinct
    assert trigrams(["𠀀𠀁𠀂"]) == [(0x20000 << 42) | (0x20001 << 21) | 0x20002]  # beyond 16 bits
    assert chinese_word(("国家", "家安", "安全")) == "国家安全"
    assert chinese_word(("哈哈", "哈哈")) == "哈哈哈"
    assert chinese_word(("新闻", "闻", "自由")) is None  # "新闻 自由": two words
    assert chinese_word(("国家", "安全")) is None  # not a chain
    assert chinese_word(("国家",)) is None  # a pair is a token of its own
    assert chinese_word(("ab", "bc")) is None
