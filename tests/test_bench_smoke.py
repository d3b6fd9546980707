"""The log benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_log_bench_quick_mode_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_log", BENCH / "bench_log.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True)
    metrics = {row["metric"].split(" (")[0] for row in rows}
    assert {"durable appends/s", "inclusion proofs verified/s", "check_log entries/s"} <= metrics
    assert all(row["area"] == "log" and row["erfurt"] > 0 for row in rows)
