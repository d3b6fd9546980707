"""An incident as the log holds it: every value a claim citing passages or a reviewer's note.

Values are typed as ``VALUE@CITES`` (in options and CSV cells alike), CITES being one or
more of ``RECORD:START-END`` (a text.extracted record and a character span of its text)
or ``note:TEXT`` separated by ``|``: ``3@12:40-58|14:0-22``, ``killing@note:reviewer``.

Sources that disagree are kept as separate claims, never averaged: counts become a range
(lowest to highest claim), dates a period covering every claim; either makes the
incident *disputed*.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from erfurt.archive import JSON
from erfurt.errors import InputError, IntegrityError

__all__ = [
    "INCIDENT_KINDS",
    "STATUSES",
    "Cite",
    "Claim",
    "CountClaim",
    "DateClaim",
    "Incident",
    "SealedName",
    "Status",
    "copy_root",
    "parse_cites",
    "parse_count_claim",
    "parse_date_claim",
    "parse_value_claim",
    "status_of",
]

RECORDED, EDITED = "incident.recorded", "incident.edited"
INCIDENT_KINDS = frozenset({RECORDED, EDITED})
Status = Literal["reported", "corroborated", "disputed"]
STATUSES: tuple[Status, ...] = ("reported", "corroborated", "disputed")
Precision = Literal["day", "month", "year", "before"]
_MAX_TEXT = 2_000


@dataclass(frozen=True, slots=True)
class Cite:
    """A passage (text record, character span) or, with ``record`` None, a reviewer's note."""

    record: int | None = None
    start: int = 0
    end: int = 0
    note: str | None = None

    @classmethod
    def parse(cls, text: str, what: str) -> Cite:
        """``RECORD:START-END`` or ``note:TEXT`` (how cites are typed and stored).

        Raises InputError saying how to write a cite.
        """
        hint = "cite as RECORD:START-END (a text record and a character span) or note:TEXT"
        if text.startswith("note:"):
            note = text[5:].strip()
            if not note:
                raise InputError(f"{what}: an empty note", hint)
            return cls(note=note)
        record, _, span = text.partition(":")
        start, _, end = span.partition("-")
        if not all(part.isascii() and part.isdigit() for part in (record, start, end)):
            raise InputError(f"{what}: {text!r} is not a cite", hint)
        if int(end) <= int(start):
            raise InputError(f"{what}: the span {span} is empty", "the end comes after the start")
        return cls(int(record), int(start), int(end))

    def __str__(self) -> str:
        return (
            f"note:{self.note}" if self.record is None else f"{self.record}:{self.start}-{self.end}"
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """A text value (kind, place, a responsible unit) and what it cites; a responsible unit
    or person may name the entity (an id from `erfurt entities`) it is."""

    value: str
    cites: tuple[Cite, ...]
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class CountClaim:
    """How many people one set of sources says were harmed."""

    count: int
    cites: tuple[Cite, ...]


@dataclass(frozen=True, slots=True)
class DateClaim:
    """When, by one set of sources: first and last possible day ("" first for "before")."""

    first: str
    last: str
    precision: Precision
    cites: tuple[Cite, ...]


@dataclass(frozen=True, slots=True)
class SealedName:
    """A person's name, sealed: its role (harmed, witness), keyed reference and ciphertext."""

    role: str
    ref: str
    sealed: str


def parse_cites(text: str, what: str) -> tuple[Cite, ...]:
    """``RECORD:START-END|note:TEXT|...`` as cites. Raises InputError saying how to write them."""
    return tuple(Cite.parse(part.strip(), what) for part in text.split("|"))


def _split(text: str, what: str) -> tuple[str, tuple[Cite, ...]]:
    if len(text) > _MAX_TEXT:
        raise InputError(f"{what}: {len(text):,} characters, more than {_MAX_TEXT:,}")
    value, at, cites = text.partition("@")
    if not at or not cites.strip():
        raise InputError(
            f"{what}: {text!r} cites no source",
            "every value cites its passages: VALUE@RECORD:START-END or VALUE@note:TEXT",
        )
    if not value.strip():
        raise InputError(f"{what}: the value before @ is empty")
    return " ".join(value.split()), parse_cites(cites, what)


def parse_value_claim(text: str, what: str) -> Claim:
    """``VALUE@CITES`` as a claim."""
    value, cites = _split(text, what)
    return Claim(value, cites)


def parse_count_claim(text: str, what: str = "harmed") -> CountClaim:
    """``COUNT@CITES`` as a count claim (a whole number, 0 or more)."""
    value, cites = _split(text, what)
    if not (value.isascii() and value.isdigit()):
        raise InputError(f"{what}: {value!r} is not a count", "write a whole number, e.g. 3@12:0-9")
    return CountClaim(int(value), cites)


def _day_bounds(text: str, what: str) -> tuple[str, str, Precision]:
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(parts) == 3 and len(parts[0]) == 4:
            day = date(*numbers)
            return day.isoformat(), day.isoformat(), "day"
        if len(parts) == 2 and len(parts[0]) == 4:
            year, month = numbers
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1).isoformat(), date(year, month, last).isoformat(), "month"
        if len(parts) == 1 and len(parts[0]) == 4:
            return f"{numbers[0]:04d}-01-01", f"{numbers[0]:04d}-12-31", "year"
    except ValueError:
        pass
    raise InputError(
        f"{what}: {text!r} is not a date", "write YYYY-MM-DD, YYYY-MM or YYYY (or before DATE)"
    )


