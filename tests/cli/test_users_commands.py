"""`erfurt users`: add, list, disable, passwd, token, restrict, with messages for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from erfurt.archive import Accounts, ArchivePaths
from erfurt.cli import cli

PASSWORD = "a long enough password"


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_users_lifecycle(tmp_path: Path) -> None:
    archive = str(tmp_path / "a")
    assert _run("init", "--archive", archive)[0] == 0
    code, _, err = _run(
        "users", "add", "--archive", archive, "ana", "--role", "archivist",
        env={"ERFURT_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = _run("users", "list", "--archive", archive, "--json")
    assert json.loads(out) == {"name": "ana", "role": "archivist", "disabled": False}
    code, token, _ = _run("users", "token", "--archive", archive, "ana")
    assert code == 0 and token.startswith("erfurt_")
    assert _run("users", "restrict", "--archive", archive, "secret", "--allow", "ana")[0] == 0
    assert _run("users", "passwd", "--archive", archive, "ana", "--password", "x" * 12)[0] == 0
    assert _run("users", "disable", "--archive", archive, "ana")[0] == 0
    with Accounts.open(ArchivePaths(Path(archive))) as accounts:
        assert accounts.token_user(token.strip()) is None
        assert accounts.rules().allowed == {"secret": frozenset({"ana"})}
    code, out, _ = _run("users", "list", "--archive", archive)
    assert out == "ana\tarchivist\tdisabled\n"


def test_bad_input_is_a_message(tmp_path: Path) -> None:
    archive = str(tmp_path / "a")
    _run("init", "--archive", archive)
    code, _, err = _run(
        "users", "add", "--archive", archive, "../x", "--role", "admin", "--password", PASSWORD
    )
    assert code == 1 and "Error: user name '../x' is not allowed" in err and "Hint:" in err
    code, _, err = _run("users", "disable", "--archive", archive, "nobody")
    assert code == 1 and "Traceback" not in err
    code, _, err = _run("users", "list", "--archive", str(tmp_path / "none"))
    assert code == 1 and "not an Erfurt archive" in err


def test_restricting_a_collection_that_already_has_documents_warns(tmp_path: Path) -> None:
    archive, source = str(tmp_path / "a"), tmp_path / "in"
    source.mkdir()
    (source / "early.txt").write_text("logged before the rule\n", encoding="utf-8")
    (source / "late.txt").write_text("logged after the rule\n", encoding="utf-8")
    _run("init", "--archive", archive)
    _run("users", "add", "--archive", archive, "ana", "--role", "archivist", "--password", PASSWORD)
    assert (
        _run("add", "--archive", archive, "--collection", "sources", str(source / "early.txt"))[0]
        == 0
    )
    code, _, err = _run("users", "restrict", "--archive", archive, "sources", "--allow", "ana")
    assert code == 0 and "Warning: sources already holds 1 document logged before" in err
    assert (
        _run("add", "--archive", archive, "--collection", "sources", str(source / "late.txt"))[0]
        == 0
    )
    published = b"".join(p.read_bytes() for p in (tmp_path / "a" / "log").rglob("*") if p.is_file())
    assert b"early.txt" in published and b"late.txt" not in published


def test_show_says_a_record_is_logged_sealed(tmp_path: Path) -> None:
    archive, source = str(tmp_path / "a"), tmp_path / "in.txt"
    source.write_text("a restricted statement\n", encoding="utf-8")
    _run("init", "--archive", archive)
    _run("users", "add", "--archive", archive, "ana", "--role", "archivist", "--password", PASSWORD)
    _run("users", "restrict", "--archive", archive, "sources", "--allow", "ana")
    _run("add", "--archive", archive, "--collection", "sources", str(source))
    code, out, _ = _run("show", "--archive", archive, "1")
    assert code == 0 and "logged as document.sealed" in out and "in.txt" in out
    code, out, _ = _run("show", "--archive", archive, "1", "--json")
    shown = json.loads(out)
    assert shown["logged"]["kind"] == "document.sealed" and "name" not in shown["logged"]
    assert shown["record"]["name"] == "in.txt"
