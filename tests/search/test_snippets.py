"""Snippets skip a spelling's expression only where its text cannot match, and match
ASCII and Chinese terms in the lower-cased text exactly where IGNORECASE would."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.search import NameForm, QuerySyntaxError, fold, match_spans
from erfurt.search.snippets import fragments
from erfurt.search.tokens import term_pattern

_WORDS = ["lam", "Lam", "LAM", "cheng", "Cheng", "yuet", "ngor", "ſtate", "state", "İstanbul",
          "林鄭", "月娥", "林郑月娥", "k\u212a", "carrie", ",", " ", "-", "\f", "ı", "CARRIE",
          "ΣΟΦΙΑΣ", "σοφιας", "Straße", "STRASSE", "ǅ", "ﬁle", "file", "_", "Lam_Cheng",
          "2024", "LAM2024"]  # fmt: skip
_TERMS = ["Lam Cheng Yuet ngor", "Carrie Lam", "林郑月娥", "state", "istanbul", "kk",
          "lam 林郑", "ngor", "σοφιας", "straße", "file", "lam2024", "Lam 2024"]  # fmt: skip


@given(
    st.lists(st.sampled_from(_WORDS), max_size=30),
    st.lists(st.sampled_from(_TERMS), min_size=1, max_size=4, unique=True),
    st.booleans(),
)
def test_skipping_by_needles_and_lower_case_show_what_running_every_expression_shows(
    words: list[str], terms: list[str], prefix: bool
) -> None:
    original = " ".join(words)
    patterns = []
    for term in terms:
        pattern = term_pattern(fold(term), prefix)
        assert pattern is not None
        patterns.append((pattern, NameForm(term, "as typed")))
    every = tuple((replace(p, needles=(), lowered=None), form) for p, form in patterns)
    assert fragments(original, fold(original), tuple(patterns)) == fragments(
        original, fold(original), every
    )


def test_a_spelling_whose_later_words_are_absent_is_not_reported() -> None:
    pattern = term_pattern("lam cheng yuet ngor")
    assert pattern is not None and pattern.needles == ("lam", "cheng", "yuet", "ngor")
    text = "Lam Cheng said so"
    _, forms = fragments(text, text, ((pattern, NameForm("Lam Cheng Yuet-ngor", "alias")),))
    assert forms == ()


def test_an_ascii_name_is_matched_in_lower_case_whatever_the_case_written() -> None:
    pattern = term_pattern("Carrie Lam")
    assert pattern is not None and pattern.lowered is not None
    text = "Said CARRIE  LAM, and carrie-lam."
    passages, forms = fragments(text, text, ((pattern, NameForm("Carrie Lam", "as typed")),))
    assert [text[s:e] for s, e in passages[0].highlights] == ["CARRIE  LAM", "carrie-lam"]
    assert forms == (NameForm("Carrie Lam", "as typed"),)
    mixed = term_pattern("Müller")
    assert mixed is not None and mixed.lowered is None  # IGNORECASE's own folding


def test_match_spans_mark_a_whole_text_as_search_highlights_it() -> None:
    text = "The ledger of the 國家安全部; LEDGER again, ledgers not"
    assert match_spans(text, "ledger OR 国家安全 -nothing") == ((4, 10), (18, 22), (25, 31))
    assert match_spans(text, "ledger*") == ((4, 10), (25, 31), (39, 46))
    assert match_spans("no match here", "ledger") == ()
    with pytest.raises(QuerySyntaxError):
        match_spans(text, '"unclosed')
