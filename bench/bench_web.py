"""Service: many clients at once against `erfurt serve`, then the log is checked.

- 50 concurrent clients, each a loop of mixed requests (the issue's mix: 70 % search and
  document reads, 20 % declarations, 10 % uploads of a small new file), for 5 minutes
  (``--seconds N`` for a shorter run); errors counted; p50/p95 per route. The server is
  ``erfurt serve`` in its own process; the clients are threads of 5 processes.
- After the run, the log must hold exactly one record per acknowledged declaration and
  upload (no loss, no duplicate: each alias and each file is unique).
- Baseline, same run: the same declarations appended one per durable append from one
  thread (what a writer without the queue's batching does), in declarations per second.
- Search at scale: the full run also puts 100,000 generated documents (``search_corpus``,
  as ``bench_search.py`` does) straight into the search view, so the load's searches,
  which use the corpus's judged English and Chinese queries, run over 100k documents. The
  document reads and uploads go to the documents of the log. Baseline for search: the
  same queries run in process one at a time after the load, over the same index.
- ``--search-processes 0,2`` runs the load once per value on the same archive, the server
  started with ``serve --search-processes N`` each time (0: the server searches itself),
  so the rows compare them within one run.
- ``--jobs 1,2`` puts the views in PostgreSQL (a throwaway cluster on loopback, fsync on)
  and runs the load once per value, the server started with ``serve --jobs N`` (1: one
  process; N > 1: the writer and N worker processes, client n sending to worker n mod N
  as a proxy would): requests/s, p95 per route, CPU of Erfurt's processes and of
  PostgreSQL per request. The generated search corpus goes into PostgreSQL's search view.
- ``--think 0,3`` runs the load once per mean think time in seconds (with each of the
  above): after each answer a client pauses for a random exponential time of that mean,
  as a person reading a page does (0: the next request goes the moment the last is
  answered, a closed loop that measures capacity). Each load reports its offered rate
  (clients / think time: what they would send if every answer were instant) and the rate
  served.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, cast

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench_views_pg import _server_cpu
from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.archive.viewdb import connect_postgresql
from erfurt.cli.options import all_views
from erfurt.declarations import declare
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.search import count_pending, index_document, index_text, search
from erfurt.search.pgindex import write_held
from pg_cluster import PgCluster, free_ports, running_cluster
from rss import cpu_seconds
from search_corpus import documents as generated
from search_corpus import queries

TEXTS = [
    "國家安全部的內部報告：邊境射擊命令於一九七三年下達。",
    "The 1973 border shooting order was signed by the minister.",
    "Minutes of the district office meeting on the files.",
]
QUERIES = ["国家安全部", "border", "shooting order", "files", "命令"] + [
    q.text for q in queries() if q.kind in ("en-common", "en-phrase", "en-words", "zh")
]
SEARCH_DOCUMENTS = 100_000
CLIENT_PROCESSES = 5
GENERATED_FROM = 10_000_000  # search-view ids of the generated documents, past any record


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


def _index_generated(path: Path, count: int, database: str | None = None) -> None:
    """Put ``count`` generated documents into the search view only (none in the log), in
    the views' SQLite file or the PostgreSQL ``database`` (its views made first)."""
    if database is not None:
        Archive.open(path, views=all_views(), database=database).close()
        pg = connect_postgresql(database)
        with pg.raw.transaction(), pg.pipelined():
            _index_into(cast(sqlite3.Connection, pg), count)
            write_held(cast(sqlite3.Connection, pg))  # the postings held back for COPY
        pg.execute("ANALYZE")
        pg.close()
        return
    views = sqlite3.connect(path / "views" / "search.sqlite")  # the search view's file
    with views:
        _index_into(views, count)
        count_pending(views)
    views.close()


def _index_into(views: sqlite3.Connection, count: int) -> None:
    for doc in generated(count, seed=23):
        n = GENERATED_FROM + doc.doc
        index_document(views, n, f"g{n}", doc.name, "generated", "text/plain",
                       f"{2020 + doc.doc % 5}-01-01T00:00:00Z")  # fmt: skip
        index_text(views, n, f"g{n}", "text", doc.text)


