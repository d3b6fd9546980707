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
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.archive.receipts import ReceiptCheck, load_verifier, verify_receipt
from erfurt.archive.records import Record
from erfurt.archive.sealing import is_sealed, open_sealed_bytes
from erfurt.archive.smallfiles import read_small_file
from erfurt.errors import InputError, IntegrityError, VerificationError
from erfurt.log import split_note

__all__ = ["PackageCheck", "export_package", "verify_package"]

BAGIT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_UNSAFE = re.compile(r"[\x00-\x1f/\\:]+")
_MAX_NAME_BYTES = 200
_TAG_FILES = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"}
_DATA_FILES = {
    "record.json",
    "receipt.tlog-proof",
    "checkpoint",
    "verifier-key.txt",
    "HOW-TO-VERIFY.txt",
}
_PACKAGE_HINT = "give a folder written by `erfurt export`, or a receipt file (.tlog-proof)"
TAMPERED = "the package was changed after it was exported: do not trust it"

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

{what_it_proves}
"""

REDACTED_NOTE = """
THIS PACKAGE DOES NOT HOLD THE ORIGINAL
=======================================
Record {index} is a redaction ("redaction.marked"): the files in data/original/
are the REDACTED forms it cites ("redacted": the pages as images with the marked
places blacked out and no text layer; "redacted_text": the extracted text with
the marked characters masked), not the original document. They do not hash to
the original: the record names the original only by its SHA-256 ("original"),
and says what was removed (character offsets of text record "text_record",
boxes on pages), by whom and why. The archive keeps the original unchanged; it
can be shown to a court with its own package and receipt.
"""


def _what_it_proves(note: bytes, log_key: str) -> str:
    """The closing paragraphs of HOW-TO-VERIFY.txt, from the signatures on ``note``."""
    others = sorted({s.name for s in split_note(note)[1]} - {log_key})
    if others:
        signatures = (
            f"The checkpoint also carries signatures by {', '.join(others)}. A Time-Stamping "
            "Authority's timestamp proves when (logged no later than its time); witnesses' "
            "cosignatures prove they were shown this same log. Check them offline with "
            "`erfurt verify PACKAGE --vkey KEY --tsa-root ROOT.pem --witness WITNESS-KEY`, "
            "using the TSA's root certificate and the witnesses' keys as you obtained them."
        )
    else:
        signatures = (
            "The checkpoint carries no timestamp and no witness cosignature: when the record "
            "was logged, and whether others were shown the same log, rest on trust in the "
            "operator."
        )
    paragraphs = [
        "What it proves: the record (and the original it names by hash) was in the log "
        "when the checkpoint was signed. The time inside the record is the operator's own "
        "clock.",
        signatures,
        "Still trusted, not proved: that the key is the organisation's (compare it with "
        "the key it publishes), and that what the record says is true.",
    ]
    return "\n\n".join(textwrap.fill(p, width=76) for p in paragraphs)


@dataclass(frozen=True, slots=True)
class PackageCheck:
    """What a verified package proves, one sentence per check.

    ``key_pinned`` is false when no key was given: then the signature was checked only
    with the key the package carries, which proves nothing about who signed it.
    """

    receipt: ReceiptCheck
    proved: tuple[str, ...]
    key_pinned: bool
    vkey: str


def _safe_name(name: str, fallback: str) -> str:
    """A file name for ``name``: no separators or controls, at most 200 bytes of UTF-8.

    File systems limit names in bytes (255 on ext4), not characters, so a long Chinese
    name is cut by bytes, on a character boundary, keeping a short extension.
    """
    cleaned = _UNSAFE.sub("_", name).strip(". ")
    if len(cleaned.encode("utf-8")) > _MAX_NAME_BYTES:
        stem, dot, suffix = cleaned.rpartition(".")
        if not dot or len(suffix.encode("utf-8")) > 16:
            stem, suffix = cleaned, ""
        room = _MAX_NAME_BYTES - len(suffix.encode("utf-8")) - (1 if suffix else 0)
        stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
        cleaned = f"{stem}.{suffix}" if suffix else stem
    return cleaned or fallback


def _cited(logged: Record, opened: Record) -> dict[str, str]:
    """The blobs a package carries: a sealed record's private blob and what it cites."""
    return {**opened.blobs(), **logged.blobs()} if is_sealed(logged) else logged.blobs()


