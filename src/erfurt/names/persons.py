"""The parts of a person's name: when one part says the two names are two persons.

After the tokens of two persons' names are paired (``score.py``), the score is capped
when a part says another person: one name part against several (a bare surname, a
one-word list name), a surname that agrees with nothing (not even by one typo; a short
surname one typo away is capped less, so that an agreeing birth date lifts it), only a
later one of a listed name's several surnames agreeing ("GIL GARCIA" for "Garcia"), only
a later given name agreeing, a surname agreeing only as a mistyped first part, and,
between wholly Chinese names, a syllable one name has and the other lacks ("Luo Ning" is
not "Luo Huining"). Every number is in ``weights.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from erfurt.names.characters import chinese_token
from erfurt.names.chinese import cantonese_syllables
from erfurt.names.parts import NameForm, Token, chinese_surname, family_words
from erfurt.names.romanise import is_syllable
from erfurt.names.weights import (
    BRIDGED,
    LATER_GIVEN,
    ONE_PART,
    OTHER_LENGTH,
    SHORT_SURNAME_TYPO,
    SURNAME_AGREES,
    SURNAME_DIFFERS,
    SURNAME_TYPO_LENGTH,
    SWAPPED_SURNAME_TYPO,
)

__all__ = ["Pairing", "person_parts", "wholly_chinese"]

Scored = tuple[float, str]  # a score and what decided it


@dataclass(frozen=True, slots=True)
class Pairing:
    """Which tokens were paired: each side's paired tokens with their agreement, and the
    listed token each paired query token went with."""

    used_a: dict[int, float]
    used_b: dict[int, float]
    partner: dict[int, int]

    def other(self, side: str, k: int, query: NameForm, listed: NameForm) -> Token | None:
        """The token paired with token ``k`` of ``side`` ("a": query, "b": listed)."""
        if side == "a":
            j = self.partner.get(k)
            return None if j is None else listed.tokens[j]
        i = next((i for i, j in self.partner.items() if j == k), None)
        return None if i is None else query.tokens[i]


def person_parts(
    query: NameForm,
    listed: NameForm,
    full: tuple[list[int], list[int]],
    pairing: Pairing,
    score: float,
    decided: str,
) -> Scored:
    """Cap a persons' score when a part says another person: one part against several,
    a surname that agrees with nothing, only a later one of several listed surnames
    agreeing, or (wholly Chinese names) a syllable missing (``full``: each side's name
    parts that are not particles)."""
    full_a, full_b = full
    if not full_a or not full_b:
        return score, decided
    if (len(full_a) == 1) != (len(full_b) == 1):
        if score > ONE_PART:
            return ONE_PART, "one name part against several: weak evidence"
        return score, decided
    if len(full_a) == 1:
        return score, decided
    chinese = wholly_chinese(query, listed)
    extra = _extra_syllable(query, listed, full, pairing) if chinese else ""
    if extra and score > OTHER_LENGTH:
        return OTHER_LENGTH, f"the syllable {extra!r} is only in one name: another name"
    surname = _surname_agrees(query, listed, full, pairing, chinese, _one_typo)
    if surname and score > SURNAME_DIFFERS:
        if not _surname_agrees(query, listed, full, pairing, chinese, _short_typo):
            capped = min(score, SHORT_SURNAME_TYPO)
            return capped, f"{surname}, but for one typo in a short surname: weak evidence"
        return SURNAME_DIFFERS, surname
    if chinese:
        return score, decided
    if score > LATER_GIVEN and _only_later_given(query, listed, full, pairing):
        return LATER_GIVEN, "only a later given name agrees: weak evidence"
    if score > SWAPPED_SURNAME_TYPO and _swapped_surname_typo(query, listed, full, pairing):
        return SWAPPED_SURNAME_TYPO, "the surname agrees only as a mistyped first part"
    return score, decided


def _surname_agrees(
    query: NameForm,
    listed: NameForm,
    full: tuple[list[int], list[int]],
    pairing: Pairing,
    chinese: bool,
    typo: Callable[[Token, Token], bool],
) -> str:
    """Empty when a surname agrees; else why it does not.

    A side that marks its family name ("FAMILY, Given", Han) is held to it; a name that
    does not may have it first or last. A surname agrees when its paired token agrees
    well, or is a ``typo`` of it. A Cantonese-pinyin bridge counts for a surname only in
    a name that is Chinese throughout (not "Eric Ho" against "CHANG, Eric"). Of a listed
    name's several surnames ("GIL GARCIA, Jose"), the first must agree: a name sharing
    only the second is another family's (not for Chinese names, where the second may be
    the person's own surname after a married one: "LAM CHENG").
    """
    least = min(SURNAME_AGREES, BRIDGED) if chinese else SURNAME_AGREES

    def agrees(side: str, k: int) -> bool:
        used = pairing.used_a if side == "a" else pairing.used_b
        if used.get(k, 0.0) >= least:
            return True
        form = query if side == "a" else listed
        other = pairing.other(side, k, query, listed)
        return other is not None and typo(form.tokens[k], other)

    for side, form, indices in (("b", listed, full[1]), ("a", query, full[0])):
        family = [k for k in indices if form.tokens[k].family]
        if not family:
            continue
        if agrees(side, family[0]):
            return ""
        later = next((k for k in family[1:] if agrees(side, k)), None)
        if later is None:
            return f"the surname {form.tokens[family[0]].text!r} agrees with nothing"
        if chinese or not _first_surname_absent(query, listed, full, pairing, family[0]):
            return ""
        return f"only the later surname {form.tokens[later].text!r} agrees"
    ends = {full[1][0], full[1][-1]}
    if any(agrees("b", k) for k in ends):
        return ""
    return f"the surname {listed.tokens[full[1][-1]].text!r} agrees with nothing"


def _first_surname_absent(
    query: NameForm,
    listed: NameForm,
    full: tuple[list[int], list[int]],
    pairing: Pairing,
    first: int,
) -> bool:
    """The listed first surname (a word, not a fragment such as "SA'" of "SA'ADAT") is
    absent from a query that has nothing else left over (no mistyped form of it)."""
    if len(listed.tokens[first].text) < 3 or first in pairing.used_b:
        return False
    return all(k in pairing.used_a for k in full[0])


def _listed_parts(listed: NameForm, full: list[int]) -> tuple[list[int], list[int]]:
    """A listed "FAMILY, Given" name's family and given parts (no family: both empty)."""
    family = [k for k in full if listed.tokens[k].family]
    if not family:
        return [], []
    return family, [k for k in full if not listed.tokens[k].family]


