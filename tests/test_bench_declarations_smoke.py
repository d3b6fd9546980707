"""The declarations benchmark runs end to end on tiny sizes, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_declarations_bench_runs_on_tiny_sizes() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_declarations", BENCH / "bench_declarations.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
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