def _original_names(record: Record, blobs: dict[str, str]) -> dict[str, str]:
    """For each of ``blobs`` of ``record``, the name of its file under ``data/original/``."""
    names = {}
    for field, sha256 in blobs.items():
        name = _safe_name(str(record.get("name", "")), sha256)
        names[field] = f"{field}-{name}" if len(blobs) > 1 else name
    return names


def export_package(archive: Archive, index: int, out: Path) -> Path:
    """Write the evidence package for record ``index`` to the new folder ``out``.

    The package is verified against the archive's key before it is moved into place.
    Raises :class:`InputError` if ``out`` exists, and :class:`IntegrityError` if the
    record, its proof or a blob it cites is missing or altered (nothing is left behind).
    """
    if out.exists():
        raise InputError(f"{out} already exists", "choose a new path for the package")
    record = archive.record(index, as_logged=True)  # a sealed record keeps its seal
    receipt = archive.prove(index)
    blobs = _cited(record, archive.record(index))
    for sha256 in blobs.values():
        archive.check_blob(sha256)
    with staged_folder(out) as tmp:
        data = tmp / "data"
        (data / "original").mkdir(parents=True)
        (data / "record.json").write_bytes(archive.entry(index))
        (data / "receipt.tlog-proof").write_bytes(receipt)
        (data / "checkpoint").write_bytes(receipt.split(b"\n\n", 1)[1])
        (data / "verifier-key.txt").write_text(archive.vkey + "\n", encoding="utf-8")
        (data / "HOW-TO-VERIFY.txt").write_text(
            _how_to_verify(record, index, archive.config.origin, receipt, archive.verifier.name),
            encoding="utf-8",
        )
        for field, name in _original_names(record, blobs).items():
            shutil.copyfile(archive.blob_path(blobs[field]), data / "original" / name)
        write_bag(tmp, _description(index, archive.config.origin))
        verify_package(tmp, vkey=archive.vkey)
    return out


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A new, empty folder beside ``out`` to write a package into: moved to ``out`` when the
    block ends without error, removed otherwise, so that ``out`` is never half-written."""
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sha256_file(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def manifest(bag: Path, files: list[Path]) -> str:
    """A BagIt manifest of ``files`` (paths relative to ``bag``)."""
    return "".join(f"{sha256_file(f)}  {f.relative_to(bag).as_posix()}\n" for f in files)


def bag_info(description: str, payload: list[Path]) -> str:
    """The bag-info.txt of a bag described by ``description`` holding ``payload``."""
    octets = sum(p.stat().st_size for p in payload)
    return f"External-Description: {description}\nPayload-Oxum: {octets}.{len(payload)}\n"


def _description(index: int, origin: str) -> str:
    return f"Erfurt evidence package: record {index} of {origin}"


def payload_files(bag: Path) -> list[Path]:
    """Every file under the bag's ``data`` folder, sorted."""
    return sorted(p for p in (bag / "data").rglob("*") if p.is_file())


def write_bag(bag: Path, description: str) -> None:
    """Write the tag files of the bag at ``bag`` over the files under its ``data``."""
    payload = payload_files(bag)
    (bag / "bagit.txt").write_text(BAGIT, encoding="utf-8")
    (bag / "bag-info.txt").write_text(bag_info(description, payload), encoding="utf-8")
    (bag / "manifest-sha256.txt").write_text(manifest(bag, payload), encoding="utf-8")
    tags = [bag / "bagit.txt", bag / "bag-info.txt", bag / "manifest-sha256.txt"]
    (bag / "tagmanifest-sha256.txt").write_text(manifest(bag, tags), encoding="utf-8")


def _check_layout(bag: Path) -> None:
    """The package holds exactly the files and folders of the format, none a symlink."""
    check_bag_folder(bag)
    expect_exactly(bag, bag / "data", _DATA_FILES | {"original"}, dirs={"original"})
    expect_exactly(bag, bag / "data" / "original", None, dirs=set())


