"""A declaration: what a declarant states, checked against the registry's settings."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast, get_args

from erfurt.archive import JSON
from erfurt.config import ArchiveConfig
from erfurt.errors import InputError, IntegrityError

__all__ = [
    "CHANNELS",
    "DECLARATION_KIND",
    "Channel",
    "Declaration",
    "RegistrySettings",
    "make_declaration",
    "registry_settings",
]

DECLARATION_KIND = "declaration.made"

Channel = Literal["online", "phone", "in-person"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)

_SHORT_TEXT_MAX = 200  # characters, for alias, place and volunteer


@dataclass(frozen=True, slots=True)
class RegistrySettings:
    """What a registry accepts: its organisations and the largest statement (UTF-8 bytes)."""

    organisations: tuple[str, ...] = ("Party", "Youth League", "Young Pioneers")
    statement_max_bytes: int = 16_384


def registry_settings(config: ArchiveConfig) -> RegistrySettings:
    """The registry settings an archive's ``erfurt.toml`` gives."""
    return RegistrySettings(
        organisations=config.organisations, statement_max_bytes=config.statement_max_bytes
    )


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declaration as it goes into the log (identity parts are added separately).

    ``time`` is RFC 3339 UTC to the second; ``commitment``, ``person``, ``key_id`` and
    ``identity_rule`` (the normalisation rule of the identity; absent in records made
    before rule 2, which used rule 1) are present only when the declarant gave an identity.
    """

    alias: str
    organisations: tuple[str, ...]
    channel: Channel
    time: str
    place: str | None = None
    statement: str | None = None
    volunteer: str | None = None
    commitment: str | None = None
    person: str | None = None
    key_id: str | None = None
    identity_rule: int | None = None
    imported: bool = False

    def to_fields(self) -> dict[str, JSON]:
        """The record fields (without ``kind`` and ``v``), leaving out empty optional ones."""
        fields: dict[str, JSON] = {
            "alias": self.alias,
            "organisations": list(self.organisations),
            "channel": self.channel,
            "time": self.time,
        }
        optional = {
            "place": self.place,
            "statement": self.statement,
            "volunteer": self.volunteer,
            "commitment": self.commitment,
            "person": self.person,
            "key": self.key_id,
            "identity_rule": self.identity_rule,
        }
        fields.update({k: v for k, v in optional.items() if v is not None})
        if self.imported:
            fields["imported"] = True
        return fields

    @classmethod
    def from_fields(
        cls, fields: Mapping[str, JSON], *, source: str = "declaration record"
    ) -> Declaration:
        """The declaration a ``declaration.made`` record holds (its version already checked).

        Raises IntegrityError naming ``source`` if a field is missing or of the wrong
        type (a record this version of Erfurt did not write, e.g. in a hostile published log).
        """

        def text(name: str, *, required: bool = False) -> str | None:
            value = fields.get(name)
            if value is None and not required:
                return None
            if not isinstance(value, str):
                raise IntegrityError(f"{source}: field {name!r} is not a string")
            return value

        organisations = fields.get("organisations")
        if not isinstance(organisations, list) or not all(
            isinstance(o, str) for o in organisations
        ):
            raise IntegrityError(f"{source}: 'organisations' is not a list of strings")
        rule = fields.get("identity_rule")
        if rule is not None and (not isinstance(rule, int) or isinstance(rule, bool)):
            raise IntegrityError(f"{source}: 'identity_rule' is not a number")
        channel = text("channel", required=True)
        if channel not in CHANNELS:
            raise IntegrityError(f"{source}: unknown channel {channel!r}")
        return cls(
            alias=cast(str, text("alias", required=True)),
            organisations=tuple(organisations),
            channel=channel,
            time=cast(str, text("time", required=True)),
            place=text("place"),
            statement=text("statement"),
            volunteer=text("volunteer"),
            commitment=text("commitment"),
            person=text("person"),
            key_id=text("key"),
            identity_rule=rule,
            imported=fields.get("imported") is True,
        )


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _short_text(label: str, text: str | None, *, required: bool) -> str | None:
    value = _clean(text or "")
    if not value:
        if required:
            raise InputError(f"{label} is empty", f"give a {label} (a pseudonym is fine)")
        return None
    if len(value) > _SHORT_TEXT_MAX:
        raise InputError(
            f"{label} is {len(value)} characters long, more than {_SHORT_TEXT_MAX}",
            f"shorten the {label}",
        )
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise InputError(f"{label} {value!r} contains control characters", "remove them")
    return value


def _organisations(given: Sequence[str], settings: RegistrySettings) -> tuple[str, ...]:
    if not given:
        raise InputError(
            "no organisation given",
            f"give at least one --organisation: {', '.join(settings.organisations)}",
        )
    known = {o.casefold(): o for o in settings.organisations}
    chosen: list[str] = []
    for name in given:
        canonical = known.get(_clean(name).casefold())
        if canonical is None:
            raise InputError(
                f"unknown organisation {name!r}",
                f"this registry knows: {', '.join(settings.organisations)}",
            )
        if canonical not in chosen:
            chosen.append(canonical)
    return tuple(chosen)


def _statement(text: str | None, settings: RegistrySettings) -> str | None:
    value = _clean(text or "")
    if not value:
        return None
    size = len(value.encode("utf-8", "surrogatepass"))  # a lone surrogate fails at encoding
    if size > settings.statement_max_bytes:
        raise InputError(
            f"statement is {size:,} bytes, more than this registry's limit of "
            f"{settings.statement_max_bytes:,}",
            "shorten the statement",
        )
    return value


def _channel(text: str) -> Channel:
    if text not in CHANNELS:
        raise InputError(f"unknown channel {text!r}", f"use one of: {', '.join(CHANNELS)}")
    return text


def make_declaration(
    settings: RegistrySettings,
    *,
    alias: str,
    organisations: Sequence[str],
    time: str,
    place: str | None = None,
    statement: str | None = None,
    channel: str = "online",
    volunteer: str | None = None,
    imported: bool = False,
) -> Declaration:
    """Check and normalise (Unicode NFC, trimmed) a declaration's public fields.

    Raises InputError naming the field for an empty or over-long alias, an unknown or
    missing organisation, an over-long statement, an unknown channel, or control
    characters in a short field.
    """
    return Declaration(
        alias=cast(str, _short_text("alias", alias, required=True)),
        organisations=_organisations(organisations, settings),
        channel=_channel(channel),
        time=time,
        place=_short_text("place", place, required=False),
        statement=_statement(statement, settings),
        volunteer=_short_text("volunteer", volunteer, required=False),
        imported=imported,
    )
