"""What may leave the archive: passages and packages with the redactions in force applied.

Interfaces call these on every path out of the archive (search snippets for the public,
evidence packages) rather than deciding themselves what a redaction hides.
"""

from __future__ import annotations

import sqlite3

from erfurt.archive import Archive
from erfurt.redaction.marks import mask_text
from erfurt.redaction.view import latest_redaction

__all__ = ["published_passage", "published_record"]


def published_passage(
    db: sqlite3.Connection, blob: str, text_record: int, start: int, passage: str
) -> str | None:
    """``passage`` (characters from ``start`` of text record ``text_record`` of ``blob``)
    as it may be published, or None when it may not be shown at all.

    Spans in force are masked. A passage of another text than the one the redaction was
    marked on (the document was extracted again since) is withheld: its offsets cannot
    be trusted to hide the same words.
    """
    redaction = latest_redaction(db, blob)
    if redaction is None:
        return passage
    if redaction.spans and redaction.text_record != text_record:
        return None
    return mask_text(passage, redaction.spans, start)


def published_record(archive: Archive, index: int) -> int:
    """The record whose evidence package may leave the archive for record ``index``.

    For a document whose file has a redaction in force, that is the ``redaction.marked``
    record: its package carries the redacted forms and names the original by hash only.
    Otherwise ``index`` itself.
    """
    record = archive.record(index)
    if record.kind != "document.added":
        return index
    with archive.read_views() as db:
        redaction = latest_redaction(db, str(record["blob"]))
    return index if redaction is None else redaction.record
