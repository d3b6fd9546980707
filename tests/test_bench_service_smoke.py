"""The service benchmarks run end to end on tiny loads, so bench code cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

from benches import load_bench
from pg_cluster import PgCluster


def test_load_bench_runs_and_checks_the_log(tmp_path: Path) -> None:
    rows = load_bench("bench_web").measure(
        tmp_path, clients=4, seconds=0.5, documents=6, search_documents=40, search_processes=(0, 1)
    )
    loads = [row for row in rows if row["metric"].startswith("declarations/s")]
    assert [row["search_processes"] for row in loads] == [0, 1]
    for writes in loads:
        assert writes["errors"] == writes["lost"] == writes["duplicated"] == 0
        assert writes["baseline"] > 0
    (facets,) = [row for row in rows if row["metric"].startswith("search CPU ms in process")]
    assert facets["erfurt"] > 0 and facets["baseline"] > 0


def test_load_bench_runs_serve_jobs_on_postgresql(tmp_path: Path, pg_cluster: PgCluster) -> None:
    rows = load_bench("bench_web").measure(
        tmp_path, clients=4, seconds=0.5, documents=6, search_documents=40, jobs=(1, 2),
        cluster=pg_cluster,
    )  # fmt: skip
    loads = [row for row in rows if row["metric"].startswith("declarations/s")]
    assert [row["jobs"] for row in loads] == [1, 2]
    for writes in loads:
        assert writes["errors"] == writes["lost"] == writes["duplicated"] == 0
    rates = [row for row in rows if row["metric"].startswith("requests/s")]
    assert [row["jobs"] for row in rates] == [1, 2]
    for rate in rates:
        assert rate["erfurt"] > 0 and rate["baseline"] > 0 and rate["erfurt_cpu_s"] > 0


def test_match_bench_runs_against_a_served_archive(tmp_path: Path) -> None:
    listed = tmp_path / "list.jsonl"
    entity = {"id": "x-1", "schema": "Person", "properties": {"name": ["Patricia Wheeler"]}}
    listed.write_text(json.dumps(entity) + "\n")
    rows = load_bench("bench_match").measure(
        tmp_path, queries=150, list_format="ftm", list_path=listed
    )
    assert [row["metric"].split(" of ")[0] for row in rows] == [
        "/match queries/s, batches",
        "/match queries per CPU second",
    ]
    for row in rows:
        assert row["errors"] == 0 and row["erfurt"] > 0 and row["baseline"] > 0
