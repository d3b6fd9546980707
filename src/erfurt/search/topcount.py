"""Keeping the top-k tables (:mod:`erfurt.search.topk`) in step with the index, in bulk.

A row added to ``search_index`` is only noted in ``search_top_pending``;
:func:`count_pending` (the search view runs it once per transaction) then tokenises all
the noted rows together in a scratch FTS5 table with the index's tokenizer, adds their
tokens to the document counts in one statement, and for each frequent token reads the
new rows' hit counts, admitting to a group only the rows shorter than its ``keep``-th
member. A row leaving the index is counted out at once (re-extraction is rare), or
only un-noted if it was still pending. Until the pending rows are counted the tables
describe the index without them, and :func:`~erfurt.search.topk.frequent_best`
declines to answer.

Most rows need no scratch table: a row whose text is ASCII and the Chinese characters
U+4E00-U+9FCB only (every one a letter in the Unicode data FTS5's unicode61 was built
from) splits exactly as :func:`row_counts` splits it, in Python, several times faster
than reading FTS5's instances back (``tests/search/test_topk_counts.py`` compares the
two). Only other rows go through the scratch table.
"""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from erfurt.search.fold import fold
from erfurt.search.tokens import index_form
from erfurt.search.topk import (
    document_length,
    document_lengths,
    is_tracked,
    kept,
    newly_tracked,
    sized_length,
    top_state,
    tracked_sql,
)
from erfurt.search.words import TOKENIZER

__all__ = ["count_pending", "forget_row", "note_row"]

_SCRATCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_scratch"
    f" USING fts5(title, body, {TOKENIZER})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_scratch_rows"
    " USING fts5vocab(temp, search_top_scratch, row)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_scratch_hits"
    " USING fts5vocab(temp, search_top_scratch, instance)",
)
# One row being counted out, tokenised alone.
_ONE_ROW = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_row USING fts5(title, body,"
    f" content='', {TOKENIZER})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_top_row_terms"
    " USING fts5vocab(temp, search_top_row, col)",
)


def _scratch(db: sqlite3.Connection) -> None:
    for statement in _SCRATCH:
        db.execute(statement)


def _drop_scratch(db: sqlite3.Connection) -> None:
    for name in ("search_top_scratch_hits", "search_top_scratch_rows", "search_top_scratch"):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")


# Text that splits in Python exactly as in FTS5: ASCII, and Chinese characters that
# were letters already in Unicode 6.1 (unicode61's data); runs of letters and digits.
_PLAIN = re.compile("[\x00-\x7f\u4e00-\u9fcb]*")
_ASCII_WORD = re.compile("[0-9a-z]+")
_HAN_RUN = re.compile("[\u4e00-\u9fcb]+")
# ASCII as bytes: letters and digits in lower case, everything else a space, so that
# bytes.split() finds the words _ASCII_WORD finds, several times faster.
_ASCII_WORDS = bytes(
    ord(chr(c).lower()) if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256)
)


def row_counts(folded: str) -> Counter[str] | None:
    """The tokens of a column as ``search_index`` holds it (``folded`` before
    :func:`~erfurt.search.tokens.index_form`: each Chinese character as the pair it
    starts, the last of a run alone), counted; None for text :data:`_PLAIN` does not
    cover (the scratch table splits it)."""
    if folded.isascii():
        words = Counter(folded.encode("ascii").translate(_ASCII_WORDS).split())
        return Counter({word.decode("ascii"): count for word, count in words.items()})
    if not _PLAIN.fullmatch(folded):
        return None
    counts = Counter(_ASCII_WORD.findall(folded.lower()))
    for run in _HAN_RUN.findall(folded):
        counts.update(map(operator.add, run, run[1:]))
        counts[run[-1]] += 1
    return counts


def note_row(db: sqlite3.Connection, doc: int, title: str, body: str) -> None:
    """Note a row just added to ``search_index`` (columns as indexed), to count later
    (in the scratch table unless :func:`row_counts` can split it then)."""
    if not (_PLAIN.fullmatch(title) and _PLAIN.fullmatch(body)):
        _scratch(db)
        db.execute(
            "INSERT INTO temp.search_top_scratch (rowid, title, body) VALUES (?, ?, ?)",
            (doc, title, body),
        )
    db.execute("INSERT INTO search_top_pending (doc) VALUES (?)", (doc,))


