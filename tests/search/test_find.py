from __future__ import annotations

import contextlib
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.errors import InputError
from erfurt.search import create_tables, index_document, index_text, search

TEXTS = {
    "hant.pdf": "國家衛生健康委員會今天發布通報，確認新增病例。"
    "香港警察於十月一日在旺角拘捕了多名示威者。",
    "hans.txt": "王立强说我们在北京看到了这些文件。国家卫生健康委员会没有回应。",
    "police.html": "The police detained twelve people at the station on Main Street.",
    "software.txt": "Software warfare and the detainee policy of the ministry.",
}


@pytest.fixture
def db(search_db: sqlite3.Connection) -> sqlite3.Connection:
    connection = search_db
    for number, (name, text) in enumerate(TEXTS.items()):
        collection = "zh" if name.startswith("han") else "en"
        index_document(connection, 10 * number, f"blob{number}", name, collection)
        index_text(connection, 10 * number + 1, f"blob{number}", "test", text)
    return connection


def _names(db: sqlite3.Connection, query: str, collection: str | None = None) -> set[str]:
    return {hit.name for hit in search(db, query, collection=collection).hits}


def test_chinese_phrase_inside_unsegmented_text(db: sqlite3.Connection) -> None:
    assert _names(db, "国家卫生健康委员会") == {"hant.pdf", "hans.txt"}
    assert _names(db, "旺角拘捕") == {"hant.pdf"}


@pytest.mark.parametrize("query", ["国", "國", "國家", "国家"])
def test_simplified_and_traditional_find_each_other(db: sqlite3.Connection, query: str) -> None:
    assert _names(db, query) == {"hant.pdf", "hans.txt"}


def test_snippet_shows_the_text_as_written_with_the_match_highlighted(
    db: sqlite3.Connection,
) -> None:
    hit = next(h for h in search(db, "卫生健康").hits if h.name == "hant.pdf")
    start, end = hit.fragments[0].highlights[0]
    assert hit.fragments[0].text[start:end] == "衛生健康"


def test_a_text_folding_leaves_as_it_is_is_kept_once_and_shown_whole(
    db: sqlite3.Connection,
) -> None:
    stored = dict(db.execute("SELECT blob, original FROM search_texts"))
    assert stored["blob0"] == TEXTS["hant.pdf"]  # folded to simplified: both kept
    assert stored["blob1"] == stored["blob2"] == ""  # the folded text is the text
    (hit,) = search(db, '"Main Street"').hits
    assert TEXTS["police.html"].startswith(hit.fragments[0].text.removesuffix("…"))
    assert "Main Street" in hit.fragments[0].text


def test_english_exact_words_phrases_and_prefixes(db: sqlite3.Connection) -> None:
    assert _names(db, "war") == set()  # no stemming, no substrings of words
    assert _names(db, "warfare") == {"software.txt"}
    assert _names(db, "detain*") == {"police.html", "software.txt"}
    assert _names(db, '"Main Street"') == {"police.html"}
    assert _names(db, '"Street Main"') == set()
    assert _names(db, "POLICE station") == {"police.html"}


def test_mixed_terms_must_all_match(db: sqlite3.Connection) -> None:
    assert _names(db, "警察 旺角") == {"hant.pdf"}
    assert _names(db, "国家 police") == set()


def test_collection_and_limit(db: sqlite3.Connection) -> None:
    assert _names(db, "国家", collection="en") == set()
    assert len(search(db, "the", limit=1).hits) == 1
    with pytest.raises(InputError):
        search(db, "the", limit=0)


def test_ranking_puts_the_denser_match_first(db: sqlite3.Connection) -> None:
    index_document(db, 100, "many", "many.txt", "en")
    index_text(db, 101, "many", "test", "station station station report")
    assert search(db, "station").hits[0].name == "many.txt"


def test_a_word_in_the_file_name_weighs_more_than_in_the_text(db: sqlite3.Connection) -> None:
    index_document(db, 100, "other", "other.txt", "en")
    index_text(db, 101, "other", "test", "The police took twelve people to the station on Main.")
    assert [hit.name for hit in search(db, "police").hits] == ["police.html", "other.txt"]


