"""The names documents give a person, looked up by one of them (for ``search name:``).

A person extraction found without a list entry is known by its folded name (its id is a
hash of it), so each name asked for is one indexed look-up, not a pass over every mention.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from erfurt.archive import ViewConnection, dialect_of
from erfurt.entities.model import Mention, entity_id, name_key
from erfurt.entities.review import Decisions
from erfurt.entities.text import fold_han

__all__ = ["names_in_documents"]

_MEMBERS = {
    "sqlite": "SELECT value FROM json_each(?)",
    "postgresql": "SELECT jsonb_array_elements_text(CAST(? AS jsonb))",
}
"""The ids of a JSON array, as a subquery: one parameter however many ids there are."""


def names_in_documents(
    db: ViewConnection, names: Iterable[str], entities: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Per person known by one of ``names``, or with an id (a list entry's) in ``entities``
    (after reviewers' merges, links and splits; keyed by its id): every name its mentions
    not rejected give, most frequent first.

    Mentions a split moved into the person from another entity are not looked for.
    """
    decisions = Decisions.read(db)
    members = _MEMBERS[dialect_of(db)]
    ids = {entity_id("person", name_key(fold_han(name))) for name in names} | set(entities)
    roots = {decisions.entity(entity) for entity in ids}
    found: dict[str, list[str]] = {}
    for root in sorted(roots):
        surfaces: Counter[str] = Counter()
        for source, data, raw in db.execute(
            f"SELECT source, data, entity FROM ent_mentions WHERE entity IN ({members})"
            " ORDER BY seq",
            (json.dumps(sorted(decisions.members(root))),),
        ):
            mention = Mention.from_json(json.loads(data))
            key = mention.key(source)
            if decisions.status.get(key) != "rejected" and decisions.entity(raw, key) == root:
                surfaces[mention.surface] += 1
        if surfaces:
            found[root] = [surface for surface, _ in surfaces.most_common()]
    return found
