"""Errors that a user can act on.

Every error Erfurt raises for a reason the user can fix is an :class:`ErfurtError`:
it carries a ``message`` (what went wrong, naming the input) and a ``hint`` (what to
do next). The CLI and the HTTP API show these without a traceback; any other
exception is a bug.

    ErfurtError
    ├── ConfigError        the archive or its configuration is missing or malformed
    ├── InputError         a file, value or argument given by the user is unusable
    │   ├── IngestError    a file could not be preserved or its text extracted
    │   └── RequestConflictError  an idempotency key sent again with another request
    ├── IntegrityError     something on disk is not what the log says it is
    │   └── VerificationError  a receipt, package or proof does not verify
    ├── StorageError       an object store could not be reached or refused a request
    ├── EngineError        a distributed engine could not be reached, or lost a job
    └── MissingExtraError  an optional dependency is not installed

:mod:`erfurt.log` stands alone and raises its own ``LogError`` tree; the archive
converts those at its boundary.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "EngineError",
    "ErfurtError",
    "IngestError",
    "InputError",
    "IntegrityError",
    "MissingExtraError",
    "RequestConflictError",
    "StorageError",
    "VerificationError",
]


class ErfurtError(Exception):
    """Base of every error a user can act on."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(ErfurtError):
    """The archive or its configuration is missing or malformed."""


class InputError(ErfurtError):
    """A file, value or argument given by the user cannot be used."""


class IngestError(InputError):
    """A file could not be preserved, or its text could not be extracted."""


class RequestConflictError(InputError):
    """A write's idempotency key was already used for a request with another body."""


class IntegrityError(ErfurtError):
    """Something stored does not match what the log says it is."""


class VerificationError(IntegrityError):
    """A receipt, evidence package or proof does not verify."""


class StorageError(ErfurtError):
    """An object store (S3) could not be reached, or refused a request after retries."""


class EngineError(ErfurtError):
    """A distributed engine could not be reached, or lost a job's tasks past its retries."""


class MissingExtraError(ErfurtError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the Python package {package!r}, which is not installed",
            f"install it with: pip install 'erfurt[{extra}]'",
        )
