"""Each package's ``__all__`` is exactly what it exposes, and every name in it exists."""

from __future__ import annotations
import __future__

import importlib
import pkgutil
import types

import pytest

import erfurt

PACKAGES = sorted(m.name for m in pkgutil.iter_modules(erfurt.__path__, "erfurt.") if m.ispkg)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_the_public_names(name: str) -> None:
    package = importlib.import_module(name)
    doc = package.__doc__ or ""
    assert ">>>" in doc or "$ " in doc, f"{name}'s docstring should open with a usage example"
    exported = set(package.__all__)
    assert all(hasattr(package, n) for n in exported)
    public = {
        n
        for n, v in vars(package).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType | __future__._Feature)
    }
    assert public == exported, f"{name}: public names not in __all__: {public - exported}"
