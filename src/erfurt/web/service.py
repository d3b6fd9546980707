"""What a running server holds: the archive for reading, its one writer, the accounts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from erfurt.archive import (
    Accounts,
    Archive,
    CollectionRules,
    RegistrySecret,
    View,
    WriteQueue,
    load_registry_secret,
)
from erfurt.ingest import ExtractOptions, extract_pending
from erfurt.names import Entity, Matcher, load_matcher
from erfurt.web.staging import clean_staged


@dataclass(slots=True)
class _MatcherCache:
    size: int = -1
    matcher: Matcher | None = None
    entities: dict[str, Entity] = field(default_factory=dict)


class Service:
    """The archive a server serves. Reads go to :attr:`archive`; its appends go through
    :attr:`queue`, the archive's single writer; accounts and rules come from ``private/``.
    """

    def __init__(
        self,
        path: Path,
        views: Sequence[View],
        *,
        clock: Callable[[], float] = time.time,
        secret_file: Path | None = None,
    ) -> None:
        self.queue = WriteQueue(path, views=views).start()
        self.archive = Archive.open(path, views=views)
        clean_staged(self.archive.paths.uploads)  # what a crashed server left there
        self.archive.send_appends_to(self.queue.submit)
        self.accounts = Accounts.open(self.archive.paths, clock=clock)
        # Keys the hashes of phone numbers; without it the outreach routes answer 503.
        self.secret: RegistrySecret | None = None
        if secret_file is not None:
            self.secret = load_registry_secret(secret_file, archive_root=path, create=False)
        self.clock = clock
        self._matcher = _MatcherCache()
        self._matcher_lock = threading.Lock()
        self._extract_lock = threading.Lock()
        self._extractor: threading.Thread | None = None
        self._extract_again = False

    def close(self) -> None:
        """Finish background extraction and queued writes, and close everything."""
        with self._extract_lock:
            extractor = self._extractor
        if extractor is not None:
            extractor.join()
        self.queue.close()
        self.accounts.close()
        self.archive.close()

    def extract_in_background(self, who: str) -> None:
        """Extract the text of every document still waiting (uploads), one worker, in a
        thread; a request while it runs makes it go round once more. :meth:`close` waits.
        """
        with self._extract_lock:
            self._extract_again = True
            if self._extractor is None:
                self._extractor = threading.Thread(target=self._extract, args=(who,))
                self._extractor.start()

    def _extract(self, who: str) -> None:
        try:
            while True:
                with self._extract_lock:
                    if not self._extract_again:
                        self._extractor = None  # under the lock: no request is missed
                        return
                    self._extract_again = False
                options = ExtractOptions.from_config(self.archive.config)
                extract_pending(self.archive, options, who=who, workers=1)
        except BaseException:
            with self._extract_lock:
                self._extractor = None
            raise

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
