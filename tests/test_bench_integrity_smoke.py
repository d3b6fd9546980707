"""The integrity benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_integrity_bench_quick_mode_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_integrity", BENCH / "bench_integrity.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True)
    assert len(rows) == 3
    assert all(row["area"] == "integrity" and row["erfurt"] > 0 < row["baseline"] for row in rows)
