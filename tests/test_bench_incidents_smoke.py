"""The incidents benchmark runs end to end on tiny sizes, so bench code cannot rot."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benches import load_bench


def test_incidents_bench_runs_on_tiny_sizes() -> None:
    module = load_bench("bench_incidents")
    with tempfile.TemporaryDirectory() as folder:
        rows = module.measure([300, 600], Path(folder))
    metrics = [row["metric"].split(" (")[0] for row in rows]
    assert metrics == 2 * [
        "import incidents/s",
        "figure p50 ms",
        "published audit incidents/s",
    ]
    assert all(row["area"] == "incidents" and row["erfurt"] > 0 for row in rows)
    assert all(row["baseline"] is None or row["baseline"] > 0 for row in rows)


def test_incidents_view_bench_runs_on_a_tiny_view() -> None:
    module = load_bench("bench_incidents")
    with tempfile.TemporaryDirectory() as folder:
        rows = module.measure_view(2_000, Path(folder))
    assert [row["metric"].split(" (")[0] for row in rows] == 3 * ["figure from view CPU p50 ms"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
