"""The views kept apart, applied by a process of their own while a writer appends.

The search index costs about as much to apply as every other view together, and one
Python process runs on one core. While ``erfurt add`` logs a folder of files, it leaves
the search index's file (``views/search.sqlite``, see :mod:`erfurt.archive.viewsync`)
to a follower: a process that opens the same archive, reads the checkpoint every
:data:`POLL_S` seconds and applies the new records to that file only. Each file has its
own write lock and ``view_state``, so neither process waits for the other.

The writer tells the follower to stop by closing its standard input (a writer that dies
closes it too); the follower catches up with the last checkpoint and exits. The writer
then waits for it and catches up every view itself, so a follower that failed to start
or died costs time, never a record: the files stay what a replay of the log gives.
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from erfurt.archive.archive import Archive

__all__ = ["FOLLOW_CHUNK", "POLL_S", "follow", "followed"]

_logger = logging.getLogger(__name__)

POLL_S = 0.05
"""How often the follower looks for new records while the writer appends."""

FOLLOW_CHUNK = 8_000
"""Records the follower applies per transaction when it is behind: four times a
catch-up's chunk. The search view's top-k counting, FTS5's segment flush and the commit
cost about as much for 1,000 documents as for 4,000, and no other process writes the
follower's file while `add` runs (docs/performance.md, "Small files, twelfth step")."""


@contextmanager
def followed(archive: Archive, command: Sequence[str]) -> Iterator[None]:
    """While in the block, a follower started with ``command`` (then the archive's
    folder and the names of the files it applies) keeps the views kept apart in step,
    and ``archive`` applies only the others. On leaving, waits for the follower to end,
    then catches every view up. Nothing is started when every view is in one file
    (PostgreSQL)."""
    apart = archive.view_files[1:]
    if not apart:
        yield
        return
    archive.catch_up()  # the files exist, with every table, before the follower opens them
    follower = subprocess.Popen(
        [*command, str(archive.paths.root), *(f.name for f in apart)],
        stdin=subprocess.PIPE,
        close_fds=True,
        # Its own process group: Ctrl-C at the terminal reaches the writer alone, which
        # decides what the follower does (a traceback from each process helps no one).
        process_group=0,
    )
    assert follower.stdin is not None
    try:
        with archive.leaving_views(apart):
            yield
    except BaseException:
        # Interrupted, or the writer failed: stopped at once rather than waited for. Its
        # transaction is rolled back, and the next command to open the archive applies
        # the rest of its views from the log.
        follower.terminate()
        follower.stdin.close()
        follower.wait()
        raise
    follower.stdin.close()
    if follower.wait() != 0:
        _logger.warning(
            "the process applying %s ended with status %d; applying them here",
            ", ".join(f.name for f in apart),
            follower.returncode,
        )
    archive.refresh()
    archive.catch_up()


def follow(archive: Archive, names: Sequence[str], stop: IO[bytes]) -> None:
    """Apply the views of the files ``names`` (of ``archive.view_files``) as the log
    grows, until ``stop`` (the writer's pipe) reaches its end; then catch up once more."""
    wanted = set(names)
    others = [f for f in archive.view_files if f.name not in wanted]
    with archive.leaving_views(others):
        growing, seen = True, -1
        while True:
            # A pause only once the log stopped growing: while the writer appends, each
            # pause would be time the follower is behind and idle.
            ended = _ended(stop, 0.0 if growing else POLL_S)
            archive.refresh()
            growing, seen = archive.size != seen, archive.size
            archive.catch_up(per_transaction=FOLLOW_CHUNK)
            if ended:
                return


def _ended(stream: IO[bytes], timeout: float) -> bool:
    """Whether ``stream`` reached its end, waiting up to ``timeout`` seconds for it."""
    readable, _, _ = select.select([stream], [], [], timeout)
    return bool(readable) and not os.read(stream.fileno(), 4096)
