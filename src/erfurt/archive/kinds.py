"""Every kind of record the log holds, declared as data.

A record is ``{"kind": ..., "v": ..., <fields>}``. Each entry below names a kind, the
version writers produce, the versions readers accept, the fields a record must carry,
and which fields hold blob digests (SHA-256, hex), so that the archive can trace every
blob to the records that cite it (the custody chain) without knowing the feature.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "KindSpec"]


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a record of one kind must contain."""

    kind: str
    version: int
    required: frozenset[str]
    blob_fields: frozenset[str] = frozenset()
    description: str = ""
    readable_versions: frozenset[int] = frozenset()
    optional: frozenset[str] = frozenset()

    def reads(self, version: int) -> bool:
        """Whether readers of this kind understand ``version``."""
        return version == self.version or version in self.readable_versions


def _kind(
    kind: str,
    version: int,
    required: str,
    *,
    blobs: str = "",
    optional: str = "",
    description: str,
) -> KindSpec:
    return KindSpec(
        kind=kind,
        version=version,
        required=frozenset(required.split()),
        blob_fields=frozenset(blobs.split()),
        description=description,
        optional=frozenset(optional.split()),
    )


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        _kind(
            "archive.created",
            1,
            "origin time who",
            description="The first record of every archive: its origin and when it began.",
        ),
        _kind(
            "document.added",
            1,
            "blob size name media_type collection time who",
            blobs="blob",
            optional="parent name_bytes name_encoding unsafe_name",
            description=(
                "A file was preserved (or seen again under another name or collection): "
                "its SHA-256, size, name, media type, collection, when and by whom; "
                "`parent` names the record of the container it came from. A name that "
                "was not UTF-8 is recorded read in `name_encoding` (GBK, Big5, ...), its "
                "original bytes in `name_bytes` (base64); a member name that could escape "
                "a folder (`../x`, `/x`) is recorded in a safe form, as given in `unsafe_name`."
            ),
        ),
        _kind(
            "declaration.made",
            1,
            "alias organisations channel time",
            description=(
                "A withdrawal declaration: alias, organisations left, channel, time; optional "
                "place, statement, volunteer, `imported` (CSV imports; older imports may also "
                "note `import_file` and `import_row`); "
                "with an identity, its salted `commitment`, keyed hash `person`, `key` id and "
                "`identity_rule` (the normalisation rule, absent for rule 1)."
            ),
        ),
        _kind(
            "outreach.call",
            1,
            "number key outcome time",
            description=(
                "A volunteer's call: the number as a keyed hash only, the secret's `key` id, "
                "the outcome and time; optional volunteer."
            ),
        ),
        _kind(
            "list.imported",
            1,
            "format list blob files entities time who",
            blobs="blob alt_blob add_blob",
            description=(
                "A sanctions or watch list was imported for screening: its format "
                "(`ofac-sdn`, `ftm`), list name, the blobs of its files (`files`: name -> "
                "SHA-256), how many entities were read, when and by whom."
            ),
        ),
        _kind(
            "text.extracted",
            1,
            "source text extractor extractor_version media_type pages chars time",
            blobs="source text layout",
            optional="layout warnings ocr_engines ocr_models ocr_confidence",
            description=(
                "Text was extracted from blob `source` into blob `text` (UTF-8, pages "
                "separated by form feeds) by `extractor` at `extractor_version`; `layout` "
                "(optional) holds OCR word or line boxes as JSON; `warnings` (optional) lists "
                "problems that did not stop extraction; when OCR read any page, `ocr_engines` "
                "(engines with versions), `ocr_models` (model names) and `ocr_confidence` (per "
                "page: 0-100, null where OCR did not run or found no text). A later record for "
                "the same source supersedes it."
            ),
        ),
        _kind(
            "entities.found",
            1,
            "source text found extractor extractor_version mentions claims time",
            blobs="source text found",
            optional="warnings",
            description=(
                "Entities found in the text `text` of blob `source` by `extractor` at "
                "`extractor_version`: blob `found` (JSON) holds the mentions (span, page, "
                "method, type, surface, list entry) and position claims (holder, post, "
                "organisation, dates, passage); `mentions` and `claims` count them. A newer "
                "run for the same source supersedes it in the view; the log keeps both."
            ),
        ),
        _kind(
            "entity.reviewed",
            1,
            "action target who reason time",
            optional="other",
            description=(
                "A reviewer's decision: `accept`/`reject` a mention or claim (`target`: its key, "
                "source blob + span [+ post]), `merge` entity `other` into `target`, `split` "
                "mention `target` off as entity `other`, `link` entity `target` to list entry "
                "`other`; who decided and why."
            ),
        ),
        _kind(
            "extraction.failed",
            1,
            "source extractor extractor_version media_type reason hint time",
            blobs="source",
            description=(
                "No text could be extracted from blob `source`: the reason and what to do. "
                "The original stays preserved; `erfurt add --retry-failed` tries again."
            ),
        ),
    )
}
