"""Incidents and figures: every published figure traced to the passages behind it.

An incident (what, when, where, how many harmed, who was responsible) is a record whose
every value cites passages of extracted texts or a reviewer's note; names of people
harmed and of witnesses are sealed. A figure is a named query over incidents, published
with the log size it was computed at, so anyone holding the published log can recompute
it (:func:`audit_published`).

    $ erfurt incidents add --kind 'killing@12:40-52' --date '1961-08-13@12:0-15' \\
          --place 'Berlin@12:20-26' --harmed '3@12:60-72'
    $ erfurt figures define killed --query 'count=harmed kind=killing'
    $ erfurt figures publish killed
    $ erfurt figures audit --published ./log --vkey "$(cat publisher.vkey)"
"""

from erfurt.incidents.audit import AuditReport, FigureMismatch, audit_figures, audit_published
from erfurt.incidents.book import BOOK_KINDS, FigureValue, IncidentBook, figure_value
from erfurt.incidents.chart import chart_incidents
from erfurt.incidents.counts import GROUPINGS, CountRow, Grouping, count_incidents
from erfurt.incidents.csv_import import IMPORT_COLUMNS, ImportReport, RowProblem, import_incidents
from erfurt.incidents.edits import (
    IncidentText,
    build_incident,
    link_entities,
    passage_json,
    row_json,
)
from erfurt.incidents.figures import (
    Figure,
    Publication,
    PublishedFigure,
    compute_figure,
    define_figure,
    list_figures,
    publish_figure,
    read_figure,
    read_publications,
)
from erfurt.incidents.ftm import ftm_entities
from erfurt.incidents.model import (
    STATUSES,
    Cite,
    Claim,
    CountClaim,
    DateClaim,
    Incident,
    SealedName,
    Status,
    parse_cites,
    parse_count_claim,
    parse_date_claim,
    parse_value_claim,
    status_of,
)
from erfurt.incidents.query import FILTERS, MEASURES, Measure, Query, Summary, parse_query
from erfurt.incidents.recording import (
    NAME_ROLES,
    Passage,
    add_incident,
    check_cites,
    current_incident,
    edit_incident,
    find_passages,
    history,
    mark_copy,
    mark_publishable,
    merge_incidents,
    new_incident_id,
    passages,
    publishable_names,
    seal_names,
    today,
    with_names,
)
from erfurt.incidents.view import IncidentRow, IncidentsView, read_incidents

__all__ = [
    "BOOK_KINDS",
    "FILTERS",
    "GROUPINGS",
    "IMPORT_COLUMNS",
    "MEASURES",
    "NAME_ROLES",
    "STATUSES",
    "AuditReport",
    "Cite",
    "Claim",
    "CountClaim",
    "CountRow",
    "DateClaim",
    "Figure",
    "FigureMismatch",
    "FigureValue",
    "Grouping",
    "ImportReport",
    "Incident",
    "IncidentBook",
    "IncidentRow",
    "IncidentText",
    "IncidentsView",
    "Measure",
    "Passage",
    "Publication",
    "PublishedFigure",
    "Query",
    "RowProblem",
    "SealedName",
    "Status",
    "Summary",
    "add_incident",
    "audit_figures",
    "audit_published",
    "build_incident",
    "chart_incidents",
    "check_cites",
    "compute_figure",
    "count_incidents",
    "current_incident",
    "define_figure",
    "edit_incident",
    "figure_value",
    "find_passages",
    "ftm_entities",
    "history",
    "import_incidents",
    "link_entities",
    "list_figures",
    "mark_copy",
    "mark_publishable",
    "merge_incidents",
    "new_incident_id",
    "parse_cites",
    "parse_count_claim",
    "parse_date_claim",
    "parse_query",
    "parse_value_claim",
    "passage_json",
    "passages",
    "publish_figure",
    "publishable_names",
    "read_figure",
    "read_incidents",
    "read_publications",
    "row_json",
    "seal_names",
    "status_of",
    "today",
    "with_names",
]
