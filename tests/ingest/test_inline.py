"""Issue 13: small UTF-8 texts are extracted in the parent process, with the same records.

Reading a few KiB of UTF-8 in `erfurt add`'s own process costs less than a worker's round
trip; everything else (other encodings, other types, larger files, anything that is not
a regular file) still goes to a worker, under its time and memory limits.
"""

from __future__ import annotations

import codecs
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erfurt.archive import Archive, Record
from erfurt.cli.options import all_views
from erfurt.extractors import (
    INLINE_TEXT_BYTES,
    ExtractionJob,
    ExtractionPool,
    ExtractOptions,
    extract_file,
)
from erfurt.extractors.inline import extract_inline
from erfurt.ingest import (
    BatchLimits,
    Extracted,
    ExtractOutcome,
    InlineTexts,
    Outcome,
    add_paths,
    extract_pending,
)

_LIMIT = ExtractOptions(time_limit_s=3600)  # far beyond any load: no test races a clock


def _corpus(folder: Path) -> Path:
    """Files of every path through the inline check: some read here, some by a worker."""
    folder.mkdir()
    files = {
        "ascii.txt": b"the witness saw the officer at the station\n",
        "chinese.txt": "證人看見警察拘留了三個人\n".encode(),
        "bom.txt": codecs.BOM_UTF8 + "带 BOM 的文本\n".encode(),
        "named.pdf": b"plain text under a PDF's name\n",  # a warning says so
        "empty.txt": b"",
        "gb.txt": "证人看见警察拘留了三个人".encode("gb18030"),  # detection: a worker
        "utf16.txt": "witness".encode("utf-16"),  # a byte-order mark: a worker
        "page.html": b"<html><body><p>a page</p></body></html>",  # a parser: a worker
        "latin.txt": "caf\xe9 t\xe9moin".encode("latin-1"),  # not UTF-8: a worker
        "large.txt": b"x" * INLINE_TEXT_BYTES + b"y\n",  # one byte past the size: a worker
        "edge.txt": b"z" * INLINE_TEXT_BYTES,  # exactly the size: here
        "bad-utf8.txt": b"ok \xff\xfe not ok",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _clock() -> datetime:
    return datetime(2026, 12, 2, 7, 0, 0, tzinfo=UTC)


def _extracted(
    path: Path, corpus: Path, pool: ExtractionPool | None, texts: InlineTexts | None = None
) -> dict[str, Record]:
    """The text.extracted and extraction.failed records of ``corpus``, by source blob."""
    with Archive.init(
        path, origin="inline.example/a", who="t", views=all_views(), clock=_clock
    ) as a:
        add_paths(a, [corpus], who="t", texts=texts)
        extract_pending(a, _LIMIT, who="t", workers=1, pool=pool)
        records = [a.record(index) for index in range(a.size)]
    return {r["source"]: r for r in records if r.kind in ("text.extracted", "extraction.failed")}


def test_records_are_the_same_whether_a_worker_or_the_parent_reads_a_text(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    with ExtractionPool(_LIMIT, workers=1) as workers_only:  # inline_bytes=0: every file
        by_workers = _extracted(tmp_path / "workers", corpus, workers_only)
    inline = _extracted(tmp_path / "inline", corpus, None)  # extract_pending's own pool
    assert len(by_workers) == 12
    assert {s: r.to_bytes() for s, r in inline.items()} == {
        s: r.to_bytes() for s, r in by_workers.items()
    }
    warned = [r for r in inline.values() if r.get("warnings")]
    assert any("named as application/pdf" in w for r in warned for w in r["warnings"])
    # Read from the bytes `add` holds and logged with the documents: the same records.
    with_documents = _extracted(tmp_path / "with-docs", corpus, None, InlineTexts(_LIMIT, who="t"))
    assert {s: r.to_bytes() for s, r in with_documents.items()} == {
        s: r.to_bytes() for s, r in by_workers.items()
    }


def test_small_texts_are_logged_in_the_append_of_their_documents(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "copy.txt").write_bytes((corpus / "ascii.txt").read_bytes())  # one text for both
    told: list[Extracted] = []
    firsts: list[int] = []
    with Archive.init(tmp_path / "a", origin="inline.example/b", who="t", views=all_views()) as a:
        report = add_paths(
            a,
            [corpus],
            who="t",
            limits=BatchLimits(files=5),
            on_batch=firsts.append,
            texts=InlineTexts(_LIMIT, who="t", on_file=told.append),
        )
        records = [a.record(index) for index in range(a.size)]
        pending = extract_pending(a, _LIMIT, who="t", workers=1)
    assert report.count(Outcome.ADDED) == 12 and report.count(Outcome.SIGHTED) == 1
    # Each batch: its documents, then the texts of those read here, in one append.
    ends = [*firsts[1:], len(records)]
    for first, end in zip(firsts, ends, strict=True):
        kinds = [r.kind for r in records[first:end]]
        texts = kinds.count("text.extracted")
        assert kinds == ["document.added"] * (len(kinds) - texts) + ["text.extracted"] * texts
    read_here = {"ascii.txt", "chinese.txt", "bom.txt", "named.pdf", "empty.txt", "edge.txt"}
    assert {t.name for t in told} == read_here
    for outcome in told:
        document, text = records[outcome.document], records[outcome.record]
        assert document["name"] == outcome.name and text["source"] == document["blob"]
    # The others were left pending, for the workers; none was extracted twice.
    assert {p.name for p in pending} == {p.name for p in corpus.iterdir()} - read_here - {
        "copy.txt"
    }


def test_a_small_text_over_the_archive_size_limit_fails_with_its_sniffed_type(
    tmp_path: Path,
) -> None:
    # Refused before it is read: its type comes from the bytes held, not from a blob file
    # that is not stored yet.
    (tmp_path / "note.txt").write_bytes(b"a note longer than ten bytes")
    told: list[Extracted] = []
    small = ExtractOptions(time_limit_s=3600, max_file_bytes=10)
    with Archive.init(tmp_path / "a", origin="inline.example/c", who="t", views=all_views()) as a:
        add_paths(
            a,
            [tmp_path / "note.txt"],
            who="t",
            texts=InlineTexts(small, who="t", on_file=told.append),
        )
        [failed] = [a.record(i) for i in range(a.size) if a.record(i).kind == "extraction.failed"]
    assert failed["media_type"] == "text/plain"
    assert "larger than the limit of 10 bytes" in failed["reason"]
    assert [t.outcome for t in told] == [ExtractOutcome.FAILED]


def test_small_utf8_texts_start_no_worker_and_the_rest_go_to_one(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    here = ["ascii.txt", "chinese.txt", "bom.txt", "named.pdf", "empty.txt", "edge.txt"]
    jobs = [ExtractionJob(n, corpus / name, name) for n, name in enumerate(here)]
    with ExtractionPool(_LIMIT, workers=2, inline_bytes=INLINE_TEXT_BYTES) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
        assert pool.started == 0
        others = sorted(p.name for p in corpus.iterdir() if p.name not in here)
        jobs = [ExtractionJob(n, corpus / name, name) for n, name in enumerate(others)]
        rest = dict((job.key, result) for job, result in pool.run(jobs))
        assert pool.started >= 1
    assert [results[n].text for n in range(3)] == [
        "the witness saw the officer at the station\n",
        "證人看見警察拘留了三個人\n",
        "带 BOM 的文本\n",
    ]
    assert sorted(rest) == list(range(len(others)))


def test_a_fifo_among_small_texts_is_left_to_a_worker_and_its_time_limit(tmp_path: Path) -> None:
    # Opening a FIFO for reading waits for a writer: none comes. Read here, it would hang
    # the whole run; in a worker, the time limit stops it and the other files go on.
    stuck = tmp_path / "stuck.txt"
    os.mkfifo(stuck)
    notes = []
    for n in range(40):  # more than one round of files read here
        (tmp_path / f"{n}.txt").write_text(f"note {n}\n")
        notes.append(ExtractionJob(n + 1, tmp_path / f"{n}.txt", f"{n}.txt"))
    jobs = [*notes[:20], ExtractionJob(0, stuck, "stuck.txt"), *notes[20:]]
    options = ExtractOptions(time_limit_s=1)
    with ExtractionPool(options, workers=1, inline_bytes=INLINE_TEXT_BYTES) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
    assert sorted(results) == list(range(41))
    assert "longer than the limit of 1 s" in results[0].failure
    assert [results[n + 1].text for n in range(40)] == [f"note {n}\n" for n in range(40)]


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_what_is_read_here_is_what_a_worker_would_read(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    # Any bytes: either they are left to a worker (None), or read exactly as the worker's
    # extract_file reads them.
    path = tmp_path_factory.getbasetemp() / "inline-any.txt"
    path.write_bytes(data)
    here = extract_inline(path, "n.txt", _LIMIT, INLINE_TEXT_BYTES)
    if here is not None:
        assert here == extract_file(path, "n.txt", _LIMIT)
        assert here.ok and here.extractor in ("text", "none")


_opened: list[str] | None = None


def _count_opens(event: str, args: tuple[object, ...]) -> None:
    if _opened is not None and event == "open":
        _opened.append(os.fsdecode(args[0]) if isinstance(args[0], str | bytes) else "")


def test_a_text_read_here_is_opened_once_and_read_from_the_bytes_read(tmp_path: Path) -> None:
    # The file is opened once, its bytes sniffed and extracted as read: a file swapped
    # after that one open cannot change what is extracted (it used to be opened 4 times).
    global _opened
    sys.addaudithook(_count_opens)  # Python's own audit events: every open() and os.open()
    note = tmp_path / "note.txt"
    note.write_text("證人看見警察 the witness\n")
    _opened = []
    try:
        here = extract_inline(note, "note.txt", _LIMIT, INLINE_TEXT_BYTES)
        assert _opened.count(str(note)) == 1
    finally:
        _opened = None
    assert here == extract_file(note, "note.txt", _LIMIT)
    assert here is not None and here.text == "證人看見警察 the witness\n"
