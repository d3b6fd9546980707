"""The MATCH expressions :mod:`erfurt.search.match` writes, read back as a tree.

The PostgreSQL search evaluates the same expression FTS5 runs, so both backends share
the query language, the ``name:`` expansion and the highlighting. Only the forms
``compile_query`` writes are read: quoted phrases (``"a b"``, ``"a"*``), parentheses,
``AND``, ``OR``, ``NOT`` and ``NEAR(phrases, N)``. Phrases are numbered in the order
they are written, as FTS5 numbers them for ``bm25()``.

    >>> parse_match('("carrie" AND "la"*) NOT "order"')
    Not(left=And(left=Phrase(number=0, tokens=('carrie',), prefix=False), \
right=Phrase(number=1, tokens=('la',), prefix=True)), \
right=Phrase(number=2, tokens=('order',), prefix=False))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erfurt.search.words import phrase_tokens

__all__ = ["And", "Expression", "Near", "Not", "Or", "Phrase", "parse_match", "phrases_of"]

_TOKEN = re.compile(r'\s*(?:"([^"]*)"(\*?)|(\()|(\))|(AND|OR|NOT)\b|NEAR\(|,\s*(\d+)\))')


@dataclass(frozen=True, slots=True)
class Phrase:
    """Tokens that stand together in one column; the last may be a prefix. A phrase
    without tokens matches nothing."""

    number: int
    tokens: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True, slots=True)
class And:
    """Both sides match."""

    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Or:
    """Either side matches."""

    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Not:
    """The left side matches and the right does not."""

    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Near:
    """Every phrase, within ``distance`` tokens of the others, in one column."""

    phrases: tuple[Phrase, ...]
    distance: int


Expression = Phrase | And | Or | Not | Near


class _Reader:
    def __init__(self, match: str) -> None:
        self.parts: list[tuple[str, str, str]] = []
        at = 0
        while at < len(match.rstrip()):
            found = _TOKEN.match(match, at)
            if found is None:
                raise ValueError(f"not a MATCH expression compile_query writes: {match!r}")
            text, star, opening, closing, operator, distance = found.groups()
            if text is not None:
                self.parts.append(("phrase", text, star))
            elif opening or closing:
                self.parts.append((opening or closing, "", ""))
            elif operator:
                self.parts.append((operator, "", ""))
            elif distance is not None:
                self.parts.append(("distance", distance, ""))
            else:
                self.parts.append(("NEAR", "", ""))
            at = found.end()
        self.at = 0
        self.phrases = 0

    def peek(self) -> str:
        return self.parts[self.at][0] if self.at < len(self.parts) else ""

    def take(self) -> tuple[str, str, str]:
        self.at += 1
        return self.parts[self.at - 1]

    def any(self) -> Expression:
        left = self.all()
        while self.peek() == "OR":
            self.take()
            left = Or(left, self.all())
        return left

    def all(self) -> Expression:
        left = self.unary()
        while self.peek() == "AND":
            self.take()
            left = And(left, self.unary())
        return left

    def unary(self) -> Expression:
        left = self.atom()
        while self.peek() == "NOT":
            self.take()
            left = Not(left, self.atom())
        return left

    def atom(self) -> Expression:
        kind, text, star = self.take()
        if kind == "(":
            inside = self.any()
            self.take()
            return inside
        if kind == "NEAR":
            phrases = []
            while self.peek() == "phrase":
                phrases.append(self.phrase(*self.take()[1:]))
            return Near(tuple(phrases), int(self.take()[1]))
        return self.phrase(text, star)

    def phrase(self, text: str, star: str) -> Phrase:
        self.phrases += 1
        return Phrase(self.phrases - 1, tuple(phrase_tokens(text)), bool(star))


def parse_match(match: str) -> Expression:
    """The tree of a MATCH expression written by ``compile_query``. Raises ValueError
    for any other text."""
    reader = _Reader(match)
    expression = reader.any()
    if reader.at != len(reader.parts):
        raise ValueError(f"not a MATCH expression compile_query writes: {match!r}")
    return expression


def phrases_of(expression: Expression) -> list[tuple[Phrase, tuple[Expression, ...], bool]]:
    """Every phrase of ``expression`` in FTS5's order, with the operators above it (the
    root left out) and whether it is outside NOT. FTS5 counts a phrase's instances in a
    row only where each of those operators matches the row (an AND that fails zeroes its
    phrases' positions), and never those of a phrase under NOT."""
    return _walk(expression, None, True)


def _walk(
    node: Expression, path: tuple[Expression, ...] | None, positive: bool
) -> list[tuple[Phrase, tuple[Expression, ...], bool]]:
    above = path or ()
    if isinstance(node, Phrase):
        return [(node, above, positive)]
    if isinstance(node, Near):
        return [(phrase, above, positive) for phrase in node.phrases]
    below = () if path is None else (*path, node)
    right = positive and not isinstance(node, Not)
    return [*_walk(node.left, below, positive), *_walk(node.right, below, right)]