def test_a_file_name_alone_ranks_below_the_texts_that_match(db: sqlite3.Connection) -> None:
    index_document(db, 100, "named", "police-station.txt", "en")
    index_text(db, 101, "named", "test", "Minutes of the harbour board, nothing else.")
    index_document(db, 102, "said", "minutes.txt", "en")
    index_text(db, 103, "said", "test", "Minutes: the board met and heard the harbour police.")
    ranked = [hit.name for hit in search(db, "police").hits]
    assert ranked.index("minutes.txt") < ranked.index("police-station.txt")


def test_reextraction_replaces_the_searchable_text(db: sqlite3.Connection) -> None:
    index_text(db, 200, "blob2", "ocr", "A new reading of the scan.")
    assert _names(db, "detained") == set()
    assert _names(db, "reading") == {"police.html"}


@pytest.mark.parametrize("query", ["", "   ", '""', "* - !"])
def test_queries_with_nothing_to_find_are_refused(db: sqlite3.Connection, query: str) -> None:
    with pytest.raises(InputError):
        search(db, query)


@pytest.mark.parametrize(
    "query",
    ["(" * 995 + "a" + ")" * 995, "(" * 1990, "(a OR " * 300 + "b"],
    ids=["nested", "opened", "nested-or"],
)
def test_deeply_nested_parentheses_are_refused_with_a_message(
    db: sqlite3.Connection, query: str
) -> None:
    # The parser recurses once per level: 995 levels (within the 2,000 characters a
    # query may have) raised RecursionError, a 500 from the public search.
    with pytest.raises(InputError, match="nested more than 16 deep"):
        search(db, query)


def test_parentheses_nested_sixteen_deep_still_find(db: sqlite3.Connection) -> None:
    assert _names(db, "(" * 16 + "detained" + ")" * 16) == _names(db, "detained") != set()


@given(st.text(max_size=40))
def test_any_query_either_runs_or_raises_input_error(query: str) -> None:
    connection = sqlite3.connect(":memory:")
    create_tables(connection)
    index_document(connection, 0, "b", "n", "c")
    index_text(connection, 1, "b", "t", "some text 国家")
    with contextlib.suppress(InputError):
        search(connection, query)


def test_copies_of_a_file_share_its_text_through_reextraction(db: sqlite3.Connection) -> None:
    index_document(db, 300, "blob2", "copy-of-police.html", "zh")  # added after its text
    (hit,) = search(db, "detained").hits
    assert [s.name for s in hit.sightings] == ["police.html", "copy-of-police.html"]
    index_text(db, 301, "blob2", "ocr", "Released after two days.")
    assert _names(db, "detained") == set()
    (hit,) = search(db, "released").hits
    assert [s.name for s in hit.sightings] == ["police.html", "copy-of-police.html"]
    assert _names(db, "released", collection="zh") == {"copy-of-police.html"}


def test_a_spelling_listed_in_other_capitals_counts_once_in_the_ranking(
    search_db: sqlite3.Connection,
) -> None:
    """The typed "Lee Ka-chiu" and the listed "LEE, Ka-chiu" are one phrase to FTS5: a
    document saying it must not score as if it said two spellings."""
    from erfurt.search import NameForm

    db = search_db
    texts = {"kachiu.txt": "Lee Ka-chiu spoke.", "john.txt": "John Lee spoke today."}
    for doc, (name, text) in enumerate(texts.items()):
        index_document(db, doc, f"b{doc}", name, "c")
        index_text(db, 10 + doc, f"b{doc}", "test", text)

    def listed(name: str) -> list[NameForm]:
        return [NameForm("LEE Ka-chiu", "alias"), NameForm("John LEE", "alias")]

    found = search(db, 'name:"Lee Ka-chiu"', names=listed)
    # Same length, one spelling each: equal scores, so log order decides.
    assert [hit.name for hit in found.hits] == ["kachiu.txt", "john.txt"]
    assert found.hits[0].score == pytest.approx(found.hits[1].score)
    assert [form.text for form in found.hits[0].names] == ["Lee Ka-chiu"]


def test_blobs_narrow_and_exclude_blobs_leave_out_before_counting(db: sqlite3.Connection) -> None:
    both = search(db, "国家", facets=True)
    assert both.total == 2
    only = search(db, "国家", blobs=frozenset({"blob0"}), facets=True)
    assert [h.blob for h in only.hits] == ["blob0"] and only.total == 1
    left = search(db, "国家", exclude_blobs=frozenset({"blob0"}), facets=True)
    assert [h.blob for h in left.hits] == ["blob1"] and left.total == 1
    assert left.facets is not None and dict(left.facets.collection) == {"zh": 1}
    assert search(db, "国家", blobs=frozenset()).total == 0


