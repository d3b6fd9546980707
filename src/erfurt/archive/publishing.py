"""The log published to an S3 bucket: copied file by file, the checkpoint last; read back."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.errors import IntegrityError
from erfurt.log import CHECKPOINT, KEPT_CHECKPOINTS, MAX_FILE, CorruptLogError, open_checkpoint
from erfurt.objectstore import ObjectStore, S3Location

__all__ = ["LogPublication", "S3TileStore", "publish_log"]

_PARALLEL_UPLOADS = 8
_MD5 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class LogPublication:
    """What :func:`publish_log` did: files put now, files already there, the size published."""

    destination: str
    uploaded: int
    already: int
    tree_size: int


class S3TileStore:
    """A read-only :class:`~erfurt.log.tiles.TileStore` over a log published under an S3 prefix."""

    def __init__(self, url: str) -> None:
        self._objects = ObjectStore(S3Location.parse(url, setting="the published log"))

    def __str__(self) -> str:
        return str(self._objects)

    def read(self, path: str) -> bytes | None:
        """The object's bytes, or None; raises CorruptLogError for one larger than any log file."""
        data = self._objects.get(path, limit=MAX_FILE)
        if data is not None and len(data) > MAX_FILE:
            raise CorruptLogError(f"{path}: larger than any file of a tiled log can be")
        return data

    def list_widths(self, partial_dir: str) -> Iterator[int]:
        """The widths of the partial files under ``partial_dir``."""
        for name in self._objects.list(partial_dir):
            width = name.rpartition("/")[2]
            if width.isascii() and width.isdigit():
                yield int(width)


def publish_log(archive: Archive, url: str) -> LogPublication:
    """Copy the archive's log folder to ``url`` (``s3://bucket/prefix``), keeping its paths.

    The checkpoint is read first and put last, so whoever reads the published copy
    never sees a checkpoint whose tiles are not there yet. Tiles and entry bundles are
    immutable: each is put with ``If-None-Match: *`` unless the store lists it already,
    so publishing again uploads only what is new or was lost, and never overwrites: an
    object listed whose ETag (the MD5 of its bytes, where the store says so) differs
    from the file is an :class:`IntegrityError`. The kept checkpoints (which gain
    cosignatures) are put again when their bytes changed.
    Raises :class:`StorageError` when the store fails after retries.
    """
    objects = ObjectStore(S3Location.parse(url, setting="publish"))
    log = archive.paths.log
    note = archive.checkpoint_note()
    listed = objects.etags()
    new: list[str] = []
    changed: list[str] = []
    already = 0
    for relative in _log_files(log):
        if relative == CHECKPOINT:
            continue
        if relative not in listed:
            new.append(relative)
        elif _same_etag(listed[relative], log / relative):
            already += 1
        else:
            if not relative.startswith(f"{KEPT_CHECKPOINTS}/"):
                raise IntegrityError(
                    f"{objects.url(relative)} holds other bytes than {log / relative}; "
                    "it was not overwritten",
                    "the store altered it, or another log was published there: check it "
                    "with `erfurt log check --published`, and publish to an empty prefix",
                )
            changed.append(relative)  # a kept checkpoint that gained signatures

    def put(relative: str) -> bool:
        try:
            return objects.put_immutable(relative, log / relative)
        except FileNotFoundError:  # a partial file the writer replaced by its full tile
            return False

    with ThreadPoolExecutor(_PARALLEL_UPLOADS) as pool:
        uploaded = sum(pool.map(put, new))
    for relative in changed:
        objects.put(relative, (log / relative).read_bytes())
    objects.put(CHECKPOINT, note)
    size = open_checkpoint(note, archive.verifier).tree_size
    return LogPublication(str(objects), uploaded + len(changed), already, size)


def _same_etag(etag: str, path: Path) -> bool:
    """Whether the file's bytes match an object's ETag (an ETag that is no MD5 matches)."""
    if not _MD5.fullmatch(etag):  # multipart or encrypted: not a digest of the bytes
        return True
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # a partial file the writer replaced by its full tile
        return True
    return hashlib.md5(data, usedforsecurity=False).hexdigest() == etag


def _log_files(root: Path) -> Iterator[str]:
    """The log folder's files, as paths relative to it (hidden writer state left out)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder, name).relative_to(root).as_posix()
