"""Search quality and speed: nDCG@10 and recall@100, then p50/p95 latency, vs plain FTS5.

Relevance: the 84 judged queries of ``search_corpus`` over 20,000 generated documents
(quick: 1,500), split into development and evaluation halves by a hash of the query.
Baseline, built in the same run from the same documents: plain FTS5 BM25 over every
match (the previous tokenisation: unicode61, each Chinese character a word, folded
traditional → simplified; a Chinese term a phrase of characters; names as typed).

Latency: 100,000 and 1,000,000 documents (quick: 1,500), the index written by the search
view's own functions into an archive's views database (logging that many documents
would take hours and measures ingest, not search); queries run as the CLI runs them,
through ``Archive.read_views()``, with facets on and names expanded by the names engine,
in rounds alternating the top-k table of frequent words on and off (same index).
``--keep DIR`` keeps each size's index in DIR and reuses it (the 1,000,000-document build
takes about an hour of a quiet core).
"""

from __future__ import annotations

import math
import re
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from erfurt.archive import Archive
from erfurt.cli.search import expander_for
from erfurt.names import Entity, Matcher
from erfurt.search import (
    NameExpander,
    SearchView,
    count_pending,
    fold,
    index_document,
    index_text,
    search,
)
from search_corpus import PEOPLE, Doc, Judged, documents, grade, queries

RELEVANCE_DOCS = 20_000
LATENCY_SIZES = (100_000, 1_000_000)
QUICK_DOCS = 1_500
BUILD_BATCH = 2_000  # documents counted into the top-k table at once, as a catch-up would
TIMED_REPEATS = 4  # rounds, alternating which of the table on and off runs first
NEVER = 2**62  # a top-k threshold no token reaches: the table never answers


def _plain_fts(text: str) -> str:
    """A query term as the plain baseline looks it up: a phrase, Chinese per character."""
    words = _spaced(fold(text.strip('"'))).replace("-", " ").replace('"', "").split()
    return '"' + " ".join(words) + '"'


def _plain_match(query: Judged) -> str:
    if query.kind in ("en-phrase", "names") or query.text.startswith('"'):
        return _plain_fts(query.text)
    return " AND ".join(_plain_fts(word) for word in query.text.split())


_HAN_CHAR = re.compile("([\u3400-\u9fff])")


def _spaced(phrase: str) -> str:
    return _HAN_CHAR.sub(r" \1 ", phrase)


def _ours(query: Judged) -> str:
    return f'name:"{query.text}"' if query.kind == "names" else query.text


def _build(folder: Path, docs: Iterable[Doc]) -> tuple[Path, sqlite3.Connection]:
    """An archive in ``folder`` whose views database indexes ``docs`` (its log stays
    empty: the index is written by the search view's own functions, committed every
    :data:`BUILD_BATCH` documents as a catch-up would), and the plain baseline index."""
    path = folder / "archive"
    Archive.init(path, origin="bench.example/search", who="bench", views=[SearchView()]).close()
    plain = sqlite3.connect(folder / "plain.sqlite")
    plain.execute("CREATE VIRTUAL TABLE plain USING fts5(body, content='',"
                  " tokenize='unicode61 remove_diacritics 2')")  # fmt: skip
    views = sqlite3.connect(path / "views" / "search.sqlite")  # the search view's file
    views.execute("PRAGMA cache_size = -262144")  # 256 MiB: FTS5's merges of a large index
    for doc in docs:
        index_document(views, doc.doc, f"b{doc.doc}", doc.name, "bench", "text/plain",
                       f"{2020 + doc.doc % 5}-01-01T00:00:00Z")  # fmt: skip
        index_text(views, doc.doc, f"b{doc.doc}", "text", doc.text)
        plain.execute("INSERT INTO plain (rowid, body) VALUES (?, ?)",
                      (doc.doc, _spaced(fold(doc.text))))  # fmt: skip
        if doc.doc % BUILD_BATCH == BUILD_BATCH - 1:
            count_pending(views)
            views.commit()
            plain.commit()
    count_pending(views)
    views.commit()
    plain.commit()
    views.close()
    return path, plain


def _expander() -> NameExpander:
    entities = [
        Entity(f"p{n}", "Person", (english, other, han), "bench")
        for n, (english, other, han) in enumerate(PEOPLE)
    ]
    return expander_for(Matcher.build(entities))


