"""The query language: words, "quoted phrases" and prefix* terms, all of which must match.

Terms with Chinese characters are substrings (Chinese text has no spaces between words):
three or more characters go to the trigram index; shorter ones, which the trigram index
cannot look up, to the word index, where every Chinese character is a word of its own (a
two-character term is a two-word phrase). Other terms are whole words, matched without
stemming, in the word index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erfurt.errors import InputError
from erfurt.search.fold import fold, has_han, spaced_han

__all__ = ["Term", "parse_query"]

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class Term:
    """One query term, already folded."""

    text: str
    prefix: bool = False

    @property
    def han(self) -> bool:
        """True if the term holds Chinese characters (matched as a substring)."""
        return has_han(self.text)

    @property
    def short(self) -> bool:
        """True for a Chinese term too short for the trigram index."""
        return self.han and len(self.text) < TRIGRAM

    def fts(self) -> str:
        """The term as an FTS5 string (a quoted phrase, with ``*`` for a prefix)."""
        text = spaced_han(self.text) if self.short else self.text
        quoted = '"' + text.replace('"', '""') + '"'
        return f"{quoted}*" if self.prefix and not self.han else quoted


def parse_query(query: str) -> tuple[Term, ...]:
    """Split ``query`` into folded terms. Raises InputError if it has no terms."""
    terms: list[Term] = []
    for match in _TOKEN.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            term = Term(fold(" ".join(phrase.split())))
        else:
            term = Term(fold(word.strip("*")), prefix=word.endswith("*"))
        if any(c.isalnum() for c in term.text):  # punctuation alone matches nothing
            terms.append(term)
    if not terms:
        raise InputError(
            f"search query {query!r} has no words to look for",
            'give words, "a phrase" or a prefix* (Chinese: any part of a sentence)',
        )
    return tuple(terms)
