"""Fold text for matching: traditional Chinese to simplified, so 国 finds 國 and back."""

from __future__ import annotations

import functools

import opencc

__all__ = ["fold", "has_han"]


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
    return any(
        "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\U00020000" <= c <= "\U0003134f"
        for c in text
    )
