"""Recording incidents: checked citations, sealed names, edits, merges, copy marks.

Every write is a new record; nothing earlier changes. A cite is checked when it is made
(the record is a text extraction, the span lies inside its text) and keeps naming that
record: a newer extraction of the same document does not move it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from erfurt.archive import Archive, Record, RequestTag, SealingKey, load_sealing_key, tagged
from erfurt.errors import InputError
from erfurt.incidents.model import EDITED, RECORDED, Cite, Incident, SealedName
from erfurt.incidents.view import COPIED, MERGED, PUBLISHABLE, TEXT

__all__ = [
    "NAME_ROLES",
    "Passage",
    "add_incident",
    "check_cites",
    "check_incident",
    "current_incident",
    "edit_incident",
    "find_passages",
    "history",
    "mark_copy",
    "mark_publishable",
    "merge_incidents",
    "new_incident_id",
    "passages",
    "publishable_names",
    "seal_names",
    "stamp",
    "today",
    "with_names",
]

NAME_ROLES = ("harmed", "witness")
_NAME_PURPOSE = "incident.name"
_MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Passage:
    """What a cite shows: the field it supports, the cite, and the cited text (or note)."""

    field: str
    cite: Cite
    text: str
    document: str | None  # the blob the text was extracted from
    text_blob: str | None = None  # the blob of the whole extracted text


def today(archive: Archive) -> date:
    """The archive clock's day: later dates are refused."""
    return date.fromisoformat(archive.now()[:10])


def _text_of(archive: Archive, index: int) -> tuple[str, str, str]:
    """The extracted text at record ``index``, its document's blob and its own blob."""
    if not 0 <= index < archive.size:
        raise InputError(
            f"cite {index}: there is no record {index} (the log holds {archive.size:,})",
            "cite a text.extracted record: `erfurt show` lists a document's texts",
        )
    record = archive.record(index)
    if record.kind != TEXT:
        raise InputError(
            f"cite {index}: record {index} is a {record.kind}, not a text.extracted",
            "cite the record of the text the passage is in",
        )
    blob = str(record["text"])
    return archive.read_blob(blob).decode("utf-8"), str(record["source"]), blob


def check_cites(
    archive: Archive, cites: Iterable[Cite], lengths: dict[int, int] | None = None
) -> None:
    """Raise InputError unless every passage cite names a text record and a span inside it.

    ``lengths`` caches the length of each text read, across calls.
    """
    lengths = {} if lengths is None else lengths
    for cite in cites:
        if cite.record is None:
            continue
        if cite.record not in lengths:
            lengths[cite.record] = len(_text_of(archive, cite.record)[0])
        if cite.end > lengths[cite.record]:
            raise InputError(
                f"cite {cite}: the text of record {cite.record} has"
                f" {lengths[cite.record]:,} characters",
                "cite a span inside the text (character offsets, from 0)",
            )


def seal_names(key: SealingKey, names: Iterable[tuple[str, str]]) -> tuple[SealedName, ...]:
    """``(role, name)`` pairs sealed; the reference is over the name with spaces collapsed."""
    sealed = []
    for role, name in names:
        name = " ".join(name.split())
        if role not in NAME_ROLES or not name or len(name) > _MAX_NAME:
            raise InputError(
                f"a {role} name is empty, too long or of an unknown role",
                f"names are 1-{_MAX_NAME} characters, roles {', '.join(NAME_ROLES)}",
            )
        sealed.append(
            SealedName(role, key.reference(_NAME_PURPOSE, name), key.seal(_NAME_PURPOSE, name))
        )
    return tuple(sealed)


def check_incident(
    archive: Archive, incident: Incident, lengths: dict[int, int] | None = None
) -> None:
    """Raise InputError if ``incident``'s kind is not one of the archive's or a cite is bad."""
    kinds = archive.config.incident_kinds
    if incident.kind.value not in kinds:
        raise InputError(
            f"kind {incident.kind.value!r} is not one of this archive's incident kinds",
            f"use one of: {', '.join(kinds)} (or add it to incident_kinds in erfurt.toml)",
        )
    check_cites(archive, (c for _, c in incident.cites()), lengths)


