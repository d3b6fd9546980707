"""Full-text search over extracted text: English words and phrases, Chinese substrings.

    >>> import sqlite3
    >>> from erfurt.search import create_tables, index_document, index_text, search
    >>> db = sqlite3.connect(":memory:")
    >>> create_tables(db)
    >>> index_document(db, doc=0, blob="ab12", name="report.pdf", collection="hk")
    >>> index_text(db, record=1, blob="ab12", extractor="pdf", text="國家衛生健康委員會發布通報")
    >>> [hit.name for hit in search(db, "卫生健康委员会")]
    ['report.pdf']

Traditional and simplified Chinese are folded together at index and query time (OpenCC
``t2s``), so 国 finds 國. In an archive, :class:`SearchView` keeps the tables in step
with the log's ``document.added`` and ``text.extracted`` records.
"""

from erfurt.search.find import SearchHit, search
from erfurt.search.fold import fold
from erfurt.search.index import create_tables, index_document, index_text
from erfurt.search.view import SearchView

__all__ = [
    "SearchHit",
    "SearchView",
    "create_tables",
    "fold",
    "index_document",
    "index_text",
    "search",
]
