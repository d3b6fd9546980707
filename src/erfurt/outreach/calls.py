"""Logging calls and looking numbers up, with the number only ever held in memory."""

from __future__ import annotations

from dataclasses import dataclass, replace

from erfurt.archive import Archive, Record, RegistrySecret, RequestTag, tagged
from erfurt.outreach.model import CALL_KIND, Call, check_outcome
from erfurt.outreach.phone import hash_phone, normalise_phone
from erfurt.outreach.stats import CallSeen, calls_under_other_keys, find_calls

__all__ = ["CallHistory", "LoggedCall", "check_number", "log_call"]


@dataclass(frozen=True, slots=True)
class CallHistory:
    """Earlier calls to one number, and how many calls this secret cannot match.

    ``other_key_calls`` counts calls logged under another registry secret: after the
    secret is lost or changed, they can no longer be matched to any number.
    """

    calls: tuple[CallSeen, ...]
    other_key_calls: int


@dataclass(frozen=True, slots=True)
class LoggedCall:
    """A logged call (its index and time) and the calls to that number before it."""

    log_index: int
    time: str
    outcome: str
    earlier: CallHistory


def check_number(
    archive: Archive, secret: RegistrySecret, number: str, region: str | None = None
) -> CallHistory:
    """Earlier calls to ``number`` (any common format). Raises InputError if invalid."""
    return _history(archive, secret, hash_phone(secret, normalise_phone(number, region)))


def log_call(
    archive: Archive,
    secret: RegistrySecret,
    *,
    number: str,
    outcome: str,
    volunteer: str | None = None,
    region: str | None = None,
    request: RequestTag | None = None,
) -> LoggedCall:
    """Log a call's outcome at the archive's time, the number as a keyed hash only.

    A ``request`` (:mod:`erfurt.archive.requests`) tags the record: sent again, it is
    answered with the call it logged first, and the calls before that one. Raises
    InputError for an invalid number or an unknown outcome (nothing is logged).
    """
    hashed = hash_phone(secret, normalise_phone(number, region))
    call = Call(
        number=hashed,
        key_id=secret.key_id,
        outcome=check_outcome(outcome),
        time=archive.now(),
        volunteer=(volunteer or "").strip() or None,
    )
    [index] = archive.append(tagged([Record(CALL_KIND, call.to_fields())], request))
    if request is not None:  # a retry is answered with the first request's call
        call = Call.from_fields(archive.record(index).fields)
    history = _history(archive, secret, hashed)
    earlier = tuple(seen for seen in history.calls if seen.log_index < index)
    return LoggedCall(index, call.time, call.outcome, replace(history, calls=earlier))


def _history(archive: Archive, secret: RegistrySecret, hashed: str) -> CallHistory:
    with archive.query_views() as db:
        return CallHistory(find_calls(db, hashed), calls_under_other_keys(db, secret.key_id))
