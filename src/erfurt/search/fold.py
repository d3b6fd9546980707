"""Fold text for matching: traditional Chinese to simplified, so 国 finds 國 and back."""

from __future__ import annotations

import functools
import re

import opencc

__all__ = ["count_han", "fold", "has_han", "spaced_han"]

_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_HAN_RUN = re.compile(_HAN.pattern + "+")


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """``text`` with traditional characters made simplified; Latin text is unchanged.

    Used on both the indexed text and the query, so either form finds the other.
    """
    if not has_han(text):
        return text
    folded: str = _converter().convert(text)
    return folded


def has_han(text: str) -> bool:
    """True if ``text`` contains a CJK ideograph (the scripts FTS words cannot split)."""
    return not text.isascii() and _HAN.search(text) is not None


def count_han(text: str) -> int:
    """How many CJK ideographs ``text`` holds (the characters :func:`has_han` looks for)."""
    return sum(map(len, _HAN_RUN.findall(text)))  # runs: one match per run, not per character


def spaced_han(text: str) -> str:
    """``text`` with a space either side of each CJK ideograph: each becomes a word."""
    return _HAN.sub(lambda m: f" {m.group()} ", text)
