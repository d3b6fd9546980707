"""The browser benchmark runs end to end on a tiny archive, so bench code cannot rot."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benches import load_bench


def test_browser_bench_loads_search_pages_in_chromium(tmp_path: Path) -> None:
    bench = load_bench("bench_browser")
    # Playwright's sync API cannot start in a thread whose event loop runs (the browser
    # tests' Playwright, in the same session): the bench runs in a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        rows = thread.submit(
            bench.measure, tmp_path, documents=6, search_documents=40, queries=bench.QUERIES[:2]
        ).result()
    assert [row["metric"].split(" ms")[0] for row in rows] == [
        "search page first load",
        "search page first load",
        "search page first byte",
    ]
    load = rows[0]
    assert 0 < rows[2]["erfurt"] <= load["erfurt"]  # the first byte comes before the load ends
    assert load["baseline"] > 0