def _pairs(rows: Iterable[tuple[int, str, int]]) -> dict[int, tuple[int, int]]:
    """(doc, column, hits) rows as each doc's (title hits, body hits)."""
    hits: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for doc, column, count in rows:
        hits[doc][column == "body"] = count
    return {doc: (title, body) for doc, (title, body) in hits.items()}


Groups = dict[tuple[int, int], list[tuple[int, int]]]
"""A token's new rows by (title hits, body hits): each row as (length, doc)."""


def _scratch_hits(db: sqlite3.Connection, token: str) -> dict[int, tuple[int, int]]:
    """Per row of the scratch table holding ``token``: its (title hits, body hits)."""
    return _pairs(
        db.execute(
            "SELECT doc, col, count(*) FROM temp.search_top_scratch_hits"
            " WHERE term = ? GROUP BY doc, col",
            (token,),
        )
    )


def _add_facets(db: sqlite3.Connection, token: str, counts: Counter[int], sign: int) -> None:
    db.executemany(
        "INSERT INTO search_top_facets (token, facet_set, docs) VALUES (?, ?, ?)"
        " ON CONFLICT (token, facet_set) DO UPDATE SET docs = docs + excluded.docs",
        [(token, facet_set, sign * docs) for facet_set, docs in counts.items()],
    )
    db.execute("DELETE FROM search_top_facets WHERE token = ? AND docs = 0", (token,))


# Documents are listed as one JSON parameter, so every list is one statement of the same
# text: with a mark per document, each length was a statement of its own, and the
# connection's statement cache kept up to 128 of them (each of thousands of marks): tens
# of MiB that `add` held once its words became frequent.
_LISTED = "SELECT value FROM json_each(?)"


def _facet_sets(db: sqlite3.Connection, docs: list[int]) -> dict[int, int]:
    return dict(
        db.execute(
            f"SELECT doc, facet_set FROM search_document_facets WHERE doc IN ({_LISTED})",
            (json.dumps(docs),),
        ).fetchall()
    )


def _build(db: sqlite3.Connection, token: str, keep: int, leaving: int = -1) -> None:
    """The token's groups and facet counts, from the index (pending rows, and the row
    ``leaving`` the index, left out)."""
    db.execute("DELETE FROM search_top WHERE token = ?", (token,))
    db.execute("DELETE FROM search_top_facets WHERE token = ?", (token,))
    # Each row holding the token: its hits per column, its size and its facet set.
    rows = db.execute(
        "WITH hits AS (SELECT doc, sum(col = 'title') AS title, sum(col = 'body') AS body"
        " FROM search_top_instances WHERE term = ? AND doc != ?"
        " AND doc NOT IN (SELECT doc FROM search_top_pending) GROUP BY doc)"
        " SELECT doc, title, body, sz, facet_set FROM hits"
        " JOIN search_index_docsize ON id = doc JOIN search_document_facets USING (doc)",
        (token, leaving),
    ).fetchall()
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for doc, title, body, size, _ in rows:
        groups[title, body].append((sized_length(size), doc))
    db.executemany(
        "INSERT INTO search_top VALUES (?, ?, ?, ?, ?)",
        [
            (token, *pair, length, doc)
            for pair, members in groups.items()
            for length, doc in kept(members, keep)
        ],
    )
    _add_facets(db, token, Counter(row[4] for row in rows), 1)


