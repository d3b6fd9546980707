"""The data behind each page and its API twin, filtered by what the caller may see.

Every function here returns plain JSON-ready dicts: the API sends them as they are and the
pages render them with templates, so the two cannot drift apart. A document of a
collection hidden from the caller is reported exactly like a missing one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, cast

from fastapi import HTTPException

from erfurt.archive import (
    JSON,
    Archive,
    CollectionRules,
    Principal,
    Record,
    ViewConnection,
    can,
)
from erfurt.declarations import DECLARATION_KIND, GROUPINGS, read_tally
from erfurt.errors import InputError
from erfurt.ingest import DocumentText, document_text
from erfurt.redaction import MASK, latest_redaction, published_passage, redactions
from erfurt.search import SearchHit, search
from erfurt.web.document_marks import mentions_by_page

PER_PAGE = 10
MAX_PAGE = 50
_PROBED = 1000  # redacted files looked at per search round (the most a search returns)
FORM_FILTERS = ("type", "added", "lang", "extractor")
"""The query language's filters a search form may give as fields of their own."""


def _not_found(index: int) -> HTTPException:
    return HTTPException(404, f"there is no document {index}")


def marked_parts(text: str, spans: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
    """``text`` cut at the (sorted, disjoint) ``spans``: each part's text and whether it
    is a match, for a template to mark without building HTML."""
    parts: list[dict[str, Any]] = []
    cursor = 0
    for start, end in spans:
        if start > cursor:
            parts.append({"text": text[cursor:start], "match": False})
        parts.append({"text": text[start:end], "match": True})
        cursor = end
    if cursor < len(text):
        parts.append({"text": text[cursor:], "match": False})
    return parts


def _hit(hit: SearchHit) -> dict[str, Any]:
    fragments = [
        {**f.to_json(), "parts": marked_parts(f.text, f.highlights)} for f in hit.fragments
    ]
    return {**hit.to_json(), "fragments": fragments}


def _published_hit(db: ViewConnection, hit: SearchHit) -> dict[str, Any] | None:
    """``hit`` as the public may see it: redacted passages masked, or None to leave it out.

    A redacted document is left out when nothing it matched is left to show, so a search
    for a redacted word does not tell that the document holds it.
    """
    if latest_redaction(db, hit.blob) is None:
        return _hit(hit)
    fragments = []
    for fragment in hit.fragments:
        text = published_passage(db, hit.blob, hit.text_record, fragment.start, fragment.text)
        if text is not None:
            shown = tuple(h for h in fragment.highlights if MASK not in text[h[0] : h[1]])
            fragments.append(replace(fragment, text=text, highlights=shown))
    if not any(f.highlights for f in fragments):
        return None
    return _hit(replace(hit, fragments=tuple(fragments), names=()))


@dataclass(frozen=True, slots=True)
class SearchAsked:
    """A search as a caller asked it, with what the caller may see decided: all a search
    process needs (see :mod:`erfurt.web.searching`)."""

    query: str
    collection: str | None
    page: int
    hidden: frozenset[str]
    staff: bool
    filters: tuple[tuple[str, str], ...] = ()  # (field, value): type, added, lang, extractor

    def full_query(self) -> str:
        """The query with the form's filters written in the query language."""
        return " ".join([self.query, *(f"{field}:{value}" for field, value in self.filters)])


def _form_filters(filters: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The non-empty ``filters`` as (field, value), each value one word of the query language."""
    given = []
    for field in FORM_FILTERS:
        value = filters.get(field, "").strip()
        if any(char.isspace() or char == '"' for char in value):
            raise InputError(
                f"the {field} filter {value!r} is more than one value",
                "give one value without spaces or quotes: a media type such as "
                "application/pdf, a date or range such as 2024-01..2024-06, a language such as zh, "
                "an extractor such as ocr",
            )
        if value:
            given.append((field, value))
    return tuple(given)


def ask_search(
    rules: CollectionRules,
    principal: Principal,
    query: str,
    *,
    collection: str | None = None,
    page: int = 1,
    filters: Mapping[str, str] | None = None,
) -> SearchAsked:
    """The search ``principal`` asks for; ``filters`` maps fields of :data:`FORM_FILTERS`
    to a value each ('' for none). Raises InputError for a page out of range or a filter
    value that is not one word."""
    if not 1 <= page <= MAX_PAGE:
        raise InputError(f"page {page} is out of range", f"give a page from 1 to {MAX_PAGE}")
    # Staff read the archive itself; what reaches anyone else is published.
    staff = can(principal, "read")
    given = _form_filters(filters or {})
    return SearchAsked(query, collection, page, rules.hidden_from(principal), staff, given)


def search_documents(
    archive: Archive,
    rules: CollectionRules,
    principal: Principal,
    query: str,
    *,
    collection: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """One page of hits the caller may see, and whether there is a next page.

    Hidden collections are dropped before counting or paging, so they change nothing a
    caller sees. Raises InputError for an empty or unusable query or a bad page.
    """
    asked = ask_search(rules, principal, query, collection=collection, page=page)
    return search_page(archive, asked)


def _masked_only(db: ViewConnection, asked: SearchAsked) -> frozenset[str]:
    """The files ``asked`` matches whose every shown match a redaction masks: left out
    for whoever is not staff, from the hits, the total and the facets alike."""
    redacted = frozenset(r.original for r in redactions(db))
    masked: set[str] = set()
    for offset in range(0, len(redacted), _PROBED):  # few files are redacted: one round
        found = search(
            cast(sqlite3.Connection, db),
            asked.full_query(),
            collection=asked.collection,
            hidden=asked.hidden,
            blobs=redacted,
            offset=offset,
            limit=_PROBED,
        )
        masked.update(h.blob for h in found.hits if _published_hit(db, h) is None)
    return frozenset(masked)


def search_page(archive: Archive, asked: SearchAsked) -> dict[str, Any]:
    """The page of hits ``asked`` for (see :func:`search_documents`). For anyone but
    staff, files whose only matches a redaction masks are left out before ranking and
    counting, and the passages shown are masked."""
    page = asked.page
    skipped = (page - 1) * PER_PAGE
    with archive.query_views() as db:
        masked = frozenset() if asked.staff else _masked_only(db, asked)
        found = search(
            cast(sqlite3.Connection, db),  # search picks its SQL by the connection's dialect
            asked.full_query(),
            collection=asked.collection,
            hidden=asked.hidden,
            exclude_blobs=masked,
            offset=skipped,
            limit=PER_PAGE + 1,
            facets=True,
        )
        hits = [_hit(h) if asked.staff else _published_hit(db, h) for h in found.hits]
    visible = [h for h in hits if h is not None]
    return {
        "query": asked.query,
        "collection": asked.collection,
        "filters": dict(asked.filters),
        "page": page,
        "has_next": len(visible) > PER_PAGE,
        "hits": visible[:PER_PAGE],
        "total": found.total,
        "total_exact": found.total_exact,
        "facets": found.facets.to_json() if found.facets else None,
    }


def visible_document(
    archive: Archive, rules: CollectionRules, principal: Principal, index: int
) -> Record:
    """The ``document.added`` record ``index`` if ``principal`` may see it (404 otherwise,
    a hidden document exactly like a missing one)."""
    archive.refresh()
    if not 0 <= index < archive.size:
        raise _not_found(index)
    record = archive.record(index)
    if record.kind != "document.added" or not rules.visible(principal, record["collection"]):
        raise _not_found(index)
    return record


def _custody_row(index: int, record: Record) -> dict[str, Any]:
    return {
        "record": index,
        "kind": record.kind,
        "time": record.get("time", ""),
        "who": record.get("who", ""),
        "name": record.get("name", record.get("extractor", "")),
    }


def document_page(
    archive: Archive, rules: CollectionRules, principal: Principal, index: int
) -> dict[str, Any]:
    """A document: its record, text per page with the persons and organisations named on
    each page, and custody chain (404 when not visible)."""
    record = visible_document(archive, rules, principal, index)
    text = document_text(archive, index)
    chain = [
        (i, r)
        for i, r in archive.custody(index)
        if r.kind != "document.added" or rules.visible(principal, r["collection"])
    ]
    # What was derived before the first sighting the caller may see was made for a
    # hidden one: its time would tell that a restricted collection holds the file.
    first = min(i for i, r in chain if r.kind == "document.added")
    custody = [_custody_row(i, r) for i, r in chain if i >= first]
    if text.record is not None and text.record < first:
        # Made for a copy hidden from the caller: shown ready at once, it would tell that
        # a hidden collection holds the file. Pending, as a new file's text would be,
        # until the extraction of the caller's copy is logged (web/extraction.py).
        text = DocumentText(index, "pending", children=text.children)
    return {
        "document": index,
        "name": record["name"],
        "collection": record["collection"],
        "media_type": record["media_type"],
        "size": record["size"],
        "blob": record["blob"],
        "time": record["time"],
        "who": record["who"],
        "status": text.status,
        "extractor": text.extractor,
        "pages": list(text.pages),
        "mentions": mentions_by_page(archive, record["blob"], text, rules.hidden_from(principal)),
        "custody": custody,
    }


def document_original(
    archive: Archive, rules: CollectionRules, principal: Principal, index: int
) -> tuple[str, BinaryIO]:
    """(file name, open file) of a visible document's original, checked against its digest."""
    record = visible_document(archive, rules, principal, index)
    return str(record["name"]), archive.open_blob(str(record["blob"]))


def document_receipt(
    archive: Archive, rules: CollectionRules, principal: Principal, index: int
) -> bytes:
    """The tlog-proof receipt of a visible document's record."""
    visible_document(archive, rules, principal, index)
    return archive.prove(index)


def tally(archive: Archive, by: str) -> dict[str, JSON]:
    """The public tally of declarations grouped ``by`` (total, day, month, organisation...)."""
    if by not in GROUPINGS:
        raise InputError(f"cannot group the tally by {by!r}", f"use one of {', '.join(GROUPINGS)}")
    result = read_tally(archive, by)
    return {
        "by": by,
        "total": {"declarations": result.total.declarations, "persons": result.total.persons},
        "rows": [
            {"key": r.key, "declarations": r.declarations, "persons": r.persons}
            for r in result.rows
        ],
    }


def declaration_receipt(archive: Archive, index: int) -> bytes:
    """The tlog-proof receipt of declaration record ``index`` (404 for any other record)."""
    archive.refresh()
    if not 0 <= index < archive.size or archive.record(index).kind != DECLARATION_KIND:
        raise HTTPException(404, f"there is no declaration record {index}")
    return archive.prove(index)
