"""Name text to comparable tokens: case, accents, punctuation, scripts, stop words.

Pure functions. :func:`scripts_of` tells which writing systems a name uses, so that a
name mixing them can be refused (queries) or split (list data); :func:`latin_tokens`
turns Latin, Cyrillic and Greek text into lower-case ASCII tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from erfurt.errors import InputError
from erfurt.names.chinese import is_han

__all__ = [
    "HONORIFICS",
    "LEGAL_FORMS",
    "MAX_NAME_LENGTH",
    "PARTICLES",
    "check_name",
    "latin_tokens",
    "scripts_of",
    "spelling_key",
    "split_by_script",
]

MAX_NAME_LENGTH = 300

HONORIFICS = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady sheikh shaikh haji hajji hon mx rev herr frau "  # noqa: SIM905 (data table)
    "madame monsieur mme mlle general gen col colonel major maj capt captain lt judge".split()
)
# Particles and patronymic links: they carry little identity of their own.
PARTICLES = frozenset(
    "al el bin ibn bint binti abu abd ben de del della der di da do dos das du la le van von "  # noqa: SIM905 (data table)
    "y e ul ud ould".split()
)
# Legal forms of organisations, folded to one class word each (longest phrases first).
_LEGAL_PHRASES: tuple[tuple[str, str], ...] = (
    ("open joint stock company", "jsc"), ("closed joint stock company", "jsc"),
    ("public joint stock company", "jsc"), ("joint stock company", "jsc"),
    ("limited liability company", "llc"), ("limited liability partnership", "llp"),
    ("public limited company", "plc"), ("societatea cu raspundere limitata", "srl"),
    ("societe anonyme", "sa"), ("sociedad anonima", "sa"), ("aktiengesellschaft", "ag"),
    ("gesellschaft mit beschrankter haftung", "gmbh"), ("limited partnership", "lp"),
    ("company limited", "ltd"), ("co ltd", "ltd"), ("pty ltd", "ltd"), ("pte ltd", "ltd"),
    ("private limited", "ltd"), ("sp z oo", "llc"), ("sp z o o", "llc"),
    ("spolka z ograniczona odpowiedzialnoscia", "llc"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "llc"), ("aktsionernoe obshchestvo", "jsc"),
)  # fmt: skip
LEGAL_FORMS: dict[str, str] = {
    "ltd": "ltd", "limited": "ltd", "llc": "llc", "ooo": "llc", "inc": "inc",
    "incorporated": "inc", "corp": "corp", "corporation": "corp", "jsc": "jsc", "ojsc": "jsc",
    "oao": "jsc", "pjsc": "jsc", "pao": "jsc", "cjsc": "jsc", "zao": "jsc", "ao": "jsc",
    "plc": "plc", "gmbh": "gmbh", "ag": "ag", "sa": "sa", "srl": "srl", "bv": "bv", "nv": "nv",
    "llp": "llp", "lp": "lp", "pty": "ltd", "pte": "ltd", "co": "co", "company": "co",
    "sarl": "srl", "spa": "sa", "sas": "sas", "kg": "kg", "se": "se", "ab": "ab", "as": "as",
    "oy": "oy", "ano": "ano",
}  # fmt: skip

_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")
_SYLLABLE_MARK = re.compile(r"(?<=[aeiouvng])['’ʼ](?=[aeo])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Number words as digits: "Brigade Forty-Four" = "Brigade 44" (read pairwise below).
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_NUMBERS = {w: str(n) for n, w in enumerate(_NUMBER_WORDS.split())} | {
    "first": "1",
    "1st": "1",
    "second": "2",
    "2nd": "2",
    "third": "3",
    "3rd": "3",
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
# Roman numerals up to 39, as series markers of organisations ("Fund III" = "Fund 3").
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_TONED = re.compile(r"(?:[a-z]+[1-5])+")
_TONES = re.compile(r"[1-5]")
_DOTTED = re.compile(r"\b(?:\w\.){2,}")  # "p.l.c.", "L.L.C.", "H.E."


@lru_cache(maxsize=1 << 14)  # asked for every character of every name screened
def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    if is_han(char) or "\u3040" <= char <= "\u30ff":  # Han with Japanese kana
        return "Han"
    if char.isascii():
        return "Latin"
    name = unicodedata.name(char, "")
    first = name.split(" ")[0]
    if first in {"CJK", "IDEOGRAPHIC"} or first.startswith(("HIRAGANA", "KATAKANA")):
        return "Han"
    return first.title()


def scripts_of(text: str) -> list[str]:
    """The writing systems of the letters in ``text``, in order of first use."""
    found: dict[str, None] = {}
    for char in text:
        script = _script(char)
        if script:
            found[script] = None
    return list(found)


def split_by_script(text: str) -> list[str]:
    """``text`` cut into one string per writing system ("Jin Tiesan (金铁三)" -> two)."""
    runs: dict[str, list[str]] = {}
    current: str | None = None
    for char in text:
        script = _script(char) or current
        if script is None:
            continue
        runs.setdefault(script, []).append(char if _script(char) else " ")
        current = script
    return [" ".join("".join(chars).split()) for chars in runs.values()]


def check_name(text: str, where: str = "name") -> str:
    """Return ``text`` stripped if it can be a name; raise InputError saying why if not.

    Refused: empty text, text without letters (punctuation, emoji), text longer than
    MAX_NAME_LENGTH characters, and text mixing writing systems (Latin with Han, ...).
    """
    stripped = " ".join(unicodedata.normalize("NFKC", text).split())
    if not stripped:
        raise InputError(f"{where} is empty", "give a person's or organisation's name")
    if len(stripped) > MAX_NAME_LENGTH:
        raise InputError(
            f"{where} is {len(stripped):,} characters long; names are at most {MAX_NAME_LENGTH}",
            "give the name alone, without other text",
        )
    scripts = scripts_of(stripped)
    if not scripts:
        raise InputError(
            f"{where} {stripped[:40]!r} has no letters", "give a name written in letters"
        )
    if len(scripts) > 1:
        raise InputError(
            f"{where} {stripped[:40]!r} mixes {' and '.join(scripts)} letters",
            "give each written form of the name as its own query or list row",
        )
    return stripped


def _to_ascii(text: str) -> str:
    # Han and Hangul stay as they are (compared by character); other scripts are
    # transliterated (Cyrillic, Greek, Georgian, Armenian, kana, Ethiopic, Indic, ...).
    if text.isascii():
        return text
    return "".join(
        c if c.isascii() or is_han(c) or _script(c) == "Hangul" else anyascii(c) for c in text
    )


def latin_tokens(text: str, organisation: bool = False) -> list[str]:
    """Lower-case ASCII tokens of a name in an alphabet (Latin, Cyrillic, Greek, ...).

    Other alphabets are transliterated (anyascii), accents dropped, apostrophes inside
    words removed (Ch'in -> chin), "&" read as "and", honorifics dropped (unless only
    one word would be left: "IBRAHIM, Haji"); for
    organisations, legal forms become one class word.
    """
    undotted = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    composed = unicodedata.normalize("NFKC", undotted.replace("&", " and "))
    plain = _to_ascii(composed).lower()
    if not organisation:  # pinyin's syllable mark: "Xi'an" is xi + an, "Ch'in" one syllable
        plain = _SYLLABLE_MARK.sub(" ", plain)
    plain = _APOSTROPHES.sub("", plain)
    words = [w for w in re.split(r"[^\w]+|_", plain) if w]
    words = [w if not w.isascii() else _NON_WORD.sub("", w) for w in words]
    words = [w for w in words if w]
    named = [w for w in words if w not in HONORIFICS]
    # An honorific used as the only given name ("IBRAHIM, Haji") is kept: without it the
    # name would be a bare surname.
    if not organisation and (len(named) > 1 or len(words) < 2):
        words = named
    words = [_NUMBERS.get(w, w) for w in words]
    if not organisation:  # tone numbers of pinyin or Wade-Giles: "Xi2 Jin4ping2"
        words = [_TONES.sub("", w) if _TONED.fullmatch(w) else w for w in words]
    if organisation:
        joined = " ".join(words)
        for phrase, form in _LEGAL_PHRASES:
            joined = re.sub(rf"\b{phrase}\b", form, joined)
        words = [LEGAL_FORMS.get(w, w) for w in joined.split()]
        words = _series_marker(words)
    return _tens(words)


def _series_marker(words: list[str]) -> list[str]:
    """A Roman numeral that ends the name, or comes only before its legal form, as digits
    ("Fund III L.P." -> "fund 3 lp"). Elsewhere it is a word: "Shenzhen Xi Sheng" keeps
    its pinyin "xi", and a name may start "XL ..."."""
    forms = set(LEGAL_FORMS.values())
    end = len(words)
    while end > 0 and words[end - 1] in forms:
        end -= 1
    if end >= 2:
        words = [*words[: end - 1], _roman(words[end - 1]), *words[end:]]
    return words


def _roman(word: str) -> str:
    """A Roman numeral as digits ("iv" -> "4"); any other word as it is."""
    if not word or not _ROMAN.fullmatch(word):
        return word
    values = [_ROMAN_VALUES[c] for c in word]
    total = sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))
    return str(total)


def _tens(words: list[str]) -> list[str]:
    """ "forty", "4" -> "44"; "forty" -> "40"."""
    out: list[str] = []
    for word in words:
        if out and out[-1] in _TENS and len(word) == 1 and word.isascii() and word.isdigit():
            out[-1] = str(_TENS[out[-1]] + int(word))
        else:
            out.append(word)
    return [str(_TENS[w]) if w in _TENS else w for w in out]


# Spellings that transliterations of one name alternate between (Husayn, Hussein; Sergej,
# Sergey, Sergei; Rouhani, Ruhani; Ahmadinezhad, Ahmadinejad), folded to one.
_VARIANTS = (
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"[ae][iy]"), "ei"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"zh|dj"), "j"),
    (re.compile(r"j$"), "i"),
    (re.compile(r"y"), "i"),
)


@lru_cache(maxsize=1 << 14)  # asked of the same listed words query after query
def spelling_key(word: str) -> str:
    """A lower-case word with the letters that transliterations alternate between folded
    to one spelling: doubled letters, "ou"/"oo"/"u", "ay"/"ai"/"ey"/"ei", "ph"/"f",
    "zh"/"dj"/"j", "y"/"i", a final "j" ("Sergej")."""
    for pattern, spelling in _VARIANTS:
        word = pattern.sub(spelling, word)
    return word
