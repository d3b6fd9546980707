"""The idempotency-key benchmark runs end to end on tiny sizes, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_requests_bench_runs_on_tiny_sizes_and_logs_each_write_once() -> None:
    module = load_bench("bench_requests")
    rows = module.measure(3, 4, 1)  # raises if a retried write was logged twice
    assert [row["metric"].split(", ", 1)[1] for row in rows] == [
        "a key each (3 writers)",
        "a key each, sent twice (3 writers)",
    ]
    assert all(row["area"] == "requests" for row in rows)
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
