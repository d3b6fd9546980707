"""The OCR benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench
from ocr_pages import VERTICAL_HANT, half_of, sample


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


def test_traditional_vertical_pages_are_four_in_each_half() -> None:
    # one page per half was too few to judge a change by; 1 is the OCR test's own page
    halves = [half_of(f"hant/vertical/{index}") for index in VERTICAL_HANT]
    assert halves.count("dev") == halves.count("eval") == 4
    assert 1 not in VERTICAL_HANT


def test_stage_clock_charges_each_stage_and_adds_up_to_the_page() -> None:
    stages = load_bench("ocr_stages")
    page = sample("hant", "scan", lines=2, a4=False)
    before = stages.cpu_seconds()
    ((_, error, seconds),) = stages.profile([page])
    assert set(seconds) <= set(stages.STAGES) and error < 0.5
    # a traditional page runs every stage of lines across: PP-OCR's and tesseract's
    assert {"crops", "merging"} <= set(seconds)  # called (too quick to count on a clock)
    for stage in ("detection", "direction", "recognition", "tesseract"):
        assert seconds[stage] > 0, stage
    assert sum(seconds.values()) <= stages.cpu_seconds() - before
    # the wrappers are taken off again
    assert stages.ppocr.PpOcr.read.__qualname__ == "PpOcr.read"
