"""`add` of many files keeps counts and failures, not a list that grows with every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.ingest import (
    Added,
    DocumentsView,
    Extracted,
    ExtractionsView,
    ExtractOptions,
    ExtractOutcome,
    Outcome,
    add_paths,
    extract_pending,
    pipeline,
)
from erfurt.ingest.extractions import pending_blobs


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    views = [DocumentsView(), ExtractionsView()]
    return Archive.init(tmp_path / "archive", origin="test.example/stream", who="t", views=views)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(f"note {n}\n")
    (folder / "same.txt").write_text("note 0\n")  # a second name for a blob already there
    (folder / "gone").symlink_to(folder / "nowhere")  # a link: skipped, not followed
    return folder


def test_a_report_not_kept_holds_counts_and_failures(archive: Archive, tmp_path: Path) -> None:
    streamed: list[Added] = []
    paths = [_folder(tmp_path), tmp_path / "missing.txt"]  # the missing one: failed
    report = add_paths(archive, paths, who="t", on_file=streamed.append, keep=False)
    assert report.files == ()
    assert report.total == len(streamed) == 8
    assert (report.count(Outcome.ADDED), report.count(Outcome.SIGHTED)) == (5, 1)
    assert report.count(Outcome.SKIPPED) == 1
    assert [Path(f.path).name for f in report.failures] == ["missing.txt"]
    assert not report.ok
    kept = add_paths(archive, paths, who="t")
    assert len(kept.files) == kept.total == 8 and kept.count(Outcome.PRESENT) == 6
    assert [f.outcome for f in kept.files].count(Outcome.FAILED) == 1


def test_pending_blobs_are_read_a_page_at_a_time(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_paths(archive, [_folder(tmp_path)], who="t")
    with archive.read_views() as db:
        whole = pending_blobs(db, retry_failed=False)
        first = pending_blobs(db, retry_failed=False, limit=2)
        rest = pending_blobs(db, retry_failed=False, after=first[-1][0])
    assert len(whole) == 5 and first + rest == whole
    monkeypatch.setattr(pipeline, "_PAGE", 2)  # 5 blobs: three pages
    pages: list[int] = []
    outcomes: list[Extracted] = []
    kept = extract_pending(
        archive,
        ExtractOptions(time_limit_s=3600),
        who="t",
        workers=1,
        keep=False,
        on_file=outcomes.append,
        on_round=lambda count, _size: pages.append(count),
    )
    assert kept == [] and pages == [2, 2, 1]
    assert sorted(o.name for o in outcomes) == [f"{n}.txt" for n in range(5)]
    assert all(o.outcome is ExtractOutcome.EXTRACTED for o in outcomes)
    with archive.read_views() as db:
        assert pending_blobs(db, retry_failed=False) == []