def check_bag_folder(bag: Path) -> None:
    """``bag`` is a folder holding a bag's tag files and ``data``, with no symlink."""
    if not bag.is_dir():
        raise VerificationError(f"{bag} is not an evidence package (not a folder)", _PACKAGE_HINT)
    for folder, dirs, files in os.walk(bag):
        for name in dirs + files:
            if (Path(folder) / name).is_symlink():
                rel = (Path(folder) / name).relative_to(bag).as_posix()
                raise VerificationError(f"{bag}: {rel} is a symbolic link", TAMPERED)
    top = {p.name for p in bag.iterdir()}
    if "bagit.txt" not in top:
        raise VerificationError(
            f"{bag} is not an evidence package (it has no bagit.txt)", _PACKAGE_HINT
        )
    expect_exactly(bag, bag, _TAG_FILES | {"data"}, dirs={"data"})


def expect_exactly(bag: Path, folder: Path, names: set[str] | None, *, dirs: set[str]) -> None:
    """``folder`` holds exactly ``names`` (any files when None); only ``dirs`` are folders."""
    present = {p.name: p for p in folder.iterdir()} if folder.is_dir() else {}
    where = folder.relative_to(bag).as_posix()
    if names is not None:
        if missing := sorted(names - present.keys()):
            raise VerificationError(f"{bag}: {where}/{missing[0]} is missing", TAMPERED)
        if extra := sorted(present.keys() - names):
            raise VerificationError(
                f"{bag}: {where}/{extra[0]} is not part of an evidence package", TAMPERED
            )
    for name, path in present.items():
        if path.is_dir() != (name in dirs):
            kind = "a folder" if path.is_dir() else "not a folder"
            raise VerificationError(f"{bag}: {where}/{name} is {kind}", TAMPERED)
        if name not in dirs and not path.is_file():  # a pipe would block the check forever
            raise VerificationError(
                f"{bag}: {where}/{name} is not a regular file (a pipe or a device)", TAMPERED
            )


def check_manifest(bag: Path, name: str, *, every_payload_file: bool) -> int:
    lines = read_text(bag, name).splitlines()
    listed = set()
    for n, line in enumerate(lines, 1):
        digest, sep, rel = line.partition("  ")
        if not sep or ".." in Path(rel).parts or rel.startswith("/"):
            raise VerificationError(f"{bag}/{name} line {n}: malformed: {line!r}")
        path = bag / rel
        try:
            listed_file = path.is_file()
            altered = listed_file and sha256_file(path) != digest
        except OSError as exc:  # a name too long for the filesystem, a loop of links...
            raise VerificationError(f"{bag}/{name} line {n}: cannot read {rel!r}: {exc}") from exc
        if not listed_file:
            raise VerificationError(f"{bag}: {rel} is listed in {name} but missing")
        if altered:
            raise VerificationError(f"{bag}: {rel} has been altered (its SHA-256 is not {name}'s)")
        listed.add(rel)
    if every_payload_file:
        present = {p.relative_to(bag).as_posix() for p in payload_files(bag)}
        if extra := sorted(present - listed):
            raise VerificationError(f"{bag}: {extra[0]} is in the package but not in {name}")
    return len(listed)


def read_bytes(bag: Path, rel: str) -> bytes:
    """The file ``rel`` of a package (a small regular file)."""
    try:
        return read_small_file(bag / rel, "part of an evidence package")
    except InputError as exc:
        raise VerificationError(exc.message, TAMPERED) from exc


def read_text(bag: Path, rel: str) -> str:
    """The file ``rel`` of a package as UTF-8 text."""
    try:
        return read_bytes(bag, rel).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerificationError(f"{bag}: cannot read {rel} as UTF-8 text ({exc})") from exc


