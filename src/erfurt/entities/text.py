"""Text helpers every finder shares: pages, hostile spans, script shares, offset-safe folding."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache

import opencc

__all__ = [
    "Pages",
    "chunks",
    "fold_han",
    "han_share",
    "inside_any",
    "link_spans",
    "lower_same_length",
]

# Names inside addresses are not mentions: john.lee@gov.hk, https://x.org/carrie-lam.
# Each alternative starts only where its run of characters starts, and runs are taken
# possessively, so a text of one endless word costs linear time, not quadratic.
_LINK = re.compile(
    r"(?<![a-z0-9+.-])(?:[a-z][a-z0-9+.-]*+://|www\.)\S++"
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++",
    re.I,
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_FEED = re.compile("\f")
_BREAKS = "。！？!?.\n\f；;"


def link_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses in ``text``."""
    return [m.span() for m in _LINK.finditer(text)]


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``start``-``end`` overlaps one of ``spans`` (sorted by start)."""
    at = bisect.bisect_right(spans, (start, 1 << 62))
    return any(s < end and start < e for s, e in spans[max(0, at - 1) : at + 1])


def han_share(text: str) -> tuple[int, int]:
    """How many Han characters and Latin letters ``text`` has."""
    return len(_HAN.findall(text)), len(_LATIN.findall(text))


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold_han(text: str) -> str:
    """Traditional characters as simplified, one character for one, so offsets still hold."""
    folded: str = _t2s().convert(text)
    if len(folded) == len(text):
        return folded
    # A phrase rule changed the length: fold character by character instead.
    return "".join(c if len(f := _t2s().convert(c)) != 1 else f for c in text)


def lower_same_length(text: str) -> str:
    """Lower case with every character kept in place (İ lower-cases to two characters)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


class Pages:
    """Page numbers (1-based) of character offsets, pages separated by form feeds."""

    def __init__(self, text: str, base: int = 0, first_page: int = 1) -> None:
        self._feeds = [base + m.start() for m in _FEED.finditer(text)]
        self._first = first_page

    def page(self, offset: int) -> int:
        """The page holding ``offset``."""
        return self._first + bisect.bisect_right(self._feeds, offset)

    @property
    def last(self) -> int:
        """The page the text ends on."""
        return self._first + len(self._feeds)


def chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of at most ``size`` characters with their offsets, cut after a
    sentence end where one lies in the last quarter, else at a space, else anywhere (a text
    with no breaks still goes through in bounded pieces)."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            window = text[start + size * 3 // 4 : end]
            cut = max(window.rfind(c) for c in _BREAKS)
            if cut < 0:
                cut = max(window.rfind(" "), window.rfind("\t"))
            if cut >= 0:
                end = start + size * 3 // 4 + cut + 1
        yield start, text[start:end]
        start = end
