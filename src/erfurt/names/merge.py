"""Words one name writes apart and the other as one: split words and acronyms.

A word split in two ("Patr ushev" for "Patrushev", "Abdul Rahman" for "Abdulrahman"; not
Chinese syllables, which ``parts.py`` splits and joins itself) and an
organisation's acronym ("PLA" for "People's Liberation Army", "ICBC" for "Industrial and
Commercial Bank of China") leave tokens that pair with nothing, so the names look like two.
:func:`merge_words` finds such runs in either name and joins each into one token spelt as
its counterpart, so that token pairing (``score.py``) sees one name part on each side.
"""

from __future__ import annotations

from dataclasses import replace

from erfurt.names.chinese import cantonese_syllables
from erfurt.names.parts import NameForm, Token
from erfurt.names.romanise import is_syllable

__all__ = ["merge_words"]

# Words an acronym usually skips ("Bank of China": BOC or BC).
_SKIPPED = frozenset("and of the for de du des la le el al".split())  # noqa: SIM905 (data table)
ACRONYM_LETTERS = 3  # shortest acronym read (two letters are initials of too many names)
MOST_WORDS = 8  # longest run of words an acronym or a split word is looked for in


def _initials(tokens: tuple[Token, ...]) -> tuple[str, str]:
    """A run's initials with and without the words acronyms skip."""
    every = "".join(t.text[0] for t in tokens)
    kept = "".join(t.text[0] for t in tokens if t.text not in _SKIPPED)
    return every, kept


def _syllable(token: Token) -> bool:
    """A Chinese syllable: runs of them are read by the syllable split (``parts.py``), and
    one apart is a name of its own ("Li Na" is not "Lina")."""
    return is_syllable(token.text, cantonese_syllables())


def _may_spell(texts: list[str], words: set[str], organisation: bool) -> bool:
    """Whether a run of these tokens may spell one of ``words`` (see ``_runs``): each run
    joined lies inside the whole name joined, its initials inside the name's initials."""
    joined = "".join(texts)
    every = "".join(t[0] for t in texts) if organisation else ""
    kept = "".join(t[0] for t in texts if t not in _SKIPPED) if organisation else ""
    return any(w in joined or w in every or w in kept for w in words)


def _runs(form: NameForm, wanted: set[str], organisation: bool) -> list[tuple[int, int, str]]:
    """Runs [start, end) of ``form``'s tokens that spell one of ``wanted``: joined
    together, or (organisations) as initials. Greedy, left to right, without overlap."""
    tokens = form.tokens
    found: list[tuple[int, int, str]] = []
    start = 0
    while start < len(tokens) - 1:
        for end in range(min(len(tokens), start + MOST_WORDS), start + 1, -1):
            run = tokens[start:end]
            joined = "".join(t.text for t in run)
            if joined in wanted and not all(_syllable(t) for t in run):
                found.append((start, end, joined))
                break
            if organisation and end - start >= ACRONYM_LETTERS:
                spelt = next((i for i in _initials(run) if i in wanted), None)
                if spelt is not None and run[0].text not in _SKIPPED:
                    found.append((start, end, spelt))
                    break
        else:
            start += 1
            continue
        start = found[-1][1]
    return found


def _merged(form: NameForm, runs: list[tuple[int, int, str]]) -> NameForm:
    tokens: list[Token] = []
    last = 0
    for start, end, text in runs:
        tokens.extend(form.tokens[last:start])
        first = form.tokens[start]
        tokens.append(
            replace(first, text=text, spellings=frozenset((text,)), weight=1.0, bridge=frozenset())
        )
        last = end
    tokens.extend(form.tokens[last:])
    return NameForm(form.text, tuple(tokens), " ".join(t.text for t in tokens), form.how)


def merge_words(query: NameForm, listed: NameForm) -> tuple[NameForm, NameForm, str] | None:
    """The two forms with each run of one name's words that spells a word of the other
    (joined, or for organisations as initials) made one token, and what was joined; None
    when no run does (``query.how`` "organisation" allows acronyms)."""
    if "syllables" in (query.how, listed.how):
        return None  # a split made by the engine ("Mariam" as "ma ri am"), not the writer
    organisation = query.how == "organisation"
    forms = [query, listed]
    joined: list[str] = []
    for side in (0, 1):
        other = forms[1 - side]
        texts = [t.text for t in forms[side].tokens]
        wanted = {t.text for t in other.tokens if len(t.text) >= ACRONYM_LETTERS} - set(texts)
        if not wanted or not _may_spell(texts, wanted, organisation):
            continue  # the usual case, decided by substring tests
        runs = _runs(forms[side], wanted, organisation)
        if runs:
            tokens = forms[side].tokens
            joined += [" ".join(t.text for t in tokens[s:e]) + f" as {w!r}" for s, e, w in runs]
            forms[side] = _merged(forms[side], runs)
    if not joined:
        return None
    return forms[0], forms[1], "; read " + ", ".join(joined)
