"""The log, integrity and writers benchmarks run end to end in quick mode, so bench code
cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_log_bench_quick_mode_runs() -> None:
    rows = load_bench("bench_log").run(quick=True)
    metrics = {row["metric"].split(" (")[0] for row in rows}
    assert {"durable appends/s", "inclusion proofs verified/s", "check_log entries/s"} <= metrics
    assert all(row["area"] == "log" and row["erfurt"] > 0 for row in rows)


def test_integrity_bench_quick_mode_runs() -> None:
    rows = load_bench("bench_integrity").run(quick=True)
    assert len(rows) == 3
    assert all(row["area"] == "integrity" and row["erfurt"] > 0 < row["baseline"] for row in rows)


def test_writers_bench_quick_mode_runs() -> None:
    [row] = load_bench("bench_writers").run(quick=True)
    assert row["area"] == "writers" and row["erfurt"] > 0 and row["baseline"] > 0
