"""Expansion budgets are read for a page of files at once, with the answers of one by one."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from erfurt.archive import Archive
from erfurt.extractors import Child, ExpansionBudget
from erfurt.ingest import DocumentsView, ExtractionsView, ExtractOptions, add_paths, extract_pending
from erfurt.ingest.budget import Budgets
from erfurt.ingest.documents import document_record
from pg_cluster import PgCluster


def _documents(archive: Archive) -> list[int]:
    with archive.query_views() as db:
        return [int(row[0]) for row in db.execute("SELECT record FROM documents ORDER BY record")]


def _traced(archive: Archive, statements: list[str]) -> None:
    """Trace the statements of the views connection the archive lends next (it lends the
    one idle connection while nothing else reads)."""
    with archive.read_views() as db:
        db.set_trace_callback(statements.append)


def test_a_page_of_files_reads_its_budgets_in_two_queries(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        (folder / f"{n}.txt").write_text("x" * n)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        packed.writestr("a.txt", "inside")
    (folder / "packed.zip").write_bytes(buffer.getvalue())
    add_paths(archive, [folder], who="t")
    documents = _documents(archive)
    options = ExtractOptions(expand_max_members=3)

    statements: list[str] = []
    _traced(archive, statements)
    ahead = Budgets(archive, options)
    ahead.read_ahead(documents)
    budgets = [ahead.for_document(document) for document in documents]
    for document in documents:
        ahead.accept(document, [])
    assert len(statements) == 2

    one_by_one = Budgets(archive, options)
    assert budgets == [one_by_one.for_document(document) for document in documents]
    assert {budget.members for budget in budgets} == {3}


def test_budgets_read_ahead_count_the_children_logged_by_an_earlier_run(
    archive: Archive, tmp_path: Path
) -> None:
    (tmp_path / "top.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    add_paths(archive, [tmp_path / "top.zip"], who="t")
    [top] = _documents(archive)
    blobs = archive.stage_blobs()
    children = [
        document_record(
            blobs.put_bytes(b"child %d" % n),
            media_type="text/plain",
            name=f"top.zip/{n}.txt",
            collection="default",
            who="t",
            time=archive.now(),
            parent=top,
        )
        for n in range(2)
    ]
    archive.append(children, blobs=blobs)
    options = ExtractOptions(expand_max_members=5)

    ahead = Budgets(archive, options)
    ahead.read_ahead(_documents(archive))
    left = ahead.for_document(top)
    assert left == Budgets(archive, options).for_document(top)
    assert left.members == 3 and left.bytes == options.budget_for(22).bytes - 14
    kept, reason = ahead.accept(top, [Child(f"{n}", b"x") for n in range(4)])
    assert len(kept) == 3 and "more than 5 files inside" in reason


def _nested(archive: Archive, top: int, depth: int) -> None:
    """Log ``depth`` levels of two children each under document ``top``."""
    parents = [top]
    for level in range(depth):
        blobs = archive.stage_blobs()
        children = [
            document_record(
                blobs.put_bytes(b"level %d child %d" % (level, n)),
                media_type="text/plain",
                name=f"inner/{level}-{n}.txt",
                collection="default",
                who="t",
                time=archive.now(),
                parent=parent,
            )
            for n, parent in enumerate(parents * 2)
        ]
        first = archive.append(children, blobs=blobs)[0]
        parents = list(range(first, first + len(children)))


def _budgets(archive: Archive, options: ExtractOptions) -> list[object]:
    """Every document's budget, read ahead and one by one, then after accepting children."""
    documents = _documents(archive)
    ahead = Budgets(archive, options)
    ahead.read_ahead(documents)
    answers: list[object] = [ahead.for_document(d) for d in documents]
    answers += [Budgets(archive, options).for_document(d) for d in documents]
    answers += [ahead.accept(d, [Child(f"{d}", b"xyz")] * 2) for d in documents[-3:]]
    return answers


def test_budgets_are_the_same_read_from_postgresql(
    archive: Archive, tmp_path: Path, pg_cluster: PgCluster
) -> None:
    for name in ("a.zip", "b.zip"):
        (tmp_path / name).write_bytes(b"PK\x05\x06" + bytes(18))
    (tmp_path / "plain.txt").write_text("nothing inside")
    add_paths(archive, [tmp_path / "a.zip", tmp_path / "b.zip", tmp_path / "plain.txt"], who="t")
    _nested(archive, _documents(archive)[0], depth=3)
    options = ExtractOptions(expand_max_members=20, expand_max_depth=3)
    expected = _budgets(archive, options)
    top = expected[0]
    assert isinstance(top, ExpansionBudget)
    assert top.members == 20 - 14 and top.bytes == options.budget_for(22).bytes - 14 * len(
        b"level 0 child 0"
    )
    with Archive.open(
        archive.paths.root, views=[DocumentsView()], database=pg_cluster.create_database()
    ) as remote:
        assert _budgets(remote, options) == expected


def test_extraction_runs_on_postgresql_with_the_budget_of_a_zip(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        for n in range(3):
            packed.writestr(f"{n}.txt", f"statement {n}")
    (tmp_path / "packed.zip").write_bytes(buffer.getvalue())
    views = [DocumentsView(), ExtractionsView()]
    url = pg_cluster.create_database()
    Archive.init(tmp_path / "a", origin="budget.example/a", who="t", views=views).close()
    with Archive.open(tmp_path / "a", views=views, database=url) as archive:
        add_paths(archive, [tmp_path / "packed.zip"], who="t")
        extract_pending(archive, ExtractOptions(time_limit_s=3600, expand_max_members=2), who="t")
        with archive.query_views() as db:
            names = [str(row[0]) for row in db.execute("SELECT name FROM documents ORDER BY 1")]
    assert names == ["packed.zip", "packed.zip/0.txt", "packed.zip/1.txt"]  # 2 of 3: the budget