def _prepare(
    folder: Path,
    documents: int,
    search_documents: int,
    kept: Path | None,
    database: str | None = None,
) -> tuple[Path, list[int]]:
    """The archive to load at ``folder/archive``: built there, or copied from ``kept``
    (``--prepared DIR``, SQLite only), where it is built once per size and views'
    versions: indexing 100,000 documents takes most of an hour on a loaded machine."""
    if kept is None or database is not None:
        path, docs = _build(folder, documents)
        _index_generated(path, search_documents, database)
        return path, docs
    versions = "-".join(f"{v.name}{v.version}" for v in all_views())
    kept = (
        kept
        / hashlib.sha256(f"{documents} {search_documents} {versions}".encode()).hexdigest()[:16]
    )
    marker = kept / "documents.json"
    if not marker.exists():
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        path, docs = _build(kept, documents)
        _index_generated(path, search_documents)
        marker.write_text(json.dumps(docs), encoding="utf-8")
    shutil.copytree(kept / "archive", folder / "archive")
    return folder / "archive", json.loads(marker.read_text(encoding="utf-8"))


def _tokens(path: Path) -> dict[str, dict[str, str]]:
    roles = {"reader": "reviewer", "writer": "volunteer", "uploader": "archivist"}
    with Accounts.open(ArchivePaths(path)) as accounts:
        for name, role in roles.items():
            accounts.add_user(name, role, f"bench password of {name}")
        return {n: {"authorization": f"Bearer {accounts.new_token(n, 'b')}"} for n in roles}


