"""Redaction for publishing: what leaves the archive hides what was marked.

Staff mark spans of a document's extracted text and regions of its pages; a
``redaction.marked`` record says what, by whom and why (offsets, never the text), and
cites the redacted forms: the text with the spans masked and, for PDFs and images, the
pages rendered as pictures with the marks blacked out and no text layer. The original
stays in the archive, unchanged. Search snippets for the public and evidence packages
go through :func:`published_passage` and :func:`published_record`; dossier and incident
exports through the :func:`passage_mask` the CLI hands them. See docs/redaction.md.

    $ erfurt redact 3f5a…e1 --span 120:135 --box 2:100,200,600,260 --reason "witness"
    $ erfurt redactions list
    $ erfurt export 7 --out package/      # the redacted form, citing the original's hash
    $ erfurt dossier export ofac-29249    # passages masked, redacted names left out
"""

from erfurt.redaction.covered import spans_under_regions
from erfurt.redaction.marking import mark_redaction
from erfurt.redaction.marks import (
    MASK,
    Region,
    Span,
    mask_text,
    merge_spans,
    parse_region,
    parse_span,
)
from erfurt.redaction.pages import RedactionError, render_redacted
from erfurt.redaction.published import (
    passage_mask,
    published_passage,
    published_record,
)
from erfurt.redaction.view import (
    REDACTION_KIND,
    Redaction,
    RedactionsView,
    latest_redaction,
    redactions,
)

__all__ = [
    "MASK",
    "REDACTION_KIND",
    "Redaction",
    "RedactionError",
    "RedactionsView",
    "Region",
    "Span",
    "latest_redaction",
    "mark_redaction",
    "mask_text",
    "merge_spans",
    "parse_region",
    "parse_span",
    "passage_mask",
    "published_passage",
    "published_record",
    "redactions",
    "render_redacted",
    "spans_under_regions",
]
