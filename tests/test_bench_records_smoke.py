"""The records benchmark runs on a tiny log, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_records.py"


def test_records_bench_runs_tiny() -> None:
    spec = importlib.util.spec_from_file_location("bench_records", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True, records=1500)
    assert [row["area"] for row in rows] == ["records", "records"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
