"""Snippets: up to three passages of a document's own text around what matched.

Matching runs on the folded text; the passages are cut from the original at the same
offsets, so what is shown is always what the document says (where folding a phrase
changed the text's length, each character is folded alone to keep offsets aligned).
Overlapping matches are merged into one highlight, never repeated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erfurt.search.fold import fold
from erfurt.search.match import NameForm, compile_query
from erfurt.search.query import parse_query
from erfurt.search.tokens import TermPattern, blank_han

__all__ = ["Fragment", "aligned_fold", "fragments", "match_spans"]

CONTEXT = 60
MAX_FRAGMENTS = 3
PAGE_BREAK = "\f"  # extractors join pages with a form feed
# Letters that IGNORECASE matches with an ASCII letter although lower() does not give it.
_CASE_EXCEPTIONS = re.compile("[\u0130\u0131\u017f]")


@dataclass(frozen=True, slots=True)
class Fragment:
    """A passage of the text: ``text`` is ``original[start:end]``, on page ``page``.

    ``start`` and ``end`` are character offsets in the whole extracted text (pages
    joined by form feeds), ``page_offset`` where ``start`` falls in its page, and
    ``highlights`` the (start, end) spans of matches inside ``text``.
    """

    text: str
    page: int
    start: int
    end: int
    page_offset: int
    highlights: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, object]:
        """The passage as JSON: its text, where it stands, and the highlighted spans."""
        return {
            "text": self.text,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "page_offset": self.page_offset,
            "highlights": [list(span) for span in self.highlights],
        }


def aligned_fold(original: str, folded: str) -> str:
    """``folded``, or when its length differs, ``original`` folded character by character."""
    if len(folded) == len(original):
        return folded
    return "".join(f if len(f := fold(char)) == 1 else char for char in original)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """Context either side of a match, kept inside the match's page."""
    low = max(start - CONTEXT, text.rfind(PAGE_BREAK, 0, start) + 1)
    high = text.find(PAGE_BREAK, end)
    return low, min(end + CONTEXT, len(text) if high < 0 else high)


def _fragment(original: str, start: int, end: int, spans: list[tuple[int, int]]) -> Fragment:
    page_start = original.rfind(PAGE_BREAK, 0, start) + 1
    inside = tuple(
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    )
    return Fragment(
        original[start:end],
        original.count(PAGE_BREAK, 0, start) + 1,
        start,
        end,
        start - page_start,
        inside,
    )


class _Texts:
    """The text as patterns search it (Chinese blanked for Latin-only patterns; lower
    case for :attr:`TermPattern.lowered`), each form made once and only if needed."""

    def __init__(self, matchable: str, lowered: str) -> None:
        self._forms = {(True, False): matchable, (True, True): lowered}

    def _form(self, han: bool, lower: bool) -> str:
        if (han, lower) not in self._forms:
            self._forms[han, lower] = blank_han(self._forms[True, lower])
        return self._forms[han, lower]

    def matchable(self, han: bool) -> str:
        """The folded text, or with Chinese blanked unless ``han``."""
        return self._form(han, False)

    def lowered(self, han: bool) -> str:
        """The same in lower case."""
        return self._form(han, True)


def _matched(
    original: str,
    folded: str,
    patterns: tuple[tuple[TermPattern, NameForm | None], ...],
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[NameForm]]:
    """Each term's first match, every match, and the name forms found, in ``original``."""
    matchable = aligned_fold(original, folded)
    # A name has many spellings: most are not in a given text, and a substring test
    # says so far faster than the expression can.
    lowered = "" if _CASE_EXCEPTIONS.search(matchable) else matchable.lower()
    texts = _Texts(matchable, lowered)
    firsts: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] = []
    forms: list[NameForm] = []
    for pattern, form in patterns:
        if lowered and not all(needle in lowered for needle in pattern.needles):
            continue
        if lowered and pattern.lowered is not None:
            regex, searched = pattern.lowered, texts.lowered(pattern.han)
        else:
            regex, searched = pattern.regex, texts.matchable(pattern.han)
        found = [m.span() for m in regex.finditer(searched) if m.end() > m.start()]
        if found:
            firsts.append(found[0])
            spans += found
            if form is not None and form not in forms:
                forms.append(form)
    return firsts, spans, forms


def fragments(
    original: str,
    folded: str,
    patterns: tuple[tuple[TermPattern, NameForm | None], ...],
) -> tuple[tuple[Fragment, ...], tuple[NameForm, ...]]:
    """Up to three passages showing every term that can be shown, and the name forms found.

    Each term's first match gets a passage before any term's second match does.
    """
    firsts, spans, forms = _matched(original, folded, patterns)
    merged = _merged(spans)
    windows: list[tuple[int, int]] = []
    for start, end in [*sorted(firsts), *merged]:
        if len(windows) == MAX_FRAGMENTS:
            break
        if not any(low <= start and end <= high for low, high in windows):
            windows = _merged([*windows, _window(original, start, end)])
    if not windows:
        windows = [_window(original, 0, 0)]
    return tuple(_fragment(original, s, e, merged) for s, e in windows), tuple(forms)


def match_spans(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) spans of ``text`` that the terms of ``query`` match, merged, as a
    search highlights them (a ``name:`` as typed, without its other spellings).

    Raises QuerySyntaxError for a query that cannot be read.
    """
    compiled = compile_query(parse_query(query))
    _, spans, _ = _matched(text, fold(text), compiled.patterns)
    return tuple(_merged(spans))
