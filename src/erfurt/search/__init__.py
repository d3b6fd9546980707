"""Full-text search over extracted text: ranked, with a query language, any script.

    >>> import sqlite3
    >>> from erfurt.search import create_tables, index_document, index_text, search
    >>> db = sqlite3.connect(":memory:")
    >>> create_tables(db)
    >>> index_document(db, doc=0, blob="ab12", name="report.pdf", collection="hk")
    >>> index_text(db, record=1, blob="ab12", extractor="pdf", text="國家衛生健康委員會發布通報")
    >>> found = search(db, "卫生健康委员会 OR ledger")
    >>> [(hit.name, hit.fragments[0].highlights) for hit in found.hits], found.total
    ([('report.pdf', ((2, 9),))], 1)

Traditional and simplified Chinese are folded together at index and query time (OpenCC
``t2s``), so 国 finds 國. In an archive, :class:`SearchView` keeps the tables in step
with the log's ``document.added`` and ``text.extracted`` records. The query language is
described in :mod:`erfurt.search.query` and docs/search.md.
"""

from erfurt.search.facets import MAX_COUNTED, Facets
from erfurt.search.find import SearchHit, SearchResults, Sighting, search
from erfurt.search.fold import fold
from erfurt.search.index import count_pending, create_tables, index_document, index_text
from erfurt.search.match import NameExpander, NameForm
from erfurt.search.query import QuerySyntaxError, parse_query
from erfurt.search.saved import Alert, SavedSearch, alerts, save_search, saved_searches
from erfurt.search.snippets import Fragment, match_spans
from erfurt.search.view import FOLLOWER, SearchView

__all__ = [
    "FOLLOWER",
    "MAX_COUNTED",
    "Alert",
    "Facets",
    "Fragment",
    "NameExpander",
    "NameForm",
    "QuerySyntaxError",
    "SavedSearch",
    "SearchHit",
    "SearchResults",
    "SearchView",
    "Sighting",
    "alerts",
    "count_pending",
    "create_tables",
    "fold",
    "index_document",
    "index_text",
    "match_spans",
    "parse_query",
    "save_search",
    "saved_searches",
    "search",
]
