"""Issue 8 item 14: hostile input ends in a clear failure, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import canonical_json, parse_json
from erfurt.cli import cli
from erfurt.declarations import GROUPINGS
from erfurt.errors import InputError
from erfurt.log import LogWriter, Signer

ORIGIN = "hostile.example/log"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deep_nesting_is_an_input_error_not_a_recursion_error(opening: bytes) -> None:
    closing = b"]" if opening == b"[" else b"}"
    data = opening * 100_000 + b"1" + closing * 100_000
    with pytest.raises(InputError, match="nested more than 64 levels"):
        parse_json(data, source="hostile.json")


def test_nesting_within_the_limit_round_trips_and_brackets_in_strings_do_not_count() -> None:
    value: object = "[[[{{{" * 100
    for _ in range(63):
        value = [value]
    assert parse_json(canonical_json(value), source="x") == value
    with pytest.raises(InputError, match="nested more than 64"):
        canonical_json([[value]])


def _hostile_log(directory: Path, entries: list[bytes]) -> str:
    signer = Signer.generate(ORIGIN)
    with LogWriter.open(directory, signer, ORIGIN, state=directory.parent / "state") as log:
        log.append(entries)
    return signer.verifier.vkey


def _tally(path: Path) -> Path:
    empty: dict[str, object] = {"last_log_index": 0}
    empty.update({grouping: [] for grouping in GROUPINGS})
    path.write_text(json.dumps(empty))
    return path


DEEP = b'{"kind":"declaration.made","v":1,"alias":' + b"[" * 30_000 + b"]" * 30_000 + b"}"


@pytest.mark.parametrize(
    "entry",
    [
        DEEP,
        b'{"kind":"declaration.made","v":1}',  # no fields at all
        b'{"kind":"declaration.made","v":1,"alias":7,"organisations":"Party",'
        b'"channel":"online","time":"t"}',
        b'{"kind":"declaration.made","v":1,"alias":"a","organisations":["Party"],'
        b'"channel":"telepathy","time":"t"}',
    ],
    ids=["deeply-nested", "no-fields", "wrong-types", "unknown-channel"],
)
def test_a_hostile_published_log_fails_the_audit_without_a_traceback(
    tmp_path: Path, entry: bytes
) -> None:
    vkey = _hostile_log(tmp_path / "log", [entry])
    result = run("declarations", "audit", "--published", tmp_path / "log", "--vkey", vkey,
                 "--tally", _tally(tmp_path / "tally.json"))  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "bug in Erfurt" not in result.output
    assert "not a tally.json" not in result.output  # it failed on the log's record
    assert "record 0" in result.output


@pytest.mark.parametrize("planted", ["pipe", "huge"])
def test_a_pipe_or_a_huge_file_in_a_published_log_fails_the_audit(
    tmp_path: Path, planted: str
) -> None:
    vkey = _hostile_log(tmp_path / "log", [b'{"kind":"archive.created","v":1}'])
    if planted == "pipe":  # reading it would wait for a writer forever
        bundle = next((tmp_path / "log" / "tile" / "entries").rglob("1"))
        bundle.unlink()
        os.mkfifo(bundle)
        words = "not a regular file"
    else:  # read whole, it would fill the auditor's memory
        with (tmp_path / "log" / "checkpoint").open("ab") as checkpoint:
            checkpoint.truncate(17 << 20)
        words = "larger than any file of a tiled log"
    result = run("declarations", "audit", "--published", tmp_path / "log", "--vkey", vkey,
                 "--tally", _tally(tmp_path / "tally.json"))  # fmt: skip
    assert result.exit_code == 1, result.output
    assert words in result.output and "bug in Erfurt" not in result.output


def test_a_deeply_nested_tally_is_refused(tmp_path: Path) -> None:
    vkey = _hostile_log(tmp_path / "log", [b'{"kind":"archive.created","v":1}'])
    tally = tmp_path / "tally.json"
    tally.write_bytes(b"[" * 100_000)
    result = run("declarations", "audit", "--published", tmp_path / "log", "--vkey", vkey,
                 "--tally", tally)  # fmt: skip
    assert result.exit_code == 1 and "not a tally.json" in result.output
    assert "bug in Erfurt" not in result.output


def test_a_closed_pipe_ends_search_quietly(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("the word witness appears in this note\n")
    erfurt = [str(Path(sys.executable).with_name("erfurt"))]
    subprocess.run([*erfurt, "init", "--archive", arch], check=True, capture_output=True)
    subprocess.run([*erfurt, "add", "--archive", arch, docs], check=True, capture_output=True)
    with subprocess.Popen(
        [*erfurt, "search", "--archive", arch, "witness"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as search:
        assert search.stdout is not None and search.stderr is not None
        search.stdout.close()  # what `| head -1` does once it has its line: no reader is left
        errors = search.stderr.read().decode()
    assert "bug in Erfurt" not in errors and "Traceback" not in errors, errors
