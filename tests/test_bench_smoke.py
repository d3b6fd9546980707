"""The log and integrity benchmarks run end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_log_bench_quick_mode_runs() -> None:
    rows = _load("bench_log").run(quick=True)
    metrics = {row["metric"].split(" (")[0] for row in rows}
    assert {"durable appends/s", "inclusion proofs verified/s", "check_log entries/s"} <= metrics
    assert all(row["area"] == "log" and row["erfurt"] > 0 for row in rows)


def test_integrity_bench_quick_mode_runs() -> None:
    rows = _load("bench_integrity").run(quick=True)
    assert len(rows) == 3
    assert all(row["area"] == "integrity" and row["erfurt"] > 0 < row["baseline"] for row in rows)
