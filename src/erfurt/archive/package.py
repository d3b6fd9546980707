"""Evidence packages: one record, what it cites, and everything needed to verify it offline.

The package is a BagIt bag (RFC 8493), so generic tools can check its manifests:

    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    data/record.json          the record, byte for byte as the log holds it
    data/receipt.tlog-proof   c2sp.org/tlog-proof@v1: index, inclusion proof, signed checkpoint
    data/checkpoint           the signed checkpoint the receipt is for
    data/verifier-key.txt     the log's Ed25519 verifier key (pin your own copy when you can)
    data/original/<name>      each blob the record cites (the original file)
    data/HOW-TO-VERIFY.txt    how to check all of this with common tools
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.archive.receipts import ReceiptCheck, load_verifier, verify_receipt
from erfurt.archive.records import Record
from erfurt.errors import InputError, VerificationError

__all__ = ["PackageCheck", "export_package", "verify_package"]

_BAGIT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_UNSAFE = re.compile(r"[\x00-\x1f/\\:]+")

HOW_TO_VERIFY = """\
How to verify this evidence package
===================================

This package holds record {index} of the Erfurt archive whose log is named
"{origin}", with a receipt proving the record is in that log.

With Erfurt (offline):
    erfurt verify PACKAGE --vkey 'VERIFIER-KEY'
where VERIFIER-KEY is the archive's key as you obtained it independently (not
only from this package): `erfurt log vkey` on the archive prints it.

With common tools:
1. The files are intact (BagIt, RFC 8493):
       cd PACKAGE && sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt
