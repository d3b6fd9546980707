"""Review decisions: accept or reject a mention or claim, merge two entities, split a mention
off into an entity of its own, link an entity to a list entry. Each is an ``entity.reviewed``
record keyed by source blob, span and claim, so it holds for every later extraction run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, get_args

from erfurt.archive import Archive, Record, ViewConnection
from erfurt.entities.model import REVIEW_KIND, Claim, Mention, entity_id, name_key
from erfurt.errors import InputError

__all__ = ["ACTIONS", "Action", "Decisions", "review"]

Action = Literal["accept", "reject", "merge", "split", "link"]
ACTIONS: tuple[Action, ...] = get_args(Action)
_SQL_VARIABLES = 500


def review(
    archive: Archive, action: Action, target: str, *, other: str = "", who: str, reason: str
) -> int:
    """Record one decision; returns its log index.

    ``accept``/``reject`` take a mention or claim key (``m:...``, ``c:...``, as `entities
    show` prints them); ``merge A B`` folds entity B into A; ``split KEY NAME`` moves a
    mention to an entity of that name; ``link ENTITY LIST-ID`` says the entity is that entry.
    """
    if not reason.strip():
        raise InputError("a review decision needs a reason", "give one with --reason TEXT")
    if action not in ACTIONS:
        raise InputError(f"unknown review action {action!r}", f"use one of {', '.join(ACTIONS)}")
    with archive.query_views() as db:
        _check(db, action, target, other)
    fields = {"action": action, "target": target, "who": who, "reason": reason,
              "time": archive.now()}  # fmt: skip
    if other:
        fields["other"] = other
    [index] = archive.append([Record(REVIEW_KIND, fields)])
    return index


def _check(db: ViewConnection, action: Action, target: str, other: str) -> None:
    needs_other = action in ("merge", "split", "link")
    if needs_other != bool(other):
        raise InputError(
            f"{action} takes {'two arguments' if needs_other else 'one argument'}",
            "see: erfurt entities review --help",
        )
    if action in ("accept", "reject", "split"):
        if not _key_exists(db, target):
            raise InputError(
                f"no mention or claim with key {target!r}",
                "copy the key from `erfurt entities show ID`",
            )
        if action == "split" and not target.startswith("m:"):
            raise InputError("only a mention can be split off", "give a key that starts m:")
    elif action == "merge" or action == "link":
        for entity in (target, other) if action == "merge" else (target,):
            if not db.execute(
                "SELECT 1 FROM ent_mentions WHERE entity = ? LIMIT 1", (entity,)
            ).fetchone() and not _known_by_review(db, entity):
                raise InputError(f"no entity {entity!r}", "see: erfurt entities list")


def _key_exists(db: ViewConnection, key: str) -> bool:
    kind, _, rest = key.partition(":")
    source = rest.split(":", 1)[0]
    table = {"m": "ent_mentions", "c": "ent_claims"}.get(kind)
    if table is None:
        return False
    keys = (_row_key(kind, source, data) for (data,) in
            db.execute(f"SELECT data FROM {table} WHERE source = ?", (source,)))  # fmt: skip
    return key in keys


def _row_key(kind: str, source: str, data: str) -> str:
    if kind == "m":
        return Mention.from_json(json.loads(data)).key(source)
    return Claim.from_json(json.loads(data)).key(source)


def _known_by_review(db: ViewConnection, entity: str) -> bool:
    """Whether a decision made ``entity``: merged, linked, or split off under its name."""
    if db.execute(
        "SELECT 1 FROM ent_reviews WHERE (action IN ('merge', 'link') AND other = ?) "
        "OR (action = 'merge' AND target = ?) LIMIT 1",
        (entity, entity),
    ).fetchone():
        return True
    split_names = db.execute("SELECT other FROM ent_reviews WHERE action = 'split'")
    return any(_split_entity(name) == entity for (name,) in split_names)


def _split_entity(name: str) -> str:
    """The entity a ``split`` moves a mention to: a person of that name."""
    return entity_id("person", name_key(name))


@dataclass
class Decisions:
    """Every decision so far, replayed in log order (a later one on the same key wins)."""

    status: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    linked: set[str] = field(default_factory=set)  # list entries entities were linked to

    @classmethod
    def read(cls, db: ViewConnection) -> Decisions:
        """Replay the ``ent_reviews`` rows."""
        decisions = cls()
        for action, target, other in db.execute(
            "SELECT action, target, other FROM ent_reviews ORDER BY record"
        ):
            if action in ("accept", "reject"):
                decisions.status[target] = action + "ed"
            elif action == "split":
                decisions.moved[target] = _split_entity(other)
            elif action == "merge":
                decisions.parent[other] = target
            elif action == "link":
                decisions.parent[target] = other
                decisions.linked.add(other)
        return decisions

    def entity(self, entity: str, mention_key: str = "") -> str:
        """Where a mention's entity ends up after splits, merges and links."""
        entity = self.moved.get(mention_key, entity)
        seen = {entity}
        while (up := self.parent.get(entity)) is not None and up not in seen:
            seen.add(up)
            entity = up
        return entity

    def members(self, entity: str) -> set[str]:
        """Every entity id merged or linked into ``entity``, itself included."""
        return {e for e in (*self.parent, entity) if self.entity(e) == entity}

    def sources(self, db: ViewConnection, entity: str) -> set[str]:
        """The blobs naming ``entity`` as it stands after every decision: those with a
        mention that ends up in it, whether found there, merged, linked or split into it."""
        root = self.entity(entity)
        members = sorted(self.members(root))
        found: set[str] = set()
        for start in range(0, len(members), _SQL_VARIABLES):
            chunk = members[start : start + _SQL_VARIABLES]
            rows = db.execute(
                "SELECT source, data, entity FROM ent_mentions "
                f"WHERE entity IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found |= {source for source, data, raw in rows
                      if self.entity(raw, _row_key("m", source, data)) == root}  # fmt: skip
        found |= {key.split(":")[1] for key, moved_to in self.moved.items()
                  if self.entity(moved_to) == root}  # fmt: skip
        return found
