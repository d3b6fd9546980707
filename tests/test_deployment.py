"""docs/deployment/compose.yaml stays true to the CLI: every erfurt command line in it is
one the CLI accepts, and its ports, database and proxy upstreams agree with each other."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from erfurt.cli import cli

FOLDER = Path(__file__).parent.parent / "docs" / "deployment"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((FOLDER / "compose.yaml").read_text("utf-8"))
    return loaded


def _erfurt_commands(compose: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [str(part) for part in service["command"][1:]]
        for name, service in compose["services"].items()
        if service.get("command", [""])[0] == "erfurt"
    }


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_every_erfurt_command_line_is_one_the_cli_accepts(compose: dict[str, Any]) -> None:
    commands = _erfurt_commands(compose)
    assert set(commands) == {"erfurt", "rebuild", "worker-host"}
    for name, args in commands.items():
        # --help after the arguments: click parses them all (an unknown option or command
        # is a usage error) and then only prints the help; numbers are read below.
        parsed = CliRunner().invoke(cli, [*args, "--help"])
        assert parsed.exit_code == 0, (name, parsed.output)


def _ports(serve: list[str]) -> list[str]:
    port, jobs = int(_option(serve, "--port")), int(_option(serve, "--jobs"))
    return [str(port + n) for n in range(jobs)]


def _upstreams(caddyfile: str) -> list[list[str]]:
    return [found.split() for found in re.findall(r"reverse_proxy ([^{]+)\{", caddyfile)]


def test_ports_database_and_proxy_agree(compose: dict[str, Any]) -> None:
    services = compose["services"]
    commands = _erfurt_commands(compose)
    writers = [f"erfurt:{p}" for p in _ports(commands["erfurt"])]
    joined = [f"worker-host:{p}" for p in _ports(commands["worker-host"])]
    for name in ("erfurt", "worker-host"):
        assert services[name]["expose"] == _ports(commands[name])
    intake, everything = _upstreams((FOLDER / "Caddyfile").read_text("utf-8"))
    assert intake == writers, "intake's state is on the writer's host only"
    assert everything == writers + joined
    postgres = services["postgres"]["environment"]
    for args in commands.values():
        url = urlsplit(_option(args, "--database"))
        assert url.password is None, "a password never goes in a command line"
        assert (url.hostname, url.username, url.path) == (
            "postgres",
            postgres["POSTGRES_USER"],
            f"/{postgres['POSTGRES_DB']}",
        )
    secrets = set(compose["secrets"])
    for service in services.values():
        assert set(service.get("secrets", [])) <= secrets
    serve = commands["erfurt"]
    assert services["erfurt"]["environment"]["ERFURT_KEY_FILE"] == "/run/secrets/log_key"
    assert _option(serve, "--secret-file").startswith("/run/secrets/")
    host, _, port = _option(commands["worker-host"], "--join").rpartition(":")
    assert (host, f"{port}:{port}") == ("erfurt", services["erfurt"]["ports"][0])
    assert "log_key" not in services["worker-host"]["secrets"], "only the writer signs"
