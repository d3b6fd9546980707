"""Who may do what: roles, their actions, and collections restricted to named users or roles.

This is the one place that decides. Interfaces ask :func:`can` before an action and
:meth:`CollectionRules.visible` before showing, listing or counting anything of a
collection, so a restricted document is treated exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "ROLES",
    "Action",
    "CollectionRules",
    "PassageMask",
    "Principal",
    "Role",
    "can",
]

PassageMask = Callable[[str, str, int, str], "str | None"]
"""``mask(source, text_blob, start, passage)``: characters from ``start`` of text blob
``text_blob`` of document blob ``source`` as they may be published (redacted characters
masked, same length), or None when they may not be published at all. The redaction
package makes one; features that publish passages take one, so they need not import it."""

Role = Literal["admin", "archivist", "reviewer", "volunteer", "public"]
Action = Literal["search", "read", "upload", "export", "screen", "declare", "call", "manage"]

ACTIONS: tuple[Action, ...] = (
    "search",
    "read",
    "upload",
    "export",
    "screen",
    "declare",
    "call",
    "manage",
)

# What each role may do; the public (no login) only reads the tally, the log and receipts,
# which need no action here.
_GRANTS: Mapping[Role, frozenset[Action]] = {
    "admin": frozenset(ACTIONS),
    "archivist": frozenset({"search", "read", "upload", "export", "screen"}),
    "reviewer": frozenset({"search", "read", "screen"}),
    "volunteer": frozenset({"declare", "call"}),
    "public": frozenset(),
}
ROLES: tuple[Role, ...] = ("admin", "archivist", "reviewer", "volunteer", "public")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a user name and role (``public`` for anyone not logged in)."""

    name: str
    role: Role

    @property
    def anonymous(self) -> bool:
        """Whether nobody is logged in."""
        return self.role == "public"


ANONYMOUS = Principal("", "public")


def can(principal: Principal, action: Action) -> bool:
    """Whether ``principal``'s role allows ``action``."""
    return action in _GRANTS[principal.role]


@dataclass(frozen=True, slots=True)
class CollectionRules:
    """Restricted collections and who may see each (user names and role names).

    A collection with no rule is open to every role that may read; a restricted one only
    to admins and to the users and roles listed for it.
    """

    allowed: Mapping[str, frozenset[str]]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> CollectionRules:
        """Build from (collection, user or ``role:NAME``) rows."""
        allowed: dict[str, set[str]] = {}
        for collection, who in rows:
            allowed.setdefault(collection, set()).add(who)
        return cls({name: frozenset(who) for name, who in allowed.items()})

    def visible(self, principal: Principal, collection: str) -> bool:
        """Whether ``principal`` may see documents of ``collection`` at all."""
        if not can(principal, "read"):
            return False
        who = self.allowed.get(collection)
        if who is None or principal.role == "admin":
            return True
        return principal.name in who or f"role:{principal.role}" in who

    def hidden_from(self, principal: Principal) -> frozenset[str]:
        """The restricted collections ``principal`` may not see (for filtering queries)."""
        return frozenset(c for c in self.allowed if not self.visible(principal, c))
