"""Turn a parsed query into an FTS5 MATCH expression and the patterns to highlight.

Every term reaches FTS5 as a quoted phrase built from its letters and digits, so no
character a user types can act as FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from erfurt.errors import InputError
from erfurt.search.fold import fold
from erfurt.search.query import All, AnyOf, NameTerm, Node, ParsedQuery, Term
from erfurt.search.tokens import TermPattern, term_fts, term_pattern

__all__ = ["CompiledQuery", "NameExpander", "NameForm", "compile_query"]

MAX_NAME_FORMS = 64


@dataclass(frozen=True, slots=True)
class NameForm:
    """One spelling of a person's name, how it was found (as typed, pinyin, alias...), and
    the id of the list entry it came from, if any."""

    text: str
    how: str
    entity: str = ""


NameExpander = Callable[[str], Sequence[NameForm]]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """What the search runs: the MATCH expression and what to look for in the text.

    ``patterns`` are the terms outside NOT (each with the name form it stands for, if
    any); ``near`` and ``phrase`` are the extra expressions that reward documents where
    the plain words of an AND stand close together, or in the order typed.
    """

    match: str
    patterns: tuple[tuple[TermPattern, NameForm | None], ...]
    near: str | None
    phrase: str | None


def _pattern_key(pattern: TermPattern) -> str:
    """Patterns that differ only in the case of ASCII letters find the same text."""
    text = pattern.expression
    return text.lower() if text.isascii() else text


def _as_typed(name: str) -> list[NameForm]:
    return [NameForm(name, "as typed")]


class _Compiler:
    def __init__(self, expand: NameExpander) -> None:
        self.expand = expand
        self.patterns: dict[str, tuple[TermPattern, NameForm | None]] = {}

    def node(self, node: Node, positive: bool) -> str:
        if isinstance(node, Term):
            fts = term_fts(node.text, node.prefix)
            pattern = term_pattern(node.text, node.prefix)
            if positive and pattern is not None:
                self.patterns.setdefault(_pattern_key(pattern), (pattern, None))
            return fts or '""'
        if isinstance(node, NameTerm):
            return self.name(node, positive)
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self.node(o, positive) for o in node.options) + ")"
        expression = " AND ".join(self.node(n, positive) for n in node.include)
        for excluded in node.exclude:
            expression = f"({expression}) NOT {self.node(excluded, False)}"
        return f"({expression})"

    def name(self, term: NameTerm, positive: bool) -> str:
        phrases: dict[str, str] = {}
        for form in [*_as_typed(term.name), *self.expand(term.name)][:MAX_NAME_FORMS]:
            folded = " ".join(fold(form.text).split())
            fts = term_fts(folded)
            # "Lee Ka-chiu" typed and "LEE, Ka-chiu" listed are one phrase to FTS5, whose
            # BM25 would count it twice (FTS5 folds the case of ASCII as lower() does).
            key = fts.lower() if fts is not None and fts.isascii() else fts
            if fts is None or key is None or key in phrases:
                continue
            phrases[key] = fts
            pattern = term_pattern(folded)
            if positive and pattern is not None:
                self.patterns.setdefault(_pattern_key(pattern), (pattern, form))
        if not phrases:
            raise InputError(
                f"search query, position {term.position + 1}: name:{term.name} is not a name",
                "give a person's name in letters or Chinese characters",
            )
        return "(" + " OR ".join(phrases.values()) + ")"


def _plain_words(root: Node) -> list[Term]:
    """The words of a top-level AND (or a single phrase), in the order typed."""
    include = root.include if isinstance(root, All) else (root,)
    return [n for n in include if isinstance(n, Term)]


def compile_query(parsed: ParsedQuery, expand: NameExpander | None = None) -> CompiledQuery:
    """The MATCH expression for ``parsed``; ``expand`` gives the spellings of a name.

    Raises InputError for a ``name:`` whose spellings hold no letters.
    """
    compiler = _Compiler(expand or _as_typed)
    match = compiler.node(parsed.root, True)
    words = _plain_words(parsed.root)
    near = phrase = None
    if len(words) > 1:
        phrases = [term_fts(w.text, w.prefix) or '""' for w in words]
        near = f"NEAR({' '.join(phrases)}, 10)"
        joined = " ".join(w.text for w in words)
        phrase = term_fts(joined, words[-1].prefix)
    return CompiledQuery(match, tuple(compiler.patterns.values()), near, phrase)
