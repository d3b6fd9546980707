"""Graded comparison of names, with what decided the score.

Names are compared token by token. Two tokens agree fully when they share a spelling
(romanisations included), partly when they are one typo apart (less when their first
letters differ; never for two Chinese syllables, Min and Ming being two names), an
initial of each other, or one a short form of the other; persons' tokens that start alike
and share most letters agree a little; two numbers agree partly (members of one series)
but are never typos of each other. Tokens are paired greedily, best first; the score is
the weight of what was paired over the weight of everything, where a query token left
unpaired costs more than a listed one; tokens left on both sides, or a number left on one,
mark different names. Names whose paired tokens are shuffled (not merely family name moved
from back to front) lose a little.

Persons' names then answer to their parts: a surname that agrees with nothing (not even
by one typo) caps the score, and so do one name part against several, a listed name's
later surname agreeing without its first ("GIL GARCIA"), and, between wholly Chinese
names, a syllable missing or extra ("Luo Ning" is not "Luo Huining"). Han names are
compared by character (``characters.py``). Every number is in ``weights.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from erfurt.names.characters import align_romanised, chinese_token, compare_characters
from erfurt.names.chinese import cantonese_syllables
from erfurt.names.countries import country_code
from erfurt.names.parts import HAN_SYSTEMS, NameForm, Token
from erfurt.names.romanise import is_syllable, split_syllables
from erfurt.names.weights import (
    BRIDGED,
    CONFLICT,
    INITIAL_AGREES,
    JOINED,
    MISALIGNED,
    NEAR,
    NEAR_FLOOR,
    NEAR_LENGTH,
    ONE_PART,
    OTHER_INITIAL,
    OTHER_LENGTH,
    SERIES,
    SHORT_FORM,
    SHORT_NAME,
    SHUFFLED,
    SURNAME_AGREES,
    SURNAME_DIFFERS,
    SURNAME_TYPO_LENGTH,
    TYPO_COST,
    UNPAIRED_LISTED,
    UNPAIRED_QUERY,
)

__all__ = ["Feature", "NameScore", "compare_forms", "compare_names", "token_similarity"]

# What a patronymic adds to a given name ("Oleksandr" -> "Oleksandrovych"): not a short form.
PATRONYMIC = frozenset(
    ["ovich", "evich", "ovych", "evych", "ovic", "evic", "ovna", "evna", "ich", "ych"]
)
# Legal forms of one jurisdiction's kind: two different ones are two entities (AG, GmbH).
SPECIFIC_FORMS = frozenset(
    [
        "ag",
        "gmbh",
        "llc",
        "jsc",
        "lp",
        "llp",
        "plc",
        "sa",
        "sas",
        "srl",
        "bv",
        "nv",
        "kg",
        "se",
        "ab",
        "as",
        "oy",
        "ano",
    ]
)
CHARACTERS = frozenset({"han", "hangul"})
# Scores are rounded to this many digits: weighted sums leave float noise (a name bridged in
# every syllable scored 0.69999..., below a threshold of 0.7 that its weights reach).
DIGITS = 9


@dataclass(frozen=True, slots=True)
class Feature:
    """One reason for a score: its name, how much it moved the score, and what it saw."""

    name: str
    value: float
    detail: str


@dataclass(frozen=True, slots=True)
class NameScore:
    """How well two names agree, in [0, 1], and how they were compared."""

    score: float
    query: NameForm
    listed: NameForm
    how: str
    decided: str = ""  # what decided the score, in words


def _edit_budget(length: int) -> int:
    return 0 if length <= 2 else 1 if length <= 7 else 2 if length <= 12 else 3


def token_similarity(a: Token, b: Token, short_forms: bool = True) -> float:
    """How far two tokens agree, in [0, 1] (``short_forms``: "Ben" may be "Benjamin")."""
    x, y = a.text, b.text
    if x == y:
        return 1.0
    if a.han or b.han:
        if a.han and b.han:
            return 0.0
        return 0.0 if a.spellings.isdisjoint(b.spellings) else 1.0
    if not a.spellings.isdisjoint(b.spellings):
        return 1.0
    if x.isdigit() or y.isdigit():  # numbers are not typos of each other
        return SERIES if x.isdigit() and y.isdigit() else 0.0
    if (a.bridge and not a.bridge.isdisjoint(b.spellings)) or (
        b.bridge and not b.bridge.isdisjoint(a.spellings)
    ):
        return BRIDGED
    if len(x) == 1 or len(y) == 1:
        return INITIAL_AGREES if x[0] == y[0] else 0.0
    if _chinese_syllable(a) and _chinese_syllable(b):
        return 0.0  # two Chinese syllables a letter apart are two names (Min, Ming)
    longest = max(len(x), len(y))
    budget = _edit_budget(longest)
    if budget:
        distance = OSA.distance(x, y, score_cutoff=budget)
        if distance <= budget:
            agreement = 1.0 - TYPO_COST * distance / longest
            if x[0] != y[0] and longest <= SHORT_NAME:
                return agreement * OTHER_INITIAL  # Evan/Ivan, Mark/Park: other names
            return agreement
    short, long = sorted((x, y), key=len)
    if (
        short_forms
        and len(short) >= 3
        and long.startswith(short)
        and not _syllabic(short, long)
        and long[len(short) :] not in PATRONYMIC
    ):
        return SHORT_FORM  # "Ben" for "Benjamin", not "Guo" for "Guoji"
    # Persons' names that start alike and share most letters are variants more often
    # than different names (Husayn/Hussein, Sechin/Sechev): they count a little, so a
    # name agreeing elsewhere is not treated as a conflict.
    if (
        short_forms
        and min(len(x), len(y)) >= NEAR_LENGTH
        and x[0] == y[0]
        and not (_syllables(x) and _syllables(y))  # Jianzong, Jiangping: other names
    ):
        near = 1.0 - OSA.distance(x, y) / longest
        if near >= NEAR_FLOOR:
            return NEAR * near
    return 0.0


def _chinese_syllable(token: Token) -> bool:
    """A single syllable of a name read as Chinese (it has other spellings or a bridge)."""
    return bool(token.bridge or len(token.spellings) > 1) and is_syllable(
        token.text, cantonese_syllables()
    )


def _joined(a: str, b: str) -> bool:
    """The same letters, spaced differently, allowing for one typo in a long name."""
    x, y = a.replace(" ", ""), b.replace(" ", "")
    if x == y:
        return True
    budget = 1 if min(len(x), len(y)) >= 10 else 0
    return (
        budget > 0
        and (" " in a) != (" " in b)
        and OSA.distance(x, y, score_cutoff=budget) <= budget
    )


def _syllables(text: str) -> bool:
    return bool(split_syllables(text))


def _syllabic(short: str, long: str) -> bool:
    return is_syllable(short) and bool(split_syllables(long))


def _other_legal_forms(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """Both organisations name a specific legal form, and not the same one (AG, GmbH)."""
    x = {t.text for t in a if t.text in SPECIFIC_FORMS}
    y = {t.text for t in b if t.text in SPECIFIC_FORMS}
    return bool(x) and bool(y) and x.isdisjoint(y)


def _names_another(left: list[Token], organisation: bool) -> bool:
    """A token only one name has that makes it another entity: a number ("Solutions 2"
    is not "Solutions") or, for organisations, a country (a national branch)."""
    return any(
        t.text.isdigit() or (organisation and len(t.text) > 3 and country_code(t.text) is not None)
        for t in left
    )


def _in_order(pairs: list[tuple[int, int]], listed: tuple[Token, ...]) -> bool:
    """Paired tokens in the same order, or the same cyclic order (family name moved).

    Compared by text, so that a name repeating a word ("BAHMANYAR, Bahmanyar") is in
    order whichever copy was paired.
    """
    if len(pairs) < 3:
        return True
    as_queried = [listed[j].text for _, j in sorted(pairs)]
    as_listed = [listed[j].text for j in sorted(j for _, j in pairs)]
    return any(as_queried[k:] + as_queried[:k] == as_listed for k in range(len(pairs)))


Memo = dict[tuple[int, int], float]
Scored = tuple[float, str]  # a score and what decided it


def _similarity(x: Token, y: Token, organisation: bool, memo: Memo | None) -> float:
    if memo is None:
        return token_similarity(x, y, short_forms=not organisation)
    key = (id(x), id(y))
    sim = memo.get(key, -1.0)
    if sim < 0.0:
        sim = memo[key] = token_similarity(x, y, short_forms=not organisation)
    return sim


def _pair_tokens(query: NameForm, listed: NameForm, memo: Memo | None) -> Scored:
    """Token pairing (see the module docstring), then the persons' rules on name parts."""
    a, b = query.tokens, listed.tokens
    organisation = query.how == "organisation"
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            sim = _similarity(x, y, organisation, memo)
            if sim > 0.0:
                candidates.append((sim, i, j))
    if not candidates:
        return 0.0, "no name part agrees"
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: dict[int, float] = {}
    used_b: dict[int, float] = {}
    partner: dict[int, int] = {}  # query token -> the listed token paired with it
    pairs: list[tuple[int, int]] = []
    light: set[tuple[str, int]] = set()
    paired = total = 0.0
    for sim, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a[i] = used_b[j] = sim
        partner[i] = j
        if a[i].weight >= 1.0 and b[j].weight >= 1.0:  # particles may sit anywhere
            pairs.append((i, j))
        elif max(a[i].weight, b[j].weight) >= 1.0:
            light.update((("a", i), ("b", j)))  # "Ben" for "Benjamin": a name, not a particle
        weight = a[i].weight + b[j].weight
        paired += sim * weight
        total += weight
    rest_a = [t for k, t in enumerate(a) if k not in used_a]
    rest_b = [t for k, t in enumerate(b) if k not in used_b]
    left_a = sum(t.weight for t in rest_a)
    left_b = sum(t.weight for t in rest_b)
    total += 2 * (UNPAIRED_QUERY * left_a + UNPAIRED_LISTED * left_b)
    score = paired / total if total else 0.0
    decided = "name parts agree" if not (rest_a or rest_b) else "some name parts unpaired"
    # Tokens both names keep, a number or country only one has, or two legal forms
    # name different things.
    if (
        (left_a >= 1.0 and left_b >= 1.0)
        or _names_another(rest_a + rest_b, organisation)
        or (organisation and _other_legal_forms(a, b))
    ):
        score *= CONFLICT
        decided = "each name keeps a part the other lacks"
    if not _in_order(pairs, b):
        score *= SHUFFLED
        decided = "name parts shuffled"
    if organisation:
        return score, decided
    full_a = [k for k, t in enumerate(a) if t.weight >= 1.0 or ("a", k) in light]
    full_b = [k for k, t in enumerate(b) if t.weight >= 1.0 or ("b", k) in light]
    pairing = Pairing(used_a, used_b, partner)
    return _person_parts(query, listed, (full_a, full_b), pairing, score, decided)


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


