"""Cantonese-pinyin bridges: when a Hong Kong spelling may stand for a pinyin one.

A Hong Kong name ("LO, Wai-chung") and the pinyin of the same characters ("Lu Weicong")
share no spelling: they agree through bridges, a Cantonese syllable and a pinyin syllable
read from one character (``Token.bridge``). A Cantonese syllable bridges to many pinyin
ones ("sam" to 24), so a bridge is evidence only when the whole name is read so: the
name on the Cantonese side of every bridge is the same; each of its paired syllables,
bridged or not, is a Cantonese spelling of a character the other side's syllable may be
("Wan Chin" is not "YIN CHIN": Cantonese "chin" is never pinyin "jin" or "qin"; "Chia
Tung-lei" has the Mandarin-only "chia"; only a married name's later surname, the wife's
family's, may be spelt in Mandarin: "CHAN FANG, On-sang"); and when it also reads wholly
as pinyin, none of its syllables agrees as written (then both names are pinyin: "SUN, Wei"
is not the Cantonese of "Shen Wei", but "KAN, Kai Yan" may be that of "Jian Qi'en"). A
name read half in Cantonese, half in Mandarin is no reading.
"""

from __future__ import annotations

from erfurt.names.chinese import cantonese_readings, reading_shares, regional_spellings
from erfurt.names.parts import Token
from erfurt.names.romanise import PINYIN_SYLLABLES, is_syllable
from erfurt.names.weights import BRIDGED, COMMON_READING, RARE_BRIDGED

__all__ = ["BRIDGES", "bridge_agreement", "bridged", "bridges_hold"]

BRIDGES = (BRIDGED, RARE_BRIDGED)  # the agreements a bridge may give


def _reads(cantonese: Token, other: Token) -> bool:
    """``cantonese`` may be the Hong Kong spelling of a character ``other`` spells."""
    return not cantonese.bridge.isdisjoint(other.spellings)


def bridged(x: Token, y: Token) -> bool:
    """The two tokens agree only through a bridge (no spelling in common)."""
    return x.spellings.isdisjoint(y.spellings) and (_reads(x, y) or _reads(y, x))


def _share(cantonese: Token, other: Token) -> float:
    """How common in names the most common reading is by which ``cantonese`` spells a
    character ``other`` may spell (0 when it spells none)."""
    if not cantonese.bridge:
        return 0.0
    shares = reading_shares()
    forms = (cantonese.text, *regional_spellings().get(cantonese.text, ()))
    return max((shares.get(f, {}).get(p, 0.0) for f in forms for p in other.spellings), default=0.0)


def bridge_agreement(x: Token, y: Token) -> float:
    """The agreement of two tokens that agree through a bridge: a reading rare in names
    ("sam" for 謝 "xie") is weaker evidence than a common one ("sam" for 沈 "shen")."""
    common = max(_share(x, y), _share(y, x)) >= COMMON_READING
    return BRIDGED if common else RARE_BRIDGED


def _wholly_pinyin(tokens: tuple[Token, ...]) -> bool:
    return all(t.text in PINYIN_SYLLABLES for t in tokens if t.weight >= 1.0)


def _side_reads(pairs: list[tuple[Token, Token]], side: int, name: tuple[Token, ...]) -> bool:
    """Every paired token of ``side`` (0: query, 1: listed, the tokens of ``name``) reads
    as Cantonese for its partner: a Cantonese spelling of a character the partner may spell
    (bridged to it, or the same spelling in both systems). A Mandarin-only syllable
    ("chia", "kuei") is no Cantonese reading, but for the later surname of a married name
    ("CHAN FANG": the wife's family's spelling); a word that is no syllable (a Western
    given name) must be the partner's word."""
    readings = cantonese_readings()
    for pair in pairs:
        cantonese, other = pair[side], pair[1 - side]
        if (
            cantonese.family
            and not cantonese.spellings.isdisjoint(other.spellings)
            and cantonese in [t for t in name if t.family][1:]
        ):
            continue
        pinyin = readings.get(cantonese.text)
        if pinyin is None:
            if is_syllable(cantonese.text) or cantonese.spellings.isdisjoint(other.spellings):
                return False
        elif pinyin.isdisjoint(other.spellings):
            return False
    return True


def bridges_hold(
    query: tuple[Token, ...], listed: tuple[Token, ...], pairs: list[tuple[Token, Token]]
) -> bool:
    """Whether the bridges among the paired tokens (query token, listed token) hold: one
    name is read as Cantonese throughout against the other (see the module docstring)."""
    sides = {0, 1}
    for x, y in pairs:
        if bridged(x, y):
            sides &= {s for s, (c, o) in enumerate(((x, y), (y, x))) if _reads(c, o)}
    # A name that reads wholly as pinyin is Cantonese only if no syllable of it agrees
    # as written: "KAN, Kai Yan" for "Jian Qi'en", not "SUN, Wei" for "Shen Wei".
    every = all(x.text != y.text for x, y in pairs)
    names = (query, listed)
    return any(
        (every or not _wholly_pinyin(names[side])) and _side_reads(pairs, side, names[side])
        for side in sorted(sides)
    )
