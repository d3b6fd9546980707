"""Service: the first load of a search results page in a real Chromium (navigation timing).

- Chromium (Debian's, driven by Playwright) opens ``/search?q=...`` in a fresh browser
  context for each query, so nothing is cached: the page, its stylesheet and its scripts
  are all fetched. The navigation timing's ``loadEventEnd`` is the page load (the issue's
  "first page load of search results", target < 1 s), ``responseStart`` its first byte.
- The archive is ``bench_web.py``'s: at full size 300 documents in the log and 100,000
  generated ones in the search view, served by ``erfurt serve`` with nothing else
  running against it; the queries are the load's (judged English and Chinese queries).
- Baseline, same run: the same pages fetched by an HTTP client (the HTML alone, no
  browser), one at a time.

``python bench/bench_browser.py [--search-documents N] [--search-processes N]
[--prepared DIR]`` (``--prepared`` as in ``bench_web.py``).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import QUERIES, SEARCH_DOCUMENTS, _prepare, _serve, _stop
from chromium import launch_chromium
from erfurt.archive import Accounts, ArchivePaths

_PASSWORD = "bench password of the reviewer"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _session(base: str) -> str:
    """Log the reviewer in once (logins are rate limited); the session cookie's value."""
    with httpx2.Client(base_url=base, timeout=120) as http:
        form = http.get("/login")
        token = _CSRF.search(form.text)
        assert token is not None, "the login form has no CSRF token"
        body = {"username": "reader", "password": _PASSWORD, "csrf": token.group(1)}
        csrf = f"erfurt_csrf={form.cookies['erfurt_csrf']}"  # a Secure cookie: sent by hand
        answer = http.post("/login", data=body, headers={"cookie": csrf})
        cookie = answer.cookies.get("erfurt_session")
        assert answer.status_code == 303 and cookie, f"login failed ({answer.status_code})"
        return str(cookie)


def _page_loads(base: str, session: str, queries: list[str]) -> list[dict[str, float]]:
    """Each query's search page opened in a fresh context: its navigation timing (ms)."""
    timings = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for query in queries:
            context = browser.new_context()
            context.add_cookies([{"name": "erfurt_session", "value": session, "url": base}])
            page = context.new_page()
            answer = page.goto(f"{base}/search?{httpx2.QueryParams({'q': query})}")
            assert answer is not None and answer.status == 200, query
            assert page.url.startswith(f"{base}/search") and page.locator("mark").count(), query
            page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
            timings.append(
                page.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return {load: n.loadEventEnd, first_byte: n.responseStart}; })()"
                )
            )
            context.close()
        browser.close()
    return timings


def _html_fetches(base: str, session: str, queries: list[str]) -> list[float]:
    """The same pages' HTML fetched by an HTTP client, one at a time (ms)."""
    timings = []
    with httpx2.Client(base_url=base, timeout=120) as http:
        for query in queries:
            start = time.perf_counter()
            answer = http.get(
                "/search", params={"q": query}, headers={"cookie": f"erfurt_session={session}"}
            )
            timings.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200 and "<mark>" in answer.text, query
    return timings


def _median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def measure(
    folder: Path,
    *,
    documents: int,
    search_documents: int,
    queries: list[str],
    search_processes: int = 0,
    prepared: Path | None = None,
) -> list[dict[str, Any]]:
    """Load each query's search page in Chromium, then fetch its HTML: rows."""
    path, _ = _prepare(folder, documents, search_documents, prepared)
    with Accounts.open(ArchivePaths(path)) as accounts:
        accounts.add_user("reader", "reviewer", _PASSWORD)
    server, (base,) = _serve(path, search_processes)
    try:
        session = _session(base)
        _html_fetches(base, session, queries[:1])  # the server's first search opens its caches
        loads = _page_loads(base, session, queries)
        fetches = _html_fetches(base, session, queries)
    finally:
        _stop(server)
    load, load_p95 = _median_p95([t["load"] for t in loads])
    first_byte, first_byte_p95 = _median_p95([t["first_byte"] for t in loads])
    fetch, fetch_p95 = _median_p95(fetches)
    notes = (
        f"{len(queries)} queries, {documents + search_documents:,} documents searched, "
        f"{search_processes} search processes; baseline: the page's HTML fetched by an HTTP "
        "client"
    )
    return [
        {"area": "service", "metric": "search page first load ms (Chromium), median",
         "erfurt": load, "baseline": fetch, "notes": notes},
        {"area": "service", "metric": "search page first load ms (Chromium), p95",
         "erfurt": load_p95, "baseline": fetch_p95, "notes": notes},
        {"area": "service", "metric": "search page first byte ms (Chromium), median / p95",
         "erfurt": first_byte, "baseline": None, "p95": first_byte_p95, "notes": notes},
    ]  # fmt: skip


def run(quick: bool) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-browser-") as folder:
        if quick:
            return measure(Path(folder), documents=6, search_documents=40, queries=QUERIES[:3])
        return measure(
            Path(folder), documents=300, search_documents=SEARCH_DOCUMENTS, queries=QUERIES
        )


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-browser-") as scratch:
        rows = measure(
            Path(scratch),
            documents=300,
            search_documents=int(_option("--search-documents", str(SEARCH_DOCUMENTS))),
            queries=QUERIES,
            search_processes=int(_option("--search-processes", "0")),
            prepared=Path(_option("--prepared", "")) if "--prepared" in sys.argv else None,
        )
    for row in rows:
        print(json.dumps(row), flush=True)
