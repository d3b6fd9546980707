"""The ``erfurt`` command line.

    $ erfurt init --archive ./my-archive
    $ erfurt add --archive ./my-archive reports/

Each command family lives in its own module; :func:`main` can be called from tests.
"""

from __future__ import annotations

from erfurt.cli.main import cli, main

__all__ = ["cli", "main"]
