"""The large-text benchmark runs end to end in quick mode, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_large_text_bench_quick_mode_runs() -> None:
    module = load_bench("bench_large_text")
    rows = module.run(quick=True)
    assert [row["area"] for row in rows] == ["ingest", "ingest"]
    assert all(row["erfurt"] > 0 and row["baseline"] > 0 for row in rows)
    erfurt_chars, baseline_chars = rows[0]["notes"].split("chars ")[1].split(" vs ")
    assert erfurt_chars == baseline_chars  # both read the whole text
