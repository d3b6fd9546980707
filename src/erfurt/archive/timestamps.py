"""RFC 3161 timestamps of checkpoints: when, according to someone other than the operator.

The time inside a record is the operator's clock. A Time-Stamping Authority (TSA) signs,
with its own clock, that it saw a checkpoint's text at time T: every record the
checkpoint covers was logged no later than T. The token is kept as one more signature
line on the checkpoint note (signature type 0xff of c2sp.org/signed-note, for types
without an assigned byte), so receipts and evidence packages carry it inside their
checkpoint, and verifiers that do not know it ignore it::

    — <TSA name> base64(key ID || DER TimeStampResp over the checkpoint text)
    key ID = SHA-256(<TSA name> || 0x0A || 0xFF || "erfurt/rfc3161/v1" || SHA-256(root DER))[:4]

The token is verified against the TSA's root certificate (the trust anchor, which the
verifier supplies); the TSA's own certificate travels inside the token.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import Encoding

from erfurt.archive.archive import Archive
from erfurt.errors import ConfigError, InputError, VerificationError
from erfurt.log import (
    Checkpoint,
    HttpUnreachableError,
    LogError,
    http_exchange,
    signature_line,
    split_note,
)

if TYPE_CHECKING:
    from cryptography import x509

# The X.509 and RFC 3161 parsers are imported when a timestamp is asked for or checked,
# not by every command that opens an archive (tests/cli/test_startup.py).

__all__ = [
    "Timestamp",
    "TimestampAuthority",
    "TimestampOutcome",
    "load_root_certificate",
    "timestamp_checkpoint",
    "verify_timestamps",
]

_LABEL = b"erfurt/rfc3161/v1"
_MAX_RESPONSE = 64 * 1024


def load_root_certificate(data: bytes, *, source: str) -> x509.Certificate:
    """A root certificate from PEM (or DER) bytes; raises :class:`InputError` naming ``source``."""
    from cryptography import x509

    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise InputError(
            f"{source}: not an X.509 certificate ({exc})",
            "give the TSA's root certificate, as PEM or DER, from its operator",
        ) from exc


def _key_id(name: str, root: x509.Certificate) -> bytes:
    anchor = hashlib.sha256(root.public_bytes(Encoding.DER)).digest()
    return hashlib.sha256(name.encode("utf-8") + b"\n\xff" + _LABEL + anchor).digest()[:4]


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A verified timestamp: the TSA's name and the time it signed (its ``genTime``)."""

    name: str
    time: datetime


@dataclass(frozen=True, slots=True)
class TimestampAuthority:
    """A configured TSA: the name its lines carry, its URL and its root certificate."""

    name: str
    url: str
    root: x509.Certificate

    @classmethod
    def parse(cls, entry: str) -> TimestampAuthority:
        """Parse a ``timestamp_authorities`` entry, ``NAME URL BASE64-DER-ROOT``."""
        parts = entry.split()
        if len(parts) != 3 or not parts[1].startswith(("http://", "https://")):
            raise ConfigError(
                f"erfurt.toml: timestamp authority entry {entry[:80]!r} is not 'NAME URL ROOT'",
                "add authorities with `erfurt log tsa add NAME URL ROOT.pem`",
            )
        try:
            root = load_root_certificate(base64.b64decode(parts[2], validate=True), source="")
        except (InputError, ValueError) as exc:
            raise ConfigError(
                f"erfurt.toml: timestamp authority {parts[0]}: its root certificate is malformed",
                "add it again with `erfurt log tsa add`",
            ) from exc
        return cls(parts[0], parts[1], root)

    def entry(self) -> str:
        """The ``timestamp_authorities`` entry for this TSA."""
        der = base64.b64encode(self.root.public_bytes(Encoding.DER)).decode("ascii")
        return f"{self.name} {self.url} {der}"

    @property
    def key_id(self) -> bytes:
        """The key ID of this TSA's lines on checkpoint notes."""
        return _key_id(self.name, self.root)

    def timestamp(self, note: bytes, *, timeout: float = 10.0) -> tuple[str, Timestamp]:
        """Ask the TSA to timestamp checkpoint ``note``; return the line to add and its time.

        The answer is verified (status, message imprint, nonce, signature up to the root)
        before it is returned. Raises :class:`VerificationError` for an answer that does
        not verify, :class:`InputError` when the TSA cannot be reached.
        """
        import rfc3161_client

        text = split_note(note)[0].encode("utf-8")
        request = rfc3161_client.TimestampRequestBuilder(data=text).build()
        answer = self._post(request.as_bytes(), timeout)
        try:
            response = rfc3161_client.decode_timestamp_response(answer)
        except ValueError as exc:
            raise VerificationError(f"TSA {self.name} answered something that is no token") from exc
        if response.tst_info.nonce != request.nonce:
            raise VerificationError(f"TSA {self.name}: the token answers another request")
        stamp = _verify_token(self.name, self.root, answer, text)
        return signature_line(self.name, self.key_id + answer), stamp

    def _post(self, body: bytes, timeout: float) -> bytes:
        try:
            answer = http_exchange(
                self.url,
                body=body,
                content_type="application/timestamp-query",
                limit=_MAX_RESPONSE,
                timeout=timeout,
            )
        except HttpUnreachableError as exc:
            raise InputError(
                f"TSA {self.name} ({self.url}) is not reachable ({exc.reason})",
                "try again later: nothing waits for it",
            ) from exc
        if not 200 <= answer.status < 300:
            raise InputError(
                f"TSA {self.name} ({self.url}) answered HTTP {answer.status}", "try again later"
            )
        if len(answer.body) > _MAX_RESPONSE:
            raise VerificationError(f"TSA {self.name} answered more than {_MAX_RESPONSE} bytes")
        return answer.body