2. The original is the file the record names: the SHA-256 of each file in
   data/original/ equals the "blob" value in data/record.json:
       sha256sum data/original/*
3. The record's leaf hash (RFC 6962: SHA-256 of a zero byte, then the record):
       (printf '\\000'; cat data/record.json) | sha256sum
4. The inclusion proof: data/receipt.tlog-proof follows c2sp.org/tlog-proof@v1
   ("index N", then one base64 hash per line, a blank line, then the checkpoint).
   Combine the leaf hash with those hashes as in RFC 9162 section 2.1.3.2; the
   result must equal the root hash (third line) of the checkpoint.
5. The checkpoint is a signed note (c2sp.org/signed-note) signed with Ed25519 by
   the key in data/verifier-key.txt. Go's golang.org/x/mod/sumdb/note package
   (note.Open with note.NewVerifier on that key) verifies it.
6. That the log was never rewritten: keep this checkpoint; later, run
   `erfurt log consistency data/checkpoint` against the archive (or fetch a
   consistency proof from its published tiles) to prove the newer log extends it.

What it proves: the record (and the original it names by hash) was in the log
when the checkpoint was signed; the log orders records but does not prove the
wall-clock time: for that, see the checkpoint's witness cosignatures or
timestamps where the archive publishes them.
"""


@dataclass(frozen=True, slots=True)
class PackageCheck:
    """What a verified package proves, one sentence per check."""

    receipt: ReceiptCheck
    proved: tuple[str, ...]
    key_pinned: bool


def _safe_name(name: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(". ")
    return cleaned[:200] or fallback


def export_package(archive: Archive, index: int, out: Path) -> Path:
    """Write the evidence package for record ``index`` to the new folder ``out``.

    Raises :class:`InputError` if ``out`` exists, and :class:`IntegrityError` if a blob
    the record cites is missing or altered (nothing is left behind then).
    """
    if out.exists():
        raise InputError(f"{out} already exists", "choose a new path for the package")
    record = archive.record(index)
    receipt = archive.prove(index)
    blobs = record.blobs()
    for sha256 in blobs.values():
        archive.check_blob(sha256)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    data = tmp / "data"
    (data / "original").mkdir(parents=True)
    try:
        (data / "record.json").write_bytes(archive.entry(index))
        (data / "receipt.tlog-proof").write_bytes(receipt)
        (data / "checkpoint").write_bytes(receipt.split(b"\n\n", 1)[1])
        (data / "verifier-key.txt").write_text(archive.vkey + "\n", encoding="utf-8")
        (data / "HOW-TO-VERIFY.txt").write_text(
            HOW_TO_VERIFY.format(index=index, origin=archive.config.origin), encoding="utf-8"
        )
        for field, sha256 in blobs.items():
            name = _safe_name(str(record.get("name", "")), sha256)
            if len(blobs) > 1:
                name = f"{field}-{name}"
            shutil.copyfile(archive.blob_path(sha256), data / "original" / name)
        _write_bag(tmp, index=index, origin=archive.config.origin)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(bag: Path, files: list[Path]) -> str:
    return "".join(f"{_sha256_file(f)}  {f.relative_to(bag).as_posix()}\n" for f in files)


def _write_bag(bag: Path, *, index: int, origin: str) -> None:
    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    octets = sum(p.stat().st_size for p in payload)
    (bag / "bagit.txt").write_text(_BAGIT, encoding="utf-8")
    (bag / "bag-info.txt").write_text(
        f"External-Description: Erfurt evidence package: record {index} of {origin}\n"
        f"Payload-Oxum: {octets}.{len(payload)}\n",
        encoding="utf-8",
    )
    (bag / "manifest-sha256.txt").write_text(_manifest(bag, payload), encoding="utf-8")
    tags = [bag / "bagit.txt", bag / "bag-info.txt", bag / "manifest-sha256.txt"]
    (bag / "tagmanifest-sha256.txt").write_text(_manifest(bag, tags), encoding="utf-8")


def _check_manifest(bag: Path, name: str, *, every_payload_file: bool) -> int:
    try:
        lines = (bag / name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise VerificationError(f"{bag}: cannot read {name}") from exc
    listed = set()
    for n, line in enumerate(lines, 1):
        digest, sep, rel = line.partition("  ")
        if not sep or ".." in Path(rel).parts or rel.startswith("/"):
            raise VerificationError(f"{bag}/{name} line {n}: malformed: {line!r}")
        path = bag / rel
        try:
            listed_file = path.is_file()
            altered = listed_file and _sha256_file(path) != digest
        except OSError as exc:  # a name too long for the filesystem, a loop of links...
            raise VerificationError(f"{bag}/{name} line {n}: cannot read {rel!r}: {exc}") from exc
        if not listed_file:
            raise VerificationError(f"{bag}: {rel} is listed in {name} but missing")
        if altered:
            raise VerificationError(f"{bag}: {rel} has been altered (its SHA-256 is not {name}'s)")
        listed.add(rel)
    if every_payload_file:
        present = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()}
        if extra := sorted(present - listed):
            raise VerificationError(f"{bag}: {extra[0]} is in the package but not in {name}")
    return len(listed)


def verify_package(path: Path, *, vkey: str | None = None) -> PackageCheck:
    """Verify an evidence package offline; ``vkey`` pins the log's key.

    Raises :class:`VerificationError` naming the file and the check that failed.
    """
    if (path / "bagit.txt").read_text(encoding="utf-8", errors="replace") != _BAGIT:
        raise VerificationError(f"{path}: bagit.txt is missing or not BagIt 1.0")
    files = _check_manifest(path, "manifest-sha256.txt", every_payload_file=True)
    _check_manifest(path, "tagmanifest-sha256.txt", every_payload_file=False)
    proved = [f"{files} files match the package manifest (nothing altered, added or removed)"]
    data = path / "data"
    packaged_key = (data / "verifier-key.txt").read_text(encoding="utf-8").strip()
    if vkey is not None and vkey.strip() != packaged_key:
        raise VerificationError(
            f"{path}: the package's verifier key is not the pinned key",
            "the checkpoint was signed by another log's key: do not trust this package",
        )
    verifier = load_verifier(vkey if vkey is not None else packaged_key)
    entry = (data / "record.json").read_bytes()
    receipt = verify_receipt(
        (data / "receipt.tlog-proof").read_bytes(), verifier, entry=entry, source=f"{path}"
    )
    checkpoint_note = (data / "checkpoint").read_bytes()
    if not (data / "receipt.tlog-proof").read_bytes().endswith(checkpoint_note):
        raise VerificationError(f"{path}: data/checkpoint is not the receipt's checkpoint")
    cp = receipt.checkpoint
    proved.append(
        f"the checkpoint of {cp.origin} at size {cp.tree_size} is signed by {verifier.name} "
        f"({'the pinned key' if vkey else 'the key in the package: pin yours with --vkey'})"
    )
    proved.append(f"record {receipt.index} is included in that log (RFC 6962 inclusion proof)")
    proved += _check_originals(path, receipt.record)
    return PackageCheck(receipt, tuple(proved), key_pinned=vkey is not None)


def _check_originals(path: Path, record: Record) -> list[str]:
    originals = {_sha256_file(p): p.name for p in (path / "data" / "original").glob("*")}
    proved = []
    for field, sha256 in record.blobs().items():
        if sha256 not in originals:
            raise VerificationError(
                f"{path}: no file in data/original has the SHA-256 the record gives for "
                f"{field} ({sha256})"
            )
        proved.append(f"data/original/{originals[sha256]} is the file the record names by hash")
    return proved