def test_a_copy_whose_text_was_made_for_a_hidden_one_waits_for_its_own(
    search_db: sqlite3.Connection,
) -> None:
    """A file the hidden ``vault`` held, added to ``desk`` after its text was made, is
    found by a reader of ``desk`` only once it is extracted again: before, no hit, count
    or facet tells that the vault held it; who sees the vault finds every copy at once."""
    db = search_db
    index_document(db, 0, "kept", "vault.txt", "vault", "text/plain", "2024-01-01")
    index_text(db, 1, "kept", "text", "the quarrystone ledger")
    index_document(db, 2, "new", "new.txt", "desk", "text/plain", "2024-01-02")
    index_text(db, 3, "new", "text", "a quarrystone note")
    index_document(db, 4, "kept", "mine.txt", "desk", "text/plain", "2024-01-03")
    vault = frozenset({"vault"})
    before = search(db, "quarrystone", hidden=vault, facets=True)
    assert [hit.name for hit in before.hits] == ["new.txt"] and before.total == 1
    assert before.facets is not None and dict(before.facets.collection) == {"desk": 1}
    assert search(db, "ledger", hidden=vault, facets=True).total == 0
    everyone = search(db, "quarrystone", facets=True)
    assert everyone.total == 3 and len(everyone.hits) == 2
    index_text(db, 5, "kept", "text", "the quarrystone ledger")  # extracted again for desk
    after = search(db, "ledger", hidden=vault, facets=True)
    assert [hit.name for hit in after.hits] == ["mine.txt"] and after.total == 1
    assert [s.collection for s in after.hits[0].sightings] == ["desk"]


def test_the_late_copies_are_forgotten_once_a_newer_text_is_made(
    search_db: sqlite3.Connection,
) -> None:
    """A copy is held back only while its blob's text predates it: once the file is
    extracted again its row in ``search_late`` can never matter and is gone, so the table
    holds only copies still added after their text; answers are the same."""
    db = search_db
    index_document(db, 0, "kept", "vault.txt", "vault", "text/plain", "2024-01-01")
    index_text(db, 1, "kept", "text", "the quarrystone ledger")
    index_document(db, 2, "kept", "mine.txt", "desk", "text/plain", "2024-01-02")
    index_document(db, 3, "other", "other.txt", "desk", "text/plain", "2024-01-02")
    index_text(db, 4, "other", "text", "a quarrystone note")
    index_document(db, 5, "other", "again.txt", "desk", "text/plain", "2024-01-03")

    def late() -> list[tuple[int, str]]:
        rows = db.execute("SELECT doc, blob FROM search_late ORDER BY doc").fetchall()
        return [(int(doc), str(blob)) for doc, blob in rows]

    assert late() == [(2, "kept"), (5, "other")]
    index_text(db, 6, "kept", "text", "the quarrystone ledger")  # extracted again for desk
    assert late() == [(5, "other")]
    vault = frozenset({"vault"})
    found = search(db, "quarrystone", hidden=vault, facets=True)
    assert {hit.name for hit in found.hits} == {"mine.txt", "other.txt"} and found.total == 3
    index_document(db, 7, "kept", "later.txt", "desk", "text/plain", "2024-01-04")
    assert late() == [(5, "other"), (7, "kept")]
    assert search(db, "ledger", hidden=vault).total == 2


def test_a_copy_seen_before_the_text_is_found_at_once(search_db: sqlite3.Connection) -> None:
    """A reader who saw a copy before the text was made loses nothing to a later copy."""
    db = search_db
    index_document(db, 0, "kept", "desk.txt", "desk", "text/plain", "2024-01-01")
    index_text(db, 1, "kept", "text", "the quarrystone ledger")
    index_document(db, 2, "kept", "again.txt", "desk", "text/plain", "2024-01-02")
    found = search(db, "ledger", hidden=frozenset({"vault"}), facets=True)
    assert found.total == 2 and [s.doc for s in found.hits[0].sightings] == [0, 2]
