"""Any query gives the same answer on PostgreSQL as on SQLite: hits, order, scores (equal
doubles), totals, facets and snippets, or the same refusal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erfurt.archive.viewdb import connect_postgresql
from erfurt.errors import InputError
from erfurt.search import NameForm, create_tables, index_document, index_text, search
from erfurt.search.expression import Near, Phrase, parse_match
from erfurt.search.match import compile_query
from erfurt.search.query import parse_query
from pg_cluster import PgCluster

TEXTS = [
    ("report.pdf", "hk", "The police detained twelve people at the station on Main Street."),
    ("notes.txt", "hk", "Police station records: detained, released, detained again."),
    ("國家.txt", "tw", "國家衛生健康委員會今天發布通報，確認新增病例。警察拘捕示威者。"),
    ("hans.txt", "tw", "国家卫生健康委员会没有回应。王立强说我们看到了这些文件。"),
    ("mixed.html", "hk", "Lam Cheng Yuet-ngor 林鄭月娥 met the police; Müller's café résumé."),
    ("station.txt", "cn", "station station station police"),
    ("empty.txt", "cn", "—"),
]
_WORDS = [
    *("police", "station", "detained", "polic", "stat", "records", "absent", "lam", "muller"),
    *("cafe", "国家", "國", "卫生", "健康委", "示威者", "拘", "林郑月娥", "王"),
]
_PIECES = [*_WORDS, "AND", "OR", "NOT", "-", '"', "(", ")", "*", "collection:hk",
           "added:2024", "name:Lam", "type:pdf", " "]  # fmt: skip


@pytest.fixture(scope="module")
def both(pg_cluster: PgCluster) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    """The same documents indexed in SQLite and in PostgreSQL (a text extracted again)."""
    local = sqlite3.connect(":memory:", isolation_level=None)
    remote = connect_postgresql(pg_cluster.create_database())
    for db in (local, cast(sqlite3.Connection, remote)):
        create_tables(db)
        for n, (name, collection, text) in enumerate(TEXTS):
            added = f"202{n % 5}-0{n % 9 + 1}-01T00:00:00Z"
            index_document(db, 10 * n, f"b{n}", name, collection, "text/plain", added)
            index_text(db, 10 * n + 1, f"b{n}", "text", text)
        index_document(db, 100, "b1", "copy.txt", "cn", "application/pdf", "2024-01-01")
        index_text(db, 101, "b0", "ocr", "The police released everyone at the station.")
    yield local, cast(sqlite3.Connection, remote)
    local.close()
    remote.close()


def _spellings(name: str) -> list[NameForm]:
    return [NameForm("LAM Cheng", "alias"), NameForm("林鄭月娥", "listed")]


def _answer(db: sqlite3.Connection, query: str, matches_only: bool = False) -> str:
    try:
        found = search(db, query, names=_spellings, facets=True, limit=3 + 997 * matches_only)
    except InputError as error:
        return f"refused: {error.message}"
    if matches_only:
        return repr((sorted(hit.doc for hit in found.hits), found.total, found.facets))
    return repr(found)


def _negated_alternative(query: str) -> bool:
    """Whether a NOT stands inside an OR: there FTS5 counts, in some rows, the hits of a
    branch that does not match (an artefact of how its iterators advance), and the
    scores may differ while the documents, totals and facets do not."""
    try:
        match = compile_query(parse_query(query), _spellings).match
    except InputError:
        return False
    return " NOT " in match and " OR " in match


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=7).map(" ".join))
def test_any_query_answers_alike_on_both_backends(
    both: tuple[sqlite3.Connection, sqlite3.Connection], query: str
) -> None:
    local, remote = both
    loose = _negated_alternative(query)
    assert _answer(remote, query, loose) == _answer(local, query, loose)


@pytest.mark.parametrize(
    "query",
    ["police station", '"police station"', "stat* police", "国 拘", "police -detained",
     '"detained again" OR 卫生健康', "name:Lam police", "station collection:cn"],
)  # fmt: skip
def test_proximity_and_phrases_rank_alike(
    both: tuple[sqlite3.Connection, sqlite3.Connection], query: str
) -> None:
    local, remote = both
    assert _answer(remote, query) == _answer(local, query)
    assert "hits=()" not in _answer(local, query)


def test_a_match_expression_is_read_back_with_fts5s_tokens_and_phrase_numbers() -> None:
    near = parse_match('NEAR("Police" "stat"*, 10)')
    assert near == Near((Phrase(0, ("police",), False), Phrase(1, ("stat",), True)), 10)
    with pytest.raises(ValueError, match="not a MATCH expression"):
        parse_match("police station")


_CHINESE = [
    ("新闻自由.txt", "新闻自由不是新闻。自由新闻，新闻自由，新闻 自由。"),
    ("笑.txt", "哈哈哈哈，哈哈。哈 哈哈哈。"),
    ("委员会.txt", "卫生委员会与卫生委员会的委员会议。卫生 委员会。"),
    ("新闻.txt", "新闻自由新闻自由新闻"),
    ("空.txt", "自由"),
    ("安全.txt", "国家安。家安全，国家安 全"),  # each trigram of 国家安全, never the word
]


@pytest.fixture(scope="module")
def chinese(pg_cluster: PgCluster) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    """Chinese texts where phrases of pairs repeat, overlap, stand in the file name and
    break at punctuation and spaces, indexed in SQLite and in PostgreSQL."""
    local = sqlite3.connect(":memory:", isolation_level=None)
    remote = connect_postgresql(pg_cluster.create_database())
    for db in (local, cast(sqlite3.Connection, remote)):
        create_tables(db)
        for n, (name, text) in enumerate(_CHINESE):
            index_document(db, 10 * n, f"c{n}", name, "cn", "text/plain", "2024-01-01")
            index_text(db, 10 * n + 1, f"c{n}", "text", text)
    yield local, cast(sqlite3.Connection, remote)
    local.close()
    remote.close()


@pytest.mark.parametrize(
    "query",
    ["新闻自由", "自由新闻", "闻自由新", "哈哈哈", "哈哈哈哈", "哈哈哈哈哈", "卫生委员会",
     "委员会议", "国家安全", "国家安", "新闻自由 委员会", "新闻自由 OR 哈哈哈",
     "新闻自由 -哈哈哈", '"新闻 自由"'],
)  # fmt: skip
def test_chinese_phrases_count_their_hits_alike(
    chinese: tuple[sqlite3.Connection, sqlite3.Connection], query: str
) -> None:
    """A Chinese word of three or more characters (a phrase of pairs, found on
    PostgreSQL by its trigrams) finds, scores and counts as FTS5 does: overlapping
    instances, a pair repeated within the phrase, hits in the name, every trigram of
    the word in a text that does not hold it."""
    local, remote = chinese
    assert _answer(remote, query) == _answer(local, query)
