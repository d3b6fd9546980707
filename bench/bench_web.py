"""Service: many clients at once against `erfurt serve`, then the log is checked.

- 50 concurrent clients, each a loop of mixed requests (the issue's mix: 70 % search and
  document reads, 20 % declarations, 10 % uploads of a small new file), for 5 minutes
  (``--seconds N`` for a shorter run); errors counted; p50/p95 per route.
- After the run, the log must hold exactly one record per acknowledged declaration and
  upload (no loss, no duplicate: each alias and each file is unique).
- Baseline, same run: the same declarations appended one per durable append from one
  thread (what a writer without the queue's batching does), in declarations per second.
"""

from __future__ import annotations

import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx2
import uvicorn

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.declarations import declare
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web import create_app

TEXTS = [
    "國家安全部的內部報告：邊境射擊命令於一九七三年下達。",
    "The 1973 border shooting order was signed by the minister.",
    "Minutes of the district office meeting on the files.",
]
QUERIES = ["国家安全部", "border", "shooting order", "files", "命令"]


def _build(folder: Path, documents: int) -> tuple[Path, list[int]]:
    path = folder / "archive"
    with Archive.init(path, origin="example.org/bench-web", who="bench", views=all_views()) as a:
        source = folder / "source"
        source.mkdir()
        for n in range(documents):
            (source / f"doc-{n:05d}.txt").write_text(f"{TEXTS[n % 3]} #{n}\n", encoding="utf-8")
        add_paths(a, [source], collection="bench", who="bench")
        extract_pending(a, ExtractOptions(), who="bench", workers=1)
        docs = [i for i, _ in a.records(kinds={"document.added"})]
    return path, docs


def _tokens(path: Path) -> dict[str, dict[str, str]]:
    roles = {"reader": "reviewer", "writer": "volunteer", "uploader": "archivist"}
    with Accounts.open(ArchivePaths(path)) as accounts:
        for name, role in roles.items():
            accounts.add_user(name, role, f"bench password of {name}")
        return {n: {"authorization": f"Bearer {accounts.new_token(n, 'b')}"} for n in roles}


def _serve(path: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(path, views=all_views(), login_burst=10_000)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _client(
    base: str,
    tokens: dict[str, dict[str, str]],
    docs: list[int],
    until: float,
    n: int,
    out: dict[str, Any],
) -> None:
    rng = random.Random(n)
    read, write = tokens["reader"], tokens["writer"]
    with httpx2.Client(base_url=base, timeout=120) as http:
        count = 0
        while time.monotonic() < until:
            roll = rng.random()
            start = time.perf_counter()
            if roll < 0.4:
                route = "search"
                answer = http.get("/api/v1/search", params={"q": rng.choice(QUERIES)}, headers=read)
            elif roll < 0.7:
                route = "document"
                answer = http.get(f"/api/v1/documents/{rng.choice(docs)}", headers=read)
            elif roll < 0.9:
                route = "declare"
                alias = f"bench-{n}-{count}"
                body = {"alias": alias, "organisations": ["Party"], "channel": "online"}
                answer = http.post("/api/v1/declarations", json=body, headers=write)
                if answer.status_code == 201:
                    out["acked"].append(alias)
                count += 1
            else:
                route = "upload"
                name = f"upload-{n}-{count}.txt"
                answer = http.put(
                    "/api/v1/documents",
                    params={"name": name, "collection": "uploads"},
                    content=f"{TEXTS[count % 3]} uploaded as {name}\n".encode(),
                    headers=tokens["uploader"],
                )
                if answer.status_code == 201:
                    out["uploaded"].append(name)
                count += 1
            out["latency"][route].append((time.perf_counter() - start) * 1000)
            if answer.status_code >= 400:
                out["errors"].append((route, answer.status_code))


def _pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(folder: Path, *, clients: int, seconds: float, documents: int) -> list[dict[str, Any]]:
    """Run the load, check the log, and measure the one-append-per-declaration baseline."""
    path, docs = _build(folder, documents)
    tokens = _tokens(path)
    server, thread, base = _serve(path)
    out: dict[str, Any] = {"latency": defaultdict(list), "errors": [], "acked": [], "uploaded": []}
    until = time.monotonic() + seconds
    started = time.perf_counter()
    workers = [
        threading.Thread(target=_client, args=(base, tokens, docs, until, n, out))
        for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join()
    with Archive.open(path, views=all_views()) as archive:
        logged = [str(r["alias"]) for _, r in archive.records(kinds={"declaration.made"})]
        names = [str(r["name"]) for _, r in archive.records(kinds={"document.added"})]
        names = [name for name in names if name.startswith("upload-")]
        lost = len(set(out["acked"]) - set(logged)) + len(set(out["uploaded"]) - set(names))
        duplicated = len(logged) - len(set(logged)) + len(names) - len(set(names))
        served_rate = len(out["acked"]) / elapsed
        serial = max(5, min(200, len(out["acked"])))
        start = time.perf_counter()
        for n in range(serial):
            declare(archive, alias=f"serial-{n}", organisations=["Party"])
        serial_rate = serial / (time.perf_counter() - start)
    rows: list[dict[str, Any]] = [
        {
            "area": "service",
            "metric": f"declarations/s, {clients} clients mixed load",
            "erfurt": served_rate,
            "baseline": serial_rate,
            "notes": "baseline: one durable append per declaration, one thread, no HTTP",
            "errors": len(out["errors"]),
            "lost": lost,
            "duplicated": duplicated,
            "uploads": len(out["uploaded"]),
        }
    ]
    for route, values in sorted(out["latency"].items()):
        rows.append(
            {
                "area": "service",
                "metric": f"{route} p95 ms",
                "erfurt": _pct(values, 95),
                "baseline": None,
                "p50": round(_pct(values, 50), 1),
                "requests": len(values),
            }
        )
    return rows


def run(quick: bool, seconds: float = 300) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-web-") as folder:
        if quick:
            return measure(Path(folder), clients=10, seconds=2, documents=30)
        return measure(Path(folder), clients=50, seconds=seconds, documents=300)


if __name__ == "__main__":
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 300
    for row in run(quick="--quick" in sys.argv, seconds=seconds):
        print(json.dumps(row), flush=True)
