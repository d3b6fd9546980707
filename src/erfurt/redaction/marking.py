"""Marking a redaction: check the marks, make the redacted forms, log ``redaction.marked``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from erfurt.archive import Archive, Record, ViewConnection, is_sha256
from erfurt.errors import InputError
from erfurt.redaction.covered import spans_under_regions
from erfurt.redaction.marks import Region, Span, check_spans, mask_text, merge_spans
from erfurt.redaction.pages import RedactionError, render_redacted
from erfurt.redaction.view import REDACTION_KIND, Redaction, latest_redaction

__all__ = ["mark_redaction"]

_SHOW = "list the archive's documents and their blobs with `erfurt show`"


def _latest_text(db: ViewConnection, blob: str) -> int | None:
    row = db.execute(
        "SELECT max(record) FROM citations WHERE blob = ? AND kind = 'text.extracted' "
        "AND field = 'source'",
        (blob,),
    ).fetchone()
    return None if row[0] is None else int(row[0])


def _is_document(db: ViewConnection, blob: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM citations WHERE blob = ? AND kind = 'document.added' AND field = 'blob'",
        (blob,),
    ).fetchone()
    return row is not None


def _merged(
    earlier: Redaction | None,
    text_record: int | None,
    spans: Sequence[Span],
    regions: Sequence[Region],
) -> tuple[list[Span], list[Region]]:
    """The new marks with those of the redaction in force (a redaction is always whole)."""
    if earlier is None:
        return merge_spans(spans), sorted(set(regions))
    if earlier.spans and earlier.text_record != text_record:
        raise RedactionError(
            f"the text was extracted again since redaction {earlier.record}: its spans refer"
            f" to record {earlier.text_record}, the text now is record {text_record}",
            "find every passage again in the new text and mark them all, with --replace",
        )
    return merge_spans([*spans, *earlier.spans]), sorted(set(regions) | set(earlier.regions))


def _text_and_layout(archive: Archive, index: int) -> tuple[str, dict[str, Any] | None]:
    record = archive.record(index)
    text = archive.read_blob(str(record["text"])).decode("utf-8")
    layout = record.get("layout")
    return text, None if layout is None else json.loads(archive.read_blob(str(layout)))


def mark_redaction(
    archive: Archive,
    blob: str,
    *,
    spans: Sequence[Span],
    regions: Sequence[Region],
    reason: str,
    who: str,
    replace: bool = False,
) -> Redaction:
    """Log what must not leave the archive of document blob ``blob``, and its redacted forms.

    Spans refer to the latest ``text.extracted`` record of the blob; the text read from
    under a region (text layer, OCR words) is marked as spans too, so the masked text hides
    what the blacked-out box hides; earlier marks of the
    same blob are kept unless ``replace`` (after the text was extracted again, or to
    withdraw a mark: the new marks are then the whole redaction). The redacted text and
    rendering are preserved as blobs the record cites; the original stays as it is.
    Raises :class:`InputError` for an unknown blob, no marks, no reason, or a span past
    the text, and :class:`RedactionError` for a mark that cannot be applied safely
    (nothing is logged then).
    """
    if not is_sha256(blob):
        raise InputError(f"{blob!r} is not a blob's SHA-256 (64 hex digits)", _SHOW)
    if not reason.strip():
        raise InputError("a redaction needs a reason", "say why with --reason")
    if not spans and not regions:
        raise InputError("nothing to redact", "mark text with --span or a place with --box")
    archive.refresh()
    with archive.query_views() as db:
        if not _is_document(db, blob):
            raise InputError(f"no document of this archive has blob {blob}", _SHOW)
        text_record = _latest_text(db, blob)
        earlier = None if replace else latest_redaction(db, blob)
        all_spans, all_regions = _merged(earlier, text_record, spans, regions)
    text, layout = ("", None) if text_record is None else _text_and_layout(archive, text_record)
    if all_spans and text_record is None:
        raise InputError(
            "the document has no extracted text to mark spans in",
            "mark places on its pages with --box instead",
        )
    check_spans(all_spans, len(text))
    data = archive.read_blob(blob)
    if all_regions and text:
        all_spans = merge_spans([*all_spans, *spans_under_regions(data, text, layout, all_regions)])
    rendering = render_redacted(
        data,
        text if text_record is not None else None,
        layout,
        all_spans,
        all_regions,
    )
    if rendering is None and all_regions:
        raise RedactionError(
            "regions apply to PDFs and images; this document is neither",
            "mark its text with --span",
        )
    fields: dict[str, Any] = {
        "original": blob,
        "spans": [[s.start, s.end] for s in all_spans],
        "regions": [r.to_json() for r in all_regions],
        "redacted_text": archive.put_bytes(mask_text(text, all_spans).encode("utf-8")).sha256,
        "reason": reason.strip(),
        "who": who,
        "time": archive.now(),
    }
    if text_record is not None:
        fields["text_record"] = text_record
    if rendering is not None:
        fields["redacted"] = archive.put_bytes(rendering).sha256
    [index] = archive.append([Record(REDACTION_KIND, fields)])
    with archive.query_views() as db:
        done = latest_redaction(db, blob)
    assert done is not None and done.record == index
    return done
