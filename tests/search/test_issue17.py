"""The cases of issue 17: ranking over every match, exact totals, snippets, the language."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.errors import InputError
from erfurt.search import (
    MAX_COUNTED,
    QuerySyntaxError,
    create_tables,
    index_document,
    index_text,
    search,
)

DOSSIER = " ".join(
    f"Entry {n} of the ledger shows a payment of {n * 1000} dollars to the district office,"
    " approved by the deputy director and never audited."
    for n in range(41)
)


def _note(n: int) -> str:
    return (
        f"Note {n}: met the source at the usual place, talked about the weather, the trains,"
        " the school, the harbour, the new building, the price of rice and, briefly, the"
        f" ledger; next meeting in {n % 7 + 2} days, bring the maps and the photographs."
    )


def _database() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    create_tables(db)
    return db


def _add(db: sqlite3.Connection, doc: int, name: str, text: str, **fields: str) -> None:
    index_document(
        db,
        doc,
        f"blob{doc}",
        name,
        fields.get("collection", "c"),
        fields.get("media_type", "text/plain"),
        fields.get("added", "2024-01-01T00:00:00Z"),
    )
    index_text(db, doc, f"blob{doc}", fields.get("extractor", "text"), text)


def test_issue17_the_old_dossier_beats_three_thousand_newer_notes() -> None:
    db = _database()
    _add(db, 0, "dossier.pdf", DOSSIER)
    for n in range(1, 3001):
        _add(db, n, f"note-{n}.txt", _note(n))
    found = search(db, "ledger", limit=5)
    assert found.hits[0].name == "dossier.pdf"
    assert (found.total, found.total_exact) == (3001, True)
    assert len(found.hits) == 5


def test_totals_are_exact_up_to_ten_thousand_then_more_than() -> None:
    db = _database()
    for doc in range(MAX_COUNTED):
        _add(db, doc, "n", "ledger")
    for facets in (False, True):
        exactly = search(db, "ledger", limit=1, facets=facets)
        assert (exactly.total, exactly.total_exact) == (MAX_COUNTED, True)
    for doc in range(MAX_COUNTED, MAX_COUNTED + 5):
        _add(db, doc, "n", "ledger")
    found = search(db, "ledger", limit=1)
    assert (found.total, found.total_exact) == (MAX_COUNTED, False)
    assert found.total_text() == "more than 10,000"
    faceted = search(db, "ledger", limit=1, facets=True)
    assert (faceted.total, faceted.total_exact) == (MAX_COUNTED, False)
    assert faceted.facets is not None and dict(faceted.facets.collection) == {"c": MAX_COUNTED}


def test_copies_of_one_file_are_one_hit_listing_each_document(
    search_db: sqlite3.Connection,
) -> None:
    db = search_db
    for doc, name, collection in ((0, "a.txt", "hk"), (1, "inbox/a.txt", "tw"), (2, "b", "hk")):
        index_document(db, doc, "same", name, collection, "text/plain", f"202{doc}-01-01")
    index_text(db, 3, "same", "text", "the ledger of the harbour office")
    _add(db, 4, "other.txt", "another ledger", collection="hk")
    found = search(db, "ledger", facets=True)
    assert (found.total, len(found.hits)) == (4, 2)
    copies = next(hit for hit in found.hits if hit.blob == "same")
    assert [(s.doc, s.name) for s in copies.sightings] == [
        (0, "a.txt"),
        (1, "inbox/a.txt"),
        (2, "b"),
    ]
    assert found.facets is not None and dict(found.facets.collection) == {"hk": 3, "tw": 1}
    only_tw = search(db, "ledger", collection="tw").hits
    assert [[s.name for s in hit.sightings] for hit in only_tw] == [["inbox/a.txt"]]
    hidden = search(db, "ledger", hidden=frozenset({"hk"})).hits
    assert [(hit.name, hit.collection) for hit in hidden] == [("inbox/a.txt", "tw")]
    assert search(db, "ledger", hidden=frozenset({"tw"}), limit=1).total == 3


@pytest.mark.parametrize(
    ("query", "text", "shown"),
    [
        ('"档案 档案馆"', "北京國家檔案 檔案館收藏", ["檔案 檔案館"]),
        ("档案 档案馆", "北京國家檔案檔案館收藏", ["檔案檔案館"]),
        ("shred* shredding", "They kept shredding the files.", ["shredding"]),
        ("shred*", "Shredded on Monday, shredding on Tuesday.", ["Shredded", "shredding"]),
    ],
)
def test_issue17_snippets_show_only_the_documents_text(
    query: str, text: str, shown: list[str], search_db: sqlite3.Connection
) -> None:
    db = search_db
    _add(db, 0, "a.txt", text)
    (hit,) = search(db, query).hits
    (fragment,) = hit.fragments
    assert fragment.text == text[fragment.start : fragment.end]
    assert [fragment.text[s:e] for s, e in fragment.highlights] == shown


def test_every_term_is_highlighted_in_up_to_three_fragments_with_pages(
    search_db: sqlite3.Connection,
) -> None:
    filler = "nothing of interest here. " * 20
    text = f"{filler}the ledger\f{filler}a payment\f{filler}to the minister, and the ledger again"
    db = search_db
    _add(db, 0, "a.pdf", text)
    (hit,) = search(db, "ledger payment minister").hits
    assert len(hit.fragments) == 3
    assert [f.page for f in hit.fragments] == [1, 2, 3]
    words = [f.text[s:e] for f in hit.fragments for s, e in f.highlights]
    assert {"ledger", "payment", "minister"} <= set(words)
    for fragment in hit.fragments:
        assert "\f" not in fragment.text
        page = text.split("\f")[fragment.page - 1]
        assert (
            page[fragment.page_offset : fragment.page_offset + len(fragment.text)] == fragment.text
        )


def test_a_snippet_keeps_the_original_when_folding_changes_the_length(
    search_db: sqlite3.Connection,
) -> None:
    text = "乾隆年間的檔案"  # OpenCC may fold phrases into a different number of characters
    db = search_db
    _add(db, 0, "a.txt", text)
    (hit,) = search(db, "档案").hits
    fragment = hit.fragments[0]
    assert fragment.text == text
    assert [fragment.text[s:e] for s, e in fragment.highlights] == ["檔案"]


@pytest.fixture
def corpus(search_db: sqlite3.Connection) -> sqlite3.Connection:
    db = search_db
    _add(
        db,
        1,
        "a.txt",
        "The ledger records a payment to the harbour office.",
        collection="hk",
        added="2024-02-10T08:00:00Z",
    )
    _add(
        db,
        2,
        "b.pdf",
        "A ledger without payments; the harbour was closed.",
        collection="hk",
        media_type="application/pdf",
        added="2024-07-01T08:00:00Z",
        extractor="pdf",
    )
    _add(
        db,
        3,
        "c.txt",
        "Payment to the ministry for the new building.",
        collection="tw",
        added="2023-05-05T08:00:00Z",
    )
    _add(
        db,
        4,
        "d.txt",
        "香港政府檔案館收到的帳簿記錄了付款。",
        collection="hk",
        added="2024-03-03T08:00:00Z",
    )
    _add(
        db, 5, "e.txt", "档案 and the payment office", collection="tw", added="2024-04-04T08:00:00Z"
    )
    return db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ledger AND payment", {"a.txt"}),
        ("ledger OR ministry", {"a.txt", "b.pdf", "c.txt"}),
        ("payment -ledger", {"c.txt", "e.txt"}),
        ("payment NOT ledger NOT office", {"c.txt"}),
        ("(ledger OR building) payment", {"a.txt", "c.txt"}),
        ('"harbour office"', {"a.txt"}),
        ("pay*", {"a.txt", "b.pdf", "c.txt", "e.txt"}),
        ("payment collection:hk", {"a.txt"}),
        ("ledger type:pdf", {"b.pdf"}),
        ("ledger type:application/pdf", {"b.pdf"}),
        ("ledger extractor:pdf", {"b.pdf"}),
        ("ledger OR payment extractor:TEXT", {"a.txt", "c.txt", "e.txt"}),
        ("ledger extractor:pdf extractor:text", {"a.txt", "b.pdf"}),
        ("ledger OR 付款 added:2024-01..2024-06", {"a.txt", "d.txt"}),
        ("payment added:2023", {"c.txt"}),
        ("档案 lang:zh", {"d.txt"}),
        ("档案", {"d.txt", "e.txt"}),
        ("檔", {"d.txt", "e.txt"}),
        ("档案馆收到", {"d.txt"}),
        ("the and", {"e.txt"}),  # lower-case and is a word
        ('"payment" AND (office OR 付款) -ministry', {"a.txt", "e.txt"}),
        ("ledger\x00payment", {"a.txt"}),  # a control character separates words
        ('ledger" OR "x', set()),  # the quotes hold a phrase of punctuation and words
    ],
)
def test_issue17_query_language(corpus: sqlite3.Connection, query: str, expected: set[str]) -> None:
    assert {hit.name for hit in search(corpus, query).hits} == expected


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("(ledger", 1),
        ("ledger)", 7),
        ('ledger "harbour', 8),
        ("ledger OR", 1),
        ("-ledger", 1),
        ("ledger (payment OR collection:hk)", 20),
        ("ledger NOT extractor:pdf", 12),
        ("ledger added:2024-13", 8),
        ("name:12345", 1),
        ("ledger NOT", 11),
    ],
)
def test_issue17_a_malformed_query_names_its_position(
    corpus: sqlite3.Connection, query: str, position: int
) -> None:
    with pytest.raises(QuerySyntaxError, match=f"position {position}:"):
        search(corpus, query)


@pytest.mark.parametrize(
    "query",
    [
        "ledger " * 1500,
        " ".join(f"w{n}" for n in range(500)),
        "!!! ??? ...",
        '"',
        ")(",
        "NEAR(ledger payment) OR body:x * ^ {title}: ledger",
    ],
)
def test_bad_input_gets_an_input_error_or_results(corpus: sqlite3.Connection, query: str) -> None:
    try:
        search(corpus, query)
    except InputError as error:
        assert error.hint


def test_fts_syntax_is_searched_as_words(corpus: sqlite3.Connection) -> None:
    assert {h.name for h in search(corpus, "payment* ^ {}: . NEAR").hits} == set()
    everything = {"a.txt", "b.pdf", "c.txt", "e.txt"}
    assert {h.name for h in search(corpus, "payment* ^ {}: .").hits} == everything


def test_facets_count_every_match(corpus: sqlite3.Connection) -> None:
    facets = search(corpus, "payment* OR 付款", facets=True).facets
    assert facets is not None
    assert dict(facets.collection) == {"hk": 3, "tw": 2}
    assert dict(facets.media_type) == {"text/plain": 4, "application/pdf": 1}
    assert dict(facets.year) == {"2024": 4, "2023": 1}
    assert dict(facets.lang) == {"en": 4, "zh": 1}
    assert dict(facets.extractor) == {"text": 4, "pdf": 1}


_PIECES = ["ledger", "付款", "国", "AND", "OR", "NOT", "-", '"', "(", ")", "*", "name:",
           "collection:hk", "added:2024", "lang:", " ", "\x00", "NEAR", "{", ":", "^"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_any_mix_of_operators_runs_or_names_the_problem(pieces: list[str]) -> None:
    db = _database()
    _add(db, 1, "a.txt", "ledger 付款 国")
    query = "".join(pieces)
    try:
        found = search(db, query, facets=True)
    except QuerySyntaxError as error:
        assert "position" in error.message or "no words" in error.message
    except InputError as error:  # name: with no letters
        assert "not a name" in error.message
    else:
        assert found.total == len(found.hits) <= 1


def test_pages_of_results_follow_one_order(search_db: sqlite3.Connection) -> None:
    db = search_db
    for n in range(60):
        words = "ledger payment" if n % 3 else "payment of the ledger"
        _add(db, n, f"{n}.txt", f"{words} {'filler ' * (n % 7)}")
    whole = [h.doc for h in search(db, "ledger payment", limit=60).hits]
    pages = [
        h.doc for o in (0, 20, 40) for h in search(db, "ledger payment", limit=20, offset=o).hits
    ]
    assert pages == whole and sorted(whole) == list(range(60))
    assert search(db, '"ledger payment"').total == 40  # the phrase, exactly


def test_facets_follow_text_that_arrives_late_or_is_extracted_again(
    search_db: sqlite3.Connection,
) -> None:
    db = search_db
    index_document(db, 1, "late", "scan.pdf", "hk", "application/pdf", "2024-05-06T00:00:00Z")
    index_document(db, 2, "late", "copy.pdf", "tw", "application/pdf", "2025-01-01T00:00:00Z")
    index_text(db, 3, "late", "ocr", "the ledger of the harbour office")
    first = search(db, "ledger", facets=True).facets
    assert first is not None and dict(first.extractor) == {"ocr": 2}
    index_text(db, 4, "late", "pdf", "台帳 ledger 帳簿記錄了付款和檔案館")
    again = search(db, "ledger added:2024-05-06", facets=True)
    assert again.facets is not None and dict(again.facets.extractor) == {"pdf": 1}
    assert dict(again.facets.lang) == {"zh": 1} and again.total == 1
    assert search(db, "ledger added:2024-05-07..").total == 1


@pytest.mark.parametrize(
    ("query", "shown"),
    [("state", "ſtate"), ("istanbul", "İstanbul"), ('"lam cheng"', "LAM Cheng")],
)
def test_highlights_letters_that_lower_case_does_not_fold(
    query: str, shown: str, search_db: sqlite3.Connection
) -> None:
    db = search_db
    _add(db, 1, "a.txt", "Die ſtate of İstanbul and LAM Cheng")
    fragment = search(db, query).hits[0].fragments[0]
    assert [fragment.text[s:e] for s, e in fragment.highlights] == [shown]


def test_a_document_without_a_date_matches_no_date_filter(search_db: sqlite3.Connection) -> None:
    db = search_db
    _add(db, 1, "undated.txt", "the ledger", added="")
    _add(db, 2, "dated.txt", "the ledger", added="2020-02-02T00:00:00Z")
    assert {h.name for h in search(db, "ledger added:..2024").hits} == {"dated.txt"}
    assert {h.name for h in search(db, "ledger").hits} == {"undated.txt", "dated.txt"}


def test_a_query_that_matches_nothing_has_empty_facets(search_db: sqlite3.Connection) -> None:
    _add(search_db, 1, "a.txt", "the ledger")
    found = search(search_db, "ledger -ledger OR absent", facets=True)
    assert (found.total, found.hits) == (0, ())
    assert found.facets is not None and found.facets.to_json()["collection"] == {}
