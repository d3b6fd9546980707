"""The small-file ingest benchmark runs end to end on a tiny corpus, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_small_file_ingest_bench_runs_tiny() -> None:
    module = load_bench("bench_ingest_small")
    rows = module.run(quick=True, files=40)
    assert [row["metric"] for row in rows] == [
        "small text files/s (erfurt add, end to end)",
        "CPU ms per small text file (erfurt add, workers included)",
        "small text files per CPU-second (erfurt add, workers included)",
        "peak RSS MiB, erfurt add of 40 small files",
        "peak RSS MiB, erfurt add of 10 small files",
    ]
    assert rows[0]["erfurt"] > 0 and rows[0]["baseline"] > 0
    assert rows[1]["baseline"] > 0  # the floor's CPU
    assert rows[2]["baseline"] is None
    assert all(row["erfurt"] > 0 for row in rows[1:])
