"""The log library's errors, said as archive errors with what to do about them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from erfurt.errors import ConfigError, IntegrityError
from erfurt.log import LogError, LogLockedError

__all__ = ["log_errors"]


@contextmanager
def log_errors(what: str) -> Iterator[None]:
    """Turn the log library's errors into archive errors, naming what was being done."""
    try:
        yield
    except LogLockedError as exc:
        raise ConfigError(
            f"{what}: another erfurt process is writing to this archive and did not finish in time",
            "run the command again later, or raise lock_wait in erfurt.toml",
        ) from exc
    except LogError as exc:
        raise IntegrityError(
            f"{what}: {exc}",
            "restore the named file from a backup or a mirror of the published log; "
            "`erfurt log check` checks everything",
        ) from exc
