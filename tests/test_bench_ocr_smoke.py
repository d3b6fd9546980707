"""The OCR benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_ocr_bench_quick_mode_runs() -> None:
    module = load_bench("bench_ocr")
    rows = module.run(quick=True)
    by_metric = {row["metric"]: row for row in rows}
    assert {m for m in by_metric if m.startswith("CER")} == {"CER hans degraded (dev)"}
    for clock in ("CPU", "wall"):
        speed = by_metric[f"degraded A4 pages/s/core, {clock} time (median)"]
        assert speed["erfurt"] > 0 and speed["baseline"] > 0 and speed["ppocr"] > 0
    resident = by_metric["peak RSS of one OCR worker, MiB"]["erfurt"]
    assert 100 < resident < by_metric["peak address space of one OCR worker, MiB"]["erfurt"]
    assert all(0 <= row["erfurt"] <= 1 for row in rows if row["metric"].startswith("CER"))
