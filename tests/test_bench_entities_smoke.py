"""The entities benchmark runs end to end in quick mode, so its code cannot rot (its
figures are reported, never asserted: the evaluation half is not read by tests)."""

from __future__ import annotations

from benches import load_bench


def test_entities_bench_quick_mode_runs() -> None:
    module = load_bench("bench_entities")
    rows = module.run(quick=True)
    metrics = {row["metric"] for row in rows}
    assert "person-mention F1 (evaluation)" in metrics
    assert "known-entity search, OFAC forms (MB/s, one core)" in metrics
    assert "cross-script linking recall (evaluation)" in metrics
    assert all(row["area"] == "entities" and row["erfurt"] >= 0 for row in rows)
    assert {module.half(d) for d in ("en01", "zs01")} == {"development"}
