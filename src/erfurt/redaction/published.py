"""What may leave the archive: passages and packages with the redactions in force applied.

Interfaces call these on every path out of the archive (search snippets for the public,
evidence packages, dossier and incident exports) rather than deciding themselves what a
redaction hides.
"""

from __future__ import annotations

from erfurt.archive import KINDS, Archive, PassageMask, ViewConnection
from erfurt.redaction.marks import mask_text
from erfurt.redaction.pages import RedactionError
from erfurt.redaction.view import Redaction, latest_redaction

__all__ = ["passage_mask", "published_passage", "published_record"]


def _published(
    redaction: Redaction | None, same_text: bool, start: int, passage: str
) -> str | None:
    if redaction is None:
        return passage
    if redaction.spans and not same_text:
        return None  # its offsets cannot be trusted to hide the same words in another text
    return mask_text(passage, redaction.spans, start)


def published_passage(
    db: ViewConnection, blob: str, text_record: int, start: int, passage: str
) -> str | None:
    """``passage`` (characters from ``start`` of text record ``text_record`` of ``blob``)
    as it may be published, or None when it may not be shown at all.

    Spans in force are masked. A passage of another text than the one the redaction was
    marked on (the document was extracted again since) is withheld: its offsets cannot
    be trusted to hide the same words.
    """
    redaction = latest_redaction(db, blob)
    same = redaction is not None and redaction.text_record == text_record
    return _published(redaction, same, start, passage)


def _marked_text(archive: Archive, redaction: Redaction | None) -> str | None:
    """The blob of the text whose offsets the redaction's spans are."""
    if redaction is None or redaction.text_record is None:
        return None
    return str(archive.record(redaction.text_record)["text"])


def passage_mask(archive: Archive) -> PassageMask:
    """A :data:`PassageMask` over ``archive``'s redactions in force, for features that
    publish passages by their text blob (dossiers, incidents) rather than a text record.

    A passage of document blob ``source`` is masked when ``text_blob`` is the text the
    redaction was marked on, and withheld (None) when it is another text of a document
    with spans redacted.
    """
    marked: dict[str, tuple[Redaction | None, str | None]] = {}

    def mask(source: str, text_blob: str, start: int, passage: str) -> str | None:
        if source not in marked:
            with archive.query_views() as db:
                redaction = latest_redaction(db, source)
            marked[source] = (redaction, _marked_text(archive, redaction))
        redaction, marked_text = marked[source]
        return _published(redaction, marked_text == text_blob, start, passage)

    return mask


def published_record(archive: Archive, index: int) -> int:
    """The record whose evidence package may leave the archive for record ``index``.

    For a document whose file has a redaction in force, that is the ``redaction.marked``
    record: its package carries the redacted forms and names the original by hash only.
    Otherwise ``index`` itself. Raises :class:`RedactionError` for any other record that
    cites a redacted file (its text, the entities found in it, a failed extraction): its
    package would carry the original or its unmasked text.
    """
    record = archive.record(index)
    spec = KINDS.get(record.kind)
    cited = [str(record[f]) for f in (spec.blob_fields if spec else ()) if record.get(f)]
    with archive.query_views() as db:
        redacted = [(blob, r) for blob in cited if (r := latest_redaction(db, blob)) is not None]
    if not redacted:
        return index
    blob, redaction = redacted[0]
    if record.kind == "document.added" and blob == record["blob"]:
        return redaction.record
    raise RedactionError(
        f"record {index} ({record.kind}) is derived from {blob}, which is redacted: its"
        " package would carry what the redaction hides",
        "export the document's record (the redaction's package), or use --unredacted"
        " (for a court, never for publishing)",
    )
