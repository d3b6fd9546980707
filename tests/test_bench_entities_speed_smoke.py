"""The entity extraction speed benchmark runs end to end in quick mode, in this process
(the benchmark itself runs each checkout in a child); figures are reported, never asserted."""

from __future__ import annotations

from benches import load_bench


def test_entities_speed_bench_quick_mode_runs() -> None:
    module = load_bench("bench_entities_speed")
    measured = module.extraction_cpu(quick=True)
    rows = module.rows(measured, measured, None)
    assert [r["metric"].split(", ")[1].split()[0] for r in rows] == ["english", "chinese"]
    assert all(r["erfurt"] == r["baseline"] > 0 for r in rows)
    assert all("same results: True" in r["notes"] for r in rows)
