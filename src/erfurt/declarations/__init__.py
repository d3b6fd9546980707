"""The declarations registry: withdrawal statements, a tally anyone can check, private receipts.

>>> from pathlib import Path
>>> import tempfile
>>> from erfurt.archive import Archive
>>> from erfurt.declarations import DeclarationsView, audit_tally, declare, read_tally
>>> folder = Path(tempfile.mkdtemp())
>>> with Archive.init(folder / "archive", origin="example.org/registry", who="doctest",
...                   views=[DeclarationsView()]) as archive:
...     declared = declare(archive, alias="Spring", organisations=["Party"])
...     total = read_tally(archive).total.declarations
...     ok = audit_tally(archive).ok
>>> declared.number, total, ok
(1, 1, True)
"""

from erfurt.declarations.audit import AuditReport, Mismatch, audit_published, audit_tally
from erfurt.declarations.chart import (
    CHART_FORMATS,
    DAILY_CHART_WORDS,
    chart_registry,
    render_daily_chart,
)
from erfurt.declarations.csv_import import (
    IMPORT_COLUMNS,
    RowProblem,
    parse_time,
    read_import_rows,
    row_digest,
)
from erfurt.declarations.identity import Identity, commit_identity, hash_person, parse_identity
from erfurt.declarations.model import (
    CHANNELS,
    DECLARATION_KIND,
    Channel,
    Declaration,
    RegistrySettings,
    make_declaration,
    registry_settings,
)
from erfurt.declarations.prove import Proved, prove_receipt
from erfurt.declarations.publish import PUBLIC_FIELDS, Published, publish_registry
from erfurt.declarations.receipt import RECEIPT_FORMAT, Receipt, open_commitment
from erfurt.declarations.registry import (
    DeclarationFields,
    Declared,
    ImportReport,
    declarations_in_log,
    declare,
    declare_with_receipt,
    import_declarations,
)
from erfurt.declarations.tally import (
    GROUPINGS,
    Counts,
    Grouping,
    Tally,
    TallyRow,
    count_declaration,
    create_tally_tables,
    query_tally,
    read_all_counts,
    tally_declarations,
)
from erfurt.declarations.view import DeclarationsView, imported_count, number_of, read_tally

__all__ = [
    "CHANNELS",
    "CHART_FORMATS",
    "DAILY_CHART_WORDS",
    "DECLARATION_KIND",
    "GROUPINGS",
    "IMPORT_COLUMNS",
    "PUBLIC_FIELDS",
    "RECEIPT_FORMAT",
    "AuditReport",
    "Channel",
    "Counts",
    "Declaration",
    "DeclarationFields",
    "DeclarationsView",
    "Declared",
    "Grouping",
    "Identity",
    "ImportReport",
    "Mismatch",
    "Proved",
    "Published",
    "Receipt",
    "RegistrySettings",
    "RowProblem",
    "Tally",
    "TallyRow",
    "audit_published",
    "audit_tally",
    "chart_registry",
    "commit_identity",
    "count_declaration",
    "create_tally_tables",
    "declarations_in_log",
    "declare",
    "declare_with_receipt",
    "hash_person",
    "import_declarations",
    "imported_count",
    "make_declaration",
    "number_of",
    "open_commitment",
    "parse_identity",
    "parse_time",
    "prove_receipt",
    "publish_registry",
    "query_tally",
    "read_all_counts",
    "read_import_rows",
    "read_tally",
    "registry_settings",
    "render_daily_chart",
    "row_digest",
    "tally_declarations",
]
