"""Workers on another host (issue 13 item 5): ``erfurt serve --join HOST:PORT`` started
on its own, as a second host would start it, beside a writer (``erfurt serve --jobs 1``
with ``writer_listen`` on loopback, TLS both ways, ``writer_secret_file``); the writer
stopped (SIGSTOP) and resumed, and stopped and started again.

Both are real processes started with the erfurt command. The joining "host" has an
archive folder of its own as docs/deployment.md describes it: its own erfurt.toml (its
certificate, its copy of the key file), ``log/``, ``blobs/`` and ``tmp/`` reached
through symbolic links standing for the shared mounts, and no ``private/``: accounts
are asked of the writer.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from certificates import make_certificate
from erfurt.archive import Accounts, Archive, ArchivePaths, load_registry_secret
from erfurt.cli import cli
from erfurt.cli.options import all_views, save_archive_setting
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web.linksettings import writer_time_limit
from pg_cluster import PgCluster, free_port, free_ports
from processes import stopped

from .conftest import CHEAP, PASSWORD
from .uploads_seen import upload_then_show

ERFURT = str(Path(sys.executable).with_name("erfurt"))
SHARED = ("log", "blobs", "tmp")
"""What a worker host reaches of the writer host's archive folder (shared mounts)."""


@dataclass
class Host:
    """One host's archive folder, its folder of TLS and key files, and its settings."""

    archive: Path
    etc: Path

    @property
    def key_file(self) -> Path:
        return self.etc / "writer-link.key"


@dataclass
class Deployment:
    writer: Host
    worker: Host
    writer_listen: str
    database: str
    folder: Path


def _configure(host: Host, writer_listen: str, name: str) -> None:
    """Point ``host``'s erfurt.toml at its own TLS files (``name``.crt, .key) and key file."""
    save_archive_setting(
        host.archive,
        writer_listen=writer_listen,
        writer_ca=str(host.etc / "ca.crt"),
        writer_cert=str(host.etc / f"{name}.crt"),
        writer_key=str(host.etc / f"{name}.key"),
        writer_secret_file=str(host.key_file),
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, pg_cluster: PgCluster) -> Deployment:
    """The writer host's archive (two users, one document) and the worker host's folder;
    certificates: ca signs the writer's (127.0.0.1) and the worker's, rogue-ca an
    intruder's. The key file does not exist yet: the writer makes it."""
    root = tmp_path_factory.mktemp("hosts")
    writer = Host(root / "writer-host" / "archive", root / "writer-host" / "etc")
    worker = Host(root / "worker-host" / "archive", root / "worker-host" / "etc")
    (root / "files").mkdir()
    (root / "files" / "order.txt").write_text("The order was signed.\n", encoding="utf-8")
    with Archive.init(
        writer.archive, origin="example.org/hosts", who="t", views=all_views()
    ) as archive:
        with Accounts.open(archive.paths, hasher=CHEAP) as accounts:
            accounts.add_user("ana", "archivist", PASSWORD)
            accounts.add_user("vic", "volunteer", PASSWORD)
        add_paths(archive, [root / "files"], collection="public", who="ana")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
    for host in (writer, worker):
        host.etc.mkdir(mode=0o700, parents=True)
    ca = make_certificate("ca", None, writer.etc)
    make_certificate("writer", ca, writer.etc, ["127.0.0.1"])
    make_certificate("worker", ca, worker.etc)
    make_certificate("intruder", make_certificate("rogue-ca", None, root), worker.etc)
    shutil.copy(writer.etc / "ca.crt", worker.etc / "ca.crt")
    listen = f"127.0.0.1:{free_port()}"
    worker.archive.mkdir(parents=True)
    shutil.copy(ArchivePaths(writer.archive).config, ArchivePaths(worker.archive).config)
    _configure(writer, listen, "writer")
    _configure(worker, listen, "worker")
    (writer.archive / "tmp").mkdir(exist_ok=True)
    for name in SHARED:
        (worker.archive / name).symlink_to(writer.archive / name, target_is_directory=True)
    # Both hosts hash with the operator's one registry secret (idempotency keys, calls).
    load_registry_secret(root / "registry-secret", archive_root=writer.archive, create=True)
    return Deployment(writer, worker, listen, pg_cluster.create_database(), root)


