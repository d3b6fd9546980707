"""The names benchmark runs end to end in quick mode and is typed, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_names_bench_quick_mode_runs() -> None:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_names", BENCH / "bench_names.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True, smoke=True)
    metrics = " | ".join(row["metric"] for row in rows)
    for wanted in (
        "F1 on cases.csv, evaluation half",
        "F1 on our Chinese pairs, evaluation half",
        "OFAC recall",
        "alert rate on yente negatives_global, names only",
        "with birth dates and nationalities",
        "our generated negatives",
        "right entity first, evaluation half",
        "queries/s",
    ):
        assert wanted in metrics
    assert all(row["area"] == "names" and row["erfurt"] >= 0 for row in rows)