_COARSER: dict[str, int] = {"day": 0, "month": 1, "year": 2}


def parse_date_claim(text: str, today: date, what: str = "date") -> DateClaim:
    """``DATE@CITES``: a day, month or year, ``A..B`` (a range), or ``before DATE``.

    Raises InputError for a malformed date, a range ending before it begins, or a date
    after ``today``.
    """
    value, cites = _split(text, what)
    if value.lower().startswith("before "):
        _, last, _ = _day_bounds(value[7:].strip(), what)
        first, precision = "", "before"
    else:
        low, _, high = value.partition("..")
        first, _, p1 = _day_bounds(low.strip(), what)
        _, last, p2 = _day_bounds((high or low).strip(), what)
        precision = max(p1, p2, key=_COARSER.__getitem__)
        if last < first:
            raise InputError(
                f"{what}: {value!r} ends before it begins",
                "write the range earliest first; sources that disagree are separate dates",
            )
    if first > today.isoformat():
        raise InputError(f"{what}: {value!r} is in the future", "check the year")
    return DateClaim(first, last, precision, cites)  # type: ignore[arg-type]


def _cites(value: Any, source: str) -> tuple[Cite, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
        raise IntegrityError(f"{source}: a value cites nothing, or not as text")
    try:
        return tuple(Cite.parse(c, source) for c in value)
    except InputError as exc:
        raise IntegrityError(exc.message) from exc


def _cites_json(cites: Iterable[Cite]) -> list[JSON]:
    return [str(c) for c in cites]


def _text_claim(value: Any, source: str) -> Claim:
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise IntegrityError(f"{source}: a value is not {{value, cite}}")
    entity = value.get("entity")
    if entity is not None and not isinstance(entity, str):
        raise IntegrityError(f"{source}: an entity link is not an id")
    return Claim(value["value"], _cites(value.get("cite"), source), entity)


def _responsible_json(claim: Claim) -> dict[str, JSON]:
    fields: dict[str, JSON] = {"value": claim.value, "cite": _cites_json(claim.cites)}
    if claim.entity is not None:
        fields["entity"] = claim.entity
    return fields


def _list(fields: Mapping[str, Any], name: str, source: str) -> list[Any]:
    value = fields.get(name)
    if not isinstance(value, list):
        raise IntegrityError(f"{source}: '{name}' is not a list")
    return value


@dataclass(frozen=True, slots=True)
class Incident:
    """One version of an incident, as recorded or edited."""

    id: str
    kind: Claim
    dates: tuple[DateClaim, ...]
    place: Claim
    harmed: tuple[CountClaim, ...]
    responsible: tuple[Claim, ...] = ()
    region: str | None = None
    names: tuple[SealedName, ...] = ()
    disputed: str | None = None
    key: str | None = None
    row: str | None = None

    @property
    def first(self) -> str:
        """The earliest day any source gives ("" when a source says only "before")."""
        return min(d.first for d in self.dates)

    @property
    def last(self) -> str:
        """The latest day any source gives."""
        return max(d.last for d in self.dates)

    @property
    def harmed_range(self) -> tuple[int, int]:
        """The lowest and highest count the sources give (equal when they agree)."""
        counts = [c.count for c in self.harmed]
        return min(counts), max(counts)

    @property
    def conflict(self) -> bool:
        """Whether the sources disagree (counts, or dates that cannot all hold) or a
        reviewer marked it disputed."""
        low, high = self.harmed_range
        latest_first = max(d.first for d in self.dates)
        earliest_last = min(d.last for d in self.dates)
        return bool(self.disputed) or low != high or latest_first > earliest_last

    def cites(self) -> Iterable[tuple[str, Cite]]:
        """Every cite, with the field it supports."""
        yield from (("kind", c) for c in self.kind.cites)
        yield from (("date", c) for d in self.dates for c in d.cites)
        yield from (("place", c) for c in self.place.cites)
        yield from (("harmed", c) for h in self.harmed for c in h.cites)
        yield from (("responsible", c) for r in self.responsible for c in r.cites)

    def cited_records(self) -> set[int]:
        """The text records it cites."""
        return {c.record for _, c in self.cites() if c.record is not None}

    def to_fields(self) -> dict[str, JSON]:
        """The record fields (without time and who)."""
        fields: dict[str, JSON] = {
            "incident": self.id,
            "incident_kind": {"value": self.kind.value, "cite": _cites_json(self.kind.cites)},
            "dates": [
                {
                    "from": d.first,
                    "to": d.last,
                    "precision": d.precision,
                    "cite": _cites_json(d.cites),
                }
                for d in self.dates
            ],
            "place": {"value": self.place.value, "cite": _cites_json(self.place.cites)},
            "harmed": [{"count": h.count, "cite": _cites_json(h.cites)} for h in self.harmed],
            "responsible": [_responsible_json(r) for r in self.responsible],
        }
        if self.region:
            fields["region"] = self.region
        if self.names:
            fields["names"] = [
                {"role": n.role, "ref": n.ref, "sealed": n.sealed} for n in self.names
            ]
        if self.disputed:
            fields["disputed"] = self.disputed
        if self.key:
            fields["key"] = self.key
        if self.row:
            fields["row"] = self.row
        return fields

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any], source: str) -> Incident:
        """Read an incident.recorded or incident.edited record's fields.

        Raises IntegrityError naming ``source`` when they are malformed.
        """
        try:
            dates = tuple(
                DateClaim(d["from"], d["to"], d["precision"], _cites(d["cite"], source))
                for d in _list(fields, "dates", source)
            )
            harmed = tuple(
                CountClaim(int(h["count"]), _cites(h["cite"], source))
                for h in _list(fields, "harmed", source)
            )
            names = tuple(
                SealedName(str(n["role"]), str(n["ref"]), str(n["sealed"]))
                for n in fields.get("names", [])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IntegrityError(f"{source}: malformed incident ({exc})") from exc
        if not dates or not harmed:
            raise IntegrityError(f"{source}: an incident needs a date and a count")
        region, disputed = fields.get("region"), fields.get("disputed")
        key, row = fields.get("key"), fields.get("row")
        return cls(
            id=str(fields["incident"]),
            kind=_text_claim(fields.get("incident_kind"), source),
            dates=dates,
            place=_text_claim(fields.get("place"), source),
            harmed=harmed,
            responsible=tuple(_text_claim(r, source) for r in _list(fields, "responsible", source)),
            region=str(region) if region else None,
            names=names,
            disputed=str(disputed) if disputed else None,
            key=str(key) if key else None,
            row=str(row) if row else None,
        )


def status_of(conflict: bool, sources: int) -> Status:
    """Disputed when sources disagree; corroborated by two or more independent sources."""
    if conflict:
        return "disputed"
    return "corroborated" if sources >= 2 else "reported"


def copy_root(blob: str, original_of: Callable[[str], str | None]) -> str:
    """The document ``blob`` copies, through chains of copies (a cycle stops the walk)."""
    seen = {blob}
    while (original := original_of(blob)) is not None and original not in seen:
        seen.add(original)
        blob = original
    return blob