def _person_parts(
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
    chinese = _wholly_chinese(query, listed)
    extra = _extra_syllable(query, listed, full, pairing) if chinese else ""
    if extra and score > OTHER_LENGTH:
        return OTHER_LENGTH, f"the syllable {extra!r} is only in one name: another name"
    surname = _surname_agrees(query, listed, full, pairing, chinese)
    if surname and score > SURNAME_DIFFERS:
        return SURNAME_DIFFERS, surname
    return score, decided


def _surname_agrees(
    query: NameForm,
    listed: NameForm,
    full: tuple[list[int], list[int]],
    pairing: Pairing,
    chinese: bool,
) -> str:
    """Empty when a surname agrees; else why it does not.

    A side that marks its family name ("FAMILY, Given", Han) is held to it; a name that
    does not may have it first or last. A surname agrees when its paired token agrees
    well, or is one typo from it. A Cantonese-pinyin bridge counts for a surname only in
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
        return other is not None and _one_typo(form.tokens[k], other)

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


def _one_typo(x: Token, y: Token) -> bool:
    """A surname one typo from another ("Kony", "Koyn"): the same, mistyped. Not for two
    Chinese syllables, where one letter makes another surname (Chan, Chen)."""
    if min(len(x.text), len(y.text)) < SURNAME_TYPO_LENGTH:
        return False
    if _syllable(x) and _syllable(y):
        return False
    return OSA.distance(x.text, y.text, score_cutoff=1) <= 1


def _wholly_chinese(query: NameForm, listed: NameForm) -> bool:
    return all(_syllable(t) or chinese_token(t) for t in (*query.tokens, *listed.tokens))


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
    left = left_a or left_b
    if all(t.family for t in left):
        return ""  # one surname of a married name ("LAM CHENG"): a name the person uses
    extra = cantonese_syllables()
    return left[0].text if all(is_syllable(t.text, extra) for t in left) else ""


def _syllable(token: Token) -> bool:
    return (
        bool(token.bridge) or token.spellings != frozenset((token.text,)) or is_syllable(token.text)
    )


def _score_forms(query: NameForm, listed: NameForm, memo: Memo | None = None) -> Scored:
    if query.key == listed.key:
        return 1.0, "the same name"
    if query.how in CHARACTERS and listed.how in CHARACTERS:
        if query.how != listed.how:
            return 0.0, "different scripts"
        return compare_characters(query, listed)
    if "han" in (query.how, listed.how):
        return 0.0, "Han against a romanised name is read in one system at a time"
    han_side = query.how in HAN_SYSTEMS or listed.how in HAN_SYSTEMS
    if han_side:
        if query.how in HAN_SYSTEMS and listed.how in HAN_SYSTEMS:
            return 0.0, "two readings"
        han, latin = (query, listed) if query.how in HAN_SYSTEMS else (listed, query)
        aligned = align_romanised(han, latin)
        if aligned is not None:
            return aligned
    elif query.how not in CHARACTERS and _joined(query.key, listed.key):
        return JOINED, "the same letters, spaced differently"
    score, decided = _pair_tokens(query, listed, memo)
    if han_side and score > MISALIGNED:
        return MISALIGNED, "the characters do not line up with the romanised syllables"
    return score, decided


def compare_forms(query: NameForm, listed: NameForm, memo: Memo | None = None) -> float:
    """Score one written form of a query name against one of a listed name.

    ``memo`` keeps token similarities between calls (keyed by the tokens' identities:
    only for tokens that stay alive while it is used).
    """
    return round(_score_forms(query, listed, memo)[0], DIGITS)


def compare_names(
    query: tuple[NameForm, ...],
    listed: tuple[NameForm, ...],
    han_only: bool = False,
    memo: Memo | None = None,
) -> NameScore | None:
    """The best-scoring pair of written forms, or None when nothing agrees at all.

    With ``han_only`` a Han query is compared with Han listed forms only: when both sides
    are written in characters, the characters decide (张小明 is not 张晓明, though both
    read Zhang Xiaoming).
    """
    best: NameScore | None = None
    for q in query:
        if han_only and q.how in HAN_SYSTEMS:
            continue
        for form in listed:
            if han_only and q.how == "han" and form.how != "han":
                continue
            score, decided = _score_forms(q, form, memo)
            score = round(score, DIGITS)
            if score > 0.0 and (best is None or score > best.score):
                how = form.how if q.how == form.how else f"{q.how}/{form.how}"
                best = NameScore(score, q, form, how, decided)
    return best
