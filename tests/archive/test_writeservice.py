"""The one writer reached from other processes (``serve --jobs``): appends come back
durable with their indexes, its errors come back as they were raised, and a client
without the writer's key appends nothing; over TLS (certificates made here), a wrong
certificate on either end is refused with a message that says which."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from certificates import make_certificate
from erfurt.archive import (
    Archive,
    Record,
    WriteQueue,
    WriterAddress,
    WriterClient,
    WriterServer,
    WriterTLS,
    is_erfurt_secret,
    load_link_key,
)
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
            assert "hold different keys" in unknown.value.message
            archive.refresh()
            assert archive.size == start + 2
        finally:
            client.close()
            server.close()
    with pytest.raises(ConfigError):  # the writer is gone
        WriterClient(server.address).submit([_record_about(archive, "late.txt")])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca signs writer (for 127.0.0.1) and worker; rogue-ca signs intruder."""
    folder = tmp_path_factory.mktemp("writer-pki")
    ca = make_certificate("ca", None, folder)
    make_certificate("writer", ca, folder, ["127.0.0.1"])
    make_certificate("worker", ca, folder)
    rogue = make_certificate("rogue-ca", None, folder)
    make_certificate("intruder", rogue, folder, ["127.0.0.1"])
    return folder


def _tls(pki: Path, name: str, ca: str = "ca") -> WriterTLS:
    return WriterTLS(pki / f"{ca}.crt", pki / f"{name}.crt", pki / f"{name}.key")


def test_the_writer_link_over_tls_appends_and_refuses_wrong_certificates(
    tmp_path: Path, pki: Path
) -> None:
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/writer-tls", who="t").close()
    with WriteQueue(path) as queue, Archive.open(path) as archive:
        server = WriterServer(queue.submit, lambda _who: None, tls=_tls(pki, "writer"))
        address = server.address
        client = WriterClient(dataclasses.replace(address, tls=_tls(pki, "worker")))
        try:
            start = archive.size
            assert client.submit([_record_about(archive, "over-tls.txt")]) == [start]
            # A worker that trusts another CA refuses the writer's certificate.
            deceived = WriterClient(
                dataclasses.replace(address, tls=_tls(pki, "worker", "rogue-ca"))
            )
            with pytest.raises(ConfigError) as distrusted:
                deceived.submit([_record_about(archive, "a.txt")])
            assert "certificate that writer_ca does not vouch for" in distrusted.value.message
            # The writer refuses a worker whose certificate its CA did not sign, and one
            # without TLS, before reading anything it sends.
            for intruder in (
                dataclasses.replace(address, tls=_tls(pki, "intruder")),
                dataclasses.replace(address, tls=None),
            ):
                with pytest.raises(ConfigError) as refused:
                    WriterClient(intruder).submit([_record_about(archive, "b.txt")])
                assert "refused the connection" in refused.value.message
                assert "writer_ca" in refused.value.hint
            archive.refresh()
            assert archive.size == start + 1
        finally:
            client.close()
            server.close()


def test_a_writer_off_loopback_needs_tls_and_its_files(tmp_path: Path, pki: Path) -> None:
    with pytest.raises(ConfigError) as plain:
        WriterServer(lambda _records: [], lambda _who: None, host="0.0.0.0")
    assert "without TLS" in plain.value.message and "writer_cert" in plain.value.hint
    missing = WriterTLS(pki / "ca.crt", tmp_path / "absent.crt", pki / "writer.key")
    with pytest.raises(ConfigError) as unusable:
        WriterServer(lambda _records: [], lambda _who: None, tls=missing)
    assert "absent.crt" in unusable.value.message


def test_the_link_key_file_is_made_once_private_and_refused_when_exposed(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    Archive.init(archive, origin="example.org/link-key", who="t").close()
    path = tmp_path / "etc" / "writer-link.key"
    with pytest.raises(ConfigError) as missing:
        load_link_key(path, archive_root=archive, create=False)
    assert "no writer link key" in missing.value.message and "copy" in missing.value.hint
    made = load_link_key(path, archive_root=archive, create=True)
    assert len(made) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert load_link_key(path, archive_root=archive, create=False) == made
    assert is_erfurt_secret(path.read_bytes())  # `erfurt add` never preserves it
    path.chmod(0o640)
    with pytest.raises(ConfigError) as exposed:
        load_link_key(path, archive_root=archive, create=False)
    assert "readable by others" in exposed.value.message and "chmod 600" in exposed.value.hint
    with pytest.raises(ConfigError) as inside:
        load_link_key(archive / "private" / "link.key", archive_root=archive, create=True)
    assert "inside the archive folder" in inside.value.message
    assert not (archive / "private" / "link.key").exists()


def test_a_client_refuses_a_writer_off_loopback_without_tls() -> None:
    with pytest.raises(ConfigError) as plain:
        WriterClient(WriterAddress("10.0.0.5", 7400, b"k" * 32))
    assert "without TLS" in plain.value.message and "writer_ca" in plain.value.hint


def test_a_client_connects_again_to_a_writer_started_again(tmp_path: Path) -> None:
    """The first writer ends its connections when it closes; the client notices before
    sending, so its next append goes to the second writer (on the same port and key)
    instead of failing; with no writer at all it fails with a ConfigError."""
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/restart", who="t").close()
    key = b"k" * 32
    with WriteQueue(path) as queue, Archive.open(path) as archive:
        first = WriterServer(queue.submit, lambda _who: None, authkey=key)
        client = WriterClient(first.address)
        try:
            start = archive.size
            assert client.submit([_record_about(archive, "first.txt")]) == [start]
            first.close()
            again = WriterServer(
                queue.submit, lambda _who: None, port=first.address.port, authkey=key
            )
            assert client.submit([_record_about(archive, "again.txt")]) == [start + 1]
            again.close()
            with pytest.raises(ConfigError) as down:
                client.submit([_record_about(archive, "nobody.txt")])
            assert "cannot be reached" in down.value.message
            archive.refresh()
            assert archive.size == start + 2
        finally:
            client.close()
