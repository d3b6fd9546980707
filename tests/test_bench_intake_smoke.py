"""The intake benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_intake_bench_quick_mode_runs() -> None:
    module = load_bench("bench_intake")
    rows = module.run(quick=True)
    assert [row["area"] for row in rows] == ["intake", "intake"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
