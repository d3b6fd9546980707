"""Signed notes (c2sp.org/signed-note) with Ed25519 keys in the Go note key formats.

    skey: PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>
    vkey: <name>+<hex key ID>+<base64(0x01 || 32-byte public key)>
    key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4]

A note is its text (ending in a newline), a blank line, then one line per signature:
``— <name> <base64(key ID || signature)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .errors import FormatError, SignatureError

__all__ = [
    "Note",
    "NoteSignature",
    "Signer",
    "Verifier",
    "check_key_name",
    "key_id",
    "open_note",
    "sign_note",
    "signature_line",
    "split_note",
]

_ED25519 = 0x01
_MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")
_DASH = "\u2014 "


def b64decode_strict(text: str, what: str) -> bytes:
    """Decode strict, canonical standard base64 or raise FormatError naming ``what``."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FormatError(f"{what}: {text!r} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise FormatError(f"{what}: {text!r} is not canonical base64")
    return raw


def check_key_name(name: str, what: str) -> None:
    """Raise FormatError unless ``name`` can name a note key (no space, '+' or control)."""
    if not name or any(c.isspace() or c == "+" for c in name) or _CONTROL.search(name):
        raise FormatError(f"{what}: key name {name!r} is empty or has a space, '+' or control")


def key_id(name: str, public: bytes, algorithm: int = _ED25519) -> bytes:
    """The 4-byte key ID of a note key: SHA-256(name || 0x0A || algorithm || public)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([algorithm]) + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Verifier:
    """An Ed25519 signed-note verifier key: a name, a 4-byte key ID and a public key."""

    __slots__ = ("_public", "key_id", "name")

    def __init__(self, name: str, public_key: bytes) -> None:
        check_key_name(name, "verifier key")
        if len(public_key) != 32:
            raise FormatError(f"verifier key {name}: public key is {len(public_key)} bytes, not 32")
        self.name = name
        self.key_id = key_id(name, public_key)
        self._public = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``; raises FormatError."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise FormatError(f"verifier key {vkey!r}: expected <name>+<key ID>+<key>")
        name, hex_id, b64 = parts
        raw = b64decode_strict(b64, f"verifier key {name}")
        if len(raw) != 33 or raw[0] != _ED25519:
            raise FormatError(f"verifier key {name}: not an Ed25519 key (type 0x01, 32 bytes)")
        verifier = cls(name, raw[1:])
        if hex_id != verifier.key_id.hex():
            raise FormatError(
                f"verifier key {name}: key ID {hex_id} does not match the key "
                f"(expected {verifier.key_id.hex()})"
            )
        return verifier

    @property
    def vkey(self) -> str:
        """The verifier key in text form."""
        raw = bytes([_ED25519]) + _raw_public(self._public)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode('ascii')}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            self._public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verifier) and self.vkey == other.vkey

    def __hash__(self) -> int:
        return hash(self.vkey)

    def __repr__(self) -> str:
        return f"Verifier({self.vkey!r})"


class Signer:
    """An Ed25519 signed-note signing key. Its ``skey`` is secret: never log or publish it."""

    __slots__ = ("_private", "name")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        check_key_name(name, "signer key")
        self.name = name
        self._private = private_key

    @classmethod
    def generate(cls, name: str) -> Signer:
        """Create a new random key for ``name``."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``; raises FormatError."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise FormatError("signer key: expected PRIVATE+KEY+<name>+<key ID>+<key>")
        name, hex_id, b64 = parts[2:]
        raw = b64decode_strict(b64, f"signer key {name}")
        if len(raw) != 33 or raw[0] != _ED25519:
            raise FormatError(f"signer key {name}: not an Ed25519 key (type 0x01, 32 bytes)")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if hex_id != signer.verifier.key_id.hex():
            raise FormatError(f"signer key {name}: key ID {hex_id} does not match the key")
        return signer

    @property
    def skey(self) -> str:
        """The private key in Go's note format (secret)."""
        seed = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        b64 = base64.b64encode(bytes([_ED25519]) + seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{b64}"

    @property
    def verifier(self) -> Verifier:
        """The matching verifier key."""
        return Verifier(self.name, _raw_public(self._private.public_key()))

    def sign(self, message: bytes) -> bytes:
        """Return the raw Ed25519 signature of ``message``."""
        return self._private.sign(message)

    def __repr__(self) -> str:
        return f"Signer({self.name!r})"


@dataclass(frozen=True, slots=True)
class Note:
    """The text of a signed note and the names of the trusted keys whose signatures verified."""

    text: str
    verified_by: tuple[str, ...]


def _check_text(text: str, what: str) -> None:
    if not text.endswith("\n"):
        raise FormatError(f"{what}: text must end with a newline")
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise FormatError(f"{what} line {line}: control character {match.group()!r} not allowed")


def sign_note(text: str, signers: Sequence[Signer]) -> bytes:
    """Sign ``text`` (which must end in a newline) with every signer; return the note bytes."""
    _check_text(text, "note")
    if not signers:
        raise FormatError("note: at least one signer is needed")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        lines.append(signature_line(signer.name, signer.verifier.key_id + signer.sign(message)))
    return (text + "\n" + "".join(lines)).encode("utf-8")


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line of a note: the key name and the raw bytes (key ID || signature)."""

    name: str
    raw: bytes
    line: int

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID the signature claims."""
        return self.raw[:4]


def split_note(note: bytes) -> tuple[str, tuple[NoteSignature, ...]]:
    """Parse a signed note into its text and signature lines, verifying nothing.

    Raises FormatError naming the line when the note is malformed.
    """
    try:
        whole = note.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"note: not valid UTF-8 at byte {exc.start}") from exc
    _check_text(whole, "note")
    split = whole.rfind("\n\n")
    if split < 0:
        raise FormatError("note: no blank line separating the text from its signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    first_line = text.count("\n") + 2
    sig_lines = block[:-1].split("\n") if block else []
    if not sig_lines:
        raise FormatError(f"note line {first_line}: no signature lines after the blank line")
    if len(sig_lines) > _MAX_SIGNATURES:
        raise FormatError(f"note: more than {_MAX_SIGNATURES} signatures")
    signatures = []
    for offset, line in enumerate(sig_lines):
        number = first_line + offset
        where = f"note line {number}"
        if not line.startswith(_DASH):
            raise FormatError(f"{where}: signature line must start with an em dash and a space")
        name, sep, b64 = line[len(_DASH) :].partition(" ")
        if not sep:
            raise FormatError(f"{where}: expected '— <key name> <signature>'")
        check_key_name(name, where)
        sig = b64decode_strict(b64, where)
        if len(sig) < 5:
            raise FormatError(f"{where}: signature of {name} is too short")
        signatures.append(NoteSignature(name, sig, number))
    return text, tuple(signatures)


def signature_line(name: str, raw: bytes) -> str:
    """One note signature line, ``— <name> <base64(raw)>`` with its newline."""
    return f"{_DASH}{name} {base64.b64encode(raw).decode('ascii')}\n"


def open_note(note: bytes, verifiers: Sequence[Verifier]) -> Note:
    """Parse a signed note and verify it against trusted ``verifiers``.

    Signatures by unknown keys (name and key ID not both matching a trusted key) are
    ignored. Raises FormatError if the note is malformed, SignatureError if a signature by
    a trusted key fails to verify or if no trusted key signed the note.
    """
    text, signatures = split_note(note)
    message = text.encode("utf-8")
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[str] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, signature.raw[4:]):
            raise SignatureError(
                f"note line {signature.line}: signature by trusted key {signature.name} "
                "does not verify"
            )
        verified.append(signature.name)
    if not verified:
        names = ", ".join(sorted(v.name for v in verifiers)) or "(none given)"
        raise SignatureError(f"note: not signed by any trusted key ({names})")
    return Note(text, tuple(verified))
