"""The extraction worker process: its entry point imports the extractors and nothing else.

:class:`~erfurt.extractors.pool.ExtractionPool` starts each worker as a fresh
interpreter running :func:`main` (never through ``multiprocessing``'s spawn, which would
import the parent's main script, the whole CLI, in every worker). The worker reads its
:class:`ExtractOptions` and then jobs from the connection whose descriptor it is given,
and answers each with an :class:`Extraction`, or a :class:`Notice` before it.
"""

from __future__ import annotations

import importlib
import logging
import resource
import sys
from dataclasses import replace
from enum import Enum
from multiprocessing.connection import Connection
from pathlib import Path

from erfurt.extractors.dispatch import extract_file, missing_parsers
from erfurt.extractors.result import ExtractOptions, failed

__all__ = ["COMMAND", "Notice", "main"]

# How the pool starts a worker: the descriptor of its end of the connection follows.
COMMAND = ("-c", "from erfurt.extractors.worker import main; main()")


class Notice(Enum):
    """What a worker says about its current job before the job's result."""

    LOADING = "loading"  # importing the job's parsers: the time limit waits
    LOADED = "loaded"  # imported: the job's time limit counts from now


def main() -> None:
    """Serve the connection whose file descriptor is the first argument, until it closes."""
    conn = Connection(int(sys.argv[1]))
    try:
        _serve(conn)
    except (EOFError, ConnectionError):
        return  # the parent closed its end, or died: no one is left to answer


def _serve(conn: Connection) -> None:
    """Read the options, then extract each job and answer it, until ``None`` comes."""
    options: ExtractOptions = conn.recv()
    # pypdf logs every oddity of a damaged PDF at WARNING; the outcome (text or a failure
    # with its reason) is what the user needs, and this process is ours to configure.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # Address space, not resident memory: a parser asking for too much gets a MemoryError
    # (or dies) in this worker alone, instead of the machine swapping or its OOM killer
    # choosing a victim. Inherited by tesseract and other helpers the worker starts. Set
    # after the imports, so that a low limit fails files, not the start of every worker.
    # Parsers are imported as files need them (a folder of text never loads OCR).
    resource.setrlimit(resource.RLIMIT_AS, (options.memory_limit_bytes, options.memory_limit_bytes))
    conn.send(True)  # imports done: the time limit starts counting from the first job
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            _load_parsers(conn, job.path)
            result = extract_file(job.path, job.name, replace(options, budget=job.budget))
        except ConnectionError:
            raise
        except OSError as exc:  # the blob itself cannot be read: say so, keep serving
            result = failed(
                "none",
                "",
                "",
                f"cannot be read: {exc.strerror}",
                "run `erfurt log check`: a preserved file should always be readable",
            )
        conn.send(result)


def _load_parsers(conn: Connection, path: Path) -> None:
    """Import what the file at ``path`` needs, telling the parent, which stops its clock."""
    missing = missing_parsers(path)
    if missing:
        conn.send(Notice.LOADING)
        for module in missing:
            importlib.import_module(module)
        conn.send(Notice.LOADED)
