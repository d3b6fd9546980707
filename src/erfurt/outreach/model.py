"""A logged call: a keyed hash of the number, the outcome, the volunteer, the time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from erfurt.archive import JSON
from erfurt.errors import InputError

__all__ = ["CALL_KIND", "OUTCOMES", "Call", "Outcome", "check_outcome"]

CALL_KIND = "outreach.call"

Outcome = Literal["hung-up", "abusive", "listened", "thanked", "declared"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


@dataclass(frozen=True, slots=True)
class Call:
    """One call as logged; ``number`` is the keyed hash, never the number."""

    number: str
    key_id: str
    outcome: Outcome
    time: str
    volunteer: str | None = None

    def to_fields(self) -> dict[str, JSON]:
        """The record fields (without ``kind`` and ``v``)."""
        fields: dict[str, JSON] = {
            "number": self.number,
            "key": self.key_id,
            "outcome": self.outcome,
            "time": self.time,
        }
        if self.volunteer is not None:
            fields["volunteer"] = self.volunteer
        return fields

    @classmethod
    def from_fields(cls, fields: Mapping[str, JSON]) -> Call:
        """The call an ``outreach.call`` record holds (its version already checked).

        Raises InputError for an unknown outcome.
        """
        volunteer = fields.get("volunteer")
        return cls(
            number=str(fields["number"]),
            key_id=str(fields["key"]),
            outcome=check_outcome(str(fields["outcome"])),
            time=str(fields["time"]),
            volunteer=None if volunteer is None else str(volunteer),
        )


def check_outcome(text: str) -> Outcome:
    """``text`` as an outcome; raises InputError if it is not one."""
    if text not in OUTCOMES:
        raise InputError(f"unknown outcome {text!r}", f"use one of: {', '.join(OUTCOMES)}")
    return text
