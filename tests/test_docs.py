"""The docs name everything the code declares: record kinds, views, layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import KINDS
from erfurt.cli.options import all_views

ARCHITECTURE = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_record_kind_is_in_the_architecture_doc(kind: str) -> None:
    assert f"| `{kind}` |" in ARCHITECTURE, f"add {kind} to the record table in architecture.md"


@pytest.mark.parametrize("view", [v.name for v in all_views()])
def test_every_view_is_in_the_architecture_doc(view: str) -> None:
    assert f"`{view}`" in ARCHITECTURE, f"describe the {view} view in architecture.md"


def test_every_package_is_in_the_layer_table() -> None:
    import pkgutil

    import erfurt

    for module in pkgutil.iter_modules(erfurt.__path__):
        assert f"`erfurt.{module.name}`" in ARCHITECTURE, f"add erfurt.{module.name} to the layers"
