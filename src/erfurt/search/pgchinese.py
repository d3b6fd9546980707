"""Chinese words of three or more characters on PostgreSQL: found by their trigrams.

In the postings (:mod:`erfurt.search.pgindex`) such a word is the phrase of its pairs
(:mod:`erfurt.search.tokens`), and the pairs of a common word are everywhere: finding
国家安全 there reads every position of 国家, 家安 and 安全 in the index. So each
document with Chinese also has a row in ``search_han``:

- ``name`` and ``text``: the runs of three or more Chinese characters of its folded file
  name and text, joined by spaces (a word is a substring of one run, never across two);
- ``grams``: the distinct trigrams of those runs, each three code points packed in one
  integer (:func:`trigrams`), under a GIN index (``search_han_grams``, made once when a
  load from empty ends); PostgreSQL's pg_trgm cannot be used, as it keeps only letters
  and digits of its own locale's idea and folds nothing as Erfurt does;
- ``length`` and ``facet_set``: the row's length in tokens (``search_rows``) and its
  combination of facets (``search_document_facets``), so that scoring and counting the
  matches of such a word reads no other table.

A word is then the rows whose grams hold all of its trigrams (an index lookup), its
hits counted in each of them as substrings of ``name`` and ``text``: overlapping, as
the phrase of pairs counts them (哈哈哈 twice in 哈哈哈哈). The rows are written with the
postings, in the same transactions, and dropped with them.
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["GRAMS", "chinese_word", "han_row", "hits_sql", "trigrams"]

GRAMS = "search_han_grams"
"""The GIN index of ``search_han``: left out while the view is loaded from empty."""

SCHEMA = (
    """CREATE TABLE search_han (
        doc INTEGER PRIMARY KEY,
        length INTEGER NOT NULL,
        facet_set INTEGER NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        grams BIGINT[] NOT NULL
    )""",
    f"CREATE INDEX {GRAMS} ON search_han USING gin (grams)",
)
COLUMNS = ("doc", "length", "facet_set", "name", "text", "grams")

# The characters tokens.index_form pairs: the same runs, so the same words.
_RUNS = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]{3,}")
_BITS = 21  # a code point fits in 21 bits: three of them in a positive BIGINT


def _pack(gram: str) -> int:
    first, second, third = map(ord, gram)
    return (first << 2 * _BITS) | (second << _BITS) | third


def trigrams(runs: list[str]) -> list[int]:
    """The distinct trigrams of ``runs`` (each a run of Chinese characters), packed,
    in ascending order."""
    return sorted({_pack(run[i : i + 3]) for run in runs for i in range(len(run) - 2)})


def han_row(name: str, text: str) -> tuple[str, str, list[int]] | None:
    """The ``name``, ``text`` and ``grams`` of a document's row from its folded file
    name and text; None when neither has a run of three Chinese characters."""
    name_runs, text_runs = _RUNS.findall(name), _RUNS.findall(text)
    if not name_runs and not text_runs:
        return None
    return " ".join(name_runs), " ".join(text_runs), trigrams(name_runs + text_runs)


def chinese_word(tokens: tuple[str, ...]) -> str | None:
    """The Chinese word a phrase of tokens stands for, if it is the chain of pairs
    :func:`~erfurt.search.tokens.term_fts` makes of one (国家 家安 安全 → 国家安全):
    at least two pairs, each starting with the last character of the one before, every
    character one that :func:`han_row` keeps in its runs. None for any other phrase."""
    if len(tokens) < 2 or any(len(token) != 2 for token in tokens):
        return None
    if any(before[1] != after[0] for before, after in pairwise(tokens)):
        return None
    word = tokens[0] + "".join(token[1] for token in tokens[1:])
    return word if _RUNS.fullmatch(word) else None


def _bordered(word: str) -> bool:
    """Whether two instances of ``word`` can overlap (a proper prefix is also a suffix)."""
    return any(word[:size] == word[-size:] for size in range(1, len(word)))


def _count(column: str, word: str) -> str:
    """SQL counting the instances of ``word`` (a mark's value) in ``column``."""
    if _bordered(word):
        # Overlapping instances: a lookahead matches at each start and consumes nothing
        # (the word is Chinese characters only: nothing in it is special to a regex).
        return f"regexp_count({column}, '(?=' || ? || ')')"
    # Instances cannot overlap: the bytes they take, over the word's bytes.
    return f"((octet_length({column}) - octet_length(replace({column}, ?, ''))) / octet_length(?))"


def hits_sql(word: str) -> tuple[str, list[object]]:
    """SQL of (doc, title, body, length, facet_set) for ``word`` (:func:`chinese_word`):
    each document holding it, its hits in the file name and in the text, the
    document's length in tokens and its facet combination; the marks' values."""
    marks = 1 if _bordered(word) else 2
    # OFFSET 0: the counts computed once a row; flattened into the outer query, they
    # were computed again for the filter (two more replace() of each text).
    return (
        f"SELECT doc, title, body, length, facet_set FROM (SELECT doc, {_count('name', word)}"
        f" AS title, {_count('text', word)} AS body, length, facet_set FROM search_han"
        " WHERE grams @> ?::bigint[] OFFSET 0) AS c WHERE title + body > 0",
        [*[word] * (2 * marks), trigrams([word])],
    )
