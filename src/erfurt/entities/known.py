"""Known entities in texts: one Aho-Corasick automaton over every name form of every list
entry, so the cost of a search grows with the text, not with the number of entities."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from erfurt.entities.model import EntityType, Mention, name_key
from erfurt.entities.text import Pages, fold_han, inside_any, lower_same_length
from erfurt.errors import ErfurtError

__all__ = [
    "HAN",
    "KnownEntity",
    "KnownIndex",
    "Resolve",
    "Spellings",
    "spellings_or_none",
    "written_forms",
]

Spellings = Callable[[str], Sequence[str]]
"""A name's forms in other scripts and romanisations (the names engine's, handed in)."""
Resolve = Callable[[str], str]
"""The list entry a person's name names (the names engine's best match), or ""."""

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_FAMILY_GIVEN = re.compile(r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$")
# A one-word Latin form names an organisation only when it is this long (HIZBALLAH, not AL).
_MIN_ONE_WORD = 6
_SPACES = str.maketrans("\t\n\r\f\v\u00a0\u3000", "       ")


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """A list entry: its id, FollowTheMoney schema and names as listed."""

    id: str
    schema: str
    names: tuple[str, ...]


def _entity_type(schema: str) -> EntityType:
    return "person" if schema == "Person" else "organisation"


def written_forms(name: str) -> list[str]:
    """ "LAM, Carrie" is written "Carrie Lam" and "Lam Carrie" in running text."""
    forms = [name]
    if found := _FAMILY_GIVEN.match(name):
        family, given = found.group(1), found.group(2)
        forms += [f"{given} {family}", f"{family} {given}"]
    return forms


def _usable(form: str, kind: EntityType) -> bool:
    if HAN.search(form):
        return len(form) >= 2
    words = form.split()
    return len(words) >= 2 or (kind != "person" and len(form) >= _MIN_ONE_WORD)


def _fold(form: str) -> str:
    return " ".join(lower_same_length(fold_han(form)).split())


class KnownIndex:
    """Every usable form of every entity, folded (lower case, simplified Han, single spaces)."""

    def __init__(self, entities: Iterable[KnownEntity], spellings: Spellings) -> None:
        forms: dict[str, set[tuple[str, EntityType]]] = {}
        for entity in entities:
            kind = _entity_type(entity.schema)
            for name in entity.names:
                for written in written_forms(name):
                    # The names engine spells Han names only; others come back as given.
                    other = spellings_or_none(spellings, written) if HAN.search(written) else ()
                    for form in (written, *other):
                        folded = _fold(form)
                        if _usable(folded, kind):
                            forms.setdefault(folded, set()).add((entity.id, kind))
        self._automaton = ahocorasick.Automaton()
        for folded, owners in forms.items():
            self._automaton.add_word(folded, (len(folded), tuple(sorted(owners))))
        self.forms = len(forms)
        if forms:
            self._automaton.make_automaton()

    def find(
        self, text: str, base: int, pages: Pages, links: list[tuple[int, int]]
    ) -> list[Mention]:
        """Mentions of known entities in ``text`` (offsets shifted by ``base``); a form shared
        by several entities is a mention of none of them until a reviewer links it."""
        if not self.forms:
            return []
        # White space becomes plain spaces one for one, so offsets hold and a line break
        # inside a name ("Carrie\nLam") still matches the form "carrie lam".
        folded = lower_same_length(fold_han(text)).translate(_SPACES)
        hits: list[tuple[int, int, tuple[tuple[str, EntityType], ...]]] = []
        for last, (length, owners) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if _bounded(folded, start, end):
                hits.append((start, end, owners))
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        found: list[Mention] = []
        reached = -1
        for start, end, owners in hits:
            if start < reached or inside_any(base + start, base + end, links):
                continue
            reached = end
            ids = {i for i, _ in owners}
            surface = text[start:end]
            found.append(
                Mention(base + start, base + end, pages.page(base + start), "known",
                        owners[0][1], surface, name_key(fold_han(surface)),
                        owners[0][0] if len(ids) == 1 else "")
            )  # fmt: skip
        return found


def spellings_or_none(spellings: Spellings, name: str) -> Sequence[str]:
    """``spellings(name)``, or none when the names engine refuses ``name``."""
    try:
        return spellings(name)
    except ErfurtError:  # the names engine refuses what cannot be a name
        return ()


def _bounded(text: str, start: int, end: int) -> bool:
    """A Latin form must not start or end inside a word; Han has no word breaks to check."""
    first, last = text[start], text[end - 1]
    if not first.isascii() and not last.isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() and first.isalnum()) and not (after.isalnum() and last.isalnum())
