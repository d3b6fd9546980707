"""The one escaping function for outside text shown on a terminal.

File names, aliases, statements, list names and messages that quote them come from
outside: a name holding a newline, a carriage return, an ANSI escape sequence or a bidi
control could otherwise fake an output line ("OK: ...") or reorder what the reader sees.
Every command that prints outside text in its human-readable form passes it through
:func:`printable`; JSON output needs no escaping, as JSON strings escape themselves.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable"]

# Control, format (bidi controls, zero-width characters), line and paragraph separators,
# and lone surrogates (the undecodable bytes of a file name).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control or format character shown as an escape (``\\n``,
    ``\\x1b``, ``\\u202e``), so that it stays on one line and reads as it is stored.

    With ``multiline`` (a document's text), newlines and tabs are kept as they are.
    """
    if text.isprintable():  # the common case, checked at C speed
        return text
    return "".join(_escaped(char, multiline) for char in text)


def _escaped(char: str, multiline: bool) -> str:
    if multiline and char in "\n\t":
        return char
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
