"""The small-file ingest benchmark runs end to end on a tiny corpus, so bench code cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benches import load_bench


def test_small_file_ingest_bench_runs_tiny() -> None:
    module = load_bench("bench_ingest_small")
    rows = module.run(quick=True, files=40)
    metrics = [row["metric"] for row in rows]
    assert metrics[:4] + metrics[-1:] == [
        "small text files/s (erfurt add, end to end)",
        "CPU ms per small text file (erfurt add, workers included)",
        "small text files per CPU-second (erfurt add, workers included)",
        "peak RSS MiB, erfurt add of 40 small files",
        "peak RSS MiB, erfurt add of 10 small files",
    ]
    # the main process's memory as the run passed its milestones (a tiny run may end
    # between two samples, so not every one need be there, but they come in order)
    milestones = [m.rpartition("process, ")[2] for m in metrics[4:-1]]
    assert milestones, metrics
    expected = [f"{n} records logged" for n in (8, 24, 40, 80)]
    assert milestones == [m for m in expected if m in milestones]
    assert rows[0]["erfurt"] > 0 and rows[0]["baseline"] > 0
    assert rows[1]["baseline"] > 0  # the floor's CPU
    assert rows[2]["baseline"] is None
    assert all(row["erfurt"] > 0 for row in rows[1:])


def test_rounds_alternate_the_checkouts_and_report_medians() -> None:
    module = load_bench("bench_ingest_small")
    this_src = str(Path(module.__file__).resolve().parents[1] / "src")
    rows = module.run(quick=True, files=12, against=this_src, rounds=2)
    speed, _, per_cpu = rows[:3]
    assert "medians of 2 rounds" in speed["notes"]
    faster = int(speed["notes"].split(f"faster than {this_src} in ")[1].split(" of 2")[0])
    assert 0 <= faster <= 2
    assert speed["erfurt"] > 0 and speed["baseline"] > 0
    assert per_cpu["baseline"] > 0  # the other checkout's files per CPU-second


def test_milestones_passed_after_the_add_ended_are_left_out_not_read_as_no_memory(
    tmp_path: Path,
) -> None:
    # The sampler polls, then reads memory: `add` may exit between the two. An exited
    # process not yet reaped has no VmRSS, which once came out as "RSS 0 MiB".
    module = load_bench("bench_ingest_small")
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "checkpoint").write_text("checkpoint\n81\n")
    rss_at: dict[tuple[str, int], tuple[int, int]] = {}
    milestones = module._Milestones(tmp_path, 40, rss_at)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        while Path(f"/proc/{ended.pid}/status").read_text().count("VmRSS"):
            os.sched_yield()  # still running
        milestones(ended.pid)
    finally:
        ended.wait()
    assert rss_at == {}
    milestones(os.getpid())  # nothing is due any more: nothing more is read
    assert rss_at == {}
