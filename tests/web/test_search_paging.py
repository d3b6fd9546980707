"""Pages of web search results: each page asks the search for its own hits only."""

from __future__ import annotations

import re
from pathlib import Path

from erfurt.archive import Archive, CollectionRules, Principal
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.search import search
from erfurt.web.queries import PER_PAGE, search_documents

NOTES = 3 * PER_PAGE + 4


def _archive(root: Path) -> Archive:
    source = root / "notes"
    source.mkdir()
    for n in range(NOTES):  # longer notes rank lower: one order, no ties
        filler = " ".join(["weather"] * n)
        (source / f"note{n:02}.txt").write_text(f"The ledger, note {n}. {filler}\n")
    archive = Archive.init(
        root / "archive", origin="example.org/paging", who="t", views=all_views()
    )
    add_paths(archive, [source], collection="notes", who="t")
    extract_pending(archive, ExtractOptions(), who="t", workers=1)
    return archive


def test_a_page_computes_snippets_for_its_own_hits_only(tmp_path: Path) -> None:
    staff = Principal("ana", "archivist")
    rules = CollectionRules({})
    texts_read: list[str] = []
    with _archive(tmp_path) as archive:
        with archive.read_views() as db:  # the pool lends this connection again
            everything = [hit.name for hit in search(db, "ledger", limit=100).hits]
            db.set_trace_callback(texts_read.append)
        assert len(everything) == NOTES
        pages = [search_documents(archive, rules, staff, "ledger", page=p) for p in (1, 2, 3, 4)]
        db.set_trace_callback(None)
    assert [hit["name"] for page in pages for hit in page["hits"]] == everything
    assert [page["has_next"] for page in pages] == [True, True, True, False]
    # The texts (and snippets) of page 3 are those of its 10 hits and the one after.
    loads = [s for s in texts_read if "FROM search_texts WHERE blob IN" in s]
    assert len(loads) == 4, texts_read
    assert [len(re.findall(r"'[0-9a-f]{64}'", s)) for s in loads] == [11, 11, 11, 4]
