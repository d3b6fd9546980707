"""The entities benchmark runs end to end in quick mode, so its code cannot rot (its
figures are reported, never asserted: the evaluation half is not read by tests)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_entities_bench_quick_mode_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_entities", BENCH / "bench_entities.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True)
    metrics = {row["metric"] for row in rows}
    assert "person-mention F1 (evaluation)" in metrics
    assert "known-entity search, OFAC forms (MB/s, one core)" in metrics
    assert "cross-script linking recall (evaluation)" in metrics
    assert all(row["area"] == "entities" and row["erfurt"] >= 0 for row in rows)
    assert {module.half(d) for d in ("en01", "zs01")} == {"development"}
