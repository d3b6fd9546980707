"""Texts made to slow the finders down: runs without punctuation or blank space.

Each finder's cost must grow with a text's length, not with its square: jieba's HMM
and spaCy's tokenizer are quadratic in a run's length, and a piece of 100,000
characters without a break took 45 s (Chinese) and 19 s (one long "word"). These tests
hold the bounds that keep them linear, and check that the texts still read right.
"""

from __future__ import annotations

import itertools
import re

import pytest

from erfurt.entities import Extractor, KnownEntity, KnownIndex, chinese, english
from erfurt.names import name_spellings

LEE = KnownEntity("ofac-29250", "Person", ("LEE, John", "LEE, Ka-chiu"))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(KnownIndex([LEE], name_spellings))


def test_jieba_never_reads_a_run_longer_than_its_bound(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    segmenter = chinese._tagger().tokenizer
    read: list[int] = []
    cut = segmenter.cut

    def measured(text: str, *args: object, **kwargs: object) -> object:
        read.append(max((len(r) for r in re.findall(r"[\w+#&.%-]+", text)), default=0))
        return cut(text, *args, **kwargs)

    monkeypatch.setattr(segmenter, "cut", measured)
    run = "王说陈志明说" * 2_000  # 12,000 characters, no punctuation
    words = chinese.tokens(run)
    assert "".join(t.word for t in words) == run
    assert all(a.end == b.start for a, b in itertools.pairwise(words))
    assert read and max(read) <= chinese._LONGEST_RUN
    # What follows the run is read as before.
    found = extractor.extract(run + "。任命陈志明同志为行动科科长。")
    at = len(run) + len("。任命")
    assert ("陈志明", at) in [(m.surface, m.start) for m in found.mentions]


def test_spacy_never_reads_a_word_longer_than_its_bound(extractor: Extractor) -> None:
    text = "John Lee met " + "http://x" * 5_000 + " and Peter Wong, then left."
    shortened = english._short_tokens(text)
    assert len(shortened) == len(text)
    assert max(len(w) for w in shortened.split()) < english._LONGEST_TOKEN
    untouched = "Peter Wong met https://example.org/a-short-link today."
    assert english._short_tokens(untouched) == untouched
    found = extractor.extract(text)
    names = {(m.surface, m.start) for m in found.mentions if m.type == "person"}
    assert ("John Lee", 0) in names
    assert ("Peter Wong", text.index("Peter Wong")) in names


def test_a_title_after_a_long_run_of_title_words_is_still_read(extractor: Extractor) -> None:
    # The words before a title ("Deputy", "Acting", ...) are taken up to four at a time:
    # any number of them made "Deputy Deputy ... Deputy" match from every word in turn
    # (quadratic: 100,000 characters took 11 s). Real titles have at most three.
    text = "Deputy " * 20_000 + "Deputy Assistant Under Secretary for Security John Lee said."
    found = extractor.extract(text)
    assert "John Lee" in [m.surface for m in found.mentions if m.type == "person"]
