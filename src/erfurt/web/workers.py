"""``erfurt serve --jobs N``: N processes answer requests, one process writes.

The process ``erfurt serve`` starts becomes the archive's writer: it holds the write
queue (the only appender), keeps the views caught up, extracts the text of uploads, has
checkpoints attested, keeps the login limits of every worker, and serves all this to the
workers (:class:`WriterServer`, on loopback or with TLS, behind a random key). Each worker
is a spawned process running the app on its own port (``port``, ``port + 1``, ...): it
opens the archive without catching up, reads the views from PostgreSQL, and sends every
append, extraction request and login attempt to the writer, waiting for the records to
be durable. A reverse proxy in front spreads users over the
workers and keeps each user on one (a screening batch lives in a worker's memory): see
docs/deployment.md. Workers on other hosts join the writer with ``erfurt serve --join``
(``Workers(..., join=...)``, :mod:`erfurt.web.linksettings`).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from erfurt.archive import Accounts, Archive, View, WriterAddress, WriterServer
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError
from erfurt.web.linksettings import (
    joined_writer,
    listen_address,
    workers_address,
    writer_authkey,
    writer_tls,
)
from erfurt.web.security import RateLimiter
from erfurt.web.service import Service

__all__ = ["WorkerSpec", "Workers"]

_logger = logging.getLogger("erfurt.web.workers")


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker process needs, handed to it through a pipe (never its command
    line or environment: the database URL may hold a password)."""

    archive_path: Path
    views: tuple[View, ...]
    database: str | None
    host: str
    port: int
    writer: WriterAddress
    secret_file: Path | None
    search_processes: int
    joined: bool = False
    """Whether the writer is on another host: accounts are then asked of it too."""


def _run_worker(spec: WorkerSpec, ready: Connection) -> None:
    """A worker process: bind its port, say so (or why not), then serve until stopped."""
    listening = socket.socket(socket.AF_INET6 if ":" in spec.host else socket.AF_INET)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((spec.host, spec.port))
        listening.listen(2048)
    except OSError as exc:
        ready.send(f"cannot listen on {spec.host}:{spec.port}: {exc.strerror or exc}")
        return
    ready.send("")
    ready.close()
    import uvicorn

    from erfurt.web.app import create_app

    app = create_app(
        spec.archive_path,
        views=spec.views,
        secret_file=spec.secret_file,
        search_processes=spec.search_processes,
        database=spec.database,
        writer=spec.writer,
        accounts_from_writer=spec.joined,
    )
    config = uvicorn.Config(
        app, loop="uvloop", http="httptools", log_level="info", server_header=False
    )
    uvicorn.Server(config).run(sockets=[listening])


def _start(spec: WorkerSpec) -> BaseProcess:
    """A worker process for ``spec``, once it listens on its port."""
    context = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
    ours, theirs = context.Pipe(duplex=False)
    process = context.Process(
        target=_run_worker, args=(spec, theirs), name=f"erfurt-worker-{spec.port}"
    )
    process.start()
    theirs.close()
    try:
        failed = ours.recv()  # as long as it takes a loaded machine: readiness
    except EOFError:
        failed = f"the worker for port {spec.port} stopped while starting"
    ours.close()
    if failed:
        process.join()
        raise ConfigError(failed, "free the port, or give another with --port")
    return process


def _views_in_postgresql(archive_path: Path, database: str | None) -> ArchiveConfig:
    """The archive's settings, once it is known to keep its views in PostgreSQL (as
    several serving processes need); ConfigError if it does not."""
    with Archive.open(archive_path, catch_up=False, database=database) as archive:
        config = archive.config
    if not config.database:
        raise ConfigError(
            "several serving processes read the views from PostgreSQL, but this "
            "archive keeps them in SQLite",
            "set `database` in erfurt.toml or ERFURT_DATABASE_URL (then run "
            "`erfurt rebuild`), or serve with one process: leave out --jobs and --join, "
            "and writer_listen",
        )
    return config


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


