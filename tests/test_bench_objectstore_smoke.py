"""The object-store benchmark runs on a few small blobs, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_objectstore_bench_runs_tiny() -> None:
    rows = load_bench("bench_objectstore").run(quick=True)
    assert len(rows) == 4 and {row["area"] for row in rows} == {"objectstore"}
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
