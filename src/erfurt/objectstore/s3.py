"""One S3 bucket prefix: immutable objects put once, with ``If-None-Match: *``, read back.

Credentials and the endpoint come from the standard AWS configuration (environment,
``~/.aws/config``, an instance role: botocore's chain, with ``AWS_ENDPOINT_URL_S3`` or
``AWS_ENDPOINT_URL`` for a store other than AWS). Nothing here is ever written to the
archive, and messages never carry a secret.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erfurt.errors import ConfigError, IntegrityError, StorageError

__all__ = ["ObjectStore", "S3Location", "is_s3_url"]

_CHUNK = 1024 * 1024
_ATTEMPTS = 6
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_STORE_HINT = (
    "check that the store is reachable and the bucket exists, and the credentials in the "
    "environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_ENDPOINT_URL_S3); then run it again: "
    "nothing written twice"
)


def is_s3_url(text: str) -> bool:
    """Whether ``text`` names an S3 location (``s3://bucket[/prefix]``)."""
    return text.startswith("s3://")


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and a key prefix (no leading or trailing slash; may be empty)."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str, *, setting: str = "the address") -> S3Location:
        """Parse ``s3://bucket/prefix``; raises :class:`ConfigError` if it is not one.

        An address carrying credentials (``user:secret@``, a query) is refused: they
        would be stored in ``erfurt.toml`` and shown in messages.
        """
        hint = "write s3://BUCKET/PREFIX; credentials come from the AWS environment only"
        if not is_s3_url(url):
            raise ConfigError(f"{setting} {url!r} is not an s3:// address", hint)
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if "@" in bucket or "?" in url or "#" in url:
            raise ConfigError(f"{setting} must not carry credentials or a query", hint)
        if not _BUCKET.fullmatch(bucket):
            raise ConfigError(f"{setting} {url!r} does not name a valid bucket", hint)
        prefix = prefix.strip("/")
        if any(part in {"", ".", ".."} for part in prefix.split("/")) and prefix:
            raise ConfigError(f"{setting} {url!r} has an empty or relative path part", hint)
        return cls(bucket, prefix)

    def key(self, relative: str) -> str:
        """The object key of ``relative`` (a path inside the prefix, with ``/``)."""
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


class ObjectStore:
    """Objects under one :class:`S3Location`, named by paths relative to it.

    Every request is retried by botocore's ``standard`` mode (throttling, 5xx, dropped
    connections, with exponential backoff and jitter), tried ``attempts`` times in all
    (default: the AWS configuration's ``max_attempts``, ``AWS_MAX_ATTEMPTS``, else 6); then a
    :class:`StorageError` names the object and what the store said. Immutable objects are
    put with ``If-None-Match: *``, so a retried upload never overwrites: a refusal is
    fine when the object there has the same bytes, an :class:`IntegrityError` otherwise.
    """

    def __init__(self, location: S3Location, *, attempts: int | None = None) -> None:
        # Imported here: boto3 takes about a second to import, which only an archive
        # that uses S3 should pay.
        import boto3
        import botocore.session
        from botocore.config import Config

        self.location = location
        core = botocore.session.get_session()
        core.register_component("data_loader", _shared_loader())
        configured = core.get_config_variable("max_attempts")
        attempts = attempts or (int(configured) if configured else _ATTEMPTS)
        config = Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            # Stores other than AWS often reject the newer default CRC trailers; blobs
            # and log files are checked by their own hashes anyway.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            max_pool_connections=16,
        )
        self._session = boto3.session.Session(botocore_session=core)
        self._client: Any = self._session.client("s3", config=config)

    def __str__(self) -> str:
        return str(self.location)

    def url(self, relative: str) -> str:
        """The ``s3://`` address of one object, for messages."""
        return f"s3://{self.location.bucket}/{self.location.key(relative)}"

    def put_immutable(self, relative: str, source: Path | bytes) -> bool:
        """Store an object that may never change; returns whether it was written now.

        Already there with the same bytes (an earlier or retried upload): False. Already
        there with other bytes: :class:`IntegrityError`, and the object is left as it is.
        """
        digest = _sha256_of(source)
        try:
            if isinstance(source, bytes):
                self._request(relative, "put_object", Body=source, IfNoneMatch="*")
            else:
                with source.open("rb") as body:
                    self._request(relative, "put_object", Body=body, IfNoneMatch="*")
            return True
        except _Refused:
            pass
        stored = self.digest(relative)
        if stored is None or stored[0] != digest:
            raise IntegrityError(
                f"{self.url(relative)} already exists with other bytes; it was not overwritten",
                "someone else wrote to this prefix, or the store altered it: compare it with "
                "the archive's copy and `erfurt log check`",
            )
        return False

    def put(self, relative: str, data: bytes) -> None:
        """Store or replace a small object that changes (a checkpoint)."""
        self._request(relative, "put_object", Body=data)

    def get(self, relative: str, *, limit: int | None = None) -> bytes | None:
        """The object's bytes, or None if there is none.

        With ``limit``, at most ``limit + 1`` bytes are read (so a caller can tell an
        object too large from one that fits without holding all of it).
        """
        try:
            response = self._request(relative, "get_object")
        except _Missing:
            return None
        body = response["Body"]
        try:
            return bytes(body.read() if limit is None else body.read(limit + 1))
        finally:
            body.close()

    def download(self, relative: str, target: Path) -> bool:
        """Write the object to ``target`` whole (via a temp file beside it); False if none."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".download-")
        try:
            with os.fdopen(fd, "wb") as out:
                if not self._copy_to(relative, out):
                    return False
            os.replace(tmp, target)
            return True
        finally:
            Path(tmp).unlink(missing_ok=True)

    def digest(self, relative: str) -> tuple[str, int] | None:
        """The SHA-256 (hex) and size of the object's bytes, streamed; None if none."""
        hasher = _Hasher()
        if not self._copy_to(relative, hasher):
            return None
        return hasher.digest.hexdigest(), hasher.size

    def exists(self, relative: str) -> bool:
        """Whether the object is there."""
        try:
            self._request(relative, "head_object")
        except _Missing:
            return False
        return True

    def etags(self) -> dict[str, str]:
        """Every object under the prefix: its relative path and ETag (the MD5 of its bytes,
        for objects put whole, on AWS and most stores; anything else on some)."""
        return dict(self._listing(""))

    def list(self, under: str = "") -> Iterator[str]:
        """The relative paths of the objects under ``under`` (a folder, or everything)."""
        for relative, _ in self._listing(under):
            yield relative

    def _listing(self, under: str) -> Iterator[tuple[str, str]]:
        prefix = self.location.key(under.strip("/") + "/" if under else "")
        strip = len(self.location.key(""))
        from botocore.exceptions import BotoCoreError, ClientError

        paginator = self._client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.location.bucket, Prefix=prefix):
                for item in page.get("Contents", ()):
                    yield str(item["Key"])[strip:], str(item.get("ETag", "")).strip('"')
        except (ClientError, BotoCoreError) as exc:
            raise self._error(under or ".", exc) from None

    def _copy_to(self, relative: str, out: Any) -> bool:
        try:
            response = self._request(relative, "get_object")
        except _Missing:
            return False
        body = response["Body"]
        try:
            for chunk in body.iter_chunks(_CHUNK):
                out.write(chunk)
        finally:
            body.close()
        return True

    def _request(self, relative: str, operation: str, **params: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        call = getattr(self._client, operation)
        try:
            return call(Bucket=self.location.bucket, Key=self.location.key(relative), **params)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = exc.response.get("Error", {}).get("Code")
            if status == 412 or code == "PreconditionFailed":
                raise _Refused from None
            if code in {"NoSuchKey", "404", "NotFound"}:  # not NoSuchBucket
                raise _Missing from None
            raise self._error(relative, exc) from None
        except BotoCoreError as exc:
            raise self._error(relative, exc) from None

    def _error(self, relative: str, exc: Exception) -> StorageError:
        from botocore.exceptions import ClientError, NoCredentialsError

        if isinstance(exc, NoCredentialsError):
            return StorageError(
                f"{self.url(relative)}: no S3 credentials found",
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, in the "
                "environment (never in erfurt.toml)",
            )
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            said = f"{error.get('Code', '?')}: {error.get('Message', '')}".rstrip(": ")
        else:
            said = type(exc).__name__ + (f": {exc}" if str(exc) else "")
        return StorageError(f"{self.url(relative)}: {self._scrub(said)}", _STORE_HINT)

    def _scrub(self, text: str) -> str:
        """``text`` without the secret key or session token, should a store echo one."""
        credentials = self._session.get_credentials()
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            for secret in (frozen.secret_key, frozen.token):
                if secret:
                    text = text.replace(secret, "[secret]")
        return text


@functools.cache
def _shared_loader() -> Any:
    """botocore's loader of service models, kept for the process: each session would
    otherwise parse the S3 model's JSON again (a good part of making a client)."""
    import botocore.loaders

    return botocore.loaders.create_loader()


class _Refused(Exception):
    """The store refused a conditional put: the object exists."""


class _Missing(Exception):
    """The store has no such object."""


class _Hasher:
    """A writable sink that only hashes and counts what is written to it."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)


def _sha256_of(source: Path | bytes) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