def _ndcg(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    gain = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def _recall(ranked: list[int], grades: dict[int, int], k: int = 100) -> float:
    relevant = {d for d, g in grades.items() if g == 2}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def relevance(count: int) -> list[dict[str, Any]]:
    """nDCG@10 and recall@100 per query class and half, erfurt vs the plain baseline."""
    docs = list(documents(count))
    judged = queries()
    expand = _expander()
    scores: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        path, plain = _build(Path(tmp), docs)
        with Archive.open(path, views=[SearchView()]) as archive, archive.read_views() as db:
            for query in judged:
                grades = {d.doc: g for d in docs if (g := grade(d, query.key))}
                ours = [h.doc for h in search(db, _ours(query), names=expand, limit=100).hits]
                base = [r[0] for r in plain.execute(
                    "SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY rank LIMIT 100",
                    (_plain_match(query),),
                )]  # fmt: skip
                for system, ranked in (("erfurt", ours), ("baseline", base)):
                    for kind in (query.kind, "all"):
                        scores[(query.half, kind, f"{system} ndcg")].append(_ndcg(ranked, grades))
                        scores[(query.half, kind, f"{system} recall")].append(
                            _recall(ranked, grades)
                        )
        plain.close()
    rows = []
    for half in ("eval", "dev"):
        for kind in ("en-rare", "en-common", "en-phrase", "en-words", "zh", "names", "all"):
            for metric, label in (("ndcg", "nDCG@10"), ("recall", "recall@100")):
                mine = scores[(half, kind, f"erfurt {metric}")]
                base = scores[(half, kind, f"baseline {metric}")]
                rows.append(
                    {
                        "area": "search",
                        "metric": f"{label} {kind} ({half}, {len(mine)} q)",
                        "erfurt": round(statistics.fmean(mine), 3),
                        "baseline": round(statistics.fmean(base), 3),
                        "notes": f"{count:,} docs; baseline plain FTS5 BM25 over all matches",
                    }
                )
    return rows


_LATENCY_CLASSES = ("en-common", "en-phrase", "zh", "names")


def latency(count: int, keep: Path | None = None) -> list[dict[str, Any]]:
    """p50 and p95 milliseconds per query class at ``count`` documents; the index is
    built in ``keep``/``count`` and kept there for later runs (reused once complete)."""
    if keep is None:
        with tempfile.TemporaryDirectory() as tmp:
            path, plain = _build(Path(tmp), documents(count, seed=23))
            rows = timed(path, plain, count)
            plain.close()
        return rows
    folder, built = keep / str(count), keep / str(count) / "built"
    if built.exists():
        path, plain = folder / "archive", sqlite3.connect(folder / "plain.sqlite")
    else:
        folder.mkdir(parents=True)  # fails on a half-built index: remove it first
        path, plain = _build(folder, documents(count, seed=23))
        built.touch()
    rows = timed(path, plain, count)
    plain.close()
    return rows


def _top_threshold(views: Path, tracked_from: int | None = None) -> int:
    """The top-k table's threshold (documents per token), after setting it if given:
    at :data:`NEVER` the table answers nothing and every query scores every match."""
    db = sqlite3.connect(views)
    with db:
        if tracked_from is not None:
            db.execute("UPDATE search_top_state SET tracked_from = ?", (tracked_from,))
        (threshold,) = db.execute("SELECT tracked_from FROM search_top_state").fetchone()
    db.close()
    return int(threshold)


def timed(path: Path, plain: sqlite3.Connection, count: int) -> list[dict[str, Any]]:
    """Latency of the archive at ``path`` (built by :func:`_build`), in alternating rounds
    with the top-k table on and off, and of the bare FTS5 query on ``plain``."""
    judged = [q for q in queries() if q.kind in _LATENCY_CLASSES]
    expand = _expander()
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    views = path / "views" / "search.sqlite"
    threshold = {"erfurt": _top_threshold(views), "every match": NEVER}
    with Archive.open(path, views=[SearchView()]) as archive:
        for round_ in range(TIMED_REPEATS):
            for system in ("erfurt", "every match")[:: 1 if round_ % 2 else -1]:
                _top_threshold(views, threshold[system])
                for query in judged:
                    start = time.perf_counter()
                    with archive.read_views() as db:
                        search(db, _ours(query), names=expand, facets=True)
                    timings[(query.kind, system)].append(time.perf_counter() - start)
            for query in judged:
                start = time.perf_counter()
                plain.execute(
                    "SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY rank LIMIT 20",
                    (_plain_match(query),),
                ).fetchall()
                timings[(query.kind, "baseline")].append(time.perf_counter() - start)
        _top_threshold(views, threshold["erfurt"])
    rows = []
    for kind in _LATENCY_CLASSES:
        base = sorted(timings[(kind, "baseline")])
        for system, suffix in (("erfurt", ""), ("every match", ", top-k table off")):
            mine = sorted(timings[(kind, system)])
            for label, share in (("p50", 0.5), ("p95", 0.95)):
                rows.append(
                    {
                        "area": "search",
                        "metric": f"{label} ms {kind}{suffix} ({count:,} docs)",
                        "erfurt": round(1000 * _at(mine, share), 2),
                        "baseline": round(1000 * _at(base, share), 2),
                        "notes": "erfurt: via the archive, facets, names expanded;"
                        " baseline: bare FTS5",
                    }
                )
    return rows


def _at(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(quick: bool, sizes: tuple[int, ...] = LATENCY_SIZES) -> list[dict[str, Any]]:
    """Relevance at 20,000 documents, latency at each size (quick: 1,500 documents)."""
    if quick:
        return relevance(QUICK_DOCS) + latency(QUICK_DOCS)
    rows = relevance(RELEVANCE_DOCS)
    for size in sizes:
        rows += latency(size)
    return rows


if __name__ == "__main__":
    # python bench/bench_search.py [--quick] [SIZE ...]: relevance, then latency per size;
    # python bench/bench_search.py --keep DIR SIZE ...: latency only, indexes kept in DIR.
    import sys

    sizes = tuple(int(a) for a in sys.argv[1:] if a.isdigit()) or LATENCY_SIZES
    if "--keep" in sys.argv:
        keep = Path(sys.argv[sys.argv.index("--keep") + 1])
        rows = [row for size in sizes for row in latency(size, keep)]
    else:
        rows = run(quick="--quick" in sys.argv, sizes=sizes)
    for row in rows:
        print(row["metric"], row["erfurt"], row["baseline"], flush=True)
