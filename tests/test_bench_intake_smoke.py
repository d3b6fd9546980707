"""The intake benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_intake.py"


def test_intake_bench_quick_mode_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_intake", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True)
    assert [row["area"] for row in rows] == ["intake", "intake"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
