"""Issue 13: how files are grouped into commits never changes what is stored.

The same folder added with one file per commit and with the default batches (which also
close by time, so their sizes follow the machine's load) gives the same log entries, the
same Merkle root and the same views, down to each table's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.extractors import ExtractOptions
from erfurt.ingest import BatchLimits, add_paths, extract_pending
from ingest_samples import zip_file
from log.test_independent import read_entries

_ONE_PER_COMMIT = BatchLimits(files=1)


def _corpus(root: Path) -> Path:
    folder = root / "corpus"
    (folder / "sub").mkdir(parents=True)
    for n in range(12):
        (folder / f"{n:02d}.txt").write_text(f"note {n}: the witness saw 警察 {n}\n")
    (folder / "sub" / "copy.txt").write_text("note 3: the witness saw 警察 3\n")  # a copy
    (folder / "sub" / "big5.txt").write_bytes("證人看見警察拘留了三個人".encode("big5"))
    (folder / "sub" / "empty.txt").write_bytes(b"")
    zip_file(folder / "sub" / "pair.zip", {"a.txt": b"inside one", "b.txt": b"inside two"})
    return folder


def _ingest(
    path: Path, corpus: Path, limits: BatchLimits | None
) -> tuple[list[bytes], tuple[bytes, dict[str, str]]]:
    def clock() -> datetime:
        return datetime(2026, 12, 2, 1, 0, 0, tzinfo=UTC)

    with Archive.init(
        path, origin="same.example/archive", who="t", views=all_views(), clock=clock
    ) as archive:
        add_paths(archive, [corpus], who="t", limits=limits)
        # One worker: with two, outcomes are logged in the order workers finish.
        options = ExtractOptions(time_limit_s=3600)
        extract_pending(archive, options, who="t", workers=1, limits=limits)
        entries = read_entries(path / "log", archive.size)
        return entries, (archive.checkpoint.root_hash, archive.view_digests())


def test_batches_of_one_and_default_batches_store_the_same_bytes(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    entries, (root, digests) = _ingest(tmp_path / "one", corpus, _ONE_PER_COMMIT)
    batched, (batched_root, batched_digests) = _ingest(tmp_path / "batched", corpus, None)
    kinds = [entry.split(b'"kind":"')[1].split(b'"')[0] for entry in entries]
    assert kinds.count(b"document.added") == 18  # 16 files and 2 zip members
    assert kinds.count(b"text.extracted") == 17  # a copy's blob is extracted once
    assert batched == entries
    assert batched_root == root
    assert batched_digests == digests and digests
