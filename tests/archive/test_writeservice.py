"""The one writer reached from other processes (``serve --jobs``): appends come back
durable with their indexes, its errors come back as they were raised, and a client
without the writer's key appends nothing; over TLS (certificates made here), a wrong
certificate on either end is refused with a message that says which; a writer that does
not answer fails a request at its time limit, then every request at once while one at a
time probes it, and records nobody waits for any more are not appended.

Requests that must succeed after a writer resumed are given a patient time limit of
their own (``PATIENT``), so that no test depends on how fast a loaded machine is."""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import subprocess
import sys
import threading
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
from erfurt.log import LogWriter, Signer
from processes import stopped

PATIENT = 600.0
"""Seconds a request that must be answered may wait (a loaded machine, never a hang)."""


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


class _Noticed(logging.Handler):
    """Sets ``event`` when a log message containing ``words`` is emitted."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


def test_a_writer_that_never_answers_fails_the_request_saying_nothing_reached_it() -> None:
    """A port whose process accepts nothing (the kernel completes the connection, as for
    a stopped writer): the key check gets no answer, and the request fails at its limit."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = int(silent.getsockname()[1])
        client = WriterClient(WriterAddress("127.0.0.1", port, b"k" * 32, time_limit=1))
        try:
            with pytest.raises(ConfigError) as hung:
                client.request("ana")
        finally:
            client.close()
    assert f"127.0.0.1:{port} did not answer in 1 s" in hung.value.message
    assert "nothing of this request reached it" in hung.value.hint
    assert "not stopped" in hung.value.hint and "disk" in hung.value.hint


def test_records_whose_client_stopped_waiting_are_not_appended(tmp_path: Path) -> None:
    """The writer's batch hangs (another writer holds the log's lock, as a disk that
    blocks would): a client's append queued behind it fails at the client's time limit
    with a message saying what to check, and its next is refused unsent (the writer
    answers the probe's ping, saying its batch has taken that long); the first is dropped
    instead of appended once the batch goes on, and the client's next append, on a new
    connection, gets its own answer."""
    path = tmp_path / "archive"
    archive = Archive.init(path, origin="example.org/hung", who="t")
    archive.close()
    waiting = _Noticed("waiting for its batch to end")
    logging.getLogger("erfurt.archive.archive").addHandler(waiting)
    signer = Signer.from_skey((path / "private" / "log.key").read_text().strip())
    with WriteQueue(path) as queue, Archive.open(path) as reader:
        server = WriterServer(queue.submit, lambda _who: None)
        patient = WriterClient(dataclasses.replace(server.address, time_limit=PATIENT))
        impatient = WriterClient(dataclasses.replace(server.address, time_limit=5))
        holder = LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state)
        first: list[int] = []
        try:
            start = reader.size
            ahead = threading.Thread(
                target=lambda: first.extend(patient.submit([_record_about(reader, "ahead")]))
            )
            ahead.start()
            assert waiting.event.wait(600)  # its batch waits for the lock now
            with pytest.raises(ConfigError) as hung:
                impatient.submit([_record_about(reader, "given up")])
            assert "did not answer in 5 s" in hung.value.message
            assert "see whether it is in the log before repeating it" in hung.value.hint
            # The writer's process answers the probe's ping, but says its batch has taken
            # as long as the client waits for one: however patient, it is refused unsent.
            with pytest.raises(ConfigError) as stalled:
                impatient.submit([_record_about(reader, "while stalled")], time_limit=PATIENT)
            assert "has been appending one batch for" in stalled.value.message
            assert "nothing of this request was sent to it" in stalled.value.hint
        finally:
            holder.close()
        try:
            ahead.join()
            assert first == [start]
            [again] = _once_the_batch_ends(impatient, _record_about(reader, "again"))
            assert again == start + 1  # its own answer, not the dropped one's
            reader.refresh()
            names = [reader.record(index)["name"] for index in range(start, reader.size)]
            assert names == ["ahead", "again"]
        finally:
            logging.getLogger("erfurt.archive.archive").removeHandler(waiting)
            patient.close()
            impatient.close()
            server.close()


def _once_the_batch_ends(client: WriterClient, record: Record) -> list[int]:
    """Append ``record`` patiently, again while the writer says a batch has taken too
    long (the one that just ended may still be counted for a moment)."""
    for _ in range(6000):
        try:
            return client.submit([record], time_limit=PATIENT)
        except ConfigError as exc:
            if "has been appending" not in exc.message:
                raise
            threading.Event().wait(0.1)
    raise AssertionError("the writer's batch never ended")


