"""The PostgreSQL readers benchmark runs a few reads, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench
from pg_cluster import PgCluster


def test_pg_reads_bench_runs_tiny(pg_cluster: PgCluster) -> None:
    module = load_bench("bench_pg_reads")
    [row] = module.run(quick=True, reads=20, cluster=pg_cluster)
    assert row["area"] == "views" and row["erfurt"] > 0 and row["baseline"] > 0
