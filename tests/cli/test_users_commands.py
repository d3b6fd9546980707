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
