"""Blobs in an S3 bucket (``blobs = "s3://bucket/prefix"``), read through a local cache."""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from erfurt.archive.paths import ArchivePaths
from erfurt.objectstore import ObjectStore, S3Location

__all__ = ["BucketPlace"]

_PARALLEL_UPLOADS = 8


class BucketPlace:
    """A :class:`~erfurt.archive.blobs.BlobPlace` in S3, keyed as in the blobs folder.

    A blob is the object ``<prefix>/ab/cd/<sha256>``, put with ``If-None-Match: *``
    (never overwritten; a retried upload of the same bytes is no duplicate). Blobs are
    put several at once, and a batch is acknowledged only once every upload was. Once
    uploaded, a temp file becomes the blob's copy in ``ARCHIVE/cache/blobs`` (which the
    extraction that follows reads); a blob not cached is downloaded there when a local
    file is asked for. The cache may be deleted at any time.
    """

    def __init__(self, url: str, paths: ArchivePaths) -> None:
        self._objects = ObjectStore(S3Location.parse(url, setting="blobs"))
        self._paths = paths

    def __str__(self) -> str:
        return str(self._objects)

    def _key(self, sha256: str) -> str:
        return self._paths.blob(sha256).relative_to(self._paths.blobs).as_posix()

    def _cached(self, sha256: str) -> Path:
        return self._paths.blob_cache / self._key(sha256)

    def exists(self, sha256: str) -> bool:
        """Whether the store has the blob (asked of the store, never of the cache)."""
        return self._objects.exists(self._key(sha256))

    def local_file(self, sha256: str) -> Path | None:
        """The cached copy, downloaded first if need be; None if the store has no blob."""
        cached = self._cached(sha256)
        if cached.is_file() or self._objects.download(self._key(sha256), cached):
            return cached
        return None

    def read(self, sha256: str) -> bytes | None:
        """The bytes of the cached copy (downloaded first if need be), or None."""
        cached = self.local_file(sha256)
        return None if cached is None else cached.read_bytes()

    def stored_digest(self, sha256: str) -> tuple[str, int] | None:
        """The SHA-256 and size of the object in the store (downloaded and hashed)."""
        return self._objects.digest(self._key(sha256))

    def store(self, staged: Mapping[str, Path]) -> None:
        """Upload every staged temp file, then keep each as the blob's cached copy.

        Raises :class:`StorageError` when the store fails after retries, and
        :class:`IntegrityError` when it holds other bytes under a blob's name.
        """
        with ThreadPoolExecutor(_PARALLEL_UPLOADS) as pool:
            list(
                pool.map(
                    lambda item: self._objects.put_immutable(self._key(item[0]), item[1]),
                    staged.items(),
                )
            )
        for sha256, tmp in staged.items():
            cached = self._cached(sha256)
            cached.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, cached)
