"""``entities extract`` over an archive: every text not yet read by this extractor version,
in batches, each run appended as an ``entities.found`` record citing its result blob."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from erfurt.archive import Archive, Record
from erfurt.entities.boxes import with_boxes
from erfurt.entities.extract import Extractor
from erfurt.entities.model import EXTRACTOR, EXTRACTOR_VERSION, FOUND_KIND, Found

__all__ = ["ExtractSummary", "extract_archive", "pending_texts"]

_BATCH = 32


@dataclass(frozen=True, slots=True)
class ExtractSummary:
    """What one ``extract`` did."""

    texts: int
    mentions: int
    claims: int
    warnings: tuple[str, ...]


def pending_texts(archive: Archive, *, again: bool = False) -> list[tuple[str, str, str | None]]:
    """``(source, text, layout)`` blobs whose latest text this extractor version has not
    read (every text with ``again``); ``layout`` is None unless OCR read the text.

    Also those whose text was extracted again, same bytes or not, for a copy added since
    the text the latest run read: until a run reads it, what was found is held back from
    whoever may not see the earlier copies (``erfurt.entities.visible``)."""
    with archive.query_views() as db:
        rows = db.execute(
            "SELECT t.source, t.text, t.layout FROM ent_texts t LEFT JOIN ent_runs r "
            "ON r.source = t.source AND r.text = t.text AND r.extractor_version = ? "
            "WHERE ? OR r.source IS NULL OR (r.text_record < t.record AND EXISTS (SELECT 1 "
            "FROM ent_documents d WHERE d.blob = t.source AND d.record > r.text_record "
            "AND d.record < t.record)) ORDER BY t.record",
            (EXTRACTOR_VERSION, again),
        ).fetchall()
    return [(str(s), str(t), None if layout is None else str(layout)) for s, t, layout in rows]


def extract_archive(
    archive: Archive,
    extractor: Extractor,
    *,
    again: bool = False,
    on_text: Callable[[str], None] | None = None,
) -> ExtractSummary:
    """Read every pending text and append what was found; a run interrupted midway is
    finished by running it again (what was appended is not read twice)."""
    batch: list[Record] = []
    texts = mentions = claims = 0
    warnings: list[str] = []
    for source, text, layout in pending_texts(archive, again=again):
        found = _read(archive, extractor, text, layout)
        blob = archive.put_bytes(found.to_bytes())
        fields = {
            "source": source, "text": text, "found": blob.sha256, "extractor": EXTRACTOR,
            "extractor_version": EXTRACTOR_VERSION, "mentions": len(found.mentions),
            "claims": len(found.claims), "time": archive.now(),
        }  # fmt: skip
        if found.warnings:
            fields["warnings"] = list(found.warnings)
            warnings += [f"{source[:12]}: {w}" for w in found.warnings]
        batch.append(Record(FOUND_KIND, fields))
        texts, mentions, claims = (
            texts + 1,
            mentions + len(found.mentions),
            claims + len(found.claims),
        )
        if on_text:
            on_text(source)
        if len(batch) >= _BATCH:
            archive.append(batch)
            batch = []
    if batch:
        archive.append(batch)
    return ExtractSummary(texts, mentions, claims, tuple(warnings))


def _read(archive: Archive, extractor: Extractor, text: str, layout: str | None) -> Found:
    """What ``extractor`` finds in the text blob ``text``, mentions placed on the page
    images when OCR read it (an OCR'd text is bounded by its pages: read whole)."""
    if layout is None:
        with open(archive.blob_path(text), encoding="utf-8", errors="replace") as stream:
            return extractor.extract_file(stream)
    whole = archive.read_blob(text).decode("utf-8", "replace")
    return with_boxes(extractor.extract(whole), whole, json.loads(archive.read_blob(layout)))