@dataclass
class Served:
    """A running ``erfurt serve``: the process, its first port, its output file."""

    process: subprocess.Popen[bytes]
    port: int
    output: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def said(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


def _serve(deployment: Deployment, host: Host, *args: str) -> Served:
    """``erfurt serve`` for ``host`` in a process group of its own, once its first
    worker answers (as long as a loaded machine takes; failing if the process ends)."""
    port = free_ports(1)
    output = deployment.folder / f"serve-{port}.log"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [ERFURT, "serve", "--archive", str(host.archive), "--port", str(port),
             "--secret-file", str(deployment.folder / "registry-secret"), *args],
            env=os.environ | {"ERFURT_DATABASE_URL": deployment.database},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    served = Served(process, port, output)
    with httpx.Client(base_url=served.url, timeout=None) as client:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve ended ({process.returncode}): {served.said()}")
            try:
                if client.get("/log/checkpoint").status_code == 200:
                    return served
            except httpx.TransportError:
                threading.Event().wait(0.2)


def _stop(served: Served) -> None:
    """SIGTERM to the writer or joining process (it stops its workers), and wait."""
    served.process.send_signal(signal.SIGTERM)
    served.process.wait()


@pytest.fixture(scope="module")
def writer(deployment: Deployment) -> Iterator[Served]:
    served = _serve(deployment, deployment.writer, "--jobs", "1")
    try:
        yield served
    finally:
        _stop(served)


@pytest.fixture(scope="module")
def worker_key(deployment: Deployment, writer: Served) -> None:
    """The worker host's copy of the key file the writer made at its first start."""
    made = deployment.writer.key_file
    assert made.stat().st_mode & 0o777 == 0o600
    shutil.copy(made, deployment.worker.key_file)


@pytest.fixture(scope="module")
def joined(deployment: Deployment, writer: Served, worker_key: None) -> Iterator[Served]:
    """A worker host joining the writer, as a second host would start it."""
    served = _serve(deployment, deployment.worker, "--join", deployment.writer_listen)
    try:
        yield served
    finally:
        _stop(served)


def _token(deployment: Deployment, user: str) -> dict[str, str]:
    with Accounts.open(ArchivePaths(deployment.writer.archive), hasher=CHEAP) as accounts:
        return {"authorization": f"Bearer {accounts.new_token(user, 'joined test')}"}


def _declarations_named(deployment: Deployment, alias: str) -> int:
    with Archive.open(deployment.writer.archive, catch_up=False) as archive:
        return sum(
            1 for index in range(archive.size) if archive.record(index).get("alias") == alias
        )


def _documents_named(deployment: Deployment, name: str) -> int:
    with Archive.open(deployment.writer.archive, catch_up=False) as archive:
        return sum(
            1
            for index in range(archive.size)
            if archive.record(index).kind == "document.added"
            and archive.record(index).get("name") == name
        )


def test_a_write_through_the_joined_worker_lands_once_and_reads_back_through_the_writers(
    deployment: Deployment, writer: Served, joined: Served
) -> None:
    with (
        httpx.Client(base_url=joined.url, timeout=None) as far,
        httpx.Client(base_url=writer.url, timeout=None) as near,
    ):
        before = near.get("/api/v1/tally", params={"by": "total"}).json()["total"]
        declared = far.post(
            "/api/v1/declarations",
            json={"alias": "From afar", "organisations": ["Party"], "place": "Gera"},
            headers=_token(deployment, "vic"),  # the token is checked by the writer
        )
        assert declared.status_code == 201, declared.text
        after = near.get("/api/v1/tally", params={"by": "total"}).json()["total"]
        assert after["declarations"] == before["declarations"] + 1
        assert _declarations_named(deployment, "From afar") == 1
        # A retry with its Idempotency-Key is answered over the link, not logged again;
        # the key with another body is refused as the writer refused it (422).
        retry = {**_token(deployment, "vic"), "idempotency-key": "far-retry"}
        body = {"alias": "Retried from afar", "organisations": ["Party"]}
        sent = [far.post("/api/v1/declarations", json=body, headers=retry) for _ in range(2)]
        assert [answer.status_code for answer in sent] == [201, 201], sent[0].text
        assert sent[0].json() == sent[1].json()
        assert _declarations_named(deployment, "Retried from afar") == 1
        body["alias"] = "Changed on the way"
        conflict = far.post("/api/v1/declarations", json=body, headers=retry)
        assert conflict.status_code == 422 and "another body" in conflict.json()["error"]
        assert _declarations_named(deployment, "Changed on the way") == 0
        # Its blob is stored on the shared blobs, and the writer's worker serves it.
        upload_then_show(far, near, _token(deployment, "ana"), "far.txt")
        # Intake's state is on the writer's host: a worker host has no intake key.
        key = deployment.folder / "intake.key"
        assert CliRunner().invoke(cli, ["intake", "keygen", str(key)]).exit_code == 0
        enabled = CliRunner().invoke(cli, ["intake", "enable", "--archive", str(
            deployment.writer.archive), f"{key}.pub"])  # fmt: skip
        assert enabled.exit_code == 0, enabled.output
        assert near.get("/intake").status_code == 200
        assert far.get("/intake").status_code == 503
    assert not (deployment.worker.archive / "private" / "access.sqlite").exists()


def test_a_login_on_the_joined_worker_is_a_session_the_writer_keeps(
    deployment: Deployment, joined: Served
) -> None:
    with httpx.Client(base_url=joined.url, timeout=None) as far:
        wrong = far.post(
            "/login",
            data={"username": "ana", "password": "not hers", "csrf": "t"},
            headers={"cookie": "erfurt_csrf=t"},
        )
        assert wrong.status_code == 401
        logged_in = far.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "csrf": "t"},
            headers={"cookie": "erfurt_csrf=t"},
        )
        assert logged_in.status_code in (200, 303), logged_in.text
        session = logged_in.cookies.get("erfurt_session")
        assert session
        cookie = {"cookie": f"erfurt_session={session}"}
        page = far.get("/documents/1", headers=cookie)
        assert page.status_code == 200 and 'action="/logout"' in page.text
        with Accounts.open(ArchivePaths(deployment.writer.archive), hasher=CHEAP) as accounts:
            kept = accounts.session(session)
            assert kept is not None and kept.principal.name == "ana"
            out = far.post("/logout", data={"csrf": "t"}, headers={
                "cookie": f"erfurt_session={session}; erfurt_csrf=t"})  # fmt: skip
            assert out.status_code == 303, out.text
            assert accounts.session(session) is None  # logged out for every worker
        assert 'action="/logout"' not in far.get("/documents/1", headers=cookie).text


