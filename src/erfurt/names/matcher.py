"""The screening index: entities' names prepared once, candidates found by blocking.

A query is not compared with every listed name. Each token spelling (Latin token,
romanisation, Han character) points to the names that contain it; a query token the
list does not contain is looked up through its one-letter deletions, so one typo
still finds its name. Candidates are ranked by how rare their shared spellings are,
and only the best few are scored in full.

:meth:`Matcher.to_bytes` stores the prepared index (entities, analysed names and the
one-letter deletion look-up) so that loading it costs no name analysis and a fresh index
answers typos at full speed: see :meth:`Matcher.from_bytes`.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from erfurt.errors import IntegrityError
from erfurt.names.model import Entity, Match, Query
from erfurt.names.normalise import check_name, split_by_script
from erfurt.names.parts import NameForm, Token, analyse
from erfurt.names.qualifiers import check_query, qualify, same_kind
from erfurt.names.score import Feature, Memo, NameScore, compare_names
from erfurt.names.weights import (
    CANDIDATES,
    COMMON,
    DEFAULT_THRESHOLD,
    ENOUGH,
    MOST_RAISED,
    TYPO_KEY,
)

__all__ = ["DEFAULT_THRESHOLD", "Matcher"]

FORMAT = "erfurt-names-index/6"  # 5: three-letter typo look-up, more Macau spellings;
# 6: an honorific that is the only given name is kept ("IBRAHIM, Haji")
KEPT_TOKENS = 20_000  # query tokens whose index keys are kept from query to query
_weight = itemgetter(1)  # of a (key, weight) pair


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _near_map(postings: dict[str, list[int]]) -> dict[str, str]:
    """Each one-letter deletion of a listed ASCII spelling (``TYPO_KEY`` letters or more),
    mapped to the spellings it comes from: built with the index so that a fresh one
    answers typos at full speed."""
    near: dict[str, list[str]] = defaultdict(list)
    for key in sorted(postings):
        if len(key) >= TYPO_KEY and key.isascii():
            for deleted in sorted(_deletions(key)):
                near[deleted].append(key)
    return {deleted: " ".join(keys) for deleted, keys in near.items()}


class Matcher:
    """Screens names against a set of listed entities (see the module docstring)."""

    def __init__(
        self,
        entities: Sequence[Entity],
        rows: Sequence[list[Any]],
        postings: dict[str, list[int]],
        near: dict[str, str],
    ) -> None:
        self.entities = list(entities)
        self._rows = rows  # per name: [entity index, encoded forms...]; decoded on first use
        self._forms: dict[int, tuple[NameForm, ...]] = {}
        self._tokens: dict[str, Token] = {}  # one object per distinct token, shared by names
        self._postings = postings
        self._near = near  # one-letter deletion -> listed spellings it comes from, " "-joined
        self._han_entities = {row[0] for row in rows if any(f[1] == "han" for f in row[1:])}
        self._packed: bytes | None = None  # the stored index this was loaded from
        # Query tokens recur from query to query (common given names): their index keys are
        # kept (bounded by KEPT_TOKENS).
        self._token_keys: dict[Token, dict[str, float]] = {}

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> Matcher:
        """Analyse every name of every entity (mixed-script names split by script).

        Entities with the same id (one person on two lists, or a list adding Han names
        to another's entries) are merged into one.
        """
        kept: list[Entity] = []
        rows: list[list[Any]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for entity in _merged(entities):
            index = len(kept)
            kept.append(entity)
            for name in entity.names:
                parts = split_by_script(name)
                for part in parts if len(parts) > 1 else [name]:
                    forms = analyse(part, entity.schema)
                    if not forms:
                        continue
                    name_id = len(rows)
                    rows.append([index, *(_form_row(f) for f in forms)])
                    for key in sorted(_spellings(forms)):
                        postings[key].append(name_id)
        return cls(kept, rows, dict(postings), _near_map(postings))

    def _near_keys(self, spelling: str) -> list[str]:
        """Listed spellings one edit from ``spelling``."""
        found = self._near.get(spelling, "").split()
        for deleted in _deletions(spelling):
            found += self._near.get(deleted, "").split()
            if deleted in self._postings:
                found.append(deleted)
        return found

    def _name(self, name_id: int) -> tuple[NameForm, ...]:
        forms = self._forms.get(name_id)
        if forms is None:
            forms = tuple(_form_from_row(row, self._tokens) for row in self._rows[name_id][1:])
            self._forms[name_id] = forms
        return forms

    def __len__(self) -> int:
        return len(self.entities)

    def _keys(self, token: Token) -> dict[str, float]:
        """Index keys for one query token, each with its weight (rarer is heavier); the
        same dict for an equal token while it is kept (callers must not change it)."""
        found = self._token_keys.get(token)
        if found is None:
            if len(self._token_keys) >= KEPT_TOKENS:
                self._token_keys.clear()
            found = self._token_keys[token] = self._find_keys(token)
        return found

    def _find_keys(self, token: Token) -> dict[str, float]:
        total = max(len(self._rows), 1)
        found: dict[str, float] = {}
        for spelling in _token_spellings(token):
            factor = 0.5 if spelling in token.bridge else 1.0
            keys = [spelling] if spelling in self._postings else []
            typed = spelling == token.text and not token.han  # a typo is in what was typed
            if not keys and typed and len(spelling) >= 3 and spelling.isascii():
                keys, factor = self._near_keys(spelling), factor * 0.8
            for key in keys:
                weight = factor * math.log(1.0 + total / len(self._postings[key]))
                found[key] = max(found.get(key, 0.0), weight)
        return found

    def _candidates(self, forms: tuple[NameForm, ...]) -> list[int]:
        """The names sharing the rarest spellings with the query, best first.

        Each query token votes once per name (its best key), so a name is not favoured
        for spelling one token many ways; a name's vote is the share it gathers of what
        one written form of the query could, at best over the forms.
        """
        slots = [[self._keys(token) for token in form.tokens] for form in forms]
        every = {key for form in slots for token in form for key in token}
        rarest = min(every, key=lambda k: (len(self._postings[k]), k), default=None)
        limit = max(COMMON * len(self._rows), CANDIDATES)
        votes: dict[int, float] = {}
        unknown = math.log(1.0 + max(len(self._rows), 1))  # a spelling only one name has
        for form in slots:
            # A share of what this form could gather: a form of many tokens (a name split
            # into syllables, each spelt many ways) does not outvote the name as written.
            # A token the list does not know could gather the most a spelling can.
            possible = sum(max(t.values(), default=unknown) for t in form) or 1.0
            form_votes: dict[int, float] = {}
            for token in form:
                # A name's vote from this token is its best key's weight: keys applied
                # lightest first, so a heavier one overwrites (in C, not a Python loop).
                token_votes: dict[int, float] = {}
                for key, weight in sorted(token.items(), key=_weight):
                    ids = self._postings[key]
                    if len(ids) <= limit or key == rarest:
                        token_votes.update(dict.fromkeys(ids, weight))
                if not form_votes:
                    form_votes = token_votes
                    continue
                get = form_votes.get
                for name_id, weight in token_votes.items():
                    form_votes[name_id] = get(name_id, 0.0) + weight
            if not votes:
                votes = {name_id: weight / possible for name_id, weight in form_votes.items()}
                continue
            for name_id, weight in form_votes.items():
                if weight / possible > votes.get(name_id, 0.0):
                    votes[name_id] = weight / possible
        # A name sharing only a small part of what the query could share cannot score
        # near a match: leave it out before the (costly) full comparison.
        best = sorted(name_id for name_id, vote in votes.items() if vote >= ENOUGH)
        best.sort(key=votes.__getitem__, reverse=True)  # stable: ids in order on a tie
        return best[:CANDIDATES]

    def match(self, query: Query, limit: int = 10, threshold: float = 0.0) -> list[Match]:
        """The best-scoring entities for ``query``, highest first, scores ≥ ``threshold``.

        Raises InputError when the query name cannot be a name (see ``check_name``) or
        names an unknown country.
        """
        name = check_name(query.name)
        query = check_query(query)
        forms = analyse(name, query.schema or "Person")
        if not forms:
            return []
        memo: Memo = {}  # listed tokens are shared objects: one similarity per token pair
        by_entity: dict[int, list[int]] = defaultdict(list)
        for name_id in self._candidates(forms):
            by_entity[self._rows[name_id][0]].append(name_id)
        matches: list[Match] = []
        for entity_index, name_ids in by_entity.items():
            entity = self.entities[entity_index]
            if not same_kind(query, entity):
                continue
            best: NameScore | None = None
            han_only = entity_index in self._han_entities
            for name_id in name_ids:
                found = compare_names(forms, self._name(name_id), han_only, memo)
                if found and (best is None or found.score > best.score):
                    best = found
            if best is None or best.score + MOST_RAISED < threshold:
                continue  # no birth date or country could lift it to the threshold
            detail = f"{best.how}: {best.listed.text!r}: {best.decided}"
            features = [Feature("name", best.score, detail)]
            features += qualify(query, entity)
            score = min(1.0, max(0.0, sum(f.value for f in features)))
            if score >= threshold and score > 0.0:
                matches.append(
                    Match(
                        entity.id, round(score, 3), best.listed.text, entity.list, tuple(features)
                    )
                )
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return matches[:limit]

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickled as its prepared index (an engine sends it to each worker once)."""
        return (Matcher.from_bytes, (self._packed or self.to_bytes(),))

    def to_bytes(self) -> bytes:
        """The prepared index, compressed JSON (deterministic for the same input)."""
        entities = [
            [e.id, e.schema, list(e.names), e.list, list(e.birth_dates), list(e.countries),
             list(e.identifiers)]
            for e in self.entities
        ]  # fmt: skip
        data = {
            "format": FORMAT,
            "entities": entities,
            "names": self._rows,
            "postings": self._postings,
            "near": self._near,
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return zlib.compress(text.encode("utf-8"), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> Matcher:
        """Load an index written by :meth:`to_bytes`; IntegrityError if it is not one."""
        try:
            loaded: dict[str, Any] = json.loads(zlib.decompress(data))
            if loaded.get("format") != FORMAT:
                raise ValueError(f"format {loaded.get('format')!r}")
            entities = [
                Entity(i, s, tuple(n), lst, tuple(d), tuple(c), tuple(x))
                for i, s, n, lst, d, c, x in loaded["entities"]
            ]
            matcher = cls(entities, loaded["names"], loaded["postings"], loaded["near"])
        except (ValueError, KeyError, TypeError, zlib.error) as exc:
            raise IntegrityError(
                f"the prepared name index is damaged: {exc}",
                "rebuild the views with `erfurt rebuild`",
            ) from exc
        matcher._packed = data
        return matcher


def _merged(entities: Iterable[Entity]) -> list[Entity]:
    by_id: dict[str, Entity] = {}
    for entity in entities:
        seen = by_id.get(entity.id)
        if seen is None:
            by_id[entity.id] = entity
            continue
        by_id[entity.id] = Entity(
            seen.id,
            seen.schema,
            tuple(dict.fromkeys((*seen.names, *entity.names))),
            seen.list if entity.list in seen.list.split(", ") else f"{seen.list}, {entity.list}",
            tuple(dict.fromkeys((*seen.birth_dates, *entity.birth_dates))),
            tuple(sorted({*seen.countries, *entity.countries})),
            tuple(sorted({*seen.identifiers, *entity.identifiers})),
        )
    return list(by_id.values())


def _token_spellings(token: Token) -> set[str]:
    """The index keys of a token: spellings, Han character, pinyin its Cantonese may be."""
    return set(token.spellings) | token.bridge | ({token.han} if token.han else set())


def _spellings(forms: tuple[NameForm, ...]) -> set[str]:
    return {s for form in forms for token in form.tokens for s in _token_spellings(token)}


# A form is stored as [text, how, tokens]: tokens split by " ", each "weight|han|spelled|
# other,spellings|bridge,spellings|family" so that loading the index parses only the names
# a query touches.
def _form_row(form: NameForm) -> list[str]:
    tokens = " ".join(
        "|".join(
            [
                str(t.weight),
                t.han,
                t.text,
                ",".join(sorted(t.spellings - {t.text})),
                ",".join(sorted(t.bridge)),
                "f" if t.family else "",
            ]
        )
        for t in form.tokens
    )
    return [form.text, form.how, tokens]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _form_from_row(row: list[str], tokens: dict[str, Token]) -> NameForm:
    text, how, encoded = row
    parts = []
    for token in encoded.split(" "):
        found = tokens.get(token)
        if found is None:
            weight, han, spelled, others, bridge, family = token.split("|")
            spellings = frozenset((spelled, *_split(others)))
            bridged = frozenset(_split(bridge))
            found = Token(spelled, spellings, float(weight), han, bridged, family == "f")
            tokens[token] = found
        parts.append(found)
    key = " ".join(t.han or t.text for t in parts)
    return NameForm(text, tuple(parts), key, how)
