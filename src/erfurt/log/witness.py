"""A transparency-log witness (c2sp.org/tlog-witness): check, remember, cosign.

A witness keeps, per log origin, the latest checkpoint it cosigned. A log submits each
new checkpoint with a consistency proof from that size; the witness cosigns only if the
new tree extends the old one, so two witnesses that cosigned the same size agree on its
root, and a log cannot show different histories to different people without a witness
refusing. The HTTP side is in :mod:`erfurt.log.witness_server`; this module is the
protocol (request format, status codes) and the state.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checkpoint import Checkpoint
from .cosignature import Cosigner
from .durable import DurableWriter
from .errors import ConsistencyProofError, FormatError, LogError, SignatureError
from .merkle import EMPTY_ROOT, Hash
from .note import Verifier, b64decode_strict, open_note, split_note
from .verify import verify_consistency

__all__ = [
    "MAX_PROOF_LINES",
    "AddCheckpoint",
    "Witness",
    "WitnessResponse",
    "format_add_checkpoint",
    "parse_add_checkpoint",
]

MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    """An add-checkpoint request: the size the log believes the witness has, a proof, a note."""

    old_size: int
    proof: tuple[Hash, ...]
    note: bytes


def format_add_checkpoint(old_size: int, proof: Sequence[Hash], note: bytes) -> bytes:
    """The body of an add-checkpoint request."""
    if len(proof) > MAX_PROOF_LINES:
        raise FormatError(f"add-checkpoint: {len(proof)} proof lines, at most {MAX_PROOF_LINES}")
    lines = [f"old {old_size}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("".join(line + "\n" for line in lines) + "\n").encode("ascii") + note


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse an add-checkpoint request body strictly; raises FormatError naming the line."""
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise FormatError("add-checkpoint: no blank line before the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError as exc:
        raise FormatError("add-checkpoint: the lines before the checkpoint are not ASCII") from exc
    match = _OLD.fullmatch(lines[0])
    if not match:
        raise FormatError("add-checkpoint line 1: expected 'old <size>' without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise FormatError(f"add-checkpoint: more than {MAX_PROOF_LINES} proof lines")
    proof = []
    for number, text in enumerate(lines[1:], start=2):
        raw = b64decode_strict(text, f"add-checkpoint line {number}")
        if len(raw) != 32:
            raise FormatError(f"add-checkpoint line {number}: hash is {len(raw)} bytes, not 32")
        proof.append(Hash(raw))
    return AddCheckpoint(int(match.group(1)), tuple(proof), note)


@dataclass(frozen=True, slots=True)
class WitnessResponse:
    """What the witness answers: an HTTP status, a body and its content type."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"

    @classmethod
    def error(cls, status: int, message: str) -> WitnessResponse:
        """A refusal, with a one-line reason."""
        return cls(status, (message.rstrip("\n") + "\n").encode("utf-8"))


class Witness:
    """A witness's state folder, its keys and the logs it follows.

    ``logs`` maps each log origin to the verifier keys trusted for it. The latest cosigned
    checkpoint of each log is kept in ``state/logs/<sha256(origin)>``; the check and the
    update happen under one lock (threads and processes), and the file is replaced
    atomically and synced before the cosignature is returned. Refused checkpoints that
    were properly signed are kept under ``state/evidence/`` as proof of misbehaviour.
    """

    def __init__(
        self,
        state: Path,
        cosigners: Sequence[Cosigner],
        logs: Mapping[str, Sequence[Verifier]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not cosigners:
            raise ValueError("a witness needs at least one signing key")
        self.state = state
        self.cosigners = tuple(cosigners)
        self.logs = {origin: tuple(keys) for origin, keys in logs.items()}
        self._clock = clock
        self._thread_lock = threading.Lock()
        for sub in ("logs", "evidence", "tmp"):
            (state / sub).mkdir(parents=True, exist_ok=True)
        self._writer = DurableWriter(state, state / "tmp")

    def _path(self, origin: str) -> Path:
        return self.state / "logs" / hashlib.sha256(origin.encode("utf-8")).hexdigest()

    def latest(self, origin: str) -> Checkpoint | None:
        """The latest checkpoint this witness cosigned for ``origin``, if any."""
        try:
            note = self._path(origin).read_bytes()
        except FileNotFoundError:
            return None
        text, _ = split_note(note)
        return Checkpoint.from_text(text)

    def add_checkpoint(self, body: bytes) -> WitnessResponse:
        """Handle one add-checkpoint request (the status codes of c2sp.org/tlog-witness)."""
        try:
            request = parse_add_checkpoint(body)
            text, _ = split_note(request.note)
            checkpoint = Checkpoint.from_text(text)
        except LogError as exc:
            return WitnessResponse.error(400, str(exc))
        keys = self.logs.get(checkpoint.origin)
        if keys is None:
            return WitnessResponse.error(404, f"unknown log origin {checkpoint.origin!r}")
        try:
            open_note(request.note, keys)
        except SignatureError as exc:
            return WitnessResponse.error(403, str(exc))
        except FormatError as exc:
            return WitnessResponse.error(400, str(exc))
        if request.old_size > checkpoint.tree_size:
            return WitnessResponse.error(
                400, f"old size {request.old_size} is larger than the checkpoint's"
            )
        with self._locked():
            return self._check_and_store(request, checkpoint, text)

    def _check_and_store(
        self, request: AddCheckpoint, checkpoint: Checkpoint, text: str
    ) -> WitnessResponse:
        latest = self.latest(checkpoint.origin)
        known_size = latest.tree_size if latest else 0
        if request.old_size != known_size:
            return WitnessResponse(409, f"{known_size}\n".encode("ascii"), SIZE_CONTENT_TYPE)
        if checkpoint.tree_size == 0 and checkpoint.root_hash != EMPTY_ROOT:
            return WitnessResponse.error(422, "a tree of size 0 must have the empty-tree root")
        if latest is None or request.old_size == 0:
            if request.proof:
                return WitnessResponse.error(422, "a proof from size 0 must be empty")
        else:
            try:
                verify_consistency(latest, checkpoint, request.proof)
            except ConsistencyProofError as exc:
                self._keep_evidence(request.note)
                return WitnessResponse.error(422, str(exc))
        self._store(checkpoint.origin, request.note)
        now = int(self._clock())
        lines = "".join(c.cosign(text, now) for c in self.cosigners)
        return WitnessResponse(200, lines.encode("utf-8"))

    def _keep_evidence(self, note: bytes) -> None:
        name = hashlib.sha256(note).hexdigest()
        self._writer.write({f"evidence/{name}": note})

    def _store(self, origin: str, note: bytes) -> None:
        self._writer.write({self._path(origin).relative_to(self.state).as_posix(): note})

    def _locked(self) -> _StateLock:
        return _StateLock(self.state / "lock", self._thread_lock)


class _StateLock:
    """Holds a thread lock and an exclusive ``flock`` on the state folder's lock file."""

    def __init__(self, path: Path, thread_lock: threading.Lock) -> None:
        self._path = path
        self._thread_lock = thread_lock
        self._fd = -1

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *_: object) -> None:
        os.close(self._fd)
        self._thread_lock.release()
