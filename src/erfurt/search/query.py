"""The query language: words, "phrases", prefix*, AND, OR, NOT, -word, (groups), fields.

Grammar (``AND`` is implied between neighbours; ``NOT`` binds tightest, then ``AND``,
then ``OR``; operators are written in capitals, lower-case ``and`` is a word)::

    query  := any
    any    := all ("OR" all)*
    all    := unary (["AND"] unary)*
    unary  := ("NOT" | "-") atom | atom
    atom   := "(" any ")" | '"phrase"' | word | word* | field ":" value

Fields: ``name:`` (a person's name, expanded into its spellings by the caller) may stand
anywhere; the filters ``collection:``, ``type:``, ``added:``, ``lang:`` and ``extractor:``
apply to the whole query, so they must stand outside ``NOT`` and parentheses
(``a OR b lang:zh`` filters both).
A malformed query raises :class:`QuerySyntaxError` naming the position (1-based) at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from erfurt.errors import InputError
from erfurt.search.fold import fold
from erfurt.search.tokens import term_fts

__all__ = [
    "All",
    "AnyOf",
    "Filters",
    "NameTerm",
    "Node",
    "ParsedQuery",
    "QuerySyntaxError",
    "Term",
    "parse_query",
]

MAX_QUERY_CHARS = 2000
MAX_TERMS = 64
MAX_DEPTH = 16
"""How deep parentheses may nest (the parser recurses once per level)."""
SYNTAX_HINT = (
    'use words, "phrases", prefix*, AND, OR, NOT or -word, (groups) and the fields '
    "name:, collection:, type:, added:2024-01..2024-06, lang:zh, extractor:ocr (see docs/search.md)"
)
_FILTERS = ("collection", "type", "added", "lang", "extractor")
_FIELD = re.compile(r"(name|collection|type|added|lang|extractor):", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class QuerySyntaxError(InputError):
    """A search query that cannot be read; the message names the position."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word, prefix* or "phrase", folded; ``raw`` is as typed."""

    text: str
    raw: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class NameTerm:
    """``name:...``: a person's name, to be expanded into its spellings."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class All:
    """Every one of ``include`` and none of ``exclude``."""

    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of ``options``."""

    options: tuple[Node, ...]


Node = Term | NameTerm | All | AnyOf


