"""The service load benchmark runs end to end on a tiny load, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_web_bench_runs_and_checks_the_log(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_web", BENCH / "bench_web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.measure(tmp_path, clients=4, seconds=0.5, documents=6)
    [writes] = [row for row in rows if row["metric"].startswith("declarations/s")]
    assert writes["errors"] == writes["lost"] == writes["duplicated"] == 0
    assert writes["baseline"] > 0
    assert {row["metric"] for row in rows} >= {"declarations/s, 4 clients mixed load"}
