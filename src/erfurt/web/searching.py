"""Searches in processes of their own, beside the one server process (``serve --search-processes``).

One Python process answers every request of ``erfurt serve``: a search's ranking,
snippets and facets hold its interpreter lock while 49 other clients wait. Searches only
read the views database, so they can run in other processes without touching the one
writer, the sessions, the rate limits or the screening batches the server keeps in
memory: the server decides what the caller may see (hidden collections, staff or
public), hands the search to a process, and renders the page it gets back.

The processes are started with ``spawn`` (forking a threaded server is unsafe), each
opening the archive read-only once.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from erfurt.archive import Archive
from erfurt.search import SearchView
from erfurt.web.queries import SearchAsked, search_page

__all__ = ["SearchProcesses", "search_json"]

_archive: Archive | None = None
"""The archive a search process reads (one per process)."""


def _open(path: Path, database: str | None) -> None:
    global _archive  # set once per process, by the pool's initializer
    # With the search view: its file is attached to every read connection.
    _archive = Archive.open(path, views=[SearchView()], catch_up=False, database=database)


def _ready() -> None:
    """Nothing: returns once its process has started and opened the archive."""


def _search(asked: SearchAsked) -> dict[str, Any]:
    assert _archive is not None, "the search process did not open its archive"
    return search_page(_archive, asked)


def _search_json(asked: SearchAsked) -> bytes:
    assert _archive is not None, "the search process did not open its archive"
    return search_json(_archive, asked)


def search_json(archive: Archive, asked: SearchAsked) -> bytes:
    """The page of hits ``asked`` for, as the API's JSON answer (encoded as FastAPI
    encodes a route's dict)."""
    page = search_page(archive, asked)
    return json.dumps(page, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class SearchProcesses:
    """``processes`` processes answering searches of the archive at ``path`` (its views
    in ``database`` when given), each started (and its archive open) before this returns."""

    def __init__(self, path: Path, processes: int, database: str | None = None) -> None:
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_open,
            initargs=(path, database),
        )
        # Started now, not by the first searches, which would wait seconds for a process
        # to spawn and open the archive (the p95 of a loaded run showed it). The pool
        # starts a process for each call no idle one can take: calls made at once, while
        # the first is still starting, start one each.
        for call in [self._pool.submit(_ready) for _ in range(processes)]:
            call.result()

    def search_page(self, asked: SearchAsked) -> dict[str, Any]:
        """The page of hits ``asked`` for, from a search process (waits for one to be free).

        Raises what the search raised there (an InputError for an unusable query).
        """
        return self._pool.submit(_search, asked).result()

    async def search_json(self, asked: SearchAsked) -> bytes:
        """The API's answer to ``asked``, made whole in a search process, awaited without
        holding a thread: the server only passes the bytes on. Raises as :meth:`search_page`."""
        return await asyncio.wrap_future(self._pool.submit(_search_json, asked))

    def close(self) -> None:
        """Stop the processes once the searches given them are answered."""
        self._pool.shutdown()