def stamp(archive: Archive, kind: str, incident: Incident, who: str) -> Record:
    """The record of ``incident`` (``kind`` recorded or edited), at the archive's time."""
    return Record(kind, {**incident.to_fields(), "time": archive.now(), "who": who})


def new_incident_id() -> str:
    """A fresh incident id."""
    return f"I-{secrets.token_hex(6)}"


def add_incident(
    archive: Archive,
    incidents: Sequence[Incident],
    who: str,
    *,
    request: RequestTag | None = None,
) -> list[int]:
    """Record new incidents (one durable batch); returns their log indexes.

    A ``request`` (:mod:`erfurt.archive.requests`) tags the records: sent again, it is
    answered with the indexes of the incidents it recorded first. Raises InputError
    (nothing recorded) for an unknown kind, a bad cite, or an id already in use.
    """
    for incident in incidents:
        check_incident(archive, incident)
        if current_incident(archive, incident.id) is not None:
            raise InputError(f"incident {incident.id} exists", "edit it instead")
    return archive.append(tagged([stamp(archive, RECORDED, i, who) for i in incidents], request))


def edit_incident(
    archive: Archive,
    incidents: Sequence[Incident],
    who: str,
    *,
    request: RequestTag | None = None,
) -> list[int]:
    """Record new versions of existing incidents (the old versions stay in the log).

    A ``request`` tags the records, as for :func:`add_incident`."""
    for incident in incidents:
        check_incident(archive, incident)
        if current_incident(archive, incident.id) is None:
            raise InputError(f"no incident {incident.id}", "`erfurt incidents list` shows them")
    return archive.append(tagged([stamp(archive, EDITED, i, who) for i in incidents], request))


def current_incident(archive: Archive, incident: str) -> tuple[int, Incident] | None:
    """The latest version of ``incident`` and its record, or None."""
    with archive.query_views() as db:
        row = db.execute(
            "SELECT record FROM incidents_incident WHERE id = ?", (incident,)
        ).fetchone()
    if row is None:
        return None
    index = int(row[0])
    return index, Incident.from_fields(archive.record(index).fields, f"record {index}")


def history(archive: Archive, incident: str) -> list[int]:
    """The records of every version of ``incident``, oldest first."""
    with archive.query_views() as db:
        return [
            int(r)
            for (r,) in db.execute(
                "SELECT record FROM incidents_version WHERE id = ? ORDER BY record", (incident,)
            )
        ]


def _exists(archive: Archive, incident: str) -> str | None:
    with archive.query_views() as db:
        row = db.execute(
            "SELECT merged_into FROM incidents_incident WHERE id = ?", (incident,)
        ).fetchone()
    if row is None:
        raise InputError(f"no incident {incident}", "`erfurt incidents list` shows them")
    return None if row[0] is None else str(row[0])


def merge_incidents(archive: Archive, duplicate: str, into: str, reason: str, who: str) -> int:
    """Mark ``duplicate`` as reporting the same events as ``into``: it stops counting.

    Raises InputError for unknown incidents, the same one twice, or one already merged.
    """
    if duplicate == into:
        raise InputError("an incident cannot be merged into itself")
    for incident in (duplicate, into):
        if (target := _exists(archive, incident)) is not None:
            raise InputError(
                f"incident {incident} was merged into {target} already",
                f"merge into {target} instead" if incident == into else "nothing to do",
            )
    fields = {"duplicate": duplicate, "into": into, "reason": _reason(reason)}
    return _append_one(archive, MERGED, fields, who)


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise InputError("a reviewer's decision needs a reason", "give --reason")
    return reason


def _append_one(archive: Archive, kind: str, fields: dict[str, str], who: str) -> int:
    [index] = archive.append([Record(kind, {**fields, "time": archive.now(), "who": who})])
    return index


