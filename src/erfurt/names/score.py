"""Graded comparison of names and entities, with the features that produced the score.

Names are compared token by token. Two tokens agree fully when they share a spelling
(Han characters when both are Han; romanisations when one is), partly when they are
one typo apart, an initial of each other, or one a short form of the other; persons'
tokens that start alike and share most letters agree a little; two numbers agree
partly (members of one series) but are never typos of each other. Tokens
are paired greedily, best first; the score is the weight of what was paired over the
weight of everything, where a query token left unpaired costs its full weight and a
listed token left unpaired costs half of its weight; tokens left on both sides, or a
number left on one, mark different names. Names whose paired tokens are
shuffled (not merely family name moved from back to front) lose a little.

The entity score is the best name score, then raised or lowered by birth date,
country and identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from erfurt.names.countries import country_code
from erfurt.names.parts import NameForm, Token
from erfurt.names.romanise import is_syllable, split_syllables

__all__ = ["Feature", "NameScore", "compare_forms", "compare_names", "token_similarity"]

UNPAIRED_QUERY = 0.4  # share of an unpaired query token's weight counted against the score
UNPAIRED_LISTED = 0.3  # same for a token only the listed name has
CONFLICT = 0.6  # factor when both names keep a token the other cannot explain
SHUFFLED = 0.65  # factor when paired tokens are out of order (beyond a rotation)
JOINED = 0.95  # the same letters, spaced differently ("VladimirPutin", "Good Will")
BRIDGED = 0.7  # a Cantonese syllable against a pinyin one that shares a character
NEAR_LENGTH = 4  # tokens this long or longer may agree partly beyond the typo budget
NEAR_FLOOR = 0.6  # ... when this share of the longer one's letters survives the edits
NEAR = 0.6  # ... and count this share of that ("Sechev" ~ "Sechin": 0.6 x 0.67)
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
SERIES = 0.5  # two different numbers: members of one series ("Fund 3", "Fund 4")
HAN_POWER = 2  # Han (or Hangul) against itself: characters are exact, a missing one weighs more
SYLLABIC = frozenset({"han", "hangul"})


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
        return 0.7 if x[0] == y[0] else 0.0
    longest = max(len(x), len(y))
    budget = _edit_budget(longest)
    if budget:
        distance = OSA.distance(x, y, score_cutoff=budget)
        if distance <= budget:
            return 1.0 - 1.2 * distance / longest
    short, long = sorted((x, y), key=len)
    if (
        short_forms
        and len(short) >= 3
        and long.startswith(short)
        and not _syllabic(short, long)
        and long[len(short) :] not in PATRONYMIC
    ):
        return 0.65  # a short form: "Ben" for "Benjamin", not "Guo" for "Guoji"
    # Persons' names that start alike and share most letters are variants more often
    # than different names (Husayn/Hussein, Sechin/Sechev): they count a little, so a
    # name agreeing elsewhere is not treated as a conflict.
    if short_forms and min(len(x), len(y)) >= NEAR_LENGTH and x[0] == y[0]:
        near = 1.0 - OSA.distance(x, y) / longest
        if near >= NEAR_FLOOR:
            return NEAR * near
    return 0.0


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


def compare_forms(query: NameForm, listed: NameForm, memo: Memo | None = None) -> float:
    """Score one written form of a query name against one of a listed name.

    ``memo`` keeps token similarities between calls (keyed by the tokens' identities:
    only for tokens that stay alive while it is used).
    """
    if query.key == listed.key:
        return 1.0
    if query.how not in SYLLABIC and _joined(query.key, listed.key):
        return JOINED
    a, b = query.tokens, listed.tokens
    organisation = query.how == "organisation"
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if memo is None:
                sim = token_similarity(x, y, short_forms=not organisation)
            else:
                key = (id(x), id(y))
                sim = memo.get(key, -1.0)
                if sim < 0.0:
                    sim = memo[key] = token_similarity(x, y, short_forms=not organisation)
            if sim > 0.0:
                candidates.append((sim, i, j))
    if not candidates:
        return 0.0
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int, int]] = []
    paired = total = 0.0
    for sim, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        if a[i].weight >= 1.0 and b[j].weight >= 1.0:  # particles may sit anywhere
            pairs.append((i, j))
        weight = a[i].weight + b[j].weight
        paired += sim * weight
        total += weight
    rest_a = [t for k, t in enumerate(a) if k not in used_a]
    rest_b = [t for k, t in enumerate(b) if k not in used_b]
    left_a = sum(t.weight for t in rest_a)
    left_b = sum(t.weight for t in rest_b)
    total += 2 * (UNPAIRED_QUERY * left_a + UNPAIRED_LISTED * left_b)
    score = paired / total if total else 0.0
    # Tokens both names keep, a number or country only one has, or two legal forms
    # name different things.
    if (
        (left_a >= 1.0 and left_b >= 1.0)
        or _names_another(rest_a + rest_b, organisation)
        or (organisation and _other_legal_forms(a, b))
    ):
        score *= CONFLICT
    if query.how in SYLLABIC and listed.how in SYLLABIC:
        score **= HAN_POWER
    if not _in_order(pairs, b):
        score *= SHUFFLED
    return score


def compare_names(
    query: tuple[NameForm, ...],
    listed: tuple[NameForm, ...],
    han_only: bool = False,
    memo: Memo | None = None,
) -> NameScore | None:
    """The best-scoring pair of written forms, or None when nothing agrees at all.

    With ``han_only`` a Han query form is compared with Han listed forms only: when
    both sides are written in characters, the characters decide (张小明 is not 张晓明,
    though both read Zhang Xiaoming).
    """
    best: NameScore | None = None
    for q in query:
        for form in listed:
            if han_only and q.how == "han" and form.how != "han":
                continue
            score = compare_forms(q, form, memo)
            if score > 0.0 and (best is None or score > best.score):
                how = "han" if q.how == form.how == "han" else form.how
                if (q.how == "han") != (form.how == "han"):
                    how = "romanised"
                best = NameScore(score, q, form, how)
    return best
