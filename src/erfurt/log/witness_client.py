"""Asking a witness to cosign a checkpoint (the log's side of c2sp.org/tlog-witness).

:func:`request_cosignatures` submits the checkpoint with a consistency proof from the
size the witness last cosigned, learns that size from a 409 answer when it guessed wrong,
and returns only the cosignature lines that verify with the witness keys it was given:
lines by any other key are dropped, as the protocol requires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint
from .cosignature import Cosignature, CosignatureVerifier, add_signature_lines
from .cosignature import verify_cosignatures as _verify
from .errors import LogError, SignatureError
from .exchange import HttpUnreachableError, http_exchange
from .merkle import Hash
from .note import signature_line, split_note
from .witness import SIZE_CONTENT_TYPE, format_add_checkpoint

__all__ = [
    "CosignedCheckpoint",
    "WitnessAheadError",
    "WitnessError",
    "WitnessRefusedError",
    "WitnessUnavailableError",
    "request_cosignatures",
]

_MAX_ANSWER = 64 * 1024


class WitnessError(LogError):
    """A witness did not cosign; ``url`` names it."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"witness {url}: {message}")
        self.url = url


class WitnessUnavailableError(WitnessError):
    """The witness could not be reached, timed out, or failed on its side (5xx)."""


class WitnessRefusedError(WitnessError):
    """The witness refused the checkpoint (400, 403, 404, 422) or answered nonsense."""

    def __init__(self, url: str, message: str, status: int) -> None:
        super().__init__(url, message)
        self.status = status


class WitnessAheadError(WitnessError):
    """The witness has cosigned a larger tree than this log has: a rollback or a fork."""

    def __init__(self, url: str, message: str, size: int) -> None:
        super().__init__(url, message)
        self.size = size


@dataclass(frozen=True, slots=True)
class CosignedCheckpoint:
    """A witness's verified cosignature lines on a checkpoint, and what they say."""

    url: str
    lines: tuple[str, ...]
    cosignatures: tuple[Cosignature, ...]


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    if not url.startswith(("http://", "https://")):
        raise WitnessRefusedError(url, "is not an http:// or https:// address", 0)
    try:
        answer = http_exchange(
            url.rstrip("/") + "/add-checkpoint",
            body=body,
            content_type="text/plain; charset=utf-8",
            limit=_MAX_ANSWER,
            timeout=timeout,
        )
    except HttpUnreachableError as exc:
        raise WitnessUnavailableError(url, f"not reachable ({exc.reason})") from exc
    return answer.status, answer.content_type, answer.body[:_MAX_ANSWER]


def _witness_size(url: str, content_type: str, body: bytes) -> int:
    text = body.decode("ascii", errors="replace")
    if not content_type.startswith(SIZE_CONTENT_TYPE) or not text.endswith("\n"):
        raise WitnessRefusedError(url, "answered 409 without its tree size", 409)
    size = text[:-1]
    if not size.isdigit() or (size.startswith("0") and size != "0"):
        raise WitnessRefusedError(url, f"answered 409 with a malformed size {size!r}", 409)
    return int(size)


def _trusted_lines(
    url: str, note: bytes, answer: bytes, keys: Sequence[CosignatureVerifier]
) -> CosignedCheckpoint:
    try:
        _, signatures = split_note(b"x\n\n" + answer)
    except LogError as exc:
        raise WitnessRefusedError(url, f"answered 200 with malformed lines ({exc})", 200) from exc
    known = {(k.name, k.key_id) for k in keys}
    lines = tuple(signature_line(s.name, s.raw) for s in signatures if (s.name, s.key_id) in known)
    try:
        cosignatures = _verify(add_signature_lines(note, lines), keys) if lines else ()
    except SignatureError as exc:
        raise WitnessRefusedError(
            url, f"returned a cosignature that does not verify: {exc}", 200
        ) from exc
    if not cosignatures:
        names = ", ".join(sorted({k.name for k in keys}))
        raise WitnessRefusedError(url, f"returned no cosignature by its key ({names})", 200)
    return CosignedCheckpoint(url, lines, cosignatures)


def request_cosignatures(
    url: str,
    note: bytes,
    checkpoint: Checkpoint,
    keys: Sequence[CosignatureVerifier],
    consistency_proof: Callable[[int, int], Sequence[Hash]],
    *,
    known_size: int = 0,
    timeout: float = 10.0,
) -> CosignedCheckpoint:
    """Ask the witness at ``url`` to cosign ``note`` (whose body is ``checkpoint``).

    ``known_size`` is the size this log believes the witness last cosigned (0 if never);
    a 409 answer corrects it once. ``consistency_proof(old, new)`` proves the log between
    two sizes. Raises :class:`WitnessAheadError` if the witness holds a larger tree than
    the checkpoint's, :class:`WitnessRefusedError` or :class:`WitnessUnavailableError`.
    """
    size = checkpoint.tree_size
    old = min(known_size, size)
    for _attempt in range(2):
        proof = consistency_proof(old, size) if 0 < old < size else ()
        status, content_type, answer = _post(url, format_add_checkpoint(old, proof, note), timeout)
        if status == 200:
            return _trusted_lines(url, note, answer, keys)
        if status == 409:
            witness_size = _witness_size(url, content_type, answer)
            if witness_size > size:
                raise WitnessAheadError(
                    url,
                    f"has cosigned a tree of {witness_size} records, but this log's checkpoint "
                    f"has {size}: the log was rolled back, or someone showed the witness "
                    "another history",
                    witness_size,
                )
            old = witness_size
            continue
        reason = answer.decode("utf-8", errors="replace").strip()[:300]
        if status >= 500:
            raise WitnessUnavailableError(url, f"failed with HTTP {status}: {reason}")
        raise WitnessRefusedError(url, f"refused the checkpoint (HTTP {status}): {reason}", status)
    raise WitnessRefusedError(url, "kept answering 409 with a different size", 409)
