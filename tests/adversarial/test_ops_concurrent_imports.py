"""Two imports of the same file at once log it once.

Whether a row (or a list) is already in the log is decided after the log's lock is
taken, from views brought up to date under it. The test holds the lock while two real
`erfurt` processes start the same import, waits until both say they are waiting for it
(so both have read the file and looked at the views), then lets them go.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.log import LogWriter, Signer

ERFURT = str(Path(sys.executable).with_name("erfurt"))
ROWS = 12


def _init(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    subprocess.run([ERFURT, "init", "--archive", str(path)], check=True, capture_output=True)
    return path


def _run_twice_behind_the_lock(path: Path, args: Sequence[str | Path]) -> None:
    with Archive.open(path, catch_up=False) as archive:
        signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
        holder = LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state)
    command = [ERFURT, *map(str, args), "--archive", str(path)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stderr is not None
            line = process.stderr.readline()
            while line and "waiting for its batch to end" not in line:
                line = process.stderr.readline()
            assert line, f"{process.args} never waited for the lock"
    finally:
        holder.close()
    for process in processes:
        out, err = process.communicate()
        assert process.returncode == 0, (out, err)


def _kinds(path: Path, kind: str) -> list[dict[str, object]]:
    with Archive.open(path, views=all_views()) as archive:
        return [dict(record.fields) for _, record in archive.records(kinds={kind})]


def test_the_same_csv_imported_twice_at_once_is_logged_once(tmp_path: Path) -> None:
    path = _init(tmp_path)
    registry = tmp_path / "registry.csv"
    rows = [f"2020-01-{n + 1:02d}T10:00:00Z,alias {n},Party" for n in range(ROWS)]
    registry.write_text("time,alias,organisations\n" + "\n".join(rows) + "\n", encoding="utf-8")
    _run_twice_behind_the_lock(path, ["declarations", "import", registry])
    declared = _kinds(path, "declaration.made")
    assert sorted(str(d["alias"]) for d in declared) == sorted(f"alias {n}" for n in range(ROWS))
    tally = subprocess.run(
        [ERFURT, "declarations", "tally", "--archive", str(path), "--json"],
        capture_output=True,
        text=True,
    )
    assert json.loads(tally.stdout)["declarations"] == ROWS


def test_the_same_list_imported_twice_at_once_is_logged_once(tmp_path: Path) -> None:
    path = _init(tmp_path)
    listed = tmp_path / "list.ftm.json"
    people = [{"id": f"p{n}", "schema": "Person", "properties": {"name": [f"Person {n}"]}}
              for n in range(3)]  # fmt: skip
    listed.write_text("".join(json.dumps(p) + "\n" for p in people), encoding="utf-8")
    _run_twice_behind_the_lock(path, ["lists", "import", "ftm", listed])
    assert len(_kinds(path, "list.imported")) == 1
    again = subprocess.run(
        [ERFURT, "lists", "import", "ftm", str(listed), "--archive", str(path), "--json"],
        capture_output=True,
        text=True,
    )
    assert json.loads(again.stdout)["already_imported"] is True
    listed.write_text(listed.read_text() + json.dumps(people[0] | {"id": "p9"}) + "\n")
    changed = subprocess.run(
        [ERFURT, "lists", "import", "ftm", str(listed), "--archive", str(path), "--json"],
        capture_output=True,
        text=True,
    )
    assert json.loads(changed.stdout)["already_imported"] is False
    assert len(_kinds(path, "list.imported")) == 2
