"""The declarations benchmark runs end to end on tiny sizes, so bench code cannot rot."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benches import load_bench


def test_declarations_bench_runs_on_tiny_sizes() -> None:
    module = load_bench("bench_declarations")
    with tempfile.TemporaryDirectory() as folder:
        rows = module.measure([300, 600], Path(folder))
    metrics = {row["metric"].split(" (")[0] for row in rows}
    assert {
        "import declarations/s",
        "bytes/declaration on disk",
        "tally total p50 ms",
        "tally by day p50 ms",
        "tally by organisation p50 ms",
    } == metrics
    assert all(row["area"] == "declarations" and row["erfurt"] > 0 for row in rows)
    assert all(row["baseline"] > 0 for row in rows)
    assert len(rows) == 2 * len(metrics)
