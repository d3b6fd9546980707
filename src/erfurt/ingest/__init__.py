"""Ingest: preserve files in the archive, and the documents view.

>>> from erfurt.ingest import DocumentsView, add_paths
>>> # archive = Archive.open(path, views=[DocumentsView()])
>>> # report = add_paths(archive, [Path("reports/")], collection="2024", who="ana")
>>> # report.count(Outcome.ADDED)
"""

from erfurt.ingest.add import DEFAULT_COLLECTION, Added, AddReport, Outcome, add_paths
from erfurt.ingest.documents import DocumentsView

__all__ = ["DEFAULT_COLLECTION", "AddReport", "Added", "DocumentsView", "Outcome", "add_paths"]
