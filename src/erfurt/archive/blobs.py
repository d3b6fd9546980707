"""Content-addressed blobs: original bytes, written once, named by their SHA-256.

Where committed blobs live is a :class:`BlobPlace`: the archive's ``blobs/`` folder
(:class:`FolderPlace`), or an S3 bucket (:mod:`erfurt.archive.s3blobs`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from erfurt.archive.paths import ArchivePaths
from erfurt.archive.s3blobs import BucketPlace
from erfurt.config import ArchiveConfig
from erfurt.errors import InputError, IntegrityError
from erfurt.log import IO_THREADS, io_threads, make_durable, syncs_filesystem

__all__ = [
    "HELD_BLOB_BYTES",
    "KEPT_BATCH_BYTES",
    "KEPT_BLOB_BYTES",
    "BlobPlace",
    "BlobReader",
    "BlobRef",
    "BlobStore",
    "FolderPlace",
    "KeptFirst",
    "StagedBlobs",
    "is_sha256",
    "open_blob_store",
]

_CHUNK = 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


def is_sha256(text: str) -> bool:
    """Whether ``text`` is a SHA-256 digest in lower-case hex."""
    return bool(_HEX64.fullmatch(text))


@dataclass(frozen=True, slots=True)
class BlobRef:
    """A stored blob: its SHA-256 (lower-case hex) and size in bytes."""

    sha256: str
    size: int


class BlobReader(Protocol):
    """What views may do with blobs: read them."""

    def read_blob(self, sha256: str) -> bytes:
        """The bytes of a blob; raises :class:`IntegrityError` if it is missing."""
        ...


class BlobPlace(Protocol):
    """Where committed blobs live, each under its path in the blobs folder (``ab/cd/<sha256>``)."""

    def exists(self, sha256: str) -> bool:
        """Whether the blob is there."""
        ...

    def local_file(self, sha256: str) -> Path | None:
        """A local file holding the blob's bytes (fetched first if need be), or None."""
        ...

    def read(self, sha256: str) -> bytes | None:
        """The bytes held as the blob (fetched first if need be), or None."""
        ...

    def store(self, staged: Mapping[str, Path]) -> None:
        """Make each staged temp file (by SHA-256) durable as its blob; consumes them."""
        ...

    def stored_digest(self, sha256: str) -> tuple[str, int] | None:
        """The SHA-256 and size of the bytes held as the blob (read again), or None."""
        ...


class FolderPlace:
    """Blobs on the local filesystem, under ``ARCHIVE/blobs/ab/cd/<sha256>``.

    :meth:`store` makes every temp file durable, renames each into place, then makes
    each folder whose entries changed durable once, however many blobs went into it
    (:func:`~erfurt.log.make_durable`: a batch of many by one sync of the filesystem,
    else an fsync each, in parallel threads).
    """

    def __init__(self, paths: ArchivePaths) -> None:
        self._paths = paths

    def __str__(self) -> str:
        return str(self._paths.blobs)

    def exists(self, sha256: str) -> bool:
        """Whether the blob's file is there."""
        return os.path.isfile(self._paths.blob_file(sha256))

    def local_file(self, sha256: str) -> Path | None:
        """The blob's file, if it is there."""
        name = self._paths.blob_file(sha256)
        return Path(name) if os.path.isfile(name) else None

    def read(self, sha256: str) -> bytes | None:
        """The bytes of the blob's file, or None if it is not there."""
        try:
            # Unbuffered: one read of the whole file; the search view reads a text per
            # document, and pathlib's way cost twice the system calls' time.
            with open(self._paths.blob_file(sha256), "rb", buffering=0) as stream:
                return stream.readall()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # as isfile() says of a path that is not a file

    def stored_digest(self, sha256: str) -> tuple[str, int] | None:
        """The SHA-256 and size of the blob's file, read again in chunks; None if missing."""
        path = self.local_file(sha256)
        if path is None:
            return None
        with path.open("rb") as stream:
            return _digest_of(stream)

    def store(self, staged: Mapping[str, Path], *, synced: Collection[str] = ()) -> None:
        """Make the temp files durable (but those of the blobs ``synced`` names, fsync'd
        when they were written), rename them into place, read-only, and make the folders
        whose entries changed durable (:func:`~erfurt.log.make_durable`: a batch of many
        by one sync of the filesystem); raises OSError if the disk fails.

        The bytes are durable before any name points to them: a crash between the two
        leaves no blob whose file holds less than its name says."""
        make_durable(
            [tmp for sha256, tmp in staged.items() if sha256 not in synced], self._paths.tmp
        )
        changed: set[str] = set()
        for sha256, tmp in staged.items():
            target = self._paths.blob_file(sha256)
            if os.path.exists(target):  # another writer stored it meanwhile
                tmp.unlink()
                continue
            folder = os.path.dirname(target)
            _make_dirs(folder, changed)
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
            changed.add(folder)
        make_durable(changed, self._paths.tmp)  # the filesystem the temps were renamed on