def _strictly_formed(answer: bytes) -> bool:
    """Whether a DER TimeStampResp has exactly one form: the fields its TSA does not sign.

    The status, the structure versions and the signature algorithm lie outside what a
    TSA's signature covers; a token is kept and accepted only with the values a genuine
    one has (status "granted" alone, SignedData v3, one SignerInfo v1 or v3 without
    unsigned attributes, a signature algorithm that uses the digest algorithm), in
    canonical DER. So no byte of a kept token can change without the token failing.
    """
    from asn1crypto import tsp

    try:
        response = tsp.TimeStampResp.load(answer, strict=True)
        if response.dump(force=True) != answer:
            return False
        status = response["status"].native
        if status != {"status": "granted", "status_string": None, "fail_info": None}:
            return False
        signed = response["time_stamp_token"]["content"]
        (signer,) = signed["signer_infos"]
        digest = signer["digest_algorithm"]["algorithm"].native
        return bool(
            signed["version"].native == "v3"
            and signer["version"].native in ("v1", "v3")
            and signer["unsigned_attrs"].native is None
            and signer["signature_algorithm"].hash_algo == digest
            and [a["algorithm"].native for a in signed["digest_algorithms"]] == [digest]
        )
    except (ValueError, TypeError, KeyError):
        return False


def _verify_token(name: str, root: x509.Certificate, answer: bytes, text: bytes) -> Timestamp:
    # The signature first: it is checked in compiled code and fails fast for almost every
    # altered byte, where the strict form's round trip through asn1crypto re-encodes the
    # whole token. A token is accepted only when both pass, whichever fails first.
    import rfc3161_client

    try:
        response = rfc3161_client.decode_timestamp_response(answer)
        verifier = rfc3161_client.VerifierBuilder().add_root_certificate(root).build()
        verifier.verify_message(response, text)
    except (ValueError, rfc3161_client.VerificationError) as exc:
        raise VerificationError(f"the timestamp by TSA {name} does not verify: {exc}") from exc
    if not _strictly_formed(answer):
        raise VerificationError(f"the timestamp by TSA {name} is not a well-formed granted token")
    return Timestamp(name, response.tst_info.gen_time)


def verify_timestamps(
    note: bytes, roots: Sequence[x509.Certificate], *, source: str
) -> tuple[Timestamp, ...]:
    """The timestamps on checkpoint ``note`` by TSAs under ``roots``, each verified.

    Lines by other keys are ignored. A line that names a TSA under one of ``roots`` but
    does not verify raises :class:`VerificationError` naming ``source``.
    """
    try:
        text, signatures = split_note(note)
    except LogError as exc:
        raise VerificationError(f"{source}: {exc}") from exc
    found = []
    for signature in signatures:
        for root in roots:
            if _key_id(signature.name, root) == signature.key_id:
                try:
                    found.append(
                        _verify_token(signature.name, root, signature.raw[4:], text.encode())
                    )
                except VerificationError as exc:
                    raise VerificationError(f"{source}: {exc.message}") from exc
    return tuple(found)


@dataclass(frozen=True, slots=True)
class TimestampOutcome:
    """What one TSA did: its timestamp, or why there is none."""

    name: str
    timestamp: Timestamp | None = None
    problem: str = ""

    def to_json(self) -> dict[str, str | None]:
        """``{name, time, problem}``, the time in ISO 8601."""
        time = self.timestamp.time.isoformat() if self.timestamp else None
        return {"name": self.name, "time": time, "problem": self.problem or None}


def timestamp_checkpoint(
    archive: Archive, *, timeout: float = 10.0, missing_only: bool = False
) -> tuple[int, tuple[TimestampOutcome, ...]]:
    """Timestamp the current checkpoint with every configured TSA; keep the tokens on it.

    With ``missing_only``, TSAs whose token the checkpoint already carries are not asked
    again. Returns the checkpoint's size and each TSA's outcome. A TSA that is down or
    answers something that does not verify is reported, never raised, and changes nothing.
    """
    authorities = [TimestampAuthority.parse(e) for e in archive.config.timestamp_authorities]
    note = archive.checkpoint_note()
    if missing_only:
        present = {(s.name, s.key_id) for s in split_note(note)[1]}
        authorities = [t for t in authorities if (t.name, t.key_id) not in present]
    outcomes, lines = [], []
    for tsa in authorities:
        try:
            line, stamp = tsa.timestamp(note, timeout=timeout)
        except (InputError, VerificationError) as exc:
            outcomes.append(TimestampOutcome(tsa.name, problem=str(exc)))
        else:
            lines.append(line)
            outcomes.append(TimestampOutcome(tsa.name, stamp))
    if lines:
        archive.add_checkpoint_signatures(note, lines)
    return Checkpoint.from_text(split_note(note)[0]).tree_size, tuple(outcomes)
