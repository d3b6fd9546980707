"""The search benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib
import sys

from benches import BENCH


def test_search_bench_quick_mode_runs() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        rows = importlib.import_module("bench_search").run(quick=True)
    finally:
        sys.path.remove(str(BENCH))
    metrics = {row["metric"].split(" (")[0] for row in rows}
    assert {"nDCG@10 names", "recall@100 zh", "p95 ms names", "p50 ms en-phrase"} <= metrics
    quality = [row for row in rows if not row["metric"].startswith("p")]
    assert all(0 <= row[system] <= 1 for row in quality for system in ("erfurt", "baseline"))
    assert all(row["erfurt"] > 0 for row in rows if row["metric"].startswith("p"))


def test_every_query_is_judged_and_halves_are_fixed_by_hash() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        corpus = importlib.import_module("search_corpus")
    finally:
        sys.path.remove(str(BENCH))
    queries = corpus.queries()
    assert len(queries) >= 60 and len({q.text for q in queries}) == len(queries)
    docs = list(corpus.documents(3000))
    for query in queries:
        assert any(corpus.grade(doc, query.key) == 2 for doc in docs), query.text
    assert {q.half for q in queries} == {"dev", "eval"}
