"""The incidents benchmark runs end to end on tiny sizes, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_incidents", BENCH / "bench_incidents.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_incidents_bench_runs_on_tiny_sizes() -> None:
    module = _bench()
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
    module = _bench()
    with tempfile.TemporaryDirectory() as folder:
        rows = module.measure_view(2_000, Path(folder))
    assert [row["metric"].split(" (")[0] for row in rows] == 3 * ["figure from view p50 ms"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
