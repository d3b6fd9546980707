"""The records benchmark runs on a tiny log, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_records_bench_runs_tiny() -> None:
    module = load_bench("bench_records")
    rows = module.run(quick=True, records=1500)
    assert [row["area"] for row in rows] == ["records", "records"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
