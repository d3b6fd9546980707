"""The PostgreSQL rebuild benchmark runs on a tiny archive, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench
from pg_cluster import PgCluster


def test_views_pg_bench_runs_tiny(pg_cluster: PgCluster) -> None:
    module = load_bench("bench_views_pg")
    [row] = module.run(quick=True, records=300, cluster=pg_cluster)
    assert row["area"] == "views" and row["erfurt"] > 0 and row["baseline"] > 0
