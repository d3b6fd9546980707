"""Han names against Han names and against romanised ones, character by character.

- Han against Han (and Hangul against Hangul): the characters decide, in order; a missing
  or extra character is another given name (郝明 is not 郝明金).
- Han against a romanised name: the name is read in one system at a time (pinyin,
  Wade-Giles or Cantonese: the three romanised forms of ``parts.analyse``), each character
  against one romanised syllable, the surname first or last (first when the romanised
  name marks it: "WEI, Fenghe") and the given syllables in order; only the later surname
  of a married name may be read in the other system, at a lower score ("CHAN FANG,
  On-sang": 方 "Fang" is her family's Mandarin spelling). Western given names
  beside the Chinese ones ("Carrie", "John") are allowed. A
  name that does not line up so is scored by plain token agreement, capped below the
  threshold (王明 against "WANG, Mingshan").

Each function returns the score and what decided it, for the explanation.
"""

from __future__ import annotations

from functools import cache

from erfurt.names.chinese import cantonese_syllables
from erfurt.names.parts import NameForm, Token
from erfurt.names.romanise import is_syllable, split_syllables
from erfurt.names.spellings import character_spellings
from erfurt.names.weights import HAN_POWER, OTHER_LENGTH, OTHER_SYSTEM_SURNAME, WESTERN_GIVEN

__all__ = ["align_romanised", "chinese_token", "compare_characters"]


def compare_characters(a: NameForm, b: NameForm) -> tuple[float, str]:
    """Two names in Han (or Hangul) characters: the share of characters equal in place."""
    x, y = a.tokens, b.tokens
    same = sum(1 for p, q in zip(x, y, strict=False) if p.text == q.text)
    score = (same / max(len(x), len(y))) ** HAN_POWER
    if len(x) != len(y):
        return min(score, OTHER_LENGTH), f"{len(x)} characters against {len(y)}: another name"
    if same < len(x):
        return score, f"{len(x) - same} of {len(x)} characters differ"
    return score, "the same characters"


def _agrees(han: Token, latin: Token) -> bool:
    return not han.spellings.isdisjoint(latin.spellings)


def chinese_token(token: Token) -> bool:
    """Whether a romanised token is a Chinese syllable or a run of them ("Baolong")."""
    return _chinese_text(token.text)


@cache  # asked for every token of every name compared: the split is costly
def _chinese_text(text: str) -> bool:
    extra = cantonese_syllables()
    return is_syllable(text, extra) or bool(split_syllables(text, extra))


def _in_order(han: tuple[Token, ...], latin: list[Token]) -> bool:
    return len(han) == len(latin) and all(_agrees(h, t) for h, t in zip(han, latin, strict=True))


@cache  # asked for every married Han name against every candidate
def _spellings(char: str) -> frozenset[str]:
    return frozenset(character_spellings(char))


def _surnames_in_order(han: tuple[Token, ...], latin: list[Token]) -> tuple[bool, bool]:
    """Whether the surname characters read as ``latin``, and whether a later one of a
    married name's two ("CHAN FANG, On-sang": 方 "Fang") had to be read in the other
    system: it is the wife's own family name, spelt as her family spells it."""
    if len(han) != len(latin):
        return False, False
    other = False
    for k, (h, t) in enumerate(zip(han, latin, strict=True)):
        if _agrees(h, t):
            continue
        if k == 0 or t.text not in _spellings(h.han):
            return False, False
        other = True
    return True, other


def _western_in_place(chinese: list[bool], latin: NameForm, family: int) -> bool:
    """Western given names stand before the Chinese name ("Jimmy Lai Chee-ying") or right
    after a listed family name ("LAM CHENG, Carrie Yuet-ngor"), never after the given name."""
    if family == 0:
        return False
    marked = sum(1 for t in latin.tokens if t.family and t.weight >= 1.0)
    rest = chinese[chinese.index(True) :] if True in chinese else []
    if marked:
        if not all(rest[:marked]):
            return False
        after = rest[marked:]
        rest = after[after.index(True) :] if True in after else []
    return all(rest)


def align_romanised(han: NameForm, latin: NameForm) -> tuple[float, str] | None:
    """A Han name read in one system (``han.how``) against a romanised name, or None when
    they do not line up syllable for syllable."""
    chars = han.tokens
    family = sum(1 for t in chars if t.family)
    words = [t for t in latin.tokens if t.weight >= 1.0]
    chinese = [chinese_token(t) or any(_agrees(h, t) for h in chars) for t in words]
    kept = [t for t, c in zip(words, chinese, strict=True) if c]
    western = len(words) - len(kept)
    if western and (len(kept) < 2 or not _western_in_place(chinese, latin, family)):
        return None  # "Carrie Lam" is not a reading; nor is "Wang Jin-pyng" of 王金
    surname, given = chars[:family], chars[family:]
    at_start, mixed = _surnames_in_order(surname, kept[:family])
    first = at_start and _in_order(given, kept[family:])
    marked = any(t.family for t in kept)  # "WEI, Fenghe" puts its surname first
    last = False
    if not first and family > 0 and not marked:
        at_end, mixed = _surnames_in_order(surname, kept[len(kept) - family :])
        last = at_end and _in_order(given, kept[: len(kept) - family])
    if not (first or last):
        return None
    order = "surname first" if first else "surname last"
    detail = f"every character read in {han.how}, {order}"
    if mixed:
        detail += ", the later surname in the other system"
    if western:
        detail += f", with {western} Western given name{'s' if western > 1 else ''}"
    return WESTERN_GIVEN**western * (OTHER_SYSTEM_SURNAME if mixed else 1.0), detail
