"""The bulk rebuild benchmark runs on a tiny archive, so bench code cannot rot (it fails
if the bulk path writes other rows than the row-by-row one)."""

from __future__ import annotations

from benches import load_bench
from pg_cluster import PgCluster


def test_rebuild_pg_bench_runs_tiny(pg_cluster: PgCluster) -> None:
    module = load_bench("bench_rebuild_pg")
    rows = module.run(records=300, cluster=pg_cluster)
    assert [row["area"] for row in rows] == ["views", "views"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