def _join_refused(deployment: Deployment, archive: Path | None = None) -> str:
    """Run ``serve --join`` for the worker host, or with ``archive`` (in this process: it
    stops before any worker starts) and return its message; it must exit 1."""
    archive = archive or deployment.worker.archive
    result = CliRunner().invoke(
        cli,
        ["--database", deployment.database, "serve", "--archive", str(archive),
         "--port", str(free_ports(1)), "--join", deployment.writer_listen],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    return result.output


def _with_key(deployment: Deployment, key: bytes | None, mode: int = 0o600) -> None:
    """Put ``key`` (the file's bytes; None: no file) at the worker host's key file."""
    deployment.worker.key_file.unlink(missing_ok=True)
    if key is not None:
        deployment.worker.key_file.write_bytes(key)
        deployment.worker.key_file.chmod(mode)


@pytest.mark.usefixtures("worker_key")
def test_a_joining_worker_with_a_wrong_key_file_is_refused_with_what_to_do(
    deployment: Deployment, writer: Served
) -> None:
    good = deployment.writer.key_file.read_bytes()
    other = good.splitlines()[0] + b"\n" + b"ab" * 32 + b"\n"
    try:
        _with_key(deployment, None)
        said = _join_refused(deployment)
        assert "no writer link key at" in said and "copy the file the writer made" in said
        _with_key(deployment, good, 0o644)
        said = _join_refused(deployment)
        assert "readable by others (mode 0644)" in said and "chmod 600" in said
        _with_key(deployment, other)
        said = _join_refused(deployment)
        assert "hold different keys" in said and "copy of the writer's" in said
    finally:
        _with_key(deployment, good)


@pytest.mark.usefixtures("worker_key")
def test_a_joining_worker_with_a_wrong_certificate_is_refused_saying_so(
    deployment: Deployment, writer: Served
) -> None:
    config = ArchivePaths(deployment.worker.archive).config
    text = config.read_text(encoding="utf-8")
    try:
        config.write_text(text.replace("/worker.", "/intruder."), encoding="utf-8")
        said = _join_refused(deployment)
        assert "refused the connection" in said and "writer_ca" in said
        config.write_text(
            text.replace(str(deployment.worker.etc / "ca.crt"),
                         str(deployment.folder / "rogue-ca.crt")),
            encoding="utf-8",
        )  # fmt: skip
        said = _join_refused(deployment)
        assert "certificate that writer_ca does not vouch for" in said
    finally:
        config.write_text(text, encoding="utf-8")


@pytest.mark.usefixtures("worker_key")
def test_joining_the_writer_of_another_archive_is_refused(
    deployment: Deployment, writer: Served, tmp_path: Path
) -> None:
    other = Host(tmp_path / "other" / "archive", deployment.worker.etc)
    Archive.init(other.archive, origin="example.org/another", who="t").close()
    _configure(other, deployment.writer_listen, "worker")
    said = _join_refused(deployment, other.archive)
    assert "writes the archive 'example.org/hosts', not this one" in said


def test_a_time_limit_under_a_second_is_refused_with_what_to_set() -> None:
    with pytest.raises(ConfigError) as refused:
        writer_time_limit(ArchiveConfig(writer_time_limit=0))
    assert "writer_time_limit 0" in refused.value.message and "60" in refused.value.hint
    assert writer_time_limit(ArchiveConfig()) == 60


HUNG_LIMIT = 20
"""The writer_time_limit of the joined worker the hung-writer test starts (seconds): how
long the writer may take to answer once resumed, on a loaded machine."""
BURST = 30
"""Requests needing the writer sent at once while it is silent."""


def _silent_writer(answer: httpx.Response) -> str:
    """How ``answer`` says the writer did not answer: "limit" (the request waited for it
    and gave up) or "at once" (refused while the writer is known silent); fails on any
    other answer."""
    assert answer.status_code == 503, answer.text
    if f"did not answer in {HUNG_LIMIT} s" in answer.text:
        return "limit"
    assert re.search(r"stopped answering [0-9]+ s ago", answer.text), answer.text
    assert "nothing of this request was sent to it" in answer.text
    return "at once"


def _log_in(far: httpx.Client) -> str:
    logged_in = far.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": "t"},
                         headers={"cookie": "erfurt_csrf=t"})  # fmt: skip
    assert logged_in.status_code == 303, logged_in.text
    return str(logged_in.cookies["erfurt_session"])


