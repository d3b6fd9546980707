"""Evidence packages on the web: export one as a zip, verify an uploaded one on the server.

A package is the BagIt folder ``erfurt export`` writes; over HTTP it travels as a zip of
that folder. An uploaded zip is hostile until proved otherwise: it is stored within a size
limit, and unpacked member by member into a private scratch folder, refusing links, names
that leave the folder, more members than a package can hold and more bytes than were sent
(counted as they are written, never trusting declared sizes). Then ``verify_package``
decides, against this archive's own key.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from erfurt.archive import Archive, PackageCheck, export_package, verify_package
from erfurt.errors import InputError, VerificationError
from erfurt.redaction import published_record

MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 64  # tag files, data files and the originals a record cites
_CHUNK = 1024 * 1024
_TAMPERED = "an evidence package holds only the files `erfurt export` writes: do not trust it"
_NOT_A_ZIP = (
    "export the package from its document page (a .zip), or zip the folder `erfurt export` wrote"
)
# What zipfile raises for a hostile zip besides BadZipFile: an entry of a later "version"
# (NotImplementedError), offsets and sizes past the end (OSError, ValueError,
# OverflowError), a member cut short (EOFError).
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    OSError,
    ValueError,
    OverflowError,
    EOFError,
)


def new_scratch(archive: Archive) -> Path:
    """A new private folder inside the archive's ``private/`` (owner-only, never published);
    the caller removes it with :func:`remove_scratch`.
    """
    archive.paths.private.mkdir(mode=0o700, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="web-evidence-", dir=archive.paths.private))


def remove_scratch(folder: Path) -> None:
    """Remove a scratch folder and everything in it."""
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch(archive: Archive) -> Iterator[Path]:
    """A scratch folder for the duration of a block."""
    folder = new_scratch(archive)
    try:
        yield folder
    finally:
        remove_scratch(folder)


def export_zip(archive: Archive, index: int, folder: Path) -> Path:
    """Export record ``index``'s evidence package and zip it (as ``record-N/...``).

    A redacted document's package is its redaction record's (``erfurt.redaction``).
    """
    package = export_package(archive, published_record(archive, index), folder / f"record-{index}")
    out = folder / f"record-{index}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(folder).as_posix())
    return out


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    path = PurePosixPath(name)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise VerificationError(f"the package holds a symbolic link ({name!r})", _TAMPERED)
    if (
        "\\" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.rstrip("/").split("/"))
    ):
        raise VerificationError(f"the package holds a member named {name!r}", _TAMPERED)
    return path


def unpack(zip_path: Path, into: Path, limit: int) -> Path:
    """Unpack an uploaded package zip safely; returns the package folder.

    Raises :class:`VerificationError` for a member that is a link or leaves the folder,
    too many members, or more than ``limit`` bytes unpacked; :class:`InputError` for a
    file that is not a zip.
    """
    try:
        zipped = zipfile.ZipFile(zip_path)
    except _UNREADABLE as exc:
        raise InputError(f"the file is not a zip ({exc})", _NOT_A_ZIP) from exc
    with zipped:
        members = zipped.infolist()
        if len(members) > MAX_MEMBERS:
            raise VerificationError(
                f"the package holds {len(members)} members, more than a package can", _TAMPERED
            )
        written = 0
        for info in members:
            relative = _member_path(info)
            target = into.joinpath(*relative.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zipped.open(info) as source, target.open("xb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > limit:
                            raise VerificationError(
                                f"the package unpacks to more than {limit:,} bytes", _TAMPERED
                            )
                        out.write(chunk)
            except FileExistsError as exc:
                raise VerificationError(f"the package holds {info.filename!r} twice") from exc
            except (*_UNREADABLE, RuntimeError, zlib.error) as exc:  # RuntimeError: encrypted
                raise InputError(f"cannot unpack {info.filename!r}: {exc}", _NOT_A_ZIP) from exc
    return _package_root(into)


def _package_root(folder: Path) -> Path:
    """The folder holding ``bagit.txt``: the top, or its one subfolder."""
    if (folder / "bagit.txt").exists():
        return folder
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    raise VerificationError(
        "the zip holds no evidence package (no bagit.txt at its top or in its one folder)",
        _NOT_A_ZIP,
    )


def verdict(check: PackageCheck) -> dict[str, Any]:
    """What a verified package proves, for the page and the API."""
    record = check.receipt.record
    return {
        "verified": True,
        "index": check.receipt.index,
        "kind": record.kind,
        "origin": check.receipt.checkpoint.origin,
        "tree_size": check.receipt.checkpoint.tree_size,
        "proved": list(check.proved),
    }


def verify_upload(archive: Archive, zip_path: Path, folder: Path) -> dict[str, Any]:
    """Unpack and verify an uploaded package against this archive's key.

    Raises :class:`VerificationError` or :class:`InputError` saying what failed.
    """
    root = unpack(zip_path, folder, MAX_PACKAGE_BYTES)
    try:
        return verdict(verify_package(root, vkey=archive.vkey))
    except VerificationError as exc:  # its message names the scratch folder: not for callers
        message = exc.message.replace(f"{root}/", "").replace(str(root), "the package")
        raise VerificationError(message, exc.hint) from exc