@dataclass(frozen=True, slots=True)
class Filters:
    """Conditions on the documents (each list: any of its values; lists: all of them)."""

    collections: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    added: tuple[tuple[str, str], ...] = ()  # inclusive ISO date ranges
    langs: tuple[str, ...] = ()
    extractors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as a tree of terms, with the filters that apply to all of it."""

    root: Node
    filters: Filters = field(default_factory=Filters)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "phrase", "word", "field"
    text: str
    position: int  # 0-based offset in the query
    value: str = ""  # a field's value


def _error(query: str, position: int, what: str) -> QuerySyntaxError:
    shown = query if len(query) <= 80 else query[:77] + "..."
    return QuerySyntaxError(
        f"search query, position {position + 1}: {what} (in {shown!r})", SYNTAX_HINT
    )


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The phrase whose opening quote is at ``start``, and the offset after its end."""
    end = query.find('"', start + 1)
    if end < 0:
        raise _error(query, start, "this quote is never closed")
    return query[start + 1 : end], end + 1


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(query):
        char = query[at]
        if char.isspace():
            at += 1
        elif char in "()":
            tokens.append(_Token(char, char, at))
            at += 1
        elif char == '"':
            text, end = _quoted(query, at)
            tokens.append(_Token("phrase", text, at))
            at = end
        elif char == "-" and at + 1 < len(query) and query[at + 1] not in ' \t()-"':
            tokens.append(_Token("-", char, at))
            at += 1
        else:
            end = at
            while end < len(query) and not query[end].isspace() and query[end] not in '()"':
                end += 1
            word = query[at:end]
            field_match = _FIELD.match(word)
            if field_match:
                value = word[field_match.end() :]
                if not value and end < len(query) and query[end] == '"':
                    value, end = _quoted(query, end)
                if not value.strip():
                    raise _error(query, at, f"{word!r} needs a value after the colon")
                tokens.append(_Token("field", field_match.group(1).lower(), at, value.strip()))
            elif word in ("AND", "OR", "NOT"):
                tokens.append(_Token(word, word, at))
            else:
                tokens.append(_Token("word", word, at))
            at = end
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0
        self.depth = 0
        self.terms = 0
        self.filters: dict[str, list[object]] = {name: [] for name in _FILTERS}

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def any(self, top: bool) -> Node | None:
        first = self.peek()
        position = first.position if first is not None else len(self.query)
        options = [self.all(top)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            options.append(self.all(top))
        if len(options) == 1:
            return options[0]
        if any(option is None for option in options):
            raise _error(self.query, position, "each side of OR needs something to look for")
        return AnyOf(tuple(o for o in options if o is not None))

    def all(self, top: bool) -> Node | None:
        include: list[Node] = []
        exclude: list[Node] = []
        start = self.peek()
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.at += 1
                continue
            negated = token.kind in ("NOT", "-")
            if negated:
                self.at += 1
            node = self.atom(top and not negated, token)
            if node is not None:
                (exclude if negated else include).append(node)
        if start is not None and start.kind in ("AND",):
            raise _error(self.query, start.position, "AND needs something on its left")
        if exclude and not include:
            raise _error(
                self.query,
                start.position if start else 0,
                "NOT and -word can only remove documents from others that match",
            )
        if not include:
            return None
        if len(include) == 1 and not exclude:
            return include[0]
        return All(tuple(include), tuple(exclude))

    def atom(self, top: bool, operator: _Token) -> Node | None:
        token = self.peek()
        if token is None or token.kind in ("OR", ")", "AND", "NOT", "-"):
            at = token.position if token else len(self.query)
            raise _error(self.query, at, f"{operator.text} needs a word or phrase after it")
        self.at += 1
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error(
                    self.query, token.position, f"parentheses nested more than {MAX_DEPTH} deep"
                )
            node = self.any(False)
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise _error(self.query, token.position, "this parenthesis is never closed")
            self.at += 1
            self.depth -= 1
            if node is None:
                raise _error(self.query, token.position, "these parentheses hold nothing to find")
            return node
        if token.kind == "field":
            return self.field(token, top and self.depth == 0)
        return self.term(token)

    def count(self, token: _Token) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise _error(self.query, token.position, f"more than {MAX_TERMS} terms")

    def term(self, token: _Token) -> Term | None:
        prefix = token.kind == "word" and token.text.endswith("*")
        text = " ".join(fold(token.text.rstrip("*") if prefix else token.text).split())
        if term_fts(text) is None:  # punctuation alone matches nothing
            return None
        self.count(token)
        return Term(text, token.text, prefix)

    def field(self, token: _Token, top: bool) -> Node | None:
        if token.text == "name":
            if not any(char.isalpha() for char in token.value):
                raise _error(self.query, token.position, f"name:{token.value} is not a name")
            self.count(token)
            return NameTerm(token.value, token.position)
        if not top:
            raise _error(
                self.query,
                token.position,
                f"{token.text}: filters the whole query: put it outside NOT and parentheses",
            )
        value: object = token.value
        if token.text == "added":
            value = self.date_range(token)
        elif token.text in ("lang", "extractor"):
            value = token.value.lower()
        self.filters[token.text].append(value)
        return None

    def date_range(self, token: _Token) -> tuple[str, str]:
        low, dots, high = token.value.partition("..")
        if not dots:
            high = low
        bounds = (_date_bound(low, False), _date_bound(high, True))
        if None in bounds or (not low and not high):
            raise _error(
                self.query,
                token.position,
                f"added:{token.value} is not a date or range (write 2024, 2024-01..2024-06, "
                "2024-03-05 or 2024-01..)",
            )
        return bounds[0] or "", bounds[1] or ""


def _date_bound(text: str, upper: bool) -> str | None:
    """The first (or, if ``upper``, last) ISO date a date prefix covers; "" if open."""
    if not text:
        return "0000-00-00" if not upper else "9999-99-99"
    match = _DATE.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return None
    if day is not None and not 1 <= int(day) <= 31:
        return None
    fill = "99" if upper else "00"
    return f"{year}-{month or fill}-{day or fill}"


def parse_query(query: str) -> ParsedQuery:
    """Read ``query``. Raises QuerySyntaxError naming the position of what is wrong."""
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"search query of {len(query):,} characters is too long (at most {MAX_QUERY_CHARS:,})",
            "search for the few words that matter most",
        )
    cleaned = "".join(" " if not char.isprintable() else char for char in query)
    parser = _Parser(cleaned)
    root = parser.any(True)
    if (token := parser.peek()) is not None:
        raise _error(cleaned, token.position, "this parenthesis was never opened")
    if root is None:
        raise QuerySyntaxError(
            f"search query {query[:80]!r} has no words to look for",
            'give words, "a phrase" or a prefix* (Chinese: any part of a sentence)',
        )
    f = parser.filters
    filters = Filters(
        tuple(map(str, f["collection"])),
        tuple(map(str, f["type"])),
        tuple(v for v in f["added"] if isinstance(v, tuple)),
        tuple(map(str, f["lang"])),
        tuple(map(str, f["extractor"])),
    )
    return ParsedQuery(root, filters)