def test_a_writer_stopped_mid_run_fails_what_needs_it_with_503_and_nothing_lands_twice(
    deployment: Deployment, writer: Served, worker_key: None
) -> None:
    """The writer's process is stopped (SIGSTOP: it accepts connections, as the kernel
    does for it, but answers nothing, as behind a disk that blocks): a write through a
    joined worker, whose token check asks the writer, and a login, whose attempt the
    writer counts, answer 503 at the worker's limit instead of waiting. From then on a
    burst of requests needing the writer (token checks, a logged-in page) answer 503 at
    once, but for the one probing the writer, while reads that need no writer answer; a
    logout answers 503 but clears the browser's cookie and says when the session ends.
    After SIGCONT the worker's probe is answered, the same write, repeated, goes through
    once, and the session the logout could not end is still the writer's."""
    config = ArchivePaths(deployment.worker.archive).config
    settings = config.read_text(encoding="utf-8")
    save_archive_setting(deployment.worker.archive, writer_time_limit=HUNG_LIMIT)
    try:
        impatient = _serve(deployment, deployment.worker, "--join", deployment.writer_listen)
    finally:
        config.write_text(settings, encoding="utf-8")
    vic, ana = _token(deployment, "vic"), _token(deployment, "ana")
    declared = {"alias": "While stopped", "organisations": ["Party"], "place": "Jena"}
    login = {"username": "ana", "password": PASSWORD, "csrf": "t"}
    csrf = {"cookie": "erfurt_csrf=t"}
    try:
        with httpx.Client(base_url=impatient.url, timeout=None) as far:
            ready = far.post("/api/v1/declarations", json={"alias": "Before stopping",
                             "organisations": ["Party"]}, headers=vic)  # fmt: skip
            assert ready.status_code == 201, ready.text
            session = _log_in(far)
            logged_in = {"cookie": f"erfurt_session={session}; erfurt_csrf=t"}
            with stopped(writer.process):
                with ThreadPoolExecutor(4) as pool:
                    asked = [
                        pool.submit(far.post, "/api/v1/declarations", json=declared, headers=vic),
                        pool.submit(far.post, "/login", data=login, headers=csrf),
                        pool.submit(far.get, "/api/v1/tally", params={"by": "total"}),
                        pool.submit(far.get, "/log/checkpoint"),
                    ]
                    hung, refused, counted, published = [future.result() for future in asked]
                with ThreadPoolExecutor(BURST + 3) as pool:
                    needy = [
                        pool.submit(far.post, "/api/v1/declarations", json=declared, headers=vic)
                        for _ in range(BURST - 1)
                    ] + [pool.submit(far.get, "/documents/1", headers=logged_in)]
                    reads = [
                        pool.submit(far.get, "/log/checkpoint"),
                        pool.submit(far.get, "/api/v1/tally", params={"by": "total"}),
                    ]
                    out = pool.submit(far.post, "/logout", data={"csrf": "t"}, headers=logged_in)
                    burst = [_silent_writer(future.result()) for future in needy]
                    read = [future.result().status_code for future in reads]
                    logout = out.result()
            _silent_writer(hung)
            assert "not stopped" in hung.json()["hint"]
            _silent_writer(refused)
            assert "erfurt_session" not in refused.cookies
            assert counted.status_code == 200 and published.status_code == 200
            # Only the probing request waited (one at a time): most were refused at once.
            assert burst.count("at once") > BURST // 2, burst
            assert read == [200, 200]
            assert _silent_writer(logout) in ("limit", "at once")
            cleared = [c for c in logout.headers.get_list("set-cookie") if "erfurt_session=" in c]
            assert cleared and all("Max-Age=0" in c or "expires=" in c.lower() for c in cleared)
            assert "could not be ended on the server" in logout.text
            assert "12 hours after its login" in logout.text
            # Once resumed, the writer answers the worker's next probe: a read checking a
            # token (safe to repeat) until then, and the refused write repeated after it.
            for _ in range(1200):
                checked = far.get("/api/v1/documents/1", headers=ana)
                if checked.status_code != 503:
                    break
                threading.Event().wait(0.5)
            assert checked.status_code == 200, checked.text
            again = far.post("/api/v1/declarations", json=declared, headers=vic)
            assert again.status_code == 201, again.text
            # An upload repeated (as after a 503) is recognised by its bytes, name and
            # collection: the same record, nothing logged twice.
            uploads = [
                far.put("/api/v1/documents", params={"name": "resent.txt", "collection":
                        "public"}, content=b"Sent twice.\n", headers=ana)
                for _ in range(2)
            ]  # fmt: skip
            assert [u.status_code for u in uploads] == [201, 201], uploads[1].text
            assert [u.json()["outcome"] for u in uploads] == ["added", "present"]
            assert uploads[0].json()["record"] == uploads[1].json()["record"]
    finally:
        _stop(impatient)
    assert _declarations_named(deployment, "Before stopping") == 1
    assert _declarations_named(deployment, "While stopped") == 1
    assert _documents_named(deployment, "resent.txt") == 1
    with Accounts.open(ArchivePaths(deployment.writer.archive), hasher=CHEAP) as accounts:
        assert accounts.session(session) is not None  # it ends at its time limit


