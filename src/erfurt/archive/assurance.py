"""What a verified receipt proves, and what it still leaves to trust in the operator.

A receipt's inclusion proof and signed checkpoint prove only that a record is in the log
of the key that signed it. When it was logged, and whether everyone was shown the same
log, need parties other than the operator: a Time-Stamping Authority's token and
witnesses' cosignatures on the checkpoint. :func:`assess` checks those the verifier asks
for (by their keys and roots) and says, in words and as JSON, what is proved and what
is not, so no reader takes a receipt for more than it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from erfurt.archive.canonical import JSON
from erfurt.archive.receipts import ReceiptCheck
from erfurt.archive.timestamps import Timestamp, verify_timestamps
from erfurt.archive.witnessing import Witnessed, check_cosignatures
from erfurt.errors import VerificationError
from erfurt.log import CosignatureVerifier, LogError, Verifier, split_note

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

__all__ = ["Assurance", "assess"]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Assurance:
    """A verified receipt's record, log and key, the timestamps and witnesses checked, and
    the names on signature lines that were not checked (no key or root was given)."""

    index: int
    kind: str
    record_time: str | None
    origin: str
    tree_size: int
    vkey: str
    key_pinned: bool
    timestamps: tuple[Timestamp, ...] = ()
    witnesses: tuple[Witnessed, ...] = ()
    unchecked: tuple[str, ...] = ()

    def proved(self) -> list[str]:
        """What is proved, one sentence each."""
        key = "the key you pinned" if self.key_pinned else "a key you have not pinned"
        lines = [
            f"record {self.index} ({self.kind}) is in the log of {self.origin} "
            f"at size {self.tree_size}, signed by {self.vkey.split('+')[0]} ({key})"
        ]
        lines += [
            f"logged no later than {_utc(s.time)} according to TSA {s.name}"
            for s in sorted(self.timestamps, key=lambda s: s.time)
        ]
        lines += [
            f"witness {w.name} cosigned this checkpoint (its clock: {_utc(w.time)})"
            for w in self.witnesses
        ]
        return lines

    def trusted(self) -> list[str]:
        """What the receipt leaves to trust in the operator (or others), one sentence each."""
        claimed = f"the record says {self.record_time}, " if self.record_time else ""
        if self.timestamps:
            earliest = _utc(min(s.time for s in self.timestamps))
            when = (
                f"how long before {earliest} it was logged: {claimed}"
                "which is the operator's own clock"
            )
        else:
            when = (
                f"when it was logged: {claimed}the operator's own clock; no timestamp by an "
                "outside authority was checked (give its root with --tsa-root)"
            )
        if self.witnesses:
            names = ", ".join(w.name for w in self.witnesses)
            view = (
                f"that the operator shows everyone this same log rests on the witnesses "
                f"({names}) being independent of it and honest"
            )
        else:
            view = (
                "that the operator shows everyone this same log: no witness cosignature was "
                "checked (give witness keys with --witness), so others could be shown another"
            )
        return [
            when,
            view,
            f"that {self.vkey.split('+')[0]} is the key of the organisation you think: "
            "compare it with the key it publishes",
            "that what the record says is true: the log proves it was logged and has not "
            "been altered since, not that it is accurate",
        ]

    def to_json(self) -> JSON:
        """The assessment as JSON: the facts, then ``proved`` and ``trusted`` in words."""
        return {
            "record": self.index,
            "kind": self.kind,
            "record_time": self.record_time,
            "log": self.origin,
            "tree_size": self.tree_size,
            "vkey": self.vkey,
            "key_pinned": self.key_pinned,
            "timestamps": [{"tsa": s.name, "no_later_than": _utc(s.time)} for s in self.timestamps],
            "witnesses": [{"name": w.name, "cosigned": _utc(w.time)} for w in self.witnesses],
            "unchecked_signatures": list(self.unchecked),
            "proved": self.proved(),
            "trusted": self.trusted(),
        }


def assess(
    receipt: ReceiptCheck,
    vkey: str,
    *,
    key_pinned: bool,
    witnesses: Sequence[CosignatureVerifier] = (),
    min_witnesses: int | None = None,
    tsa_roots: Sequence[Certificate] = (),
    source: str,
) -> Assurance:
    """Check a verified receipt's timestamps and cosignatures, and say what it proves.

    ``receipt`` was verified with ``vkey``. With ``witnesses``, at least ``min_witnesses``
    of them (default all) must have cosigned its checkpoint; with ``tsa_roots``, a TSA
    under one of them must have timestamped it. Raises :class:`VerificationError`
    naming ``source`` when they did not, or when a line by one of them is forged.
    """
    note = receipt.checkpoint_note
    witnessed: tuple[Witnessed, ...] = ()
    if witnesses:
        minimum = min_witnesses or len({w.name for w in witnesses})
        witnessed = check_cosignatures(note, witnesses, minimum, source=source)
    stamps: tuple[Timestamp, ...] = ()
    if tsa_roots:
        stamps = verify_timestamps(note, tsa_roots, source=source)
        if not stamps:
            raise VerificationError(
                f"{source}: no timestamp by a TSA under the root certificates given",
                "ask the archive's operator for a receipt made after its checkpoint was "
                "timestamped (`erfurt log attest`)",
            )
    try:
        signers = {s.name for s in split_note(note)[1]}
        log_key = Verifier.from_vkey(vkey).name
    except LogError as exc:
        raise VerificationError(f"{source}: {exc}") from exc
    checked = {log_key} | {w.name for w in witnessed} | {s.name for s in stamps}
    return Assurance(
        index=receipt.index,
        kind=receipt.record.kind,
        record_time=_record_time(receipt),
        origin=receipt.checkpoint.origin,
        tree_size=receipt.checkpoint.tree_size,
        vkey=vkey.strip(),
        key_pinned=key_pinned,
        timestamps=stamps,
        witnesses=witnessed,
        unchecked=tuple(sorted(signers - checked)),
    )


def _record_time(receipt: ReceiptCheck) -> str | None:
    time = receipt.record.fields.get("time")
    return time if isinstance(time, str) else None
