"""Benchmark of the account check a worker on another host makes per request.

A worker that joined a writer on another host (``erfurt serve --join``) has no
``private/access.sqlite``: each request carrying an API token or a session cookie asks
the writer over the writer link (``LinkedAccounts``). Measured here: ``token_user`` over
the link (TLS 1.3 with certificates made for the run, the HMAC key check once per
connection, a ``WriterServer`` thread of this process answering from ``Accounts``),
against the baseline measured in the same run: ``Accounts.token_user`` on the local
file, as a worker on the writer's host asks it. Both ends run in this process, so its
CPU time is what a check costs the two hosts together. Reported: checks/s (wall, median
of the runs) and CPU ms per check.

    $ python bench/bench_joined_accounts.py          # 5,000 checks, 3 runs
    $ python bench/bench_joined_accounts.py --quick  # 300 checks, 1 run
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher, profiles

from erfurt.archive import (
    Accounts,
    Archive,
    ArchivePaths,
    LinkedAccounts,
    WriterClient,
    WriterServer,
    WriterTLS,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_views_pg import _timed
from certificates import make_certificate

_PASSWORD = "a long benchmark password"


def _tls(folder: Path) -> tuple[WriterTLS, WriterTLS]:
    """The writer's and a worker's TLS files, signed by one CA made here."""
    ca = make_certificate("ca", None, folder)
    make_certificate("writer", ca, folder, ["127.0.0.1"])
    make_certificate("worker", ca, folder)
    writer, worker = (
        WriterTLS(folder / "ca.crt", folder / f"{name}.crt", folder / f"{name}.key")
        for name in ("writer", "worker")
    )
    return writer, worker


def _repeat(check: Callable[[], object], times: int) -> None:
    for _ in range(times):
        assert check() is not None


def run(*, quick: bool = False, checks: int | None = None) -> list[dict[str, Any]]:
    """Token checks/s over the writer link and on the local accounts file."""
    checks = checks or (300 if quick else 5_000)
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = folder / "archive"
        Archive.init(path, origin="bench.example/joined", who="bench").close()
        cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
        with Accounts.open(ArchivePaths(path), hasher=cheap) as accounts:
            accounts.add_user("ana", "archivist", _PASSWORD)
            token = accounts.new_token("ana", "bench")
            writer_tls, worker_tls = _tls(folder)
            server = WriterServer(
                lambda _records: [], lambda _who: None, tls=writer_tls, accounts=accounts
            )
            client = WriterClient(dataclasses.replace(server.address, tls=worker_tls))
            linked = LinkedAccounts(client.call)
            try:
                baseline = _timed(
                    lambda: _repeat(lambda: accounts.token_user(token), checks),
                    runs,
                    lambda: 0.0,
                )
                joined = _timed(
                    lambda: _repeat(lambda: linked.token_user(token), checks), runs, lambda: 0.0
                )
            finally:
                client.close()
                server.close()
    per_check = 1000 / checks
    return [
        {
            "area": "serve",
            "metric": "API token checks of a joined worker, checks/s (wall)",
            "erfurt": checks / joined[0],
            "baseline": checks / baseline[0],
            "notes": f"{checks:,} checks; baseline: the local accounts file; CPU ms per "
            f"check (both ends): {joined[1] * per_check:.3f} vs {baseline[1] * per_check:.3f}",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 checks, one run")
    parser.add_argument("--checks", type=int, help="how many checks per run")
    args = parser.parse_args()
    for row in run(quick=args.quick, checks=args.checks):
        print(row)


if __name__ == "__main__":
    main()
