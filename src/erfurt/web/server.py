"""Running the app with uvicorn on one address, with the attester beside it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from erfurt.archive import Archive, Attester, AttestRound, View
from erfurt.errors import ErfurtError
from erfurt.web.app import create_app
from erfurt.web.workers import Workers

__all__ = ["serve", "start_attester"]

_log = logging.getLogger("erfurt.attest")


def _report(done: AttestRound) -> None:
    if done.signed:
        _log.info("checkpoint of %d records: %d signatures added", done.tree_size, done.signed)
    for problem in done.problems:
        _log.warning("checkpoint of %d records: %s (retrying)", done.tree_size, problem)
    if done.fork_evidence:
        _log.error("a witness holds a larger tree than this log: rollback or fork")


def _error(exc: ErfurtError | OSError) -> None:
    _log.warning("attesting the checkpoint failed: %s (retrying)", exc)


def start_attester(archive_path: Path) -> Attester | None:
    """Start timestamping and witnessing new checkpoints in a background thread, every
    ``attest_interval`` seconds; None when the archive has no TSA or witness, or it is 0."""
    with Archive.open(archive_path, catch_up=False) as archive:
        config = archive.config
    if config.attest_interval <= 0 or not (config.witnesses or config.timestamp_authorities):
        return None
    attester = Attester(
        lambda: Archive.open(archive_path, catch_up=False),
        interval=config.attest_interval,
        report=_report,
        on_error=_error,
    )
    attester.start()
    return attester


def serve(
    archive_path: Path,
    *,
    views: Sequence[View],
    host: str,
    port: int,
    secret_file: Path | None = None,
    search_processes: int = 0,
    database: str | None = None,
    jobs: int = 1,
    key_file: Path | None = None,
    join: str | None = None,
) -> None:
    """Serve the archive until interrupted: one process (the archive has one writer), and
    ``search_processes`` more answering searches; with ``jobs`` > 1, that many worker
    processes on ports ``port`` to ``port + jobs - 1`` and this one writing (see
    :mod:`erfurt.web.workers`), as with one job when ``writer_listen`` is set; with
    ``join`` (HOST:PORT), ``jobs`` worker processes for the writer there, this host's
    share of a deployment on several hosts.
    ``database`` overrides the archive's setting; the signing key is read from
    ``key_file`` (default: the archive's ``private/log.key``).

    Raises :class:`ConfigError` for several jobs on views kept in SQLite, a port in use,
    or a writer that cannot be joined.
    """
    # Only the writer's host writes, witnesses and timestamps.
    attester = start_attester(archive_path) if join is None else None
    try:
        if jobs > 1 or join is not None or _listens_for_workers(archive_path):
            workers = Workers(
                archive_path, views=views, database=database, host=host, port=port,
                workers=jobs, secret_file=secret_file, search_processes=search_processes,
                key_file=key_file, join=join,
            )  # fmt: skip
            for worker_port in workers.ports:
                _log.info("a worker serves http://%s:%d/", host, worker_port)
            try:
                workers.run()
            finally:
                workers.close()
            return
        app = create_app(
            archive_path,
            views=views,
            secret_file=secret_file,
            search_processes=search_processes,
            database=database,
            key_file=key_file,
        )
        uvicorn.run(
            app,
            host=host,
            port=port,
            loop="uvloop",
            http="httptools",
            log_level="info",
            server_header=False,
        )
    finally:
        if attester is not None:
            attester.stop()


def _listens_for_workers(archive_path: Path) -> bool:
    """Whether the archive's writer is to serve workers on other hosts (``writer_listen``),
    even with one worker of its own."""
    with Archive.open(archive_path, catch_up=False) as archive:
        return bool(archive.config.writer_listen)
