"""Carrying submissions to the offline machine and opening them there.

``export_submissions`` (on the server) copies each new envelope with a receipt of its
``intake.received`` record and the server log's verifier key. ``open_submissions`` (offline,
with the private key) checks each envelope against its receipt, decrypts it into a private
temporary folder and hands the files to the caller, which preserves them citing the
envelope and the receipt: the custody chain runs from the server's log into this archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from erfurt.archive import Archive, load_verifier, verify_receipt
from erfurt.errors import InputError, IntegrityError, VerificationError
from erfurt.intake.bundle import read_bundle
from erfurt.intake.envelope import open_envelope
from erfurt.intake.keys import IntakeKey
from erfurt.intake.store import IntakeStore

__all__ = [
    "EXPORT_FOLDER",
    "OpenedSubmission",
    "export_submissions",
    "open_submissions",
]

EXPORT_FOLDER = "erfurt-intake"
_VKEY = "log.vkey"


# Media travel between machines: a link planted on them must not make the server write
# through it (an envelope over a file of its own), so the last part of a path is never
# followed and the export folder may not be a link.
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _linked(path: Path) -> InputError:
    return InputError(
        f"{path} is a symbolic link: nothing is written through one",
        "remove it (the media may have been tampered with) and export again",
    )


def _written(target: Path) -> BinaryIO:
    try:
        return os.fdopen(os.open(target, _WRITE_FLAGS, 0o644), "wb")
    except OSError as exc:
        if target.is_symlink():
            raise _linked(target) from exc
        raise


def _copy(source: Path, target: Path) -> None:
    with source.open("rb") as src, _written(target) as out:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())


def export_submissions(archive: Archive, dest: Path) -> list[int]:
    """Copy every envelope not exported before into ``dest/erfurt-intake/``; their records.

    Raises InputError, writing nothing through it, where the media hold a symbolic link
    in the export's place."""
    folder = dest / EXPORT_FOLDER
    if folder.is_symlink():
        raise _linked(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with _written(folder / _VKEY) as out:
        out.write(archive.vkey.encode("ascii") + b"\n")
    store = IntakeStore(archive.paths)
    try:
        done = store.exported()
        records = [i for i, _ in archive.records(kinds={"intake.received"}) if i not in done]
        for index in records:
            sha256 = str(archive.record(index)["blob"])
            _copy(archive.blob_path(sha256), folder / f"{index}.envelope")
            with _written(folder / f"{index}.receipt") as out:
                out.write(archive.prove(index))
        store.mark_exported(records)
    finally:
        store.close()
    return records


@dataclass(frozen=True, slots=True)
class OpenedSubmission:
    """One submission decrypted into ``folder`` (deleted when the iteration moves on)."""

    record: int
    envelope: Path
    envelope_sha256: str
    receipt: bytes
    vkey: str
    source: str
    reply_key: str
    folder: Path
    files: tuple[str, ...]


def _safe_name(name: str, number: int) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] not in {"C", "Z"} or c == " ")
    base = base.strip().lstrip(".")[:200]
    return f"{number:02d}-{base or 'file'}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _private_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="erfurt-intake-"))  # mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unpack(plain: Path, into: Path) -> tuple[dict[str, str], list[str]]:
    manifest: dict[str, str] = {}
    files: list[str] = []
    numbered = 0
    with plain.open("rb") as source:
        for entry, segments in read_bundle(source):
            if entry.kind == "M":
                manifest = _manifest(b"".join(segments))
                continue
            if entry.kind == "T":
                name = "message.txt"
            else:
                numbered += 1
                name = _safe_name(entry.name, numbered)
            with (into / name).open("wb") as out:
                for segment in segments:
                    out.write(segment)
            files.append(name)
    return manifest, files


def _manifest(data: bytes) -> dict[str, str]:
    """The manifest's fields; IntegrityError unless it is a JSON object of strings (only a
    server that was tampered with writes another, and the other submissions go on)."""
    try:
        fields = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise IntegrityError("the submission's manifest is not JSON", "export it again") from exc
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise IntegrityError("the submission's manifest is malformed", "export it again")
    return fields


def _checked_receipt(folder: Path, index: int, sha256: str, vkey: str) -> bytes:
    receipt_path = folder / f"{index}.receipt"
    try:
        receipt = receipt_path.read_bytes()
    except OSError as exc:
        raise IntegrityError(
            f"{receipt_path}: cannot read the receipt ({exc.strerror})",
            "export the submission from the server again",
        ) from exc
    check = verify_receipt(receipt, load_verifier(vkey), source=str(receipt_path))
    record = check.record
    if record.kind != "intake.received" or record["blob"] != sha256:
        raise VerificationError(
            f"{folder / f'{index}.envelope'} is not the envelope its receipt names",
            "the envelope was altered or swapped: export it from the server again",
        )
    return receipt


def _export_folder(source: Path) -> Path:
    folder = source / EXPORT_FOLDER if (source / EXPORT_FOLDER).is_dir() else source
    if not (folder / _VKEY).is_file():
        raise InputError(
            f"{source} holds no export of submissions",
            "give the folder `erfurt intake export` wrote to (it holds erfurt-intake/)",
        )
    return folder


def open_submissions(
    source: Path, key: IntakeKey, *, vkey: str | None = None
) -> Iterator[OpenedSubmission | IntegrityError]:
    """Each submission exported into ``source``, decrypted, or the error that stopped it.

    The receipts are verified against ``vkey`` (default: the key the export carries). An
    altered envelope yields an :class:`IntegrityError` and the others go on.
    """
    folder = _export_folder(source)
    envelopes = sorted(
        (int(p.stem), p) for p in folder.glob("*.envelope") if p.stem.isascii() and p.stem.isdigit()
    )
    pinned = vkey or (folder / _VKEY).read_text(encoding="ascii").strip()
    for index, path in envelopes:
        with _private_folder() as work:
            try:
                sha256 = _sha256(path)
                receipt = _checked_receipt(folder, index, sha256, pinned)
                plain = work / "plain"
                with path.open("rb") as src, plain.open("wb") as out:
                    open_envelope(key.decrypt, src, out, str(path))
                files_folder = work / "files"
                files_folder.mkdir()
                manifest, files = _unpack(plain, files_folder)
                plain.unlink()
            except IntegrityError as exc:
                yield exc
                continue
            yield OpenedSubmission(
                record=index,
                envelope=path,
                envelope_sha256=sha256,
                receipt=receipt,
                vkey=pinned,
                source=manifest.get("source", ""),
                reply_key=manifest.get("reply_key", ""),
                folder=files_folder,
                files=tuple(files),
            )