def verify_package(path: Path, *, vkey: str | None = None) -> PackageCheck:
    """Verify an evidence package offline; ``vkey`` pins the log's key.

    Every byte is accounted for: the folder must hold exactly the files the signed
    record implies (no extra, missing or symlinked file), each matching its manifest,
    the receipt, the record and the originals it names by hash. Without ``vkey`` the
    signature is checked with the package's own key and :attr:`PackageCheck.key_pinned`
    is false. Raises :class:`VerificationError` naming the file and the failed check.
    """
    _check_layout(path)
    if read_text(path, "bagit.txt") != BAGIT:
        raise VerificationError(f"{path}: bagit.txt is not BagIt 1.0 as Erfurt writes it")
    files = check_manifest(path, "manifest-sha256.txt", every_payload_file=True)
    check_manifest(path, "tagmanifest-sha256.txt", every_payload_file=False)
    proved = [f"{files} files match the package manifest (nothing altered, added or removed)"]
    packaged_key = read_text(path, "data/verifier-key.txt").strip()
    if vkey is not None and vkey.strip() != packaged_key:
        raise VerificationError(
            f"{path}: the package's verifier key is not the pinned key",
            "the checkpoint was signed by another log's key: do not trust this package",
        )
    verifier = load_verifier(packaged_key, source=f"{path}/data/verifier-key.txt")
    entry = read_bytes(path, "data/record.json")
    receipt_bytes = read_bytes(path, "data/receipt.tlog-proof")
    receipt = verify_receipt(receipt_bytes, verifier, entry=entry, source=f"{path}")
    checkpoint_note = read_bytes(path, "data/checkpoint")
    if not receipt_bytes.endswith(b"\n\n" + checkpoint_note):
        raise VerificationError(f"{path}: data/checkpoint is not the receipt's checkpoint")
    cp = receipt.checkpoint
    proved.append(
        f"the checkpoint of {cp.origin} at size {cp.tree_size} is signed by {verifier.name} "
        f"({'the pinned key' if vkey else 'the key in the package, which you have not pinned'})"
    )
    proved.append(f"record {receipt.index} is included in that log (RFC 6962 inclusion proof)")
    proved += _check_originals(path, receipt.record)
    _check_generated(path, receipt.record, receipt.index, cp.origin, receipt_bytes, verifier.name)
    return PackageCheck(receipt, tuple(proved), key_pinned=vkey is not None, vkey=packaged_key)


def _how_to_verify(record: Record, index: int, origin: str, receipt: bytes, log_key: str) -> str:
    """The package's HOW-TO-VERIFY.txt; a redaction's says first that it is no original."""
    note = receipt.split(b"\n\n", 1)[1]
    how = HOW_TO_VERIFY.format(
        index=index, origin=origin, what_it_proves=_what_it_proves(note, log_key)
    )
    if record.kind == "redaction.marked":
        how = REDACTED_NOTE.format(index=index).lstrip() + "\n" + how
    return how


def _check_generated(
    path: Path, record: Record, index: int, origin: str, receipt: bytes, log_key: str
) -> None:
    """The explanatory files say exactly what Erfurt wrote for this record and log."""
    expected = {
        "data/HOW-TO-VERIFY.txt": _how_to_verify(record, index, origin, receipt, log_key),
        "bag-info.txt": bag_info(_description(index, origin), payload_files(path)),
    }
    for rel, text in expected.items():
        if read_text(path, rel) != text:
            raise VerificationError(
                f"{path}: {rel} is not the text Erfurt writes for record {index}", TAMPERED
            )


def _check_originals(path: Path, record: Record) -> list[str]:
    """``data/original`` holds exactly the files the record names, each with its hash."""
    folder = path / "data" / "original"
    blobs = _cited(record, _open_packaged_seal(path, record))
    names = _original_names(record, blobs)
    expect_exactly(path, folder, set(names.values()), dirs=set())
    proved = []
    for field, name in names.items():
        if sha256_file(folder / name) != blobs[field]:
            raise VerificationError(
                f"{path}: data/original/{name} does not have the SHA-256 the record gives for "
                f"{field} ({blobs[field]})"
            )
        proved.append(f"data/original/{name} is the file the record names by hash")
    return proved


def _open_packaged_seal(path: Path, record: Record) -> Record:
    """The record a sealed ``record`` stands for, read from its packaged private blob."""
    if not is_sealed(record):
        return record
    sealed = str(record["sealed"])
    rel = f"data/original/sealed-{sealed}"
    data = read_bytes(path, rel)
    if hashlib.sha256(data).hexdigest() != sealed:
        raise VerificationError(
            f"{path}: {rel} does not have the SHA-256 the record gives for sealed ({sealed})"
        )
    try:
        return open_sealed_bytes(record, data)
    except IntegrityError as exc:
        raise VerificationError(f"{path}: {exc.message}", TAMPERED) from exc
