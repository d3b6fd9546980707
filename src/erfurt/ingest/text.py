"""A document's extracted text, pages and children, for showing it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from erfurt.archive import Archive
from erfurt.errors import InputError

__all__ = ["DocumentText", "document_text"]


@dataclass(frozen=True, slots=True)
class DocumentText:
    """What extraction made of one document.

    ``status`` is ``extracted``, ``failed`` or ``pending``; ``pages`` the text per page;
    ``children`` (record, name) of the files found inside it; when OCR read pages, the
    engines, models and the confidence (0-100, None where it did not run) per page.
    """

    document: int
    status: str
    extractor: str = ""
    extractor_version: str = ""
    record: int | None = None
    pages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str = ""
    hint: str = ""
    children: tuple[tuple[int, str], ...] = ()
    ocr_engines: tuple[str, ...] = ()
    ocr_models: tuple[str, ...] = ()
    ocr_confidence: tuple[int | None, ...] = ()


def document_text(archive: Archive, index: int) -> DocumentText:
    """The text, pages and children of document record ``index``.

    Raises InputError if record ``index`` is not a ``document.added`` record.
    """
    record = archive.record(index)
    if record.kind != "document.added":
        raise InputError(
            f"record {index} is a {record.kind} record, not a document",
            "give the index of a document.added record (see `erfurt add --json`)",
        )
    blob = record["blob"]
    with archive.query_views() as db:
        row = db.execute(
            "SELECT record, ok, extractor, extractor_version, text, reason, hint, warnings"
            " FROM extractions WHERE source = ?",
            (blob,),
        ).fetchone()
        children = db.execute(
            "SELECT record, name FROM documents WHERE parent IN"
            " (SELECT record FROM documents WHERE blob = ?) ORDER BY record",
            (blob,),
        ).fetchall()
    kids = tuple((int(r), str(n)) for r, n in children)
    if row is None:
        return DocumentText(index, "pending", children=kids)
    extraction, ok, extractor, version, text_blob, reason, hint, warnings = row
    pages: tuple[str, ...] = ()
    if ok and text_blob:
        pages = tuple(archive.read_blob(text_blob).decode("utf-8").split("\f"))
    text_record = archive.record(int(extraction))
    return DocumentText(
        index,
        "extracted" if ok else "failed",
        extractor,
        version,
        int(extraction),
        pages,
        tuple(json.loads(warnings)),
        reason,
        hint,
        kids,
        tuple(text_record.get("ocr_engines", ())),
        tuple(text_record.get("ocr_models", ())),
        tuple(text_record.get("ocr_confidence", ())),
    )
