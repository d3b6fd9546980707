"""Imports point down the layers only, and only through a package's public face."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "erfurt"

# Lower number = lower layer. A module may import its own package, and any package
# of a strictly lower layer, but never one beside it or above it.
LAYERS: dict[str, int] = {
    "errors": 0,
    "config": 1,
    "log": 1,  # stands alone: no erfurt imports at all
    "objectstore": 1,  # S3 objects: imports only errors
    "engine": 1,  # batch jobs on a Dask cluster: imports only errors
    "charts": 2,  # drawing shared by features: imports only errors
    "extractors": 2,  # parsers for the extraction workers: imports errors, config, engine
    "archive": 2,
    "ingest": 3,
    "search": 3,
    "names": 3,
    "declarations": 3,
    "outreach": 3,
    "incidents": 3,
    "intake": 3,
    "entities": 3,
    "redaction": 3,
    "web": 4,  # pages, JSON API and the yente surface
    "cli": 5,  # `erfurt serve` starts the web app
}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _package_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if rel.parts else ""


def _erfurt_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("erfurt")]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("erfurt")
        ):
            found.append((node.lineno, str(node.module)))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package_of(p) for p in _modules()} - {"__init__", "__main__"}
    assert packages <= set(LAYERS), f"add {packages - set(LAYERS)} to LAYERS and the docs"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    own = _package_of(path)
    if own in {"__init__", "__main__"}:
        return
    for lineno, module in _erfurt_imports(path):
        parts = module.split(".")
        assert own != "log", f"{path.name}:{lineno}: erfurt.log must not import {module}"
        if len(parts) < 2:
            continue
        target = parts[1]
        if target == own:
            continue
        assert target in LAYERS, f"{path}:{lineno}: unknown package {module}"
        assert LAYERS[target] < LAYERS[own], (
            f"{path.relative_to(SRC)}:{lineno}: {own} (layer {LAYERS[own]}) imports "
            f"{module} (layer {LAYERS[target]}): imports must point down"
        )
        assert len(parts) == 2, (
            f"{path.relative_to(SRC)}:{lineno}: import {module!r} reaches inside "
            f"erfurt.{target}; import from erfurt.{target} itself"
        )
