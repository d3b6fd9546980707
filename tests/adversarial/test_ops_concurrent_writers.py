"""Issue 8 item 16: writers wait their turn; a running ingest never costs a declaration.

Real processes: while the lock is held (as a long ``add`` holds it during a batch), every
short writer says it is waiting, and once the lock is free all of them succeed and every
record is there. Nothing depends on how fast the machine is: the test waits for each
writer's "waiting" message, never for a length of time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from erfurt.archive import Archive, Record
from erfurt.log import LogWriter, Signer

ERFURT = str(Path(sys.executable).with_name("erfurt"))
DECLARATIONS = 4
CALLS = 2


def _erfurt(*args: str | Path) -> list[str]:
    return [ERFURT, *(str(a) for a in args)]


def _query(arch: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(_erfurt(*args, "--archive", arch, "--json"), capture_output=True)
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert isinstance(value, dict)
    return value


def test_declarations_and_calls_wait_for_the_writer_lock(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    subprocess.run(_erfurt("init", "--archive", arch), check=True, capture_output=True)
    with Archive.open(arch) as archive:
        signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
        holder = LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state)
    secret = tmp_path / "config" / "secret"  # created by whichever writer comes first
    writers = [
        _erfurt(
            "declare",
            "--archive",
            arch,
            "--secret-file",
            secret,
            "--alias",
            f"A{n}",
            "--organisation",
            "Party",
            "--identity",
            f"Person {n}; 1980-01-0{n + 1}",
            "--receipt",
            tmp_path / f"receipt{n}.json",
        )
        for n in range(DECLARATIONS)
    ] + [
        _erfurt(
            "outreach",
            "log",
            "--archive",
            arch,
            "--secret-file",
            secret,
            "--number",
            f"+861380013800{n}",
            "--outcome",
            "listened",
        )
        for n in range(CALLS)
    ]
    try:
        processes = [
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for args in writers
        ]
        for process in processes:  # each one reaches the lock and says it waits
            assert process.stderr is not None
            line = process.stderr.readline()
            while line.startswith("Created a new registry secret"):
                line = process.stderr.readline()
            assert "waiting for its batch to end" in line, line
    finally:
        holder.close()
    # Every writer ends before any is judged: none is left running into the next test.
    ended = [(process, *process.communicate()) for process in processes]
    for process, out, err in ended:
        # The writer's own message first: a long repr of the arguments is cut by pytest.
        assert process.returncode == 0, f"{err}\n{out}\n{process.args}"
    assert _query(arch, "declarations", "tally")["declarations"] == DECLARATIONS
    assert _query(arch, "declarations", "audit")["ok"] is True
    assert all((tmp_path / f"receipt{n}.json").exists() for n in range(DECLARATIONS))
    calls = subprocess.run(_erfurt("outreach", "stats", "--archive", arch, "--json"),
                           capture_output=True, text=True)  # fmt: skip
    assert sum(json.loads(line)["calls"] for line in calls.stdout.splitlines()) == CALLS


def test_an_archive_holds_the_lock_only_while_it_appends(archive: Archive) -> None:
    signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
    for n in range(3):  # between two batches of a long writer, another writer gets in
        blob = archive.put_bytes(f"batch {n}".encode())
        archive.append([Record("document.added", {
            "blob": blob.sha256, "size": blob.size, "name": f"{n}.txt",
            "media_type": "text/plain", "collection": "c", "time": archive.now(), "who": "t",
        })])  # fmt: skip
        with LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state) as other:
            assert other.tree_size == archive.size


def test_two_declarations_given_one_receipt_file_log_one(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    subprocess.run(_erfurt("init", "--archive", arch), check=True, capture_output=True)
    with Archive.open(arch) as archive:
        signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
        holder = LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state)
    receipt = tmp_path / "receipt.json"

    def declaring(n: int) -> subprocess.Popen[str]:
        identity = f"Person {n}; 1980-01-0{n + 1}"
        args = _erfurt("declare", "--archive", arch, "--secret-file", tmp_path / "secret",
                       "--alias", f"A{n}", "--organisation", "Party",
                       "--identity", identity, "--receipt", receipt)  # fmt: skip
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    try:
        first = declaring(0)
        assert first.stderr is not None
        line = first.stderr.readline()
        while line and "waiting for its batch to end" not in line:
            line = first.stderr.readline()
        assert line, "the first declaration never waited for the lock"
        second = declaring(1)  # the same receipt file, while the first waits to be logged
        out, err = second.communicate()
        assert second.returncode == 1 and "already there" in err, (out, err)
    finally:
        holder.close()
    out, err = first.communicate()
    assert first.returncode == 0, (out, err)
    assert _query(arch, "declarations", "tally")["declarations"] == 1
    assert json.loads(receipt.read_text())  # the first one's receipt, whole
