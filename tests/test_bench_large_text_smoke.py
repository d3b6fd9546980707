"""The large-text benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_large_text.py"


def test_large_text_bench_quick_mode_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_large_text", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(quick=True)
    assert [row["area"] for row in rows] == ["ingest", "ingest"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
    erfurt_chars, baseline_chars = rows[0]["notes"].split("chars ")[1].split(" vs ")
    assert erfurt_chars == baseline_chars  # both read the whole text
