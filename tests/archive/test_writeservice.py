"""The one writer reached from other processes (``serve --jobs``): appends come back
durable with their indexes, its errors come back as they were raised, and a client
without the writer's key appends nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record, WriteQueue, WriterClient, WriterServer
from erfurt.errors import ConfigError, InputError


def _record_about(archive: Archive, name: str) -> Record:
    blob = archive.put_bytes(name.encode())
    return Record(
        "document.added",
        {"blob": blob.sha256, "size": blob.size, "name": name, "media_type": "text/plain",
         "collection": "c", "time": archive.now(), "who": "t"},
    )  # fmt: skip


def test_appends_through_the_writer_are_durable_and_errors_come_back(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/writer", who="t").close()
    asked: list[str] = []

    def refuse(who: str) -> None:
        asked.append(who)
        if who == "nobody":
            raise InputError("no such user", "ask an admin")

    with WriteQueue(path) as queue, Archive.open(path) as archive:
        server = WriterServer(queue.submit, refuse)
        client = WriterClient(server.address)
        try:
            start = archive.size
            indexes = client.submit([_record_about(archive, "a.txt"), _record_about(archive, "b")])
            assert indexes == [start, start + 1]
            archive.refresh()
            assert archive.record(start + 1)["name"] == "b"
            client.request("ana")
            with pytest.raises(InputError) as refused:
                client.request("nobody")
            assert (refused.value.message, refused.value.hint) == ("no such user", "ask an admin")
            assert asked == ["ana", "nobody"]
            with pytest.raises(InputError):
                client.submit(
                    [Record("document.added", {"name": "x"})]
                )  # refused before it is sent
            stranger = WriterClient(dataclasses.replace(server.address, authkey=b"x" * 32))
            with pytest.raises(ConfigError) as unknown:
                stranger.submit([_record_about(archive, "intruder.txt")])
            assert "cannot be reached" in unknown.value.message
            archive.refresh()
            assert archive.size == start + 2
        finally:
            client.close()
            server.close()
    with pytest.raises(ConfigError):  # the writer is gone
        WriterClient(server.address).submit([_record_about(archive, "late.txt")])
