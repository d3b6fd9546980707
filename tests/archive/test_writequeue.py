"""The write queue: many threads append at once, each gets its own indexes once durable."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record, WriteQueue, verify_receipt
from erfurt.errors import ConfigError, InputError
from erfurt.log import LogWriter, Signer


def _note(text: str) -> Record:
    return Record(
        "archive.created", {"origin": "example.org/q", "time": "2026-12-01T00:00:00Z", "who": text}
    )


def test_fifty_concurrent_writers_all_succeed_in_order(archive_path: Path) -> None:
    Archive.init(archive_path, origin="example.org/q", who="t").close()
    results: dict[int, list[int]] = {}
    with WriteQueue(archive_path) as queue:
        start = threading.Barrier(50)

        def write(n: int) -> None:
            start.wait()
            results[n] = queue.submit([_note(f"w{n}-a"), _note(f"w{n}-b")])

        threads = [threading.Thread(target=write, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        batches = queue.batches
    assert batches < 50  # writers arriving together share appends
    with Archive.open(archive_path) as archive:
        assert archive.size == 101
        for n, (first, second) in results.items():
            assert second == first + 1  # one caller's records stay together, in order
            assert archive.record(first)["who"] == f"w{n}-a"
            assert archive.record(second)["who"] == f"w{n}-b"
        whos = [r["who"] for _, r in archive.records(1)]
    assert sorted(whos) == sorted({f"w{n}-{x}" for n in range(50) for x in "ab"})


def test_lock_is_free_between_batches(archive_path: Path) -> None:
    Archive.init(archive_path, origin="example.org/q", who="t").close()
    with WriteQueue(archive_path) as queue:
        queue.submit([_note("served")])
        # A command-line writer gets the lock while the server is idle.
        with Archive.open(archive_path) as cli:
            cli.append([_note("cli")])
        [index] = queue.submit([_note("served again")])
    assert index == 3
    with Archive.open(archive_path) as archive:
        assert [r["who"] for _, r in archive.records(1)] == ["served", "cli", "served again"]


def test_waits_for_another_writer_then_appends(archive_path: Path) -> None:
    archive = Archive.init(archive_path, origin="example.org/q", who="t")
    archive.close()
    holder = LogWriter.open(archive.paths.log, _signer(archive_path), state=archive.paths.log_state)
    with WriteQueue(archive_path) as queue:
        done: list[int] = []
        writer = threading.Thread(target=lambda: done.extend(queue.submit([_note("x")])))
        writer.start()
        holder.close()  # the queue, waiting its turn, gets the lock now
        writer.join()
    assert done == [1]


def test_lock_held_too_long_fails_the_batch_clearly(archive_path: Path) -> None:
    archive = Archive.init(archive_path, origin="example.org/q", who="t")
    archive.close()
    toml = archive_path / "erfurt.toml"
    toml.write_text(
        re.sub(r"(?m)^lock_wait = .*$", "lock_wait = 0", toml.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    holder = LogWriter.open(archive.paths.log, _signer(archive_path), state=archive.paths.log_state)
    try:
        with WriteQueue(archive_path) as queue, pytest.raises(ConfigError) as err:
            queue.submit([_note("x")])
    finally:
        holder.close()
    assert "lock" in err.value.message or "writing" in err.value.message


def _signer(path: Path) -> Signer:
    return Signer.from_skey((path / "private" / "log.key").read_text().strip())


def test_a_bad_record_fails_only_its_caller(archive_path: Path) -> None:
    Archive.init(archive_path, origin="example.org/q", who="t").close()
    with WriteQueue(archive_path) as queue:
        with pytest.raises(InputError):
            queue.submit([Record("archive.created", {"who": "no origin, no time"})])
        assert queue.submit([_note("fine")]) == [1]


def test_archive_hands_appends_to_the_queue(archive_path: Path) -> None:
    Archive.init(archive_path, origin="example.org/q", who="t").close()
    with WriteQueue(archive_path) as queue, Archive.open(archive_path) as reader:
        reader.send_appends_to(queue.submit)
        [index] = reader.append([_note("through the queue")])
        assert reader.record(index)["who"] == "through the queue"  # readable at once
        checked = verify_receipt(reader.prove(index), reader.verifier)
        assert checked.record["who"] == "through the queue"
