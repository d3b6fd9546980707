"""Issue 13: the views read a batch's small blobs from the bytes it staged, not from disk.

`StagedBlobs.put_bytes` keeps small blobs (extracted texts, mostly) in memory until the
batch commits, and `Archive.append` hands them to the views, so the search view does not
read back each text it was just given. What the views hold must not depend on it.
"""

from __future__ import annotations

from pathlib import Path

from erfurt.archive import Archive
from erfurt.archive.blobs import KEPT_BATCH_BYTES, KEPT_BLOB_BYTES, KeptFirst
from erfurt.cli.options import all_views
from erfurt.extractors import ExtractOptions
from erfurt.ingest import add_paths, extract_pending


def test_small_blobs_are_read_from_memory_and_large_ones_from_the_store(tmp_path: Path) -> None:
    with Archive.init(tmp_path / "a", origin="kept.example/a", who="t") as archive:
        staged = archive.stage_blobs()
        small = staged.put_bytes("證人的陳述 a witness statement".encode())
        large = staged.put_bytes(b"x" * (KEPT_BLOB_BYTES + 1))
        kept = staged.commit()
        assert set(kept) == {small.sha256}
        assert staged.commit() == {}  # the next batch starts with nothing kept
        # Deleting the stored copy shows where each read goes.
        archive.paths.blob(small.sha256).unlink()
        reader = KeptFirst(kept, archive)
        assert reader.read_blob(small.sha256) == "證人的陳述 a witness statement".encode()
        assert reader.read_blob(large.sha256) == b"x" * (KEPT_BLOB_BYTES + 1)


def test_a_batch_keeps_no_more_than_its_bound(tmp_path: Path) -> None:
    with Archive.init(tmp_path / "a", origin="kept.example/a", who="t") as archive:
        staged = archive.stage_blobs()
        try:
            count = KEPT_BATCH_BYTES // KEPT_BLOB_BYTES + 2
            for n in range(count):
                staged.put_bytes(bytes([n]) * KEPT_BLOB_BYTES)
            assert len(staged) == count  # every blob staged; only some kept
        finally:
            staged.discard()
        assert staged.commit() == {}  # discard forgets the kept bytes too
        staged = archive.stage_blobs()
        for n in range(count):
            staged.put_bytes(bytes([n]) * KEPT_BLOB_BYTES)
        kept = staged.commit()
        assert sum(len(data) for data in kept.values()) <= KEPT_BATCH_BYTES
        assert len(kept) == KEPT_BATCH_BYTES // KEPT_BLOB_BYTES


def test_views_are_the_same_as_when_every_blob_is_read_back(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(30):
        (corpus / f"note-{n}.txt").write_text(f"witness {n} saw the officer 警察 at {n}\n")
    (corpus / "same.txt").write_text("witness 0 saw the officer 警察 at 0\n")  # a blob again
    (corpus / "page.html").write_bytes(b"<html><body><p>a page about the station</p></body>")
    with Archive.init(
        tmp_path / "a", origin="kept.example/a", who="t", views=all_views()
    ) as archive:
        add_paths(archive, [corpus], who="t")
        extract_pending(archive, ExtractOptions(time_limit_s=3600), who="t", workers=1)
        as_appended = archive.view_digests()
        archive.rebuild()  # replays the log, reading every blob from the store
        assert archive.view_digests() == as_appended
        with archive.query_views() as db:
            texts = db.execute("SELECT count(*) FROM extractions").fetchone()[0]
        assert texts == 31  # same.txt is note-0.txt again
