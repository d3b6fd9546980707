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

Between wholly Chinese names, a typo that lands on another syllable agrees not at all
("Hua", "Hui"; "Hongli", "Hongri"); a two-letter part agrees a little only when its
letters are swapped or it has no vowel ("lI" for "Il", "Yj" for "Yu"). A Cantonese-pinyin
bridge counts only when one whole name reads as Cantonese (``bridge.py``). Persons' names
then answer to their parts (``persons.py``). Han names are compared by character
(``characters.py``). Every number is in ``weights.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from erfurt.names.bridge import BRIDGES, bridge_agreement, bridged, bridges_hold
from erfurt.names.characters import align_romanised, compare_characters
from erfurt.names.chinese import cantonese_syllables
from erfurt.names.countries import country_code
from erfurt.names.merge import merge_words
from erfurt.names.normalise import spelling_key
from erfurt.names.parts import HAN_SYSTEMS, NameForm, Token
from erfurt.names.persons import Pairing, person_parts, wholly_chinese
from erfurt.names.romanise import is_syllable, split_syllables
from erfurt.names.weights import (
    CONFLICT,
    INITIAL_AGREES,
    JOINED,
    MIDDLE_REORDERED,
    MISALIGNED,
    NEAR,
    NEAR_FLOOR,
    NEAR_LENGTH,
    OTHER_INITIAL,
    SERIES,
    SHORT_FORM,
    SHORT_NAME,
    SHORT_TYPO,
    SHUFFLED,
    SPELLING_VARIANT,
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
        return bridge_agreement(a, b)
    if len(x) == 1 or len(y) == 1:
        return INITIAL_AGREES if x[0] == y[0] else 0.0
    if (
        (a.bridge or len(a.spellings) > 1)  # cheap tests first: most tokens are no syllable
        and (b.bridge or len(b.spellings) > 1)
        and _chinese_syllable(a)
        and _chinese_syllable(b)
    ):
        return 0.0  # two Chinese syllables a letter apart are two names (Min, Ming)
    if len(x) == len(y) == 2:
        return SHORT_TYPO if _two_letter_typo(x, y) else 0.0
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    longest = len(long)
    budget = _edit_budget(longest)
    if budget:
        distance = OSA.distance(x, y, score_cutoff=budget)
        if distance <= budget:
            agreement = 1.0 - TYPO_COST * distance / longest
            if x[0] != y[0] and longest <= SHORT_NAME:
                return agreement * OTHER_INITIAL  # Evan/Ivan, Mark/Park: other names
            return agreement
    if not short_forms or x[0] != y[0]:
        return 0.0  # the rules below are for persons' names that start alike
    if _spelling_variant(x, y) and not (_chinese_syllable(a) or _chinese_syllable(b)):
        return SPELLING_VARIANT  # Chinese syllables have their own spellings: "Kuei", "Kuay"
    if (
        len(short) >= 3
        and long.startswith(short)
        and not _syllabic(short, long)
        and long[len(short) :] not in PATRONYMIC
    ):
        return SHORT_FORM  # "Ben" for "Benjamin", not "Guo" for "Guoji"
    # Persons' names that start alike and share most letters are variants more often
    # than different names (Husayn/Hussein, Sechin/Sechev): they count a little, so a
    # name agreeing elsewhere is not treated as a conflict.
    if len(short) >= NEAR_LENGTH and not (
        _syllables(x) and _syllables(y)  # Jianzong, Jiangping: other names
    ):
        near = 1.0 - OSA.distance(x, y) / longest
        if near >= NEAR_FLOOR:
            return NEAR * near
    return 0.0


def _spelling_variant(x: str, y: str) -> bool:
    """Two transliterations of one name ("Husayn", "Hussein"; "Rouhani", "Ruhani"): the
    same once the letters transliterations alternate between are folded
    (``spelling_key``). One typo beyond that is not: "Hanan" would be "Hassan"."""
    return spelling_key(x) == spelling_key(y)


def _chinese_syllable(token: Token) -> bool:
    """A single syllable of a name read as Chinese (it has other spellings or a bridge)."""
    return bool(token.bridge or len(token.spellings) > 1) and is_syllable(
        token.text, cantonese_syllables()
    )


def _two_letter_typo(x: str, y: str) -> bool:
    """Two-letter name parts that can only be one mistyped: the same letters swapped ("Il",
    "lI") or one letter changed into a part with no vowel ("Yu", "Yj"). Two real syllables
    one letter apart (Il, Ik; Ho, Hu) are two names."""
    if x == y[::-1]:
        return True
    vowels = "aeiou"
    one_changed = x[0] == y[0] or x[1] == y[1]
    return one_changed and not (any(c in vowels for c in x) and any(c in vowels for c in y))


def _typo_of_syllable(x: Token, y: Token) -> bool:
    """Tokens agreeing only as a typo while one syllable apart (not through a bridge)."""
    return _one_syllable_apart(x.text, y.text) and not bridged(x, y)


@lru_cache(maxsize=1 << 16)  # asked for token pairs of Chinese names: the split is costly
def _syllables_of(text: str) -> tuple[str, ...]:
    extra = cantonese_syllables()
    return split_syllables(text, extra) or ((text,) if is_syllable(text, extra) else ())


def _one_syllable_apart(x: str, y: str) -> bool:
    """Syllables, or runs of as many, all alike but one ("Hua", "Hui"; "Hongli", "Hongri"):
    between Chinese names that syllable makes another given name, as Min does beside Ming."""
    left, right = _syllables_of(x), _syllables_of(y)
    return (
        bool(left)
        and len(left) == len(right)
        and sum(p != q for p, q in zip(left, right, strict=True)) == 1
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


@lru_cache(maxsize=1 << 16)  # asked of the same listed words query after query
def _syllables(text: str) -> bool:
    return bool(split_syllables(text))


def _syllabic(short: str, long: str) -> bool:
    return is_syllable(short) and _syllables(long)


def _other_legal_forms(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """Both organisations name a specific legal form, and not the same one (AG, GmbH)."""
    x = {t.text for t in a if t.text in SPECIFIC_FORMS}
    y = {t.text for t in b if t.text in SPECIFIC_FORMS}
    return bool(x) and bool(y) and x.isdisjoint(y)


def _names_another(left: list[Token], organisation: bool) -> bool:
    """A token only one organisation's name has that makes it another entity: a country
    (a national branch). A number only one name has is a member of the series the other
    names ("Victory 3", "Victory"): like a sibling with another number, worth a look."""
    return organisation and any(len(t.text) > 3 and country_code(t.text) is not None for t in left)


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


def _middle_reordered(pairs: list[tuple[int, int]]) -> bool:
    """Only the middle of a long name is reordered: its first and last parts paired in
    place ("Reinaldo Gregorio Lenin Cerna" for "Reinaldo Lenin Gregorio Cerna")."""
    if len(pairs) < 4:
        return False
    ordered = sorted(pairs)
    listed = sorted(j for _, j in pairs)
    return ordered[0][1] == listed[0] and ordered[-1][1] == listed[-1]


# Token similarities kept while one query is screened: per query form (by identity), each
# listed token's similarities to the form's tokens, in order. Listed tokens are shared
# objects, so a token met in many candidate names is compared once.
Memo = dict[int, dict[int, tuple[float, ...]]]
Scored = tuple[float, str]  # a score and what decided it


def _columns(query: NameForm, listed: NameForm, memo: Memo | None) -> list[tuple[float, ...]]:
    """Each listed token's similarities to the query's tokens (kept in ``memo``)."""
    short_forms = query.how != "organisation"
    known = {} if memo is None else memo.setdefault(id(query), {})
    columns = []
    for y in listed.tokens:
        column = known.get(id(y))
        if column is None:
            column = known[id(y)] = tuple(token_similarity(x, y, short_forms) for x in query.tokens)
        columns.append(column)
    return columns


def _pair_tokens(query: NameForm, listed: NameForm, memo: Memo | None) -> Scored:
    """Token pairing (see the module docstring), then the persons' rules on name parts."""
    a, b = query.tokens, listed.tokens
    columns = _columns(query, listed, memo)
    if not any(any(column) for column in columns):
        return 0.0, "no name part agrees"
    organisation = query.how == "organisation"
    # A one-word name is no Chinese name, though it may split so ("Santoso": san to so).
    chinese: bool | None = False if organisation or min(len(a), len(b)) < 2 else None
    candidates = []
    for j, column in enumerate(columns):
        for i, sim in enumerate(column):
            if sim <= 0.0:
                continue
            if sim < 1.0 and chinese is not False and _typo_of_syllable(a[i], b[j]):
                if chinese is None:  # decided once, and only when it matters
                    chinese = wholly_chinese(query, listed)
                if chinese:
                    continue  # Hua, Hui: not a typo in a Chinese name
            candidates.append((sim, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    greedy = _greedy(candidates, a, b)
    unread = ""
    if greedy.bridges and not bridges_hold(a, b, [(a[i], b[j]) for i, j in greedy.partner.items()]):
        # Cantonese read against pinyin in only part of the name: no reading at all.
        candidates = [c for c in candidates if not bridged(a[c[1]], b[c[2]])]
        greedy = _greedy(candidates, a, b)
        unread = "; no Cantonese reading of one whole name"
    if not greedy.partner:
        return 0.0, "no name part agrees" + unread
    used_a, used_b = greedy.used_a, greedy.used_b
    rest_a = [t for k, t in enumerate(a) if k not in used_a]
    rest_b = [t for k, t in enumerate(b) if k not in used_b]
    left_a = sum(t.weight for t in rest_a)
    left_b = sum(t.weight for t in rest_b)
    total = greedy.total + 2 * (UNPAIRED_QUERY * left_a + UNPAIRED_LISTED * left_b)
    score = greedy.paired / total if total else 0.0
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
    if not _in_order(greedy.pairs, b):
        if (
            not organisation
            and _middle_reordered(greedy.pairs)
            and not wholly_chinese(query, listed)
        ):
            score *= MIDDLE_REORDERED
            decided = "middle names reordered"
        else:
            score *= SHUFFLED
            decided = "name parts shuffled"
    if organisation:
        return score, decided
    full_a = [k for k, t in enumerate(a) if t.weight >= 1.0 or ("a", k) in greedy.light]
    full_b = [k for k, t in enumerate(b) if t.weight >= 1.0 or ("b", k) in greedy.light]
    pairing = Pairing(used_a, used_b, greedy.partner)
    score, decided = person_parts(query, listed, (full_a, full_b), pairing, score, decided)
    return score, decided + unread


@dataclass(slots=True)
class Greedy:
    """Tokens paired best first: each side's paired tokens with their agreement, the listed
    token of each paired query token, the pairs of full tokens (for order), the tokens
    paired with a particle, the paired weight (agreement-weighted and whole), and whether
    a bridge was used."""

    used_a: dict[int, float]
    used_b: dict[int, float]
    partner: dict[int, int]
    pairs: list[tuple[int, int]]
    light: set[tuple[str, int]]
    paired: float = 0.0
    total: float = 0.0
    bridges: bool = False


def _greedy(
    candidates: list[tuple[float, int, int]], a: tuple[Token, ...], b: tuple[Token, ...]
) -> Greedy:
    found = Greedy({}, {}, {}, [], set())
    for sim, i, j in candidates:
        if i in found.used_a or j in found.used_b:
            continue
        found.used_a[i] = found.used_b[j] = sim
        found.partner[i] = j
        if a[i].weight >= 1.0 and b[j].weight >= 1.0:  # particles may sit anywhere
            found.pairs.append((i, j))
        elif max(a[i].weight, b[j].weight) >= 1.0:
            found.light.update((("a", i), ("b", j)))  # "Ben" for "Benjamin": a name
        found.bridges = found.bridges or (sim in BRIDGES and bridged(a[i], b[j]))
        weight = a[i].weight + b[j].weight
        found.paired += sim * weight
        found.total += weight
    return found


def _reads_nowhere(han: NameForm, latin: NameForm) -> bool:
    """Whether no token of a Han name read in one system agrees with any token of a
    romanised name. A Han token agrees with another token only by the same text or a shared
    spelling, so disjoint sets decide it without pairing tokens (nor aligning syllables:
    the first syllable must agree for that)."""
    return han.wholly_han and han.spelled.isdisjoint(latin.spelled)


def _score_forms(
    query: NameForm, listed: NameForm, memo: Memo | None = None, beaten: float = -1.0
) -> Scored:
    """The score of two forms; 0 instead when it could not exceed ``beaten`` (the best
    score of another pair of forms of the same names, which only a higher one replaces)."""
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
        nowhere = _reads_nowhere(han, latin)
        aligned = None if nowhere else align_romanised(han, latin)
        if aligned is not None:
            return aligned
        if beaten >= MISALIGNED:
            return 0.0, "beaten"  # capped at MISALIGNED below: it cannot win
        if nowhere:
            return 0.0, "no name part agrees"  # what pairing the tokens would find
    elif query.how not in CHARACTERS and _joined(query.key, listed.key):
        return JOINED, "the same letters, spaced differently"
    score, decided = _pair_tokens(query, listed, memo)
    merged = None if han_side or query.how in CHARACTERS else merge_words(query, listed)
    if merged is not None:  # new tokens: not kept in the memo, which goes by identity
        joined = _pair_tokens(merged[0], merged[1], None)
        if joined[0] > score:
            return joined[0], joined[1] + merged[2]
    if han_side and score > MISALIGNED:
        return MISALIGNED, "the characters do not line up with the romanised syllables"
    return score, decided


def compare_forms(query: NameForm, listed: NameForm, memo: Memo | None = None) -> float:
    """Score one written form of a query name against one of a listed name.

    ``memo`` keeps token similarities between calls (keyed by the identities of the query
    form and the listed tokens: only for objects that stay alive while it is used).
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
            score, decided = _score_forms(q, form, memo, best.score if best else -1.0)
            score = round(score, DIGITS)
            if score > 0.0 and (best is None or score > best.score):
                how = form.how if q.how == form.how else f"{q.how}/{form.how}"
                best = NameScore(score, q, form, how, decided)
                if score >= 1.0:
                    return best  # no other pair of forms can beat it
    return best
