"""What a running server holds: the archive for reading, its one writer, the accounts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from erfurt.archive import (
    Accounts,
    Archive,
    CollectionRules,
    LinkedAccounts,
    RegistrySecret,
    View,
    WriteQueue,
    WriterAddress,
    WriterClient,
    load_registry_secret,
)
from erfurt.names import Entity, Matcher, load_matcher
from erfurt.web.extraction import BackgroundExtraction
from erfurt.web.queries import SearchAsked, search_page
from erfurt.web.searching import SearchProcesses, search_json
from erfurt.web.staging import clean_staged


@dataclass(slots=True)
class _MatcherCache:
    size: int = -1
    matcher: Matcher | None = None
    entities: dict[str, Entity] = field(default_factory=dict)


class WriterLoginLimits:
    """Login attempts counted by the writer process, so one limit holds for all its
    workers (``serve --jobs``) whichever a client reaches."""

    def __init__(self, writer: WriterClient) -> None:
        self._writer = writer

    def allow(self, key: str) -> bool:
        """Take one attempt for ``key``; False when its limit is used up. Raises
        ConfigError (a 503) when the writer cannot be reached: no attempt goes uncounted."""
        return self._writer.allow_login(key)


class Service:
    """The archive a server serves. Reads go to :attr:`archive`; its appends go through
    the archive's single writer: :attr:`queue` in this process, or the writer process at
    ``writer`` (``serve --workers``), which also extracts uploads; accounts and rules
    come from ``private/``, or with ``accounts_from_writer`` from that writer (a worker
    on another host: ``serve --join``). ``database`` overrides the archive's ``database`` setting,
    ``key_file`` where the writer finds the signing key (workers never need it).
    """

    def __init__(
        self,
        path: Path,
        views: Sequence[View],
        *,
        clock: Callable[[], float] = time.time,
        secret_file: Path | None = None,
        extraction_pause_s: float = 1.0,
        search_processes: int = 0,
        database: str | None = None,
        writer: WriterAddress | None = None,
        accounts_from_writer: bool = False,
        key_file: Path | None = None,
    ) -> None:
        self.queue: WriteQueue | None = None
        self._writer: WriterClient | None = None
        self.login_limits: WriterLoginLimits | None = None
        """Where login attempts are counted when another process writes: its writer."""
        if writer is None:
            self.queue = WriteQueue(path, views=views, database=database, key_file=key_file).start()
            self.archive = Archive.open(path, views=views, database=database)
            clean_staged(self.archive.paths.uploads)  # what a crashed server left there
            self.archive.send_appends_to(self.queue.submit)
        else:  # the writer process keeps the views caught up and cleans up
            self._writer = WriterClient(writer)
            self.login_limits = WriterLoginLimits(self._writer)
            self.archive = Archive.open(path, views=views, database=database, catch_up=False)
            self.archive.send_appends_to(self._writer.submit)
        self.accounts: Accounts | LinkedAccounts
        if self._writer is not None and accounts_from_writer:  # a worker on another host
            self.accounts = LinkedAccounts(self._writer.call)
        else:
            self.accounts = Accounts.open(self.archive.paths, clock=clock)
        # Keys the hashes of phone numbers; without it the outreach routes answer 503.
        self.secret: RegistrySecret | None = None
        if secret_file is not None:
            self.secret = load_registry_secret(secret_file, archive_root=path, create=False)
        self.clock = clock
        self._matcher = _MatcherCache()
        self._matcher_lock = threading.Lock()
        self.extraction: BackgroundExtraction | None = None
        if self._writer is None:
            self.extraction = BackgroundExtraction(self.archive, first_pause_s=extraction_pause_s)
            self.extraction.resume()
        self._searches = (
            SearchProcesses(path, search_processes, database) if search_processes else None
        )

    def close(self) -> None:
        """Finish background extraction and queued writes, and close everything."""
        if self.extraction is not None:
            self.extraction.close()
        if self._searches is not None:
            self._searches.close()
        if self.queue is not None:
            self.queue.close()
        if self._writer is not None:
            self._writer.close()
        self.accounts.close()
        self.archive.close()

    def extract_in_background(self, who: str) -> None:
        """Extract the text of every document still waiting (uploads) in a background
        thread (see :class:`~erfurt.web.extraction.BackgroundExtraction`), here or in
        the writer's process."""
        if self._writer is not None:
            self._writer.request(who)
        elif self.extraction is not None:
            self.extraction.request(who)

    def search(self, asked: SearchAsked) -> dict[str, Any]:
        """The page of hits ``asked`` for: from a search process when there are some, else
        here. Raises InputError for an unusable query."""
        if self._searches is not None:
            return self._searches.search_page(asked)
        return search_page(self.archive, asked)

    async def search_json(self, asked: SearchAsked) -> bytes:
        """The API's JSON answer to ``asked``: from a search process when there are some,
        else made here in a worker thread. Raises InputError for an unusable query."""
        if self._searches is not None:
            return await self._searches.search_json(asked)
        return await run_in_threadpool(search_json, self.archive, asked)

    def rules(self) -> CollectionRules:
        """The collection rules in force now (read per request: a change applies at once)."""
        return self.accounts.rules()

    def matcher(self) -> tuple[Matcher, dict[str, Entity]]:
        """The screening index and its entities by id, reloaded when the log has grown."""
        self.archive.refresh()
        with self._matcher_lock:
            cache = self._matcher
            if cache.matcher is None or cache.size != self.archive.size:
                matcher = load_matcher(self.archive)
                self._matcher = cache = _MatcherCache(
                    self.archive.size, matcher, {e.id: e for e in matcher.entities}
                )
            assert cache.matcher is not None
            return cache.matcher, cache.entities
