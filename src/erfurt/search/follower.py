"""The search index's follower: the process ``erfurt add`` starts to apply
``views/search.sqlite`` while it logs (see :mod:`erfurt.archive.follower`).

It opens the archive with the search view alone, so it starts in half the time the whole
command line takes to import: ``python -m erfurt.search.follower ARCHIVE search.sqlite``
(:data:`erfurt.search.FOLLOWER`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from erfurt.archive import Archive, follow
from erfurt.errors import ErfurtError
from erfurt.search.view import SearchView

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Follow the log of the archive ``argv[0]`` into the view files named after it (the
    search view's), until standard input ends; 1, and a message, if it cannot; 130 if
    interrupted."""
    root, *names = sys.argv[1:] if argv is None else argv
    try:
        with Archive.open(Path(root), views=[SearchView()], catch_up=False) as archive:
            follow(archive, names, sys.stdin.buffer)
    except ErfurtError as exc:
        print(f"erfurt: applying {', '.join(names)}: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130  # its transaction rolled back; the writer that started it says the rest
    return 0


if __name__ == "__main__":
    sys.exit(main())