_WRITER_PROCESS = """
import logging, sys
from pathlib import Path
from erfurt.archive import WriteQueue, WriterServer
logging.basicConfig(level=logging.WARNING)
key = bytes.fromhex(sys.stdin.readline())
with WriteQueue(Path(sys.argv[1])) as queue:
    server = WriterServer(queue.submit, lambda _who: None, authkey=key)
    print(server.address.port, flush=True)
    sys.stdin.read()  # serve until the test closes stdin
    server.close()
"""


def _writer_process(path: Path) -> tuple[subprocess.Popen[str], WriterAddress]:
    """A writer serving the archive at ``path`` in a process of its own, and its address
    (a random key); the test closes its stdin to stop it."""
    key = os.urandom(32)
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER_PROCESS, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.write(key.hex() + "\n")
    writer.stdin.flush()
    return writer, WriterAddress("127.0.0.1", int(writer.stdout.readline()), key)


def test_a_request_sent_to_a_stopped_writer_is_not_carried_out_when_it_resumes(
    tmp_path: Path,
) -> None:
    """A writer in a process of its own, stopped (SIGSTOP) while a client's connection is
    open: the append sent meanwhile fails at the client's limit; once resumed (SIGCONT)
    the writer reads it, sees its client gone and does not append it, and the client's
    next append, on a new connection, lands."""
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/stopped", who="t").close()
    writer, address = _writer_process(path)
    client = WriterClient(dataclasses.replace(address, time_limit=5))
    try:
        with Archive.open(path, catch_up=False) as archive:
            [first] = client.submit([_record_about(archive, "before")], time_limit=PATIENT)
            with stopped(writer), pytest.raises(ConfigError) as hung:
                client.submit([_record_about(archive, "while stopped")])
            assert "did not answer in 5 s" in hung.value.message
            assert "see whether it is in the log" in hung.value.hint
            after = client.submit([_record_about(archive, "after")], time_limit=PATIENT)
            assert after == [first + 1]
            archive.refresh()
            assert [archive.record(i)["name"] for i in range(first, archive.size)] == [
                "before", "after"]  # fmt: skip
    finally:
        client.close()
        _, said = writer.communicate("")
    assert writer.returncode == 0, said
    assert "'append' request from" in said and "was not carried out" in said


BURST = 20
"""Threads asking a silent writer at once."""


def test_while_a_writer_is_silent_requests_fail_at_once_and_one_at_a_time_probes_it(
    tmp_path: Path,
) -> None:
    """A writer process stopped (SIGSTOP): once one append went unanswered (2 s limit),
    appends from many threads (each willing to wait ``PATIENT``) fail at once saying
    since when the writer is silent and that nothing of them was sent, except one, which
    pings the writer and waits; after SIGCONT the ping is answered, that append lands,
    and so does the next. Nothing refused is appended."""
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/silent", who="t").close()
    writer, address = _writer_process(path)
    client = WriterClient(address)
    refused: list[ConfigError] = []
    landed: list[list[int]] = []
    progress = threading.Condition()

    def append(name: str) -> None:
        try:
            indexes = client.submit([_record_about(archive, name)], time_limit=PATIENT)
        except ConfigError as exc:
            with progress:
                refused.append(exc)
                progress.notify_all()
        else:
            with progress:
                landed.append(indexes)

    try:
        with Archive.open(path, catch_up=False) as archive:
            [first] = client.submit([_record_about(archive, "before")], time_limit=PATIENT)
            burst = [threading.Thread(target=append, args=(f"burst {n}",)) for n in range(BURST)]
            with stopped(writer):
                with pytest.raises(ConfigError) as hung:
                    client.submit([_record_about(archive, "unanswered")], time_limit=2)
                assert "did not answer in 2 s" in hung.value.message
                for thread in burst:
                    thread.start()
                with progress:  # all but the probing one, which waits for the writer
                    assert progress.wait_for(lambda: len(refused) == BURST - 1, PATIENT)
                assert landed == []
            for thread in burst:
                thread.join()
            for error in refused:
                silent_s = error.message.rpartition("stopped answering ")[2].split(" s ago")[0]
                assert int(silent_s) >= 2, error.message
                assert "nothing of this request was sent to it" in error.hint
                assert "not stopped" in error.hint
            [[probed]] = landed
            assert probed == first + 1
            after = client.submit([_record_about(archive, "after")], time_limit=PATIENT)
            assert after == [first + 2]
            archive.refresh()
            names = [archive.record(i)["name"] for i in range(first, archive.size)]
            assert names[0] == "before" and names[1].startswith("burst ")
            assert names[2:] == ["after"]
    finally:
        client.close()
        _, said = writer.communicate("")
    assert writer.returncode == 0, said