class BlobStore:
    """Blobs in a :class:`BlobPlace`, staged in ``ARCHIVE/tmp`` first.

    Writes go to a temporary file in ``ARCHIVE/tmp`` and are then made durable in their
    place, so a blob either exists whole or not at all; :meth:`staged` does it for a
    batch of blobs at once. A blob is never rewritten.
    """

    def __init__(self, paths: ArchivePaths, place: BlobPlace | None = None) -> None:
        self._paths = paths
        self._place = place or FolderPlace(paths)

    def put_stream(self, stream: BinaryIO, *, limit: int | None = None) -> BlobRef:
        """Store everything read from ``stream`` durably; idempotent.

        Raises :class:`InputError` when more than ``limit`` bytes arrive (nothing is kept).
        """
        staged = self.staged()
        try:
            ref = staged.put_stream(stream, limit=limit)
            staged.commit()
        finally:
            staged.discard()
        return ref

    def staged(self) -> StagedBlobs:
        """A batch of blobs written at once and made durable together (see :class:`StagedBlobs`)."""
        return StagedBlobs(self._paths, self._place)

    def put_file(self, path: Path, *, limit: int | None = None) -> BlobRef:
        """Store the bytes of the file at ``path``; raises :class:`OSError` if unreadable."""
        with path.open("rb") as stream:
            return self.put_stream(stream, limit=limit)

    def put_bytes(self, data: bytes) -> BlobRef:
        """Store ``data``."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.has(sha256):
            return BlobRef(sha256, len(data))
        return self.put_stream(io.BytesIO(data))

    def has(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return is_sha256(sha256) and self._place.exists(sha256)

    def path(self, sha256: str) -> Path:
        """A local file holding the blob; raises :class:`IntegrityError` if it is missing."""
        _require_sha256(sha256)
        path = self._place.local_file(sha256)
        if path is None:
            raise _missing(sha256, self._place)
        return path

    def read_blob(self, sha256: str) -> bytes:
        """The bytes of a blob, checked against its name.

        Raises :class:`IntegrityError` if the blob is missing or its bytes do not hash to
        its name.
        """
        _require_sha256(sha256)
        data = self._place.read(sha256)
        if data is None:
            raise _missing(sha256, self._place)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise _altered(sha256)
        return data

    def check(self, sha256: str) -> int:
        """Re-hash the blob where it is stored (never a cached copy); returns its size.

        Raises :class:`IntegrityError` if it is missing or altered.
        """
        _require_sha256(sha256)
        stored = self._place.stored_digest(sha256)
        if stored is None:
            raise _missing(sha256, self._place)
        if stored[0] != sha256:
            raise _altered(sha256)
        return stored[1]

    def open_checked(self, sha256: str) -> BinaryIO:
        """The blob's file, open at its start once its bytes were re-hashed to its name.

        Read in chunks (never whole into memory), and served from this open file, so a
        file put in its place after the check is not what is read. Raises
        :class:`IntegrityError` if the blob is altered, OSError if it is missing.
        """
        stream = self.path(sha256).open("rb")
        if _digest_of(stream)[0] != sha256:
            stream.close()
            raise _altered(sha256)
        stream.seek(0)
        return stream


def open_blob_store(paths: ArchivePaths, config: ArchiveConfig) -> BlobStore:
    """The archive's blobs: in its ``blobs/`` folder, or in the S3 bucket ``blobs`` names.

    Raises :class:`ConfigError` if the ``blobs`` setting is not an ``s3://`` address.
    """
    if config.blobs:
        return BlobStore(paths, BucketPlace(config.blobs, paths))
    return BlobStore(paths)


KEPT_BLOB_BYTES = 1 << 20
"""The largest blob given to :meth:`StagedBlobs.put_bytes` whose bytes a batch keeps in
memory for the views (extracted texts, mostly), so they are not read back from disk."""

KEPT_BATCH_BYTES = 32 << 20
"""How many such bytes one batch keeps at most; blobs past it are read back as before."""


class KeptFirst:
    """A :class:`BlobReader` that answers from bytes in memory (hashed when they were
    staged, so they are the blob's), and from ``stored`` for any other blob."""

    def __init__(self, kept: Mapping[str, bytes], stored: BlobReader) -> None:
        self._kept = kept
        self._stored = stored

    def read_blob(self, sha256: str) -> bytes:
        """The blob's bytes: kept ones as they were staged, others read from ``stored``."""
        data = self._kept.get(sha256)
        return self._stored.read_blob(sha256) if data is None else data


HELD_BLOB_BYTES = 256 * 1024
"""The largest blob :class:`StagedBlobs` holds in memory until its commit, which writes
it to its temp file in parallel threads (a small file then costs the staging thread no
file creation, which waits on the filesystem's journal when other writers fsync)."""

HELD_BATCH_BYTES = 32 << 20
"""How many bytes one batch holds in memory at most; blobs past it go to temp files at once."""


class StagedBlobs:
    """Blobs of one batch, all made durable together.

    A small blob (up to :data:`HELD_BLOB_BYTES`, :data:`HELD_BATCH_BYTES` a batch) is
    held in memory; a larger one is written to a temp file in ``ARCHIVE/tmp`` at once.
    :meth:`commit` writes the held ones to temp files (in parallel threads) and hands
    every temp file to the :class:`BlobPlace`. Until then a staged blob is read from
    memory (:meth:`held`) or its temp file (:meth:`path`). Records that cite the blobs
    may be logged only once :meth:`commit` has returned; a crash before leaves at most
    temp files in ``ARCHIVE/tmp`` and nothing the log points to. The bytes of small
    blobs given to :meth:`put_bytes` (up to :data:`KEPT_BLOB_BYTES` each,
    :data:`KEPT_BATCH_BYTES` in all) are kept until :meth:`commit`, which hands them
    over for the views.
    """

    def __init__(self, paths: ArchivePaths, place: BlobPlace) -> None:
        self._paths = paths
        self._place = place
        self._staged: dict[str, Path] = {}
        self._held: dict[str, bytes] = {}
        self._held_bytes = 0
        self._synced: set[str] = set()  # staged blobs whose temp files are fsync'd
        self._kept: dict[str, bytes] = {}
        self._kept_bytes = 0

    def __len__(self) -> int:
        return len(self._staged) + len(self._held)

    def _known(self, sha256: str) -> bool:
        return sha256 in self._held or sha256 in self._staged or self._place.exists(sha256)

    def put_stream(self, stream: BinaryIO, *, limit: int | None = None) -> BlobRef:
        """Stage everything read from ``stream``, hashing it on the way.

        A blob already stored or staged keeps no second copy. Raises :class:`InputError`
        when more than ``limit`` bytes arrive (nothing is kept).
        """
        first = _read_up_to(stream, HELD_BLOB_BYTES + 1)
        if limit is not None and len(first) > limit:
            raise _too_large(limit)
        if self._fits(first):
            ref = BlobRef(hashlib.sha256(first).hexdigest(), len(first))
            if not self._known(ref.sha256):
                self._hold(ref.sha256, first)
            return ref
        return self._put_to_file(first, stream, limit)

    def _fits(self, data: bytes) -> bool:
        """Whether ``data`` may be held in memory until the commit."""
        return len(data) <= HELD_BLOB_BYTES and self._held_bytes + len(data) <= HELD_BATCH_BYTES

    def _hold(self, sha256: str, data: bytes) -> None:
        self._held[sha256] = data
        self._held_bytes += len(data)

    def _put_to_file(self, first: bytes, stream: BinaryIO, limit: int | None) -> BlobRef:
        """Write ``first`` and the rest of ``stream`` to a temp file, hashing on the way."""
        self._paths.tmp.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(first), len(first)
        fd, tmp_name = tempfile.mkstemp(dir=self._paths.tmp, prefix="blob-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(first)
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise _too_large(limit)
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        ref = BlobRef(digest.hexdigest(), size)
        if self._known(ref.sha256):
            tmp.unlink()
        else:
            self._staged[ref.sha256] = tmp
        return ref

    def put_bytes(self, data: bytes) -> BlobRef:
        """Stage ``data``, keeping it in memory for the views if it is small enough."""
        sha256 = hashlib.sha256(data).hexdigest()
        room = KEPT_BATCH_BYTES - self._kept_bytes
        if len(data) <= min(KEPT_BLOB_BYTES, room) and sha256 not in self._kept:
            self._kept[sha256] = data
            self._kept_bytes += len(data)
        if self._known(sha256):
            return BlobRef(sha256, len(data))
        if self._fits(data):  # hashed and looked up once, not again as a stream
            self._hold(sha256, data)
            return BlobRef(sha256, len(data))
        return self.put_stream(io.BytesIO(data))

    def held(self, sha256: str) -> bytes | None:
        """The bytes of a blob this batch holds in memory (new, small), else None."""
        return self._held.get(sha256)

    def path(self, sha256: str) -> Path:
        """Where the blob's bytes are now: its temp file until committed (a held blob is
        written to one first), else the store's local file (fetched if need be)."""
        if sha256 in self._held:
            self._write_held({sha256: self._held.pop(sha256)})
        staged = self._staged.get(sha256)
        if staged is not None:
            return staged
        return self._place.local_file(sha256) or self._paths.blob(sha256)

    def commit(self) -> dict[str, bytes]:
        """Make every staged blob durable in its place; return the kept bytes of the
        batch's small blobs, by digest, and forget them (the next batch keeps its own).

        Raises OSError if the disk fails, :class:`StorageError` if the object store does.
        """
        if self._held:
            held, self._held, self._held_bytes = self._held, {}, 0
            self._write_held(held)
        if self._staged:
            if isinstance(self._place, FolderPlace):
                self._place.store(self._staged, synced=self._synced)
            else:
                self._place.store(self._staged)
            self._staged.clear()
            self._synced.clear()
        kept, self._kept, self._kept_bytes = self._kept, {}, 0
        return kept

    def _write_held(self, held: Mapping[str, bytes]) -> None:
        """Write held blobs to temp files and stage them: fsync'd, a share in each of
        the I/O threads, unless the batch is large enough to be made durable by one sync
        of the filesystem when stored (then in this thread). Raises OSError if one
        cannot be written (then none is kept)."""
        self._paths.tmp.mkdir(parents=True, exist_ok=True)
        prefix = f"blob-{os.getpid()}-{id(self):x}-"
        items = list(held.items())
        # Many files are made durable together when stored: no fsync of each one here,
        # and so none to wait for in parallel. Threads would only hand the work around
        # and contend for the folder as they create files in it (10,000 small files:
        # 0.4 s more system time for `add`'s writer in 8 threads than in one).
        fsync = not syncs_filesystem(len(items))
        write = functools.partial(_write_temps, self._paths.tmp, prefix, fsync=fsync)
        if fsync:
            shares = [items[n::IO_THREADS] for n in range(min(IO_THREADS, len(items)))]
            results = list(io_threads().map(write, shares))
        else:
            results = [write(items)]
        written: dict[str, Path] = {}
        failures: list[OSError] = []
        for paths, failure in results:
            written.update(paths)
            failures += [failure] if failure is not None else []
        if failures:
            for path in written.values():
                path.unlink(missing_ok=True)
            raise failures[0]
        self._staged.update(written)
        if fsync:
            self._synced.update(written)

    def discard(self) -> None:
        """Delete the temp files of blobs not committed, and forget the held ones."""
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()
        self._synced.clear()
        self._held, self._held_bytes = {}, 0
        self._kept, self._kept_bytes = {}, 0


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``: fewer only at its end (a pipe may give less)."""
    parts: list[bytes] = []
    have = 0
    while have < size and (chunk := stream.read(size - have)):
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def _write_temps(
    folder: Path, prefix: str, items: list[tuple[str, bytes]], *, fsync: bool
) -> tuple[dict[str, Path], OSError | None]:
    """Write (and ``fsync``) each blob's bytes to a new owner-only file in ``folder`` (as
    ``mkstemp`` makes them; the place makes them read-only): their paths by digest, and
    the error that stopped it (the files written are returned, for the caller to
    delete; a file half written is deleted here)."""
    written: dict[str, Path] = {}
    start = os.path.join(folder, prefix)  # names as strings: pathlib costs more than the write
    for sha256, data in items:
        name = start + sha256[:16]
        try:
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # left by a process of the same id that crashed
                fd, name = tempfile.mkstemp(dir=folder, prefix="blob-")
        except OSError as exc:
            return written, exc
        try:
            try:
                left = memoryview(data)
                while left:
                    left = left[os.write(fd, left) :]
                if fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            return written, exc
        written[sha256] = Path(name)
    return written, None


def _too_large(limit: int) -> InputError:
    return InputError(
        f"larger than the {limit:,}-byte limit",
        "raise max_file_size in erfurt.toml if this file belongs here",
    )


def _digest_of(stream: BinaryIO) -> tuple[str, int]:
    """The SHA-256 (hex) and length of what is left in ``stream``, read in chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _require_sha256(sha256: str) -> None:
    if not is_sha256(sha256):
        raise InputError(f"{sha256!r} is not a SHA-256 digest in hex")


def _missing(sha256: str, place: BlobPlace) -> IntegrityError:
    return IntegrityError(
        f"blob {sha256} is missing from {place}",
        "restore it from a backup, or add the original again (it is put back under its "
        "name); `erfurt log check` lists what is missing",
    )


def _altered(sha256: str) -> IntegrityError:
    return IntegrityError(
        f"blob {sha256} has been altered: its bytes no longer hash to its name",
        "restore it from a backup; the log still proves what it was",
    )


def _make_dirs(path: str, changed: set[str]) -> None:
    """Create the folder ``path`` and its missing parents, noting each folder whose
    entries changed.

    Without an fsync of those, a crash could lose a new ``blobs/ab`` entry, and with it
    every blob under it that the log already points to. One ``mkdir`` when the parent
    exists (each new blob's ``ab/cd`` folder): asking first cost more calls than making.
    """
    if not path:  # "": the working folder, as dirname gives it
        return
    parent = os.path.dirname(path)
    try:
        os.mkdir(path)
    except FileExistsError:
        return
    except FileNotFoundError:
        _make_dirs(parent, changed)
        # A parallel writer may have made it meanwhile: fsync anyway, as it may not have yet.
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
    changed.add(parent)
