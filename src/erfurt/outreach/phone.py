"""Phone numbers: normalised to E.164, then only ever kept as a keyed hash."""

from __future__ import annotations

from erfurt.archive import KeyedHash, RegistrySecret, keyed_hash
from erfurt.errors import InputError

__all__ = ["hash_phone", "normalise_phone"]

_PURPOSE = "outreach.phone"
_HINT = "give the number with its country code (+86 138 0013 8000), or --region for local numbers"


def normalise_phone(text: str, region: str | None = None) -> str:
    """The E.164 form (``+8613800138000``) of a number in any common format.

    ``region`` (ISO 3166 code such as ``CN``) is used for numbers written without a
    country code; ``00`` before the country code works as ``+``. Raises InputError
    (without repeating the number) if it cannot be parsed or is not a valid number.
    """
    import phonenumbers  # its metadata loads when a number is read, not by every command

    cleaned = text.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        parsed = phonenumbers.parse(cleaned, region.upper() if region else None)
    except phonenumbers.NumberParseException as exc:
        raise InputError(f"the phone number cannot be read: {exc._msg}", _HINT) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InputError("the phone number is not a valid number for its country", _HINT)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def hash_phone(secret: RegistrySecret, e164: str) -> KeyedHash:
    """The keyed hash under which a call to ``e164`` is logged and looked up."""
    return keyed_hash(secret, _PURPOSE, e164.encode("ascii"))