def _kth(
    db: sqlite3.Connection, token: str, pair: tuple[int, int], keep: int
) -> tuple[int, int] | None:
    """The group's ``keep``-th (length, doc), or None while it holds fewer."""
    row = db.execute(
        "SELECT length, doc FROM search_top WHERE token = ? AND title_hits = ?"
        " AND body_hits = ? ORDER BY length, doc LIMIT 1 OFFSET ?",
        (token, *pair, keep - 1),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def _admit(
    db: sqlite3.Connection, token: str, keep: int, groups: Groups, facets: Counter[int]
) -> None:
    """Add the new rows holding ``token`` (``groups``) to its groups, and their count per
    facet set (``facets``) to its facet counts."""
    _add_facets(db, token, facets, 1)
    for pair, members in groups.items():
        bar = _kth(db, token, pair, keep)
        shorter = members if bar is None else [row for row in members if row < bar]
        if not shorter:
            continue
        db.executemany(
            "INSERT INTO search_top VALUES (?, ?, ?, ?, ?)",
            [(token, *pair, *row) for row in shorter],
        )
        db.execute(
            "DELETE FROM search_top WHERE token = ?1 AND title_hits = ?2 AND body_hits = ?3"
            " AND (length, doc) > (SELECT length, doc FROM search_top WHERE token = ?1"
            " AND title_hits = ?2 AND body_hits = ?3 ORDER BY length, doc LIMIT 1 OFFSET ?4)",
            (token, *pair, keep - 1),
        )


def _has_scratch(db: sqlite3.Connection) -> bool:
    return bool(
        db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'search_top_scratch'").fetchall()
    )


@dataclass
class _Split:
    """The pending rows split in Python, counted as they were read (none kept whole)."""

    lengths: dict[int, int] = field(default_factory=dict)
    """Each row's length in tokens."""
    tokens: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Per facet set, the rows holding each token."""
    groups: dict[str, Groups] = field(default_factory=lambda: defaultdict(_groups))
    """The rows of each token tracked before, grouped."""
    scratch: bool = False
    """Whether the scratch table holds rows (those :data:`_PLAIN` does not cover)."""


def _groups() -> Groups:
    return defaultdict(list)


def _split_missing(
    db: sqlite3.Connection,
    pending: list[int],
    have: set[int],
    facet_sets: dict[int, int],
    tracked: set[str],
) -> _Split:
    """The pending rows not in the scratch table (``have``: those :func:`note_row` left
    to Python, or another connection noted), read again one at a time: counted in
    Python where :func:`row_counts` can split them (of the ``tracked`` tokens, the
    rows' hits: other tokens, most of a row's, are never looked at one by one), put in
    the scratch table otherwise."""
    missing = [doc for doc in pending if doc not in have]
    split = _Split(scratch=bool(have))
    groups = split.groups
    scratch = []
    for doc, name, folded in db.execute(
        "SELECT d.doc, d.name, t.folded FROM search_documents AS d"
        f" JOIN search_texts AS t ON t.blob = d.blob WHERE d.doc IN ({_LISTED})",
        (json.dumps(missing),),
    ):
        title_text = fold(name)
        title, body = row_counts(title_text), row_counts(folded)
        if title is None or body is None:
            scratch.append((doc, index_form(title_text), index_form(folded)))
            continue
        length = split.lengths[doc] = title.total() + body.total()
        tokens = split.tokens[facet_sets[doc]]
        tokens.update(body.keys())
        tokens.update(title.keys() - body.keys())
        row = (length, doc)
        # Once most words are tracked, this loop runs for nearly every token of every
        # row (some 10 million times at 100,000 files): names bound once.
        title_hits = title.get
        for token in tracked.intersection(body):
            groups[token][title_hits(token, 0), body[token]].append(row)
        for token in tracked.intersection(title):
            if token not in body:
                groups[token][title[token], 0].append(row)
    if scratch:
        _scratch(db)
        db.executemany(
            "INSERT INTO temp.search_top_scratch (rowid, title, body) VALUES (?, ?, ?)", scratch
        )
        split.scratch = True
    return split


def count_pending(db: sqlite3.Connection) -> None:
    """Count every row noted by :func:`note_row` into the top-k tables, all at once."""
    pending = [doc for (doc,) in db.execute("SELECT doc FROM search_top_pending")]
    if not pending:
        return
    have: set[int] = set()
    if _has_scratch(db):
        # Rows this connection noted but another one counted (committed uncounted) go.
        db.execute(
            "DELETE FROM temp.search_top_scratch"
            " WHERE rowid NOT IN (SELECT doc FROM search_top_pending)"
        )
        have = {doc for (doc,) in db.execute("SELECT rowid FROM temp.search_top_scratch")}
    keep, tracked_from, _, _ = top_state(db)
    tracked_before = {
        token
        for (token,) in db.execute(
            f"SELECT token FROM search_top_terms WHERE {tracked_sql('docs', '?')}",
            (tracked_from,),
        )
    }
    facet_sets = _facet_sets(db, pending)
    split = _split_missing(db, pending, have, facet_sets, tracked_before)
    db.execute("DELETE FROM search_top_pending")
    # A row split in Python is as long as its tokens counted; FTS5 says the others'.
    lengths = split.lengths
    lengths.update(document_lengths(db, [doc for doc in pending if doc not in lengths]))
    db.execute(
        "UPDATE search_top_state SET documents = documents + ?, tokens = tokens + ?",
        (len(pending), sum(lengths.values())),
    )
    added: Counter[str] = Counter()
    for tokens in split.tokens.values():
        added.update(tokens)
    if split.scratch:
        added.update(dict(db.execute("SELECT term, doc FROM temp.search_top_scratch_rows")))
    new_counts = db.execute(
        "INSERT INTO search_top_terms SELECT key, value FROM json_each(?)"
        " WHERE true ON CONFLICT (token) DO UPDATE SET docs = docs + excluded.docs"
        " RETURNING token, docs",
        (json.dumps(added),),
    ).fetchall()
    for token, docs in new_counts:
        if not is_tracked(docs, tracked_from):
            continue
        if newly_tracked(docs, added[token], tracked_from):
            _build(db, token, keep)
            continue
        groups = split.groups[token]
        facets = Counter(
            {
                facet_set: tokens[token]
                for facet_set, tokens in split.tokens.items()
                if token in tokens
            }
        )
        if split.scratch:
            for doc, pair in _scratch_hits(db, token).items():
                groups[pair].append((lengths[doc], doc))
                facets[facet_sets[doc]] += 1
        _admit(db, token, keep, groups, facets)
    if split.scratch:
        _drop_scratch(db)


def _row_hits(db: sqlite3.Connection, title: str, body: str) -> dict[str, tuple[int, int]]:
    """Per token of one row (columns as indexed): its (title hits, body hits)."""
    for statement in _ONE_ROW:
        db.execute(statement)
    db.execute("INSERT INTO temp.search_top_row (title, body) VALUES (?, ?)", (title, body))
    hits = {
        token: (title_hits, body_hits)
        for token, title_hits, body_hits in db.execute(
            "SELECT term, sum(iif(col = 'title', cnt, 0)), sum(iif(col = 'body', cnt, 0))"
            " FROM temp.search_top_row_terms GROUP BY term"
        )
    }
    db.execute("INSERT INTO temp.search_top_row (search_top_row) VALUES ('delete-all')")
    return hits


def forget_row(db: sqlite3.Connection, doc: int, title: str, body: str) -> None:
    """Count out a row about to be deleted from ``search_index`` (columns as indexed)."""
    noted = db.execute("DELETE FROM search_top_pending WHERE doc = ?", (doc,)).rowcount
    if noted:
        _scratch(db)
        db.execute("DELETE FROM temp.search_top_scratch WHERE rowid = ?", (doc,))
        return
    keep, tracked_from, _, _ = top_state(db)
    hits = _row_hits(db, title, body)
    length = document_length(db, doc)
    (facet_set,) = db.execute(
        "SELECT facet_set FROM search_document_facets WHERE doc = ?", (doc,)
    ).fetchone()
    db.execute(
        "UPDATE search_top_state SET documents = documents - 1, tokens = tokens - ?", (length,)
    )
    counted = db.execute(
        "UPDATE search_top_terms SET docs = docs - 1"
        " WHERE token IN (SELECT value FROM json_each(?)) RETURNING token, docs",
        (json.dumps(list(hits)),),
    ).fetchall()
    db.executemany(
        "DELETE FROM search_top_terms WHERE token = ?", [(t,) for t, docs in counted if not docs]
    )
    for token, docs in counted:
        if not is_tracked(docs, tracked_from):
            db.execute("DELETE FROM search_top WHERE token = ?", (token,))
            db.execute("DELETE FROM search_top_facets WHERE token = ?", (token,))
            continue
        _add_facets(db, token, Counter([facet_set]), -1)
        pair = hits[token]
        full = _kth(db, token, pair, keep) is not None
        gone = db.execute(
            "DELETE FROM search_top WHERE token = ? AND title_hits = ? AND body_hits = ?"
            " AND length = ? AND doc = ?",
            (token, *pair, length, doc),
        ).rowcount
        if gone and full:  # the next shortest may not be kept: read the index again
            _build(db, token, keep, leaving=doc)