def _serve(
    path: Path, search_processes: int = 0, jobs: int = 1, database: str | None = None
) -> tuple[subprocess.Popen[bytes], list[str]]:
    """``erfurt serve`` in a process of its own (the clients must not share its GIL): it,
    and the base URL of each of its ``jobs`` workers."""
    port = free_ports(jobs)
    erfurt = Path(sys.executable).with_name("erfurt")
    command = [str(erfurt)] + (["--database", database] if database else [])
    command += ["serve", "--archive", str(path), "--port", str(port)]
    command += ["--search-processes", str(search_processes), "--jobs", str(jobs)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # the URL shows in no log
    bases = [f"http://127.0.0.1:{port + n}" for n in range(jobs)]
    for base in bases:
        while True:  # wait for readiness, however long the loaded machine takes
            if server.poll() is not None:
                raise RuntimeError(f"erfurt serve stopped before it served ({server.returncode})")
            try:
                if httpx2.get(f"{base}/api/v1/openapi.json", timeout=60).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.2)
    return server, bases


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would (it drains the writer and closes the archive)."""
    server.send_signal(signal.SIGINT)
    if server.wait() not in (0, -signal.SIGINT):
        raise RuntimeError(f"erfurt serve ended with {server.returncode}")


def _client(
    base: str,
    tokens: dict[str, dict[str, str]],
    docs: list[int],
    until: float,
    n: int,
    out: dict[str, Any],
    tag: str = "",
    think: float = 0.0,
) -> None:
    rng = random.Random(n)
    read, write = tokens["reader"], tokens["writer"]
    with httpx2.Client(base_url=base, timeout=120) as http:
        count = 0
        asked = False  # every client asks at least once, however late a loaded machine starts it
        while not asked or time.monotonic() < until:
            asked = True
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
                alias = f"bench-{tag}{n}-{count}"
                body = {"alias": alias, "organisations": ["Party"], "channel": "online"}
                answer = http.post("/api/v1/declarations", json=body, headers=write)
                if answer.status_code == 201:
                    out["acked"].append(alias)
                count += 1
            else:
                route = "upload"
                name = f"upload-{tag}{n}-{count}.txt"
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
            if think > 0:  # a person reads the answer; the run still ends on time
                time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))


def unloaded_searches(archive: Archive) -> dict[bool, tuple[list[float], list[float]]]:
    """The web's first-page searches, in process, one at a time, without the load, 3
    times, each with and then without counting the total and facets: (wall ms, CPU ms)
    of each search, by whether facets were counted."""
    timings: dict[bool, tuple[list[float], list[float]]] = {True: ([], []), False: ([], [])}
    for query in QUERIES * 3:
        for facets in (True, False):
            wall, cpu = time.perf_counter(), time.process_time()
            with archive.query_views() as db:  # SQLite or PostgreSQL: search picks its SQL
                search(cast(sqlite3.Connection, db), query, limit=11, facets=facets)
            timings[facets][0].append((time.perf_counter() - wall) * 1000)
            timings[facets][1].append((time.process_time() - cpu) * 1000)
    return timings


def _pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _client_group(
    bases: list[str],
    tokens: dict[str, dict[str, str]],
    docs: list[int],
    until: float,
    numbers: list[int],
    tag: str,
    think: float,
) -> dict[str, Any]:
    """Clients ``numbers`` as threads of this process, to the end: what they got. Client
    n sends to ``bases[n % len(bases)]`` (one server, or its workers as a proxy would)."""
    out: dict[str, Any] = {"latency": defaultdict(list), "errors": [], "acked": [], "uploaded": []}
    workers = [
        threading.Thread(
            target=_client,
            args=(bases[n % len(bases)], tokens, docs, until, n, out, tag, think),
        )
        for n in numbers
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {**out, "latency": dict(out["latency"])}


def _load(
    path: Path,
    tokens: dict[str, dict[str, str]],
    docs: list[int],
    clients: int,
    seconds: float,
    search_processes: int,
    jobs: int = 1,
    cluster: PgCluster | None = None,
    database: str | None = None,
    think: float = 0.0,
) -> tuple[dict[str, Any], float]:
    """``clients`` clients, each pausing ``think`` seconds on average between requests,
    against a server for ``seconds``: what each got, and how long.

    The clients are threads of ``CLIENT_PROCESSES`` processes: 50 threads of one process
    would wait for its interpreter lock to read their answers, and count that as latency.
    With the views in ``database`` of a PostgreSQL ``cluster``, the server runs ``jobs``
    serving processes.
    """
    server, bases = _serve(path, search_processes, jobs, database)
    try:
        out: dict[str, Any] = {
            "latency": defaultdict(list),
            "errors": [],
            "acked": [],
            "uploaded": [],
        }
        tag = f"s{search_processes}-j{jobs}-t{think:g}-"
        searchers = _children(server.pid)  # the search processes, started before it served
        cpu_before = [cpu_seconds(server.pid), sum(map(cpu_seconds, searchers))]
        tree_before = _tree_cpu(server.pid)
        pg_before = _server_cpu(cluster) if cluster is not None else 0.0
        groups = min(CLIENT_PROCESSES, clients)
        fork = multiprocessing.get_context("fork")  # forked: the module need not be importable
        until = time.monotonic() + seconds
        started = time.perf_counter()
        runs = []
        for k in range(groups):
            receiving, sending = fork.Pipe(duplex=False)
            numbers = list(range(k, clients, groups))
            args = (bases, tokens, docs, until, numbers, tag, think)
            process = fork.Process(target=lambda a=args, s=sending: s.send(_client_group(*a)))
            process.start()
            sending.close()  # the child's copy is the one left: its end is an EOFError here
            runs.append((process, receiving))
        for process, receiving in runs:
            got = receiving.recv()
            process.join()
            for route, values in got.pop("latency").items():
                out["latency"][route] += values
            for key, values in got.items():
                out[key] += values
        elapsed = time.perf_counter() - started
        out["cpu"] = [cpu_seconds(server.pid) - cpu_before[0],
                      sum(map(cpu_seconds, searchers)) - cpu_before[1]]  # fmt: skip
        out["tree_cpu"] = _tree_cpu(server.pid) - tree_before
        out["pg_cpu"] = (_server_cpu(cluster) - pg_before) if cluster is not None else 0.0
    except BaseException:
        server.send_signal(signal.SIGINT)  # no server (nor its search processes) left behind
        server.wait()
        raise
    _stop(server)
    return out, elapsed


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _tree_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` and every process under it, live or ended (an
    ended child's are in its parent's ``cutime``/``cstime``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = _children(pid)
    except OSError:
        return 0.0
    own = sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")
    return own + sum(_tree_cpu(child) for child in children)


def measure(
    folder: Path,
    *,
    clients: int,
    seconds: float,
    documents: int,
    search_documents: int = 0,
    search_processes: tuple[int, ...] = (0,),
    prepared: Path | None = None,
    jobs: tuple[int, ...] = (),
    cluster: PgCluster | None = None,
    think: tuple[float, ...] = (0.0,),
) -> list[dict[str, Any]]:
    """Run the load (once per number of search processes, or with ``jobs``, once per
    number of serving processes with the views in PostgreSQL: ``cluster``, or one
    started for the run; each once per mean ``think`` time), check the log, and measure
    the one-append-per-declaration baseline and the searches without load."""
    if not jobs:
        runs = [(n, 1, pause) for n in search_processes for pause in think]
        return _measure(folder, clients, seconds, documents, search_documents,
                        runs, prepared, None)  # fmt: skip
    runs = [(0, n, pause) for n in jobs for pause in think]
    if cluster is not None:
        return _measure(folder, clients, seconds, documents, search_documents, runs, None,
                        cluster)  # fmt: skip
    with running_cluster(durable=True) as started:
        return _measure(folder, clients, seconds, documents, search_documents, runs, None,
                        started)  # fmt: skip


def _measure(
    folder: Path,
    clients: int,
    seconds: float,
    documents: int,
    search_documents: int,
    runs: list[tuple[int, int, float]],
    prepared: Path | None,
    cluster: PgCluster | None,
) -> list[dict[str, Any]]:
    """:func:`measure` for ``runs`` of (search processes, jobs, think time), views in
    ``cluster`` if given."""
    database = cluster.create_database() if cluster is not None else None
    path, docs = _prepare(folder, documents, search_documents, prepared, database)
    tokens = _tokens(path)
    loads = {
        run: _load(path, tokens, docs, clients, seconds, *run[:2], cluster, database, run[2])
        for run in runs
    }
    rows: list[dict[str, Any]] = []
    with Archive.open(path, views=all_views(), database=database) as archive:
        logged = [str(r["alias"]) for _, r in archive.records(kinds={"declaration.made"})]
        names = [str(r["name"]) for _, r in archive.records(kinds={"document.added"})]
        names = [name for name in names if name.startswith("upload-")]
        acked = [alias for out, _ in loads.values() for alias in out["acked"]]
        serial = max(5, min(200, len(acked)))
        start = time.perf_counter()
        for n in range(serial):
            declare(archive, alias=f"serial-{n}", organisations=["Party"])
        serial_rate = serial / (time.perf_counter() - start)
        searched = unloaded_searches(archive)
    unloaded = searched[True][0]  # staff searches, as the load's, count facets
    rows.append(
        {
            "area": "service",
            "metric": "search CPU ms in process, facets counted (median)",
            "erfurt": statistics.median(searched[True][1]),
            "baseline": statistics.median(searched[False][1]),
            "p95": round(_pct(searched[True][1], 95), 2),
            "baseline_p95": round(_pct(searched[False][1], 95), 2),
            "notes": "the load's queries one at a time, no load; baseline: the same "
            "searches without the total and facets, interleaved",
        }
    )
    duplicated = len(logged) - len(set(logged)) + len(names) - len(set(names))
    for (processes, jobs_n, pause), (out, elapsed) in loads.items():
        lost = len(set(out["acked"]) - set(logged)) + len(set(out["uploaded"]) - set(names))
        requests = sum(len(v) for v in out["latency"].values())
        rows.append(
            {
                "area": "service",
                "metric": f"served requests/s, {clients} clients mixed load",
                "erfurt": requests / elapsed,
                "baseline": clients / pause if pause > 0 else None,
                "think_s": pause,
                "search_processes": processes,
                "jobs": jobs_n,
                "notes": "baseline: the rate offered, clients / mean think time (none for a "
                "closed loop, which offers as fast as it is served)",
            }
        )
        rows.append(
            {
                "area": "service",
                "metric": f"declarations/s, {clients} clients mixed load",
                "erfurt": len(out["acked"]) / elapsed,
                "baseline": serial_rate,
                "notes": "baseline: one durable append per declaration, one thread, no HTTP",
                "search_processes": processes,
                "jobs": jobs_n,
                "think_s": pause,
                "requests": requests,
                "errors": len(out["errors"]),
                "lost": lost,
                "duplicated": duplicated,
                "uploads": len(out["uploaded"]),
            }
        )
        if cluster is not None:
            rows.append(_jobs_row(jobs_n, requests, elapsed, out, loads[runs[0]]))
        rows.append(
            {
                "area": "service",
                "metric": "server CPU ms per request",
                "erfurt": 1000 * out["cpu"][0] / max(requests, 1),
                "baseline": None,
                "search_processes_cpu_ms": round(1000 * out["cpu"][1] / max(requests, 1), 2),
                "search_processes": processes,
                "think_s": pause,
                "notes": "CPU of the server process (and of its search processes) over "
                "the load, per request of any route",
            }
        )
        for route, values in sorted(out["latency"].items()):
            rows.append(
                {
                    "area": "service",
                    "metric": f"{route} p95 ms",
                    "erfurt": _pct(values, 95),
                    "baseline": _pct(unloaded, 95) if route == "search" else None,
                    "p50": round(_pct(values, 50), 1),
                    "requests": len(values),
                    "search_processes": processes,
                    "jobs": jobs_n,
                    "think_s": pause,
                    "notes": f"{documents + search_documents:,} documents searched; baseline: "
                    "the same searches in process, one at a time, no load",
                }
            )
    return rows


def _jobs_row(
    jobs: int,
    requests: int,
    elapsed: float,
    out: dict[str, Any],
    first: tuple[dict[str, Any], float],
) -> dict[str, Any]:
    """Requests/s of a ``serve --jobs`` run, against the first run's (1 job) in the same
    process of measuring, with the CPU Erfurt's processes and PostgreSQL spent."""
    first_requests = sum(len(v) for v in first[0]["latency"].values())
    return {
        "area": "service",
        "metric": "requests/s, serve --jobs on PostgreSQL",
        "erfurt": requests / elapsed,
        "baseline": first_requests / first[1],
        "jobs": jobs,
        "requests": requests,
        "erfurt_cpu_ms_per_request": round(1000 * out["tree_cpu"] / max(requests, 1), 2),
        "postgresql_cpu_ms_per_request": round(1000 * out["pg_cpu"] / max(requests, 1), 2),
        "erfurt_cpu_s": round(out["tree_cpu"], 3),
        "postgresql_cpu_s": round(out["pg_cpu"], 3),
        "notes": "baseline: the first --jobs value of the same run; CPU of `erfurt serve` "
        "and every process under it (writer, workers, extraction), and of the cluster",
    }


