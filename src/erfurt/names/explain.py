"""A match's explanation in words: what moved its score, and what each feature saw."""

from __future__ import annotations

from collections.abc import Iterable

from erfurt.names.score import Feature

__all__ = ["explain"]


def explain(features: Iterable[Feature]) -> list[str]:
    """Each feature of a match as one line: its name, how much it moved the score and what
    decided it ("name +0.870 (latin: 'LAM, Carrie': name parts agree)")."""
    return [f"{f.name} {f.value:+.3f} ({f.detail})" for f in features]
