"""A name analysed into tokens ready to compare: its written forms and their spellings.

:func:`analyse` turns one name into one or more :class:`NameForm` variants:
- a Latin (or Cyrillic, Greek, other alphabet) name as written, each Wade-Giles syllable
  also spelt in pinyin ("Hsi" = "Xi");
- for persons, the same name split into Chinese syllables where it splits
  ("Baolong" -> "Bao Long", "Yuetngor" -> "Yuet Ngor");
- a Han name as characters, each also spelt in pinyin, Wade-Giles and Cantonese (form
  "han", for comparing with Han), and as three romanised forms, one per system ("pinyin",
  "wade", "cantonese"), for comparing with romanised names: a name is read in one system.

Family name parts are marked: the characters of a Han surname, and the words before the
comma of a listed "FAMILY, Given" name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from erfurt.names.chinese import (
    SYSTEMS,
    cantonese_readings,
    cantonese_syllables,
    read_han,
    regional_spellings,
)
from erfurt.names.normalise import LEGAL_FORMS, PARTICLES, latin_tokens, scripts_of
from erfurt.names.romanise import is_syllable, split_syllables, wade_to_pinyin
from erfurt.names.weights import LIGHT

__all__ = [
    "HAN_SYSTEMS",
    "NameForm",
    "Token",
    "analyse",
    "chinese_surname",
    "family_words",
    "is_organisation",
    "looks_chinese",
]

ORGANISATION_SCHEMAS = frozenset(
    {"Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Aircraft", "Airplane"}
)
HAN_SYSTEMS = frozenset(SYSTEMS)  # the "how" of a Han name's romanised forms


@dataclass(frozen=True, slots=True)
class Token:
    """One comparable part of a name."""

    text: str  # the spelling as written (lower-case ASCII for Latin), or the Han character
    spellings: frozenset[str]  # Latin spellings it may stand for (romanisations of a Han one)
    weight: float
    han: str = ""  # the simplified character when the token is Han
    bridge: frozenset[str] = frozenset()  # pinyin it may stand for, read as Cantonese
    family: bool = False  # part of the family name (when the name says so)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One written form of a name, as tokens."""

    text: str  # the name as given
    tokens: tuple[Token, ...]
    key: str  # tokens joined: equal keys are the same written name
    how: str  # "latin", "syllables", "han", "pinyin", "wade", "cantonese", "hangul", "organisation"
    # Derived from the tokens, for deciding at once that two names share nothing:
    spelled: frozenset[str] = field(init=False, repr=False, compare=False)  # texts, spellings
    wholly_han: bool = field(init=False, repr=False, compare=False)  # every token is Han

    def __post_init__(self) -> None:
        tokens = self.tokens
        spelled = frozenset(t.text for t in tokens).union(*(t.spellings for t in tokens))
        object.__setattr__(self, "spelled", spelled)
        object.__setattr__(self, "wholly_han", all(t.han for t in tokens))


def is_organisation(schema: str | None) -> bool:
    """Whether a FollowTheMoney schema name is a kind of organisation (not a person)."""
    return schema in ORGANISATION_SCHEMAS


@lru_cache(maxsize=1 << 14)  # the same words recur from name to name: analysed once
def _latin_token(text: str, person: bool, chinese: bool, family: bool = False) -> Token:
    if not chinese:
        light = text in PARTICLES if person else text in set(LEGAL_FORMS.values())
        return Token(text, frozenset((text,)), LIGHT if light else 1.0, "", frozenset(), family)
    # In a Chinese name "e" or "de" is a syllable, not a particle.
    regional = regional_spellings().get(text, frozenset())
    spellings = frozenset((text, *wade_to_pinyin(text), *regional))
    readings = cantonese_readings()
    bridge = frozenset(p for s in (text, *regional) for p in readings.get(s, ())) - spellings
    return Token(text, spellings, 1.0, "", bridge, family)


def family_words(name: str) -> int:
    """How many words of a listed "FAMILY, Given" name are its family name (0: unknown)."""
    family, comma, given = name.partition(",")
    if not comma or not given.strip() or "," in given:
        return 0
    return len(latin_tokens(family))


@cache
def _surnames() -> frozenset[str]:
    text = resources.files("erfurt.names").joinpath("data").joinpath("chinese_surnames.txt")
    return frozenset(w for w in text.read_text("utf-8").split() if not w.startswith("#"))


def chinese_surname(word: str) -> bool:
    """Whether a lower-case romanised word is a common Chinese surname ("wang", "chan")."""
    return word in _surnames()


def looks_chinese(words: list[str]) -> bool:
    """Whether a romanised person's name may be Chinese.

    It may when a Chinese surname comes first or last, or when every word is a run of
    pinyin, Wade-Giles or Cantonese syllables ("Jian Qi'en"), Hong Kong and Macau usage
    spellings included ("SHAM, Tsz-kit").
    """
    if len(words) < 2:
        return False
    if words[0] in _surnames() or words[-1] in _surnames():
        return True
    extra = cantonese_syllables()
    usage = cantonese_readings()
    return all(w in usage or is_syllable(w, extra) or split_syllables(w, extra) for w in words)


def _form(text: str, tokens: list[Token], how: str) -> NameForm:
    return NameForm(text, tuple(tokens), " ".join(t.han or t.text for t in tokens), how)


def analyse(name: str, schema: str | None = "Person") -> tuple[NameForm, ...]:
    """The comparable forms of one name (checked by the caller: see ``check_name``).

    Returns an empty tuple when nothing comparable is left (a name of honorifics only).
    """
    person = not is_organisation(schema)
    syllables = read_han(name) if scripts_of(name) == ["Han"] else ()
    if syllables:
        han = [
            Token(s.han, frozenset(s.spellings), 1.0, s.han, frozenset(), s.family)
            for s in syllables
        ]
        forms = [_form(name, han, "han")]
        for system in SYSTEMS:
            read = [
                Token(s.han, frozenset(s.system(system)), 1.0, s.han, frozenset(), s.family)
                for s in syllables
            ]
            forms.append(_form(name, read, system))
        return tuple(forms)
    if person and scripts_of(name) == ["Hangul"]:
        # Korean names are compared syllable block by block, like Han characters.
        blocks = [Token(c, frozenset((c,)), 1.0) for c in name if c.isalpha()]
        return (_form(name, blocks, "hangul"),)
    words = latin_tokens(name, organisation=not person)
    if not words:
        return ()
    chinese = person and looks_chinese(words)
    how = "latin" if person else "organisation"
    family = family_words(name) if person else 0
    tokens = [_latin_token(w, person, chinese, i < family) for i, w in enumerate(words)]
    forms = [_form(name, tokens, how)]
    if chinese:
        extra = cantonese_syllables()
        pieces: list[Token] = []
        for i, word in enumerate(words):
            for piece in split_syllables(word, extra) or (word,):
                pieces.append(_latin_token(piece, person, chinese, i < family))
        if len(pieces) > len(words):
            forms.append(_form(name, pieces, "syllables"))
    return tuple(forms)
