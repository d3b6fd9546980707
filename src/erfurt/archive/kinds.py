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


_INCIDENT_FIELDS = "incident incident_kind dates place harmed responsible time who"
_CITED = (
    " Each value's `cite` lists passages as `RECORD:START-END` (a text.extracted record and"
    " a character span of its text) or a reviewer's note as `note:TEXT`."
)
_REQUESTED = (
    " Sent through the API with an `Idempotency-Key`: `request` and `request_body`, keyed"
    " hashes of the request and its body, so that a retry is answered with this record."
)
_INCIDENT_KINDS = (
    _kind(
        "incident.recorded",
        1,
        _INCIDENT_FIELDS,
        optional="names disputed key row request request_body",
        description=(
            "An incident: `incident` (its id), `incident_kind`, `dates` (claims: from, to,"
            " precision day/month/year/before), `place` (with optional `region` code),"
            " `harmed` (claims of a count: sources that disagree make a range),"
            " `responsible` (units or persons); optional `names` (of people harmed and"
            " witnesses: `role`, keyed `ref` and `sealed` ciphertext, never in clear),"
            " `disputed` (a reviewer's note), `key` (a CSV import's stable row key) and"
            " `row` (the keyed digest of the row it came from)." + _CITED + _REQUESTED
        ),
    ),
    _kind(
        "incident.edited",
        1,
        _INCIDENT_FIELDS,
        optional="names disputed key row request request_body",
        description="A new version of incident `incident`, whole (fields as recorded)."
        + _REQUESTED,
    ),
    _kind(
        "incident.merged",
        1,
        "duplicate into reason time who",
        description=(
            "A reviewer found incident `duplicate` to report the same events as `into`: it"
            " no longer counts; its sources corroborate `into`."
        ),
    ),
    _kind(
        "source.copied",
        1,
        "copy original reason time who",
        blobs="copy original",
        description=(
            "A reviewer found document `copy` (blob) to copy `original`: corroboration"
            " counts them as one source."
        ),
    ),
    _kind(
        "name.publishable",
        1,
        "ref name reason time who",
        description=(
            "A reviewer allows the sealed name with keyed reference `ref` to be published as"
            " `name`, for `reason`."
        ),
    ),
    _kind(
        "figure.defined",
        1,
        "name measure filters time who",
        description=(
            "A named figure: `measure` (incidents or harmed) over incidents matching"
            " `filters` (kind, since, until, place, region, status, responsible)."
        ),
    ),
    _kind(
        "figure.published",
        1,
        "name definition log_size low high incidents digest time who",
        description=(
            "Figure `name` (defined by record `definition`) computed over the first"
            " `log_size` records: `low`..`high` (equal unless counts are disputed),"
            " `incidents` counted and the SHA-256 `digest` of their sorted ids."
        ),
    ),
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
            blobs="blob envelope intake_receipt",
            optional=(
                "parent name_bytes name_encoding unsafe_name envelope intake_receipt intake_vkey"
            ),
            description=(
                "A file was preserved (or seen again under another name or collection): "
                "its SHA-256, size, name, media type, collection, when and by whom; "
                "`parent` names the record of the container it came from. A name that "
                "was not UTF-8 is recorded read in `name_encoding` (GBK, Big5, ...), its "
                "original bytes in `name_bytes` (base64); a member name that could escape "
                "a folder (`../x`, `/x`) is recorded in a safe form, as given in `unsafe_name`. "
                "A document opened from a submission (`erfurt intake open`) cites the "
                "`envelope` it was decrypted from and the `intake_receipt` proving the "
                "server's `intake.received` record, signed by the key `intake_vkey`."
            ),
        ),
        _kind(
            "document.sealed",
            1,
            "sealed time",
            blobs="blob sealed",
            optional="blob",
            description=(
                "A file was preserved in a restricted collection: only its time is public; "
                "every field of its `document.added` record (SHA-256, name, collection, "
                "who, size, media type, parent, ...) is in the unpublished blob `sealed` "
                "(canonical JSON with a random `nonce`, so its digest cannot be confirmed "
                "by guessing). Readers of the archive open it into that `document.added` "
                "record; the published log shows only this. Records older Erfurt "
                "versions logged also show the file's SHA-256 as `blob`."
            ),
        ),
        _kind(
            "record.sealed",
            1,
            "sealed time",
            blobs="sealed",
            description=(
                "A record about a file known only from sealed documents (its extracted "
                "text, entities found, a failed extraction, a review of one of its "
                "mentions): only its time is public; the record itself (kind, version, "
                "fields) is in the unpublished blob `sealed`, with a random `nonce`. "
                "Readers of the archive open it into that record."
            ),
        ),
        _kind(
            "declaration.made",
            1,
            "alias organisations channel time",
            optional="request request_body",
            description=(
                "A withdrawal declaration: alias, organisations left, channel, time; optional "
                "place, statement, volunteer, `imported` (CSV imports; older imports may also "
                "note `import_file` and `import_row`); "
                "with an identity, its salted `commitment`, keyed hash `person`, `key` id and "
                "`identity_rule` (the normalisation rule, absent for rule 1)." + _REQUESTED
            ),
        ),
        _kind(
            "outreach.call",
            1,
            "number key outcome time",
            optional="request request_body",
            description=(
                "A volunteer's call: the number as a keyed hash only, the secret's `key` id, "
                "the outcome and time; optional volunteer." + _REQUESTED
            ),
        ),
        *_INCIDENT_KINDS,
        _kind(
            "intake.received",
            1,
            "blob size time key",
            blobs="blob",
            description=(
                "A source's submission arrived, encrypted to the intake key `key` (its id): "
                "the envelope's blob and size, and the day only (never the hour, the "
                "source or anything about them)."
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
            "redaction.marked",
            1,
            "original spans regions redacted_text reason who time",
            blobs="redacted redacted_text",
            optional="text_record redacted",
            description=(
                "What leaves the archive of blob `original` (its SHA-256, not cited as a"
                " blob: packages of this record never carry it) is redacted: `spans`"
                " ([start, end] character offsets in the text of record `text_record`),"
                " `regions` ([page, x0, y0, x1, y1], page from 1, the box in thousandths"
                " of the page's width and height from its top left), `reason` and `who`"
                " (a staff account). `redacted_text` is that text with the spans masked;"
                " `redacted` the pages rendered as images with the spans and regions"
                " blacked out, with no text layer (PDFs and images). Never the removed text."
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