def mark_copy(archive: Archive, copy: int, original: int, reason: str, who: str) -> int:
    """Mark the document behind text record ``copy`` as a copy of the one behind ``original``.

    Raises InputError if either is not a text record, both are one document, or the
    document is already marked (a copy has one original; no cycles).
    """
    _, copy_blob, _ = _text_of(archive, copy)
    _, original_blob, _ = _text_of(archive, original)
    if copy_blob == original_blob:
        raise InputError("both records are texts of the same document: it is one source")
    with archive.query_views() as db:
        marked = db.execute("SELECT original FROM incidents_copy WHERE copy = ?", (copy_blob,))
        if marked.fetchone() is not None:
            raise InputError(f"document {copy_blob[:12]} is marked a copy already")
        chain, blob = {original_blob}, original_blob
        while (
            row := db.execute(
                "SELECT original FROM incidents_copy WHERE copy = ?", (blob,)
            ).fetchone()
        ) is not None:
            blob = str(row[0])
            if blob in chain:
                break
            chain.add(blob)
    if copy_blob in chain:
        raise InputError("the original is itself marked a copy of this document: a cycle")
    fields = {"copy": copy_blob, "original": original_blob, "reason": _reason(reason)}
    return _append_one(archive, COPIED, fields, who)


def mark_publishable(archive: Archive, name: str, reason: str, who: str) -> int:
    """Allow a sealed name to be published (its keyed reference must be in some incident)."""
    key = load_sealing_key(archive.paths, create=False)
    name = " ".join(name.split())
    ref = key.reference(_NAME_PURPOSE, name)
    with archive.query_views() as db:
        if db.execute("SELECT 1 FROM incidents_sealed WHERE ref = ?", (ref,)).fetchone() is None:
            raise InputError(
                "no incident names this person", "type the name exactly as it was recorded"
            )
    fields = {"ref": ref, "name": name, "reason": _reason(reason)}
    return _append_one(archive, PUBLISHABLE, fields, who)


def publishable_names(archive: Archive, refs: Iterable[str]) -> dict[str, str]:
    """The names reviewers allowed to be published, by reference, among ``refs``."""
    with archive.query_views() as db:
        return {
            ref: str(row[0])
            for ref in refs
            if (
                row := db.execute(
                    "SELECT name FROM incidents_name WHERE ref = ?", (ref,)
                ).fetchone()
            )
        }


def passages(archive: Archive, incident: Incident) -> list[Passage]:
    """Every cite of ``incident`` with the text it cites, from the very record it names."""
    shown = []
    for field, cite in incident.cites():
        if cite.record is None:
            shown.append(Passage(field, cite, cite.note or "", None))
        else:
            text, document, blob = _text_of(archive, cite.record)
            shown.append(Passage(field, cite, text[cite.start : cite.end], document, blob))
    return shown


def with_names(archive: Archive, incident: Incident, names: Sequence[tuple[str, str]]) -> Incident:
    """``incident`` with ``names`` sealed under the archive's key (created on first use)."""
    if not names:
        return incident
    key = load_sealing_key(archive.paths, create=True)
    return replace(incident, names=incident.names + seal_names(key, names))


def find_passages(
    archive: Archive, phrase: str, record: int | None = None, limit: int = 10
) -> list[Cite]:
    """Cites of ``phrase`` in text record ``record``, or in the texts logged (newest
    first), at most ``limit``: how a reviewer finds what to cite."""
    if not phrase.strip():
        raise InputError("the phrase to find is empty")
    if record is None:
        with archive.query_views() as db:
            records = [
                int(r)
                for (r,) in db.execute("SELECT record FROM incidents_text ORDER BY record DESC")
            ]
    else:
        records = [record]
    found: list[Cite] = []
    for index in records:
        text, _, _ = _text_of(archive, index)
        start = text.find(phrase)
        while start >= 0 and len(found) < limit:
            found.append(Cite(index, start, start + len(phrase)))
            start = text.find(phrase, start + 1)
        if len(found) >= limit:
            break
    return found
