"""Rows the top-k counting splits in Python split exactly as FTS5 splits them.

:func:`~erfurt.search.topcount.row_counts` counts the tokens of plain text (ASCII and the
Chinese characters U+4E00-U+9FCB) without the scratch FTS5 table; any difference from
FTS5's own tokens would make the top-k tables wrong, so these tests compare the two on
hostile mixes and check that every other text is left to FTS5.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter

import pytest
from test_topk import TOP_TABLES, WORDS, Added, Extracted, replay_into

from erfurt.search import topcount
from erfurt.search.fold import fold
from erfurt.search.tokens import index_form
from erfurt.search.topcount import row_counts
from erfurt.search.words import row_tokens

_ASCII = [chr(c) for c in range(128)]
_HAN_EDGES = ["\u4e00", "\u4e01", "\u9fca", "\u9fcb", "国", "家", "國", "安", "全"]


def _fts5_counts(folded: str) -> Counter[str]:
    return Counter(token for token, _, _ in row_tokens("", index_form(folded)))


def test_plain_text_splits_as_fts5_splits_it() -> None:
    rng = random.Random(61)
    for _ in range(3000):
        pieces = rng.choices(_ASCII + _HAN_EDGES + [" ", "  ", "\n"], k=rng.randint(0, 60))
        text = "".join(pieces)
        assert row_counts(text) == _fts5_counts(text), repr(text)


def test_every_chinese_character_it_splits_is_a_letter_to_fts5() -> None:
    characters = [chr(c) for c in range(0x4E00, 0x9FCC)]
    tokens = [token for token, _, _ in row_tokens("", " ".join(characters))]
    assert tokens == characters


@pytest.mark.parametrize(
    "text",
    ["café", "naïve ledger", "\u3400", "\u9fcc", "國家，安全", "x\u00a0y", "Ｌedger", "\U00020000"],
)
def test_any_other_text_is_left_to_fts5(text: str) -> None:
    assert row_counts(fold(text)) is None


def _tables(events: list[Added | Extracted]) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(":memory:")
    replay_into(db, events, keep=3, tracked_from=2, batch=5)
    return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in TOP_TABLES}


def test_the_tables_are_the_same_whichever_way_rows_are_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    words = [*WORDS, "Café", "naïve", "警察", "拘留"]
    events: list[Added | Extracted] = []
    for n in range(120):
        text = " ".join(rng.choices(words, k=rng.randint(1, 12)))
        blob = rng.randint(0, 30)
        if n % 3:
            events.append(Extracted(blob, text))
        else:
            events.append(Added(blob, text, rng.choice(["open", "hk"])))
    split_in_python = _tables(events)
    assert split_in_python["search_top"]  # frequent words were tracked
    monkeypatch.setattr(topcount, "row_counts", lambda folded: None)
    monkeypatch.setattr(topcount, "_PLAIN", topcount.re.compile("(?!)"))
    assert _tables(events) == split_in_python  # every row through the scratch table
