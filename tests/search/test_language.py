"""The language guess of the search index: its fast paths answer as its definition does."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from benches import BENCH, load_bench
from erfurt.search.fold import fold, has_han
from erfurt.search.index import guess_language

_ENGLISH = {"the", "of", "and", "to", "in", "is", "that", "for", "was", "on", "with", "by"}
_ENGLISH |= {"as", "at", "from", "this", "are", "be"}


def _defined(text: str) -> str:
    """The guess as defined, character by character and word by word (slow)."""
    sample = text[:20_000]
    han = sum(1 for char in sample if has_han(char))
    words = re.findall(r"[^\W\d_]+", sample)
    if han and han >= 0.3 * (han + sum(len(w) for w in words if not has_han(w))):
        return "zh"
    english = sum(1 for w in words if w.lower() in _ENGLISH)
    return "en" if words and english >= 0.05 * len(words) else "und"


def test_the_search_corpus_gets_the_languages_of_the_definition() -> None:
    sys.path.insert(0, str(BENCH))  # its dataclasses need it imported as a module
    try:
        corpus = importlib.import_module("search_corpus")
    finally:
        sys.path.remove(str(BENCH))
    texts = [fold(doc.text) for doc in corpus.documents(300)]
    guessed = [guess_language(text) for text in texts]
    assert guessed == [_defined(text) for text in texts]
    assert {"zh", "und"} <= set(guessed)


def test_the_small_files_of_the_ingest_bench_get_the_languages_of_the_definition(
    tmp_path: Path,
) -> None:
    load_bench("bench_ingest_small").make_small_files(tmp_path, 200)
    texts = [fold(path.read_text("utf-8")) for path in sorted(tmp_path.rglob("*.txt"))]
    guessed = [guess_language(text) for text in texts]
    assert guessed == [_defined(text) for text in texts]
    assert "zh" in guessed


_PIECES = st.sampled_from(
    ["The", "of", "AND", "police", "警察", "國家", "𠀀", "é", "İs", "x2", "_", "½", " ", "\n", "-"]
)


@given(st.lists(_PIECES | st.text(max_size=4), max_size=60).map("".join))
def test_any_text_gets_the_language_of_the_definition(text: str) -> None:
    assert guess_language(text) == _defined(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_any_ascii_text_gets_the_language_of_the_definition(text: str) -> None:
    assert guess_language(text) == _defined(text)


def test_only_the_first_20000_characters_count() -> None:
    english = "the report of the witness " * 1000
    assert guess_language("警" * 20_000 + english) == "zh"
    assert guess_language(english[:20_000] + "警" * 20_000) == _defined(english) == "en"
