"""The PostgreSQL search benchmark runs on a few documents, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench
from pg_cluster import PgCluster


def test_search_pg_bench_runs_tiny_and_both_backends_answer_alike(pg_cluster: PgCluster) -> None:
    module = load_bench("bench_search_pg")
    build, *latency = module.run(docs=60, rounds=1, cluster=pg_cluster)
    assert build["erfurt"] > 0 and build["baseline"] > 0
    assert {row["metric"].split(" on ")[0] for row in latency} >= {"p95 ms names", "p95 ms zh"}