class Workers:
    """``workers`` worker processes serving the archive at ``archive_path`` on ``host``,
    ports ``port`` to ``port + workers - 1``, and the writer they send their writes to:
    in this process, or with ``join`` (HOST:PORT) the writer of the archive on another
    host (``erfurt serve --join``: this host runs only workers, which ask that writer
    about accounts too).

    The writer here is the only process holding the signing key (``key_file``), and the
    login limits of every worker (``login_burst`` attempts per client address, refilled
    ``logins_per_minute``). It listens where ``writer_listen`` says, with TLS when
    ``writer_ca``, ``writer_cert`` and ``writer_key`` are set, and proves its key from
    ``writer_secret_file`` when set (made there on first start), so that workers on other
    hosts can join it. Raises :class:`ConfigError` if the views are not in PostgreSQL
    (``database``, or the archive's setting), for a writer link configured wrongly, a
    writer that cannot be joined (:func:`~erfurt.web.linksettings.joined_writer`), or
    if a worker cannot listen on its port.
    """

    def __init__(
        self,
        archive_path: Path,
        *,
        views: Sequence[View],
        database: str | None,
        host: str,
        port: int,
        workers: int,
        secret_file: Path | None = None,
        search_processes: int = 0,
        key_file: Path | None = None,
        login_burst: int = 10,
        logins_per_minute: int = 10,
        join: str | None = None,
    ) -> None:
        config = _views_in_postgresql(archive_path, database)
        self.writer: Service | None = None
        self._server: WriterServer | None = None
        self._processes: list[BaseProcess] = []
        self.ports = [port + n for n in range(workers)]
        try:
            if join is not None:
                self.writer_address = joined_writer(archive_path, config, join)
            else:
                self.writer = Service(archive_path, views, database=database, key_file=key_file)
                logins = RateLimiter(time.time, burst=login_burst, per_minute=logins_per_minute)
                self._server = _serve_writer(archive_path, config, self.writer, logins)
                self.writer_address = workers_address(self._server.address, config)
            self._specs = [
                WorkerSpec(
                    archive_path,
                    tuple(views),
                    database,
                    host,
                    worker_port,
                    self.writer_address,
                    secret_file,
                    search_processes,
                    joined=join is not None,
                )
                for worker_port in self.ports
            ]
            for spec in self._specs:
                self._processes.append(_start(spec))
        except BaseException:
            self.close()
            raise

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C or SIGTERM); a worker that stops is started
        again."""
        signal.signal(signal.SIGTERM, _interrupt)
        # Set SIGINT's handler too: a process started in the background by a
        # non-interactive shell inherits SIGINT ignored, and Python then leaves it so,
        # which made Ctrl-C (and a supervisor's SIGINT) do nothing.
        signal.signal(signal.SIGINT, _interrupt)
        try:
            while True:
                ended = wait([p.sentinel for p in self._processes])
                for n, process in enumerate(self._processes):
                    if process.sentinel in ended:
                        _logger.error(
                            "the worker on port %d stopped (exit code %s): starting it again",
                            self._specs[n].port,
                            process.exitcode,
                        )
                        self._processes[n] = _start(self._specs[n])
        except KeyboardInterrupt:
            return

    def close(self) -> None:
        """Stop the workers (each finishes its requests), then the writer."""
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join()
        self._processes = []
        if self._server is not None:
            self._server.close()
        if self.writer is not None:
            self.writer.close()


def _serve_writer(
    archive_path: Path, config: ArchiveConfig, writer: Service, logins: RateLimiter
) -> WriterServer:
    """Serve ``writer``'s queue, extraction, ``logins`` and accounts to workers, where
    and as the writer link's settings say."""
    assert writer.queue is not None, "a service without a writer of its own"
    assert isinstance(writer.accounts, Accounts), "a writer asking another"
    listen_host, listen_port = listen_address(config)
    return WriterServer(
        writer.queue.submit,
        writer.extract_in_background,
        allow_login=logins.allow,
        host=listen_host,
        port=listen_port,
        tls=writer_tls(config),
        authkey=writer_authkey(archive_path, config),
        origin=config.origin,
        accounts=writer.accounts,
    )