def _only_later_given(
    query: NameForm, listed: NameForm, full: tuple[list[int], list[int]], pairing: Pairing
) -> bool:
    """A listed name's first given name is absent and only a later one agrees, the query
    having nothing left over ("José Castillo" for "CASTILLO, Orlando Jose"): one given
    name, and not the one the person goes by first, is weak evidence (an agreeing birth
    date lifts it to the threshold)."""
    _, given = _listed_parts(listed, full[1])
    if len(given) < 2 or given[0] in pairing.used_b:
        return False
    if not any(k in pairing.used_b for k in given[1:]):
        return False
    first = listed.tokens[given[0]].text
    return len(first) > 1 and all(k in pairing.used_a for k in full[0])


def _swapped_surname_typo(
    query: NameForm, listed: NameForm, full: tuple[list[int], list[int]], pairing: Pairing
) -> bool:
    """The listed surname agrees only by a typo, and with the first part of a query that
    marks no surname ("Mark Martin" for "MARKS, Martin"): read in its usual order the
    query is another family's name; a mistyped surname is read in place. Not for
    Chinese surnames, written first."""
    family, _ = _listed_parts(listed, full[1])
    if not family or any(t.family for t in query.tokens) or len(full[0]) < 2:
        return False
    surname = family[0]
    if pairing.used_b.get(surname, 1.0) >= 1.0 or chinese_surname(listed.tokens[surname].text):
        return False
    return pairing.other("b", surname, query, listed) is query.tokens[full[0][0]]


def _one_typo(x: Token, y: Token) -> bool:
    """A surname one typo from another ("Kony", "Koyn"): the same, mistyped. Not for two
    Chinese syllables, where one letter makes another surname (Chan, Chen)."""
    if min(len(x.text), len(y.text)) < SURNAME_TYPO_LENGTH:
        return False
    if _syllable(x) and _syllable(y):
        return False
    return OSA.distance(x.text, y.text, score_cutoff=1) <= 1


def _short_typo(x: Token, y: Token) -> bool:
    """A short surname one typo from another ("IKM", "KIM"; "OJ", "OJI"; "IR", "RI"), not
    two Chinese syllables: as often the same mistyped as another surname (Kim, Kin)."""
    if len(x.text) == len(y.text) == 2:
        return x.text == y.text[::-1]  # "IR" for "RI"
    if min(len(x.text), len(y.text)) < 2:
        return False
    if _syllable(x) and _syllable(y):
        return False
    return OSA.distance(x.text, y.text, score_cutoff=1) <= 1


def wholly_chinese(query: NameForm, listed: NameForm) -> bool:
    """Every token of both names is a Chinese syllable or a run of them, and one name has
    a Chinese surname at an end (or is read from Han). Many other names split into
    syllables too ("Hama HAMANI": ha ma, ha ma ni); their typos are typos."""
    return all(_syllable(t) or chinese_token(t) for t in (*query.tokens, *listed.tokens)) and (
        _chinese_surname(query) or _chinese_surname(listed)
    )


def _chinese_surname(form: NameForm) -> bool:
    """A Chinese surname (or a Cantonese spelling: "SHAM", "LEONG") first, last or marked."""
    family = [t for t in form.tokens if t.family]
    return any(
        t.han or t.bridge or chinese_surname(t.text)
        for t in (form.tokens[0], form.tokens[-1], *family[:1])
    )


def _extra_syllable(
    query: NameForm, listed: NameForm, full: tuple[list[int], list[int]], pairing: Pairing
) -> str:
    """A Chinese syllable one name has and the other lacks, all else paired ("Luo Ning"
    against "Luo Hui Ning"): in a Chinese name that makes another given name. Empty when
    there is none, or when what is left is not a syllable (a Western given name)."""
    left_a = [query.tokens[k] for k in full[0] if k not in pairing.used_a]
    left_b = [listed.tokens[k] for k in full[1] if k not in pairing.used_b]
    if bool(left_a) == bool(left_b):
        return ""
    left, form = (left_a, query) if left_a else (left_b, listed)
    if all(t.family for t in left) and _family_unsplit(form):
        return ""  # one surname of a married name ("LAM CHENG"): a name the person uses
    extra = cantonese_syllables()
    return left[0].text if all(is_syllable(t.text, extra) for t in left) else ""


def _family_unsplit(form: NameForm) -> bool:
    """The family name's words are whole tokens: "LAM CHENG, Yuet-ngor" is a married
    name of two surnames; "YUHUA, Shi" split into "Yu Hua" is one word, a given name
    put in the family place, not two surnames."""
    return sum(1 for t in form.tokens if t.family) == family_words(form.text)


def _syllable(token: Token) -> bool:
    return (
        bool(token.bridge) or token.spellings != frozenset((token.text,)) or is_syllable(token.text)
    )
