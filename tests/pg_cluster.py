"""A throwaway PostgreSQL cluster on loopback, for the tests and the benchmarks.

``initdb`` into a temporary folder, ``pg_ctl start`` on 127.0.0.1 with a free port (no Unix
socket), password authentication with a random password; stopped and deleted afterwards.
PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` system
user that Debian's ``postgresql-15`` package creates (scripts/system-packages.sh installs it).
Never a shared server: each session starts its own.

    with running_cluster() as cluster:
        url = cluster.create_database()  # a fresh, empty database: postgresql://...
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"
"""The unprivileged system user the server runs as when the tests run as root."""
ROLE = "erfurt"
"""The database role the tests connect as."""


@dataclass
class PgCluster:
    """A running cluster: its folder, port and superuser password."""

    folder: Path
    port: int
    password: str
    shared_buffers: str | None = None
    """The server's ``shared_buffers`` when it is not PostgreSQL's default (128 MB)."""
    _numbers: Iterator[int] = field(default_factory=count)

    def url(self, database: str = "postgres") -> str:
        """A connection string for ``database`` (the password in it, as users write it)."""
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """Create a new empty database and return its connection string."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut), waiting until it is down."""
        _run_as_server([str(PG_BIN / "pg_ctl"), "stop", "-D", str(self._data), "-m", "fast", "-w"])

    def start(self) -> None:
        """Start the server, waiting until it accepts connections."""
        server_options = f"-p {self.port}"
        if self.shared_buffers is not None:
            server_options += f" -c shared_buffers={self.shared_buffers}"
        _run_as_server(
            [
                str(PG_BIN / "pg_ctl"),
                "start",
                "-D",
                str(self._data),
                "-w",
                "-t",
                "3600",  # readiness, not speed: a loaded machine may take long
                "-l",
                str(self.folder / "server.log"),
                "-o",
                server_options,
            ]
        )

    @property
    def _data(self) -> Path:
        return self.folder / "data"


@contextmanager
def running_cluster(
    *, durable: bool = False, kept: Path | None = None, shared_buffers: str | None = None
) -> Iterator[PgCluster]:
    """Initialise, start, then stop and delete a cluster.

    Commits never wait for their WAL flush (``synchronous_commit = off``: as durable as
    the SQLite views' WAL with ``synchronous = NORMAL``). Without ``durable``, fsync is
    off too: the tests never need data to survive a machine crash; benchmarks keep it.
    ``kept``: a folder the cluster stays in after it stops (a benchmark built once and
    queried later): initialised there if it holds none yet, else started again; its
    password is kept beside it, readable by its owner alone. ``shared_buffers``: the
    server's page cache (e.g. ``"4GB"``) instead of the default 128 MB, which a
    benchmark of a large index sets as a deployment would (docs/deployment.md).
    """
    if kept is not None and (kept / "data").exists():
        password = (kept / "password").read_text().strip()
        yield from _started(PgCluster(kept, free_port(), password, shared_buffers))
        return
    folder = kept if kept is not None else Path(tempfile.mkdtemp(prefix="erfurt-pg-"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            server = pwd.getpwnam(SERVER_USER)
            os.chown(folder, server.pw_uid, server.pw_gid)
        password = secrets.token_hex(16)
        password_file = folder / "password"
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        if os.geteuid() == 0:
            os.chown(password_file, server.pw_uid, server.pw_gid)
        _run_as_server(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                ROLE,
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ]
        )
        if kept is None:
            password_file.unlink()
        settings = [
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 100",
            "synchronous_commit = off",
        ]
        if not durable:
            settings += ["fsync = off", "full_page_writes = off"]
        with (folder / "data" / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        yield from _started(PgCluster(folder, free_port(), password, shared_buffers))
    finally:
        if kept is None:
            shutil.rmtree(folder, ignore_errors=True)


def _started(cluster: PgCluster) -> Iterator[PgCluster]:
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive loopback ports no one listens on now (for a
    server that takes a first port and the ones after it)."""
    while True:
        probes = [socket.socket() for _ in range(count)]
        try:
            probes[0].bind(("127.0.0.1", 0))
            first = int(probes[0].getsockname()[1])
            for n, probe in enumerate(probes[1:], start=1):
                probe.bind(("127.0.0.1", first + n))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()


def _run_as_server(command: list[str]) -> None:
    user = SERVER_USER if os.geteuid() == 0 else None
    done = subprocess.run(command, user=user, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")
