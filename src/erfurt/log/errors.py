"""The errors :mod:`erfurt.log` raises.

Every error is a :class:`LogError` whose message names the input (a file path relative
to the log directory, a line of a note, a position in a bundle) and what is wrong::

    LogError
    ├── FormatError            a note, checkpoint, key, proof file, tile or bundle is malformed
    ├── SignatureError         a note has no valid signature by a trusted key, or a bad one
    ├── ProofError             a Merkle proof does not verify (names the RFC 9162 check)
    │   ├── InclusionProofError
    │   └── ConsistencyProofError
    ├── LogLockedError         another writer holds the log's lock
    └── CorruptLogError        a file of the log is missing, altered or inconsistent
"""

from __future__ import annotations

__all__ = [
    "ConsistencyProofError",
    "CorruptLogError",
    "FormatError",
    "InclusionProofError",
    "LogError",
    "LogLockedError",
    "ProofError",
    "SignatureError",
]


class LogError(Exception):
    """Base of every error raised by :mod:`erfurt.log`."""


class FormatError(LogError):
    """A note, checkpoint, key, proof file, tile or entry bundle is malformed."""


class SignatureError(LogError):
    """A signed note has no valid signature by a trusted key, or a bad one by a known key."""


class ProofError(LogError):
    """A Merkle proof does not verify; the message names the failed check."""


class InclusionProofError(ProofError):
    """An inclusion proof (RFC 9162 §2.1.3) does not verify."""


class ConsistencyProofError(ProofError):
    """A consistency proof (RFC 9162 §2.1.4) does not verify."""


class LogLockedError(LogError):
    """Another writer holds the log's lock."""


class CorruptLogError(LogError):
    """A file of the log is missing, altered, truncated or inconsistent with the checkpoint."""
