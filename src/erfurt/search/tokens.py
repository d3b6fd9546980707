"""How folded text becomes FTS5 tokens, and how a query term finds the same tokens.

Chinese is written without spaces, so each Chinese character is indexed as the pair it
starts (国家卫生 → 国家 家卫 卫生 生; the last character of a run stands alone). A
Chinese term of two or more characters is then the phrase of its pairs, which matches
exactly where the characters stand together, and a single character is a prefix of the
pairs (国*). Pairs have far fewer postings than single characters, so long Chinese
queries stay fast. Other text keeps FTS5's own words (unicode61, diacritics folded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TermPattern", "blank_han", "index_form", "term_fts", "term_pattern"]

_HAN_RANGES = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{_HAN_RANGES}]+")
# A run of Chinese characters, or a word of any other script.
_SEGMENT = re.compile(f"([{_HAN_RANGES}]+)|([^\\W{_HAN_RANGES}]+)")


def _pairs(run: str, last_alone: bool) -> list[str]:
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return [*pairs, run[-1]] if last_alone or len(run) == 1 else pairs


def index_form(folded: str) -> str:
    """``folded`` as the FTS5 table is given it: each Chinese character as its pair."""
    if folded.isascii():  # nothing to pair: not worth a pass of the pattern
        return folded
    return _HAN_RUN.sub(lambda m: " " + " ".join(_pairs(m.group(), True)) + " ", folded)


def _segments(folded: str) -> list[tuple[bool, str]]:
    return [(m.group(1) is not None, m.group()) for m in _SEGMENT.finditer(folded)]


def term_fts(folded: str, prefix: bool = False) -> str | None:
    """The FTS5 phrase that finds ``folded`` (words in order, Chinese as a substring).

    ``prefix`` lets the last word end in anything (ignored after Chinese, which is
    matched as a substring anyway). None when the term has no letters or digits.
    """
    segments = _segments(folded)
    if not segments:
        return None
    tokens: list[str] = []
    for number, (han, text) in enumerate(segments):
        last = number == len(segments) - 1
        tokens += _pairs(text, not last) if han else [text]
    last_han, last_text = segments[-1]
    star = len(last_text) == 1 if last_han else prefix
    return '"' + " ".join(tokens) + '"' + ("*" if star else "")


def blank_han(folded: str) -> str:
    """``folded`` with each Chinese character a space: where Latin-only patterns look."""
    return _HAN_RUN.sub(lambda m: " " * len(m.group()), folded)


@dataclass(frozen=True, slots=True)
class TermPattern:
    """A regular expression that finds a term (``expression``, matched with IGNORECASE:
    :attr:`regex`), and what every match of it contains.

    ``needles`` are the term's words in lower case and its Chinese runs: a text whose
    lower-case form lacks one of them has no match, so the expression need not run.
    Words outside ASCII are left out (lower-casing could hide a match of them).

    ``lowered`` is the same expression in lower case without IGNORECASE, for a term of
    ASCII words and Chinese only (None otherwise): run over ``text.lower()`` it finds
    the same spans as ``regex`` over ``text``, unless the text holds İ, ı or ſ (the only
    letters IGNORECASE matches with an ASCII letter that lower() does not turn into it;
    İ alone changes length). Matching without IGNORECASE lets the engine look for the
    term's first letters directly: several times faster over a long text.
    """

    expression: str
    needles: tuple[str, ...]
    han: bool  # the term has Chinese: look in the folded text, not blank_han's
    lowered: re.Pattern[str] | None

    @property
    def regex(self) -> re.Pattern[str]:
        """``expression`` compiled with IGNORECASE, when first needed: that compilation
        costs about three times the plain one, and a term with :attr:`lowered` rarely
        needs it (a name's 7-9 spellings: 1-4 ms per query)."""
        return re.compile(self.expression, re.IGNORECASE)  # re keeps the compiled ones


def term_pattern(folded: str, prefix: bool = False) -> TermPattern | None:
    """A regular expression that finds ``folded`` as :func:`term_fts` does.

    A pattern without Chinese is meant for :func:`blank_han` text, where a word's edges
    are plain ``\\w`` boundaries (a class of "letters but not Chinese" costs
    milliseconds to compile); a pattern with Chinese, for the folded text itself.
    """
    segments = _segments(folded)
    if not segments:
        return None
    needles = tuple(text.lower() for han, text in segments if han or text.isascii())
    expression = _expression(segments, prefix)
    han = any(is_han for is_han, _ in segments)
    lowered = None
    if len(needles) == len(segments):  # every word ASCII or Chinese
        lowered = re.compile(_expression([(h, t.lower()) for h, t in segments], prefix))
    return TermPattern(expression, needles, han, lowered)


def _expression(segments: list[tuple[bool, str]], prefix: bool) -> str:
    parts: list[str] = []
    for number, (han, text) in enumerate(segments):
        if number:
            parts.append(r"[\W_]*" if han or segments[number - 1][0] else r"[\W_]+")
        if han:
            parts.append(re.escape(text))
        else:
            word = re.escape(text)
            # No word character before the first word, said after it: an expression that
            # starts with its letters lets the engine jump to them (25x faster in lower case).
            start = "" if number else rf"(?<!\w{word})"
            end = r"\w*" if prefix and number == len(segments) - 1 else ""
            parts.append(f"{word}{start}{end}(?!\\w)")
    return "".join(parts)