def run(quick: bool, seconds: float = 300) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-web-") as folder:
        if quick:
            return measure(Path(folder), clients=10, seconds=10, documents=30, search_documents=300)
        return measure(
            Path(folder),
            clients=50,
            seconds=seconds,
            documents=300,
            search_documents=SEARCH_DOCUMENTS,
        )


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    if "--jobs" in sys.argv:
        with tempfile.TemporaryDirectory(prefix="erfurt-bench-web-") as folder:
            rows = measure(
                Path(folder),
                clients=int(_option("--clients", "50")),
                seconds=float(_option("--seconds", "300")),
                documents=300,
                search_documents=int(_option("--search-documents", str(SEARCH_DOCUMENTS))),
                jobs=tuple(int(n) for n in _option("--jobs", "1,2").split(",")),
                think=tuple(float(t) for t in _option("--think", "0").split(",")),
            )
    elif "--quick" in sys.argv or "--search-processes" not in sys.argv:
        rows = run(quick="--quick" in sys.argv, seconds=float(_option("--seconds", "300")))
    else:
        with tempfile.TemporaryDirectory(prefix="erfurt-bench-web-") as folder:
            rows = measure(
                Path(folder),
                clients=50,
                seconds=float(_option("--seconds", "300")),
                documents=300,
                search_documents=int(_option("--search-documents", str(SEARCH_DOCUMENTS))),
                search_processes=tuple(
                    int(n) for n in _option("--search-processes", "0").split(",")
                ),
                prepared=Path(_option("--prepared", "")) if "--prepared" in sys.argv else None,
                think=tuple(float(t) for t in _option("--think", "0").split(",")),
            )
    for row in rows:
        print(json.dumps(row), flush=True)
