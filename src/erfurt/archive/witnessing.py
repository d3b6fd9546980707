"""Witnessing and monitoring: checkpoints cosigned by witnesses, published logs followed.

A receipt signed only with the operator's key proves what the operator's log says; it
cannot show that everyone was shown the same log. Each witness configured in
``erfurt.toml`` (``witnesses``) checks that a new checkpoint extends the last one it
cosigned and adds its cosignature; the cosignatures are kept on ``log/checkpoint``, so
receipts and packages made afterwards carry them and verify offline with
``erfurt verify --witness VKEY``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from erfurt.archive.archive import Archive
from erfurt.archive.keys import load_witness_keys
from erfurt.archive.receipts import load_verifier
from erfurt.errors import ConfigError, InputError, VerificationError
from erfurt.log import (
    Cosignature,
    CosignatureVerifier,
    LogError,
    Monitor,
    MonitorResult,
    Verifier,
    Witness,
    WitnessAheadError,
    WitnessError,
    request_cosignatures,
    split_note,
    verify_cosignatures,
)

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

__all__ = [
    "WitnessOutcome",
    "WitnessRound",
    "WitnessSpec",
    "Witnessed",
    "check_cosignatures",
    "monitor_published_log",
    "parse_witness_keys",
    "witness_checkpoint",
    "witness_server",
]


def parse_witness_keys(vkeys: Sequence[str], *, source: str) -> tuple[CosignatureVerifier, ...]:
    """Parse witness verifier keys; raises :class:`InputError` naming ``source``."""
    keys = []
    for vkey in vkeys:
        try:
            keys.append(CosignatureVerifier.from_vkey(vkey))
        except LogError as exc:
            raise InputError(
                f"{source}: {exc}",
                "a witness key looks like witness.example+1a2b3c4d+BAb3...; the witness's "
                "operator publishes it (`erfurt witness keygen` prints it)",
            ) from exc
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class WitnessSpec:
    """A configured witness: where to submit, and the keys its cosignatures must verify with."""

    url: str
    keys: tuple[CosignatureVerifier, ...]

    @classmethod
    def parse(cls, entry: str) -> WitnessSpec:
        """Parse a ``witnesses`` entry, ``URL VKEY [VKEY ...]``; raises :class:`ConfigError`."""
        url, *vkeys = entry.split()
        if not url.startswith(("http://", "https://")) or not vkeys:
            raise ConfigError(
                f"erfurt.toml: witness entry {entry!r} is not 'URL VKEY [VKEY ...]'",
                "add witnesses with `erfurt log witness add URL VKEY`",
            )
        try:
            keys = parse_witness_keys(vkeys, source=f"erfurt.toml: witness {url}")
        except InputError as exc:
            raise ConfigError(exc.message, exc.hint) from exc
        return cls(url, keys)

    def entry(self) -> str:
        """The ``witnesses`` entry for this witness."""
        return " ".join([self.url, *(k.vkey for k in self.keys)])


@dataclass(frozen=True, slots=True)
class WitnessOutcome:
    """What one witness did with the checkpoint."""

    url: str
    cosignatures: tuple[Cosignature, ...] = ()
    problem: str = ""
    fork_evidence: bool = False  # the witness holds a larger tree than the log

    def to_json(self) -> dict[str, object]:
        """``{url, cosigned: [{name, algorithm, timestamp}], problem, fork_evidence}``."""
        return {
            "url": self.url,
            "cosigned": [
                {"name": c.name, "algorithm": c.algorithm, "timestamp": c.timestamp}
                for c in self.cosignatures
            ],
            "problem": self.problem or None,
            "fork_evidence": self.fork_evidence,
        }


@dataclass(frozen=True, slots=True)
class WitnessRound:
    """One round of witnessing: the checkpoint's size, each witness's outcome, and whether
    the current checkpoint carries the cosignatures (not when the log moved on meanwhile:
    they are then kept with the older checkpoint only)."""

    tree_size: int
    outcomes: tuple[WitnessOutcome, ...]
    stored: bool


def witness_checkpoint(
    archive: Archive, *, timeout: float = 10.0, missing_only: bool = False
) -> WitnessRound:
    """Ask every configured witness to cosign the current checkpoint, and keep what they sign.

    With ``missing_only``, witnesses whose every key already cosigned it are not asked
    again. No witness is waited on for longer than ``timeout`` seconds; a witness that is down
    or refuses is reported, never an exception, so one bad witness cannot stop the others.
    The log is not locked while witnesses answer: appends go on, and if one happened the
    cosignatures are kept with the older checkpoint (``log/checkpoints/<size>``) and
    ``stored`` is False.
    """
    specs = [WitnessSpec.parse(entry) for entry in archive.config.witnesses]
    note = archive.checkpoint_note()
    if missing_only:
        present = {(s.name, s.key_id) for s in split_note(note)[1]}
        specs = [w for w in specs if not all((k.name, k.key_id) in present for k in w.keys)]
    checkpoint = archive.checkpoint
    outcomes = []
    lines: list[str] = []
    for spec in specs:
        try:
            cosigned = request_cosignatures(
                spec.url,
                note,
                checkpoint,
                spec.keys,
                archive.consistency_proof,
                timeout=timeout,
            )
        except WitnessAheadError as exc:
            outcomes.append(WitnessOutcome(spec.url, problem=str(exc), fork_evidence=True))
        except WitnessError as exc:
            outcomes.append(WitnessOutcome(spec.url, problem=str(exc)))
        else:
            lines += cosigned.lines
            outcomes.append(WitnessOutcome(spec.url, cosigned.cosignatures))
    stored = bool(lines) and archive.add_checkpoint_signatures(note, lines)
    return WitnessRound(checkpoint.tree_size, tuple(outcomes), stored)


@dataclass(frozen=True, slots=True)
class Witnessed:
    """A witness whose every key given cosigned a checkpoint, and when (its clock)."""

    name: str
    time: datetime


def check_cosignatures(
    note: bytes, keys: Sequence[CosignatureVerifier], minimum: int, *, source: str
) -> tuple[Witnessed, ...]:
    """Require cosignatures by at least ``minimum`` of the witnesses ``keys`` belong to.

    A witness counts once, and only if every key given for it cosigned (an Erfurt
    witness signs with its Ed25519 and its ML-DSA-44 key: give both to require both).
    Returns the witnesses that cosigned; raises :class:`VerificationError` naming
    ``source``.
    """
    try:
        found = verify_cosignatures(note, keys)
    except LogError as exc:
        raise VerificationError(f"{source}: {exc}") from exc
    signed = {(c.name, c.algorithm) for c in found}
    expected = sorted({k.name for k in keys})
    witnesses = [
        name
        for name in expected
        if all((k.name, k.algorithm) in signed for k in keys if k.name == name)
    ]
    if len(witnesses) < minimum:
        raise VerificationError(
            f"{source}: cosigned by {len(witnesses)} of the witnesses given "
            f"({', '.join(witnesses) or 'none'}), {minimum} required (of {', '.join(expected)})",
            "ask the archive's operator for a receipt made after its witnesses cosigned "
            "(`erfurt log witness submit`, then `erfurt prove` again)",
        )
    first = {name: min(c.timestamp for c in found if c.name == name) for name in witnesses}
    return tuple(Witnessed(name, datetime.fromtimestamp(first[name], UTC)) for name in witnesses)


def witness_server(
    key_path: Path, state: Path, log_vkeys: Sequence[str], host: str, port: int
) -> tuple[ThreadingHTTPServer, Witness]:
    """A witness server (not yet serving) with the keys in ``key_path``, for the logs whose
    verifier keys are ``log_vkeys``; raises :class:`ConfigError` or :class:`InputError`."""
    cosigners = load_witness_keys(key_path)
    logs: dict[str, list[Verifier]] = {}
    for vkey in log_vkeys:
        verifier = load_verifier(vkey, source="log key")
        logs.setdefault(verifier.name, []).append(verifier)
    service = Witness(state, cosigners, logs)
    # Imported here: the HTTP server brings in the standard library's HTTP stack (about
    # 20 ms), which only `erfurt witness serve` needs (erfurt.log loads it when asked).
    from erfurt.log import make_witness_server

    return make_witness_server(service, host, port), service


def monitor_published_log(url: str, vkey: str, state: Path) -> MonitorResult:
    """Check once that the log published at ``url`` extends what was seen before.

    What was seen is kept in ``state``. Raises :class:`InputError` for a malformed key,
    ``LogUnavailableError`` when the log cannot be read or does not verify with the key,
    and ``LogForkError`` (with both checkpoints kept as evidence) on a fork or rollback.
    """
    verifier = load_verifier(vkey, source="--vkey")
    return Monitor(url, verifier, state).check()