def test_the_writer_restarting_fails_writes_with_503_then_the_joined_worker_reconnects(
    deployment: Deployment, writer: Served, joined: Served
) -> None:
    vic = _token(deployment, "vic")
    with httpx.Client(base_url=joined.url, timeout=None) as far:
        first = far.post("/api/v1/declarations", json={"alias": "Before", "organisations": [
            "Party"]}, headers=vic)  # fmt: skip
        assert first.status_code == 201, first.text  # the worker's link is open now
        _stop(writer)
        down = far.post("/api/v1/declarations", json={"alias": "While down", "organisations": [
            "Party"]}, headers=vic)  # fmt: skip
        assert down.status_code == 503, down.text
        assert "cannot be reached" in down.json()["error"]
        assert far.get("/api/v1/tally", params={"by": "total"}).status_code == 200  # reads go on
        again = _serve(deployment, deployment.writer, "--jobs", "1")
        writer.process, writer.port = again.process, again.port  # the fixture stops it
        after = far.post("/api/v1/declarations", json={"alias": "After", "organisations": [
            "Party"]}, headers=vic)  # fmt: skip
        assert after.status_code == 201, after.text
    assert [_declarations_named(deployment, a) for a in ("Before", "While down", "After")] == [
        1, 0, 1]  # fmt: skip
