"""Issue 8: SIGKILL the whole CLI at random moments; nothing acknowledged is lost.

``add``, ``declarations import``, ``incidents import``, ``lists import`` and ``rebuild`` are
killed in turn at
a seeded random fraction of how long the same command last took to finish (so the kills
spread over each run, however fast the machine). After each kill:

- ``erfurt log check --views`` passes (the log, the blobs, and every view replayed from
  the log), and the log still begins with every entry it held before;
- every file ``add`` reported as logged before it died is in the log.

At the end every command is run to completion once more: each file is logged once, each
CSV row counted once, and the views equal a rebuilt copy's. The suite kills
``KILL_ROUNDS`` times (default 5, one per command); ``make fuzz`` kills 100 times.
"""

from __future__ import annotations

import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from view_snapshot import views_snapshot

ERFURT = str(Path(sys.executable).with_name("erfurt"))
ROUNDS = int(os.environ.get("KILL_ROUNDS", "5"))
COMMANDS = ("add", "import", "incidents", "lists", "rebuild")


class Workload:
    """Growing inputs: each round gives add new files and the registry CSV new rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.archive = root / "archive"
        self.corpus = root / "corpus"
        self.csv = root / "registry.csv"
        self.ftm = root / "list.ftm.json"
        self.incidents = root / "incidents.csv"
        self.incidents.write_text("key,kind,date,place,harmed\n", encoding="utf-8")
        self.rows = 0
        self.files = 0
        self.corpus.mkdir()
        self.csv.write_text("time,alias,organisations,statement\n", encoding="utf-8")
        self.ftm.write_text(
            "".join(
                json.dumps(
                    {
                        "id": f"p{n}",
                        "schema": "Person",
                        "properties": {"name": [f"Person Number{n} 王{n}"]},
                    }
                )
                + "\n"
                for n in range(60)
            )
        )

    def grow(self, round_number: int) -> None:
        folder = self.corpus / f"round{round_number:03d}"
        folder.mkdir()
        for n in range(6):
            (folder / f"note{n}.txt").write_text(f"round {round_number} note {n} witness\n")
        self.files += 6
        with self.csv.open("a", encoding="utf-8") as out:
            for n in range(40):
                day = 1 + self.rows % 28
                out.write(f"2019-06-{day:02d}T10:00:00Z,alias {self.rows},Party,row {n}\n")
                self.rows += 1
        with self.incidents.open("a", encoding="utf-8") as out:
            for n in range(40):
                note = "@note:a list"
                out.write(f"r{round_number}-{n},killing{note},1961{note},Berlin{note},{n}{note}\n")

    def command(self, name: str) -> list[str]:
        archive = ["--archive", str(self.archive)]
        args = {
            "add": ["add", *archive, "--jobs", "1", "--json", str(self.corpus)],
            "import": ["declarations", "import", str(self.csv), *archive],
            "incidents": ["incidents", "import", str(self.incidents), *archive],
            "lists": ["lists", "import", "ftm", *archive, str(self.ftm)],
            "rebuild": ["rebuild", *archive],
        }[name]
        return [ERFURT, *args]


def _entries(archive: Path) -> list[bytes]:
    with Archive.open(archive) as opened:
        return [opened.entry(index) for index in range(opened.size)]


def _views_match_a_rebuilt_copy(archive: Path, scratch: Path) -> None:
    with Archive.open(archive, views=all_views()):
        pass  # opening catches the views up with the log, as every command does
    copy = scratch / "rebuilt"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(archive, copy)
    with Archive.open(copy, views=all_views()) as rebuilt:
        rebuilt.rebuild()
    assert views_snapshot(archive / "views" / "views.sqlite") == views_snapshot(
        copy / "views" / "views.sqlite"
    )


def _run_and_kill(args: list[str], delay: float) -> tuple[str, int]:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)  # a random moment: nothing asserts how long anything took
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate()
    return out.decode("utf-8", "replace"), process.returncode


def test_sigkill_at_random_moments_loses_and_repeats_nothing(tmp_path: Path) -> None:
    work = Workload(tmp_path)
    subprocess.run([ERFURT, "init", "--archive", str(work.archive)], check=True,
                   capture_output=True)  # fmt: skip
    rng = random.Random(8)
    took = dict.fromkeys(COMMANDS, 2.0)  # refined by each run that finishes
    for round_number in range(ROUNDS):
        name = COMMANDS[round_number % len(COMMANDS)]
        work.grow(round_number)
        before = _entries(work.archive)
        started = time.monotonic()
        out, code = _run_and_kill(work.command(name), rng.uniform(0.0, took[name]))
        if code != -signal.SIGKILL:  # it finished before the kill: learn how long it takes
            took[name] = max(time.monotonic() - started, 0.5)
        check = subprocess.run(
            [ERFURT, "log", "check", "--views", "--archive", str(work.archive)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, (round_number, name, check.stdout, check.stderr)
        after = _entries(work.archive)
        assert after[: len(before)] == before, f"round {round_number} ({name}) changed the log"
        for line in out.splitlines():  # what add acknowledged before it died
            row = json.loads(line) if line.endswith("}") else {}
            if row.get("outcome") == "added":
                entry = json.loads(after[int(row["record"])])
                assert entry["blob"] == row["sha256"], row

    for name in ("add", "import", "incidents"):  # finish the work: every file and row, once
        done = subprocess.run(work.command(name), capture_output=True)
        assert done.returncode == 0, done.stderr
    with Archive.open(work.archive, views=all_views()) as archive:
        records = [record for _, record in archive.records()]
    added = collections.Counter(r["name"] for r in records if r.kind == "document.added")
    assert len(added) == work.files and set(added.values()) == {1}, added.most_common(3)
    extracted = collections.Counter(r["source"] for r in records if r.kind == "text.extracted")
    assert set(extracted.values()) <= {1}, extracted.most_common(3)
    declared = [r for r in records if r.kind == "declaration.made"]
    assert len(declared) == work.rows
    assert len({(r["alias"], r["time"]) for r in declared}) == work.rows
    incidents = collections.Counter(r["key"] for r in records if r.kind == "incident.recorded")
    assert len(incidents) == 40 * ROUNDS and set(incidents.values()) == {1}
    assert not any(r.kind == "incident.edited" for r in records)
    _views_match_a_rebuilt_copy(work.archive, tmp_path)
