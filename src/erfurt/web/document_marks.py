"""The names the document viewer marks in a document's text, page by page."""

from __future__ import annotations

from typing import Any

from erfurt.archive import Archive
from erfurt.entities import marked_mentions
from erfurt.ingest import DocumentText


def mentions_by_page(
    archive: Archive, source: str, text: DocumentText, hidden: frozenset[str]
) -> list[list[dict[str, Any]]]:
    """For each page of ``text`` (the extracted text of the document blob ``source``), the
    persons and organisations named on it, in text order, with offsets within the page;
    empty lists when the text is not extracted or no entities run read this text."""
    by_page: list[list[dict[str, Any]]] = [[] for _ in text.pages]
    if text.record is None or not text.pages:
        return by_page
    read = str(archive.record(text.record)["text"])
    for mark in marked_mentions(archive, source, read, text.pages, hidden=hidden):
        by_page[mark.page - 1].append(mark.to_json())
    return by_page
