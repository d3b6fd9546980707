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
docs/deployment.md.
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

from erfurt.archive import Archive, View, WriterAddress, WriterServer, WriterTLS
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError
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


def _listen_address(setting: str) -> tuple[str, int]:
    """``writer_listen`` as (host, port): a free loopback port when it is empty."""
    if not setting:
        return "127.0.0.1", 0
    host, _, port = setting.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(
            f"writer_listen {setting!r} is not HOST:PORT",
            'write it like "10.0.0.5:7400" or "[fd00::5]:7400" in erfurt.toml',
        )
    return host.strip("[]"), int(port)


def _writer_tls(config: ArchiveConfig) -> WriterTLS | None:
    """The writer link's TLS files, or None when none is set; ConfigError for some."""
    files = {"writer_ca": config.writer_ca, "writer_cert": config.writer_cert,
             "writer_key": config.writer_key}  # fmt: skip
    if not any(files.values()):
        return None
    missing = [name for name, value in files.items() if not value]
    if missing:
        raise ConfigError(
            f"the writer link's TLS needs {', '.join(missing)} too",
            "set writer_ca, writer_cert and writer_key together in erfurt.toml, or none",
        )
    return WriterTLS(*(Path(value) for value in files.values()))


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


class Workers:
    """The writer (in this process) and ``workers`` worker processes serving the archive
    at ``archive_path`` on ``host``, ports ``port`` to ``port + workers - 1``.

    Only this process holds the signing key (``key_file``), and the login limits of every
    worker (``login_burst`` attempts per client address, refilled ``logins_per_minute``).
    The writer listens where ``writer_listen`` says, with TLS when ``writer_ca``,
    ``writer_cert`` and ``writer_key`` are set. Raises :class:`ConfigError` if the views
    are not in PostgreSQL (``database``, or the archive's setting), for a writer link
    configured wrongly, or if a worker cannot listen on its port.
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
    ) -> None:
        with Archive.open(archive_path, catch_up=False, database=database) as archive:
            config = archive.config
            if not config.database:
                raise ConfigError(
                    "several serving processes read the views from PostgreSQL, but this "
                    "archive keeps them in SQLite",
                    "set `database` in erfurt.toml or ERFURT_DATABASE_URL (then run "
                    "`erfurt rebuild`), or serve with one process: leave out --jobs",
                )
        self.writer = Service(archive_path, views, database=database, key_file=key_file)
        self._processes: list[BaseProcess] = []
        self._server: WriterServer | None = None
        try:
            queue = self.writer.queue
            assert queue is not None, "a service without a writer of its own"
            logins = RateLimiter(time.time, burst=login_burst, per_minute=logins_per_minute)
            listen_host, listen_port = _listen_address(config.writer_listen)
            self._server = WriterServer(
                queue.submit,
                self.writer.extract_in_background,
                allow_login=logins.allow,
                host=listen_host,
                port=listen_port,
                tls=_writer_tls(config),
            )
            self.writer_address = self._server.address
            self.ports = [port + n for n in range(workers)]
            self._specs = [
                WorkerSpec(
                    archive_path,
                    tuple(views),
                    database,
                    host,
                    worker_port,
                    self._server.address,
                    secret_file,
                    search_processes,
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
        self.writer.close()
