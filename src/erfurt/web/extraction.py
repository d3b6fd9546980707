"""The server's background extraction: the text of uploads, one worker, in a thread.

An upload is preserved (and acknowledged) before its text is extracted, so a failed
extraction loses nothing: the file stays pending in the views. When a run fails (a
worker that died while starting, a full disk), the failure is
logged with its message and hint and the run is tried again after a pause that doubles
up to :data:`MAX_PAUSE_S`. A server that starts with files still pending (it stopped
or crashed before extracting them) extracts them at once.

A file uploaded into a collection that held no copy of it when its text was extracted
(perhaps only a collection hidden from the uploader holds one) is extracted again, like
a new file: its document page shows the text once that extraction is logged
(:func:`erfurt.web.queries.document_page`), so a text ready at once cannot tell the
uploader that a hidden collection already holds the file.
"""

from __future__ import annotations

import logging
import threading

from erfurt.archive import Archive
from erfurt.errors import ErfurtError
from erfurt.ingest import ExtractOptions, any_pending, extract_pending

__all__ = ["MAX_PAUSE_S", "BackgroundExtraction"]

_logger = logging.getLogger("erfurt.web.extraction")

MAX_PAUSE_S = 300.0
"""The longest pause between two tries of a failing extraction run."""

_SERVER_WHO = "(server)"  # who asked for the extractions a server starts by itself


class BackgroundExtraction:
    """Extracts what is pending in ``archive`` in a thread, on request.

    A request while a run goes on makes the thread go round once more. ``first_pause_s``
    is the pause after the first failure; each failure in a row doubles it.
    """

    def __init__(self, archive: Archive, *, first_pause_s: float = 1.0) -> None:
        self._archive = archive
        self._first_pause = first_pause_s
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._again = False
        self._who = _SERVER_WHO
        self.failures = 0
        """How many runs have failed since the server started."""

    def resume(self) -> None:
        """Start extracting what an earlier server left pending, if anything."""
        if any_pending(self._archive, resighted=True):
            self.request(_SERVER_WHO)

    def request(self, who: str) -> None:
        """Extract everything pending, logging ``who`` as the one who asked."""
        with self._lock:
            self._again = True
            self._who = who
            if self._thread is None and not self._closing.is_set():
                self._thread = threading.Thread(target=self._run, name="erfurt-extraction")
                self._thread.start()

    def close(self) -> None:
        """Let a run under way finish, try no failed run again, and wait for the thread.

        What is still pending then is extracted by the next server (see :meth:`resume`).
        """
        self._closing.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        pause = self._first_pause
        while True:
            with self._lock:
                if not self._again:
                    self._thread = None  # under the lock: no request is missed
                    return
                self._again = False
                who = self._who
            if self._extract(who):
                pause = self._first_pause
                continue
            with self._lock:
                self._again = True  # the files are still pending
            if self._closing.wait(pause):
                with self._lock:
                    self._thread = None
                return
            pause = min(pause * 2, MAX_PAUSE_S)

    def _extract(self, who: str) -> bool:
        """One run over everything pending; False (the failure logged) if it failed."""
        try:
            options = ExtractOptions.from_config(self._archive.config)
            extract_pending(self._archive, options, who=who, workers=1, keep=False, resighted=True)
        except ErfurtError as exc:
            self.failures += 1
            _logger.warning(
                "extracting the text of uploaded files failed: %s; the files stay pending "
                "and are tried again",
                exc,
            )
            return False
        except Exception:  # a bug or the system: the thread must live on all the same
            self.failures += 1
            _logger.exception("extracting the text of uploaded files failed; tried again")
            return False
        return True
