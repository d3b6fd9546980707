"""The declarations registry: withdrawal statements, a tally anyone can check, private receipts.

>>> from erfurt.declarations import RegistrySettings, make_declaration
>>> d = make_declaration(RegistrySettings(), alias="Spring", organisations=["party"],
...                      time="2026-11-25T08:00:00Z")
>>> d.organisations
('Party',)
"""

from erfurt.declarations.chart import CHART_FORMATS, render_daily_chart
from erfurt.declarations.csv_import import IMPORT_COLUMNS, RowProblem, parse_time, read_import_rows
from erfurt.declarations.identity import Identity, commit_identity, hash_person, parse_identity
from erfurt.declarations.model import (
    CHANNELS,
    DECLARATION_KIND,
    DECLARATION_VERSION,
    Channel,
    Declaration,
    RegistrySettings,
    make_declaration,
)
from erfurt.declarations.receipt import RECEIPT_FORMAT, Receipt, open_commitment
from erfurt.declarations.tally import (
    GROUPINGS,
    Grouping,
    Tally,
    TallyRow,
    count_declaration,
    create_tally_tables,
    query_tally,
    read_all_counts,
    tally_declarations,
)

__all__ = [
    "CHANNELS",
    "CHART_FORMATS",
    "DECLARATION_KIND",
    "DECLARATION_VERSION",
    "GROUPINGS",
    "IMPORT_COLUMNS",
    "RECEIPT_FORMAT",
    "Channel",
    "Declaration",
    "Grouping",
    "Identity",
    "Receipt",
    "RegistrySettings",
    "RowProblem",
    "Tally",
    "TallyRow",
    "commit_identity",
    "count_declaration",
    "create_tally_tables",
    "hash_person",
    "make_declaration",
    "open_commitment",
    "parse_identity",
    "parse_time",
    "query_tally",
    "read_all_counts",
    "read_import_rows",
    "render_daily_chart",
    "tally_declarations",
]
