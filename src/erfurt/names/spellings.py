"""The written forms of one name across scripts, for searching text that may use any of them.

    >>> name_spellings("习近平")
    ('习近平', '習近平', 'Xi Jinping', 'Jinping Xi', 'Hsi Chin-ping', 'Jaap Kan-peng')
    >>> name_spellings("李家超")
    ('李家超', 'Li Jiachao', 'Jiachao Li', 'Li Chia-chao', 'Lee Ka-chiu')

A Han name gives its simplified and traditional characters and its readings in pinyin
(surname first and last), Wade-Giles and Hong Kong Cantonese, each with the first
(most usual) reading of every character; a name in another script is returned as it is.
"""

from __future__ import annotations

from erfurt.names.chinese import (
    Syllable,
    compound_surname,
    fold,
    read_han,
    surname_pinyin,
    traditional,
    usual_cantonese,
)
from erfurt.names.normalise import check_name, scripts_of

__all__ = ["character_spellings", "name_spellings", "surname_readings"]


def _first(syllable: Syllable, system: str) -> str:
    if system == "cantonese":
        return usual_cantonese(syllable.cantonese)
    readings = syllable.system(system)
    return readings[0] if readings else ""


def _joined(readings: list[str], joiner: str) -> str:
    """Syllables of one name part: "yue" + "e" -> "yue'e" in pinyin (joiner "")."""
    out = ""
    for reading in readings:
        if out and not joiner and reading[0] in "aeo":
            out += "'"
        elif out:
            out += joiner
        out += reading
    return out.capitalize()


def _romanised(syllables: tuple[Syllable, ...], system: str, joiner: str) -> tuple[str, str]:
    """Family name and given name in one system, given syllables joined by ``joiner``."""
    family = [_first(s, system) for s in syllables if s.family]
    given = [_first(s, system) for s in syllables if not s.family]
    if compound_surname("".join(s.han for s in syllables)):
        surname = _joined(family, "")  # 欧阳 Ouyang, one surname
    else:
        surname = " ".join(r.capitalize() for r in family)  # 林鄭 Lam Cheng, two
    return surname, _joined(given, joiner)


def name_spellings(name: str) -> tuple[str, ...]:
    """The spellings of ``name`` in every script and system the engine reads, the name as
    given first, without repeats.

    Raises InputError when ``name`` cannot be a name (empty, no letters, mixed scripts).
    """
    text = check_name(name)
    syllables = read_han(text) if scripts_of(text) == ["Han"] else ()
    if not syllables or any(not s.pinyin for s in syllables):
        return (text,)
    han = "".join(s.han for s in syllables)
    forms = [text, fold(han), traditional(han)]
    family, given = _romanised(syllables, "pinyin", "")
    forms += [f"{family} {given}".strip(), f"{given} {family}".strip()]
    for system in ("wade", "cantonese"):
        family, given = _romanised(syllables, system, "-")
        forms.append(f"{family} {given}".strip())
    return tuple(dict.fromkeys(f for f in forms if f))


def character_spellings(char: str) -> tuple[str, ...]:
    """Every spelling of one Han character the engine reads, lower case: pinyin, Wade-Giles
    and Taiwanese usage, Hong Kong and Macau Cantonese (蔡: "cai", "tsai", "choi" ...);
    none for anything else.

    >>> character_spellings("谭")
    ('tan', 'taam', 'tam')
    """
    syllables = read_han(char) if len(char) == 1 else ()
    return syllables[0].spellings if syllables else ()


def surname_readings(spelling: str) -> frozenset[str]:
    """The pinyin of the common surnames a Wade-Giles, Taiwanese or Cantonese spelling (lower
    case) may stand for; none for a spelling of no common surname.

    >>> sorted(surname_readings("tsang"))
    ['ceng', 'zeng']
    """
    return surname_pinyin().get(spelling, frozenset())
