"""The accounts of a served archive, reached from a worker on another host.

Workers on the writer's host open ``private/access.sqlite`` themselves. A worker that
joined from another host (``erfurt serve --join``) has no ``private/`` folder: a SQLite
file cannot be shared safely over a network mount, and logins, logouts and disabled
users must hold at once for every worker. It asks the writer instead, over the writer
link: :func:`account_handlers` answers there from the writer's :class:`Accounts`, and
:class:`LinkedAccounts` is the worker's stand-in with the methods the web uses. Passwords
and tokens travel only inside the link (its key check, and TLS off loopback); only
digests of tokens are stored, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from erfurt.archive.access import ROLES, CollectionRules, Principal, Role
from erfurt.archive.accounts import Accounts, Session
from erfurt.errors import ConfigError

__all__ = ["LinkedAccounts", "account_handlers"]

Handler = Callable[[dict[str, Any]], Any]


def account_handlers(accounts: Accounts) -> dict[str, Handler]:
    """The writer's answers to a joined worker's account calls, by call name."""
    return {
        "authenticate": lambda m: _principal_data(
            accounts.authenticate(_text(m, "name"), _text(m, "password"))
        ),
        "start_session": lambda m: _started(accounts.start_session(_principal(m.get("principal")))),
        "session": lambda m: _session_data(accounts.session(_text(m, "token"))),
        "end_session": lambda m: accounts.end_session(_text(m, "token")),
        "token_user": lambda m: _principal_data(accounts.token_user(_text(m, "token"))),
        "rules": lambda _m: {name: sorted(who) for name, who in accounts.rules().allowed.items()},
    }


class LinkedAccounts:
    """The accounts a joined worker uses: each method asks the writer through ``call``
    (a :meth:`WriterClient.call`), which raises ConfigError (a 503) when the writer
    cannot be reached or does not answer within the link's time limit: the question
    fails closed, so nobody is let in unchecked and no login goes uncounted."""

    def __init__(self, call: Callable[[dict[str, Any]], Any]) -> None:
        self._call = call

    def authenticate(self, name: str, password: str) -> Principal | None:
        """The user ``name`` if ``password`` is theirs and they are not disabled."""
        found = self._call({"call": "authenticate", "name": name, "password": password})
        return _principal(found) if found is not None else None

    def start_session(self, principal: Principal) -> tuple[str, Session]:
        """A new session for ``principal``: its token (for the cookie) and the session."""
        token, session = self._call({"call": "start_session", "principal": _principal_data(
            principal)})  # fmt: skip
        return str(token), _session(session)

    def session(self, token: str) -> Session | None:
        """The live session of ``token``, or None."""
        found = self._call({"call": "session", "token": token})
        return _session(found) if found is not None else None

    def end_session(self, token: str) -> None:
        """Log the session of ``token`` out."""
        self._call({"call": "end_session", "token": token})

    def token_user(self, token: str) -> Principal | None:
        """The user an API token belongs to, or None."""
        found = self._call({"call": "token_user", "token": token})
        return _principal(found) if found is not None else None

    def rules(self) -> CollectionRules:
        """The collection rules in force now."""
        rules = self._call({"call": "rules"})
        if not isinstance(rules, Mapping):
            raise ConfigError("the archive's writer sent collection rules that are no object")
        return CollectionRules({str(c): frozenset(map(str, who)) for c, who in rules.items()})

    def close(self) -> None:
        """Nothing to close: the writer link is its owner's."""


def _started(started: tuple[str, Session]) -> list[Any]:
    token, session = started
    return [token, _session_data(session)]


def _principal_data(principal: Principal | None) -> dict[str, str] | None:
    return None if principal is None else {"name": principal.name, "role": principal.role}


def _session_data(session: Session | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {"principal": _principal_data(session.principal), "csrf": session.csrf}


def _principal(data: Any) -> Principal:
    if not isinstance(data, Mapping) or data.get("role") not in ROLES:
        raise ConfigError("an account call over the writer link without a valid principal")
    return Principal(str(data.get("name")), cast(Role, data["role"]))


def _session(data: Any) -> Session:
    if not isinstance(data, Mapping):
        raise ConfigError("an account call over the writer link without a valid session")
    return Session(_principal(data.get("principal")), str(data.get("csrf")))


def _text(message: Mapping[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        raise ConfigError(f"an account call over the writer link without its {name!r}")
    return value
