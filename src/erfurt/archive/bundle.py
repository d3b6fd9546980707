"""Evidence bundles: several records' evidence packages and the files that cite them
(a dossier), in one BagIt bag, every receipt proved against one checkpoint:

    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    data/<attachment>         what cites the records (e.g. dossier.json), not signed
    data/checkpoint           the signed checkpoint every receipt is for
    data/records/<index>/     the evidence package of record <index> (see package.py)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.archive.package import (
    BAGIT,
    TAMPERED,
    PackageCheck,
    bag_info,
    check_bag_folder,
    check_manifest,
    expect_exactly,
    export_package,
    payload_files,
    read_bytes,
    read_text,
    staged_folder,
    verify_package,
    write_bag,
)
from erfurt.errors import InputError, IntegrityError, VerificationError

__all__ = ["BundleCheck", "export_bundle", "is_bundle", "verify_bundle"]

_RECORDS = "records"
_CHECKPOINT = "checkpoint"


@dataclass(frozen=True, slots=True)
class BundleCheck:
    """What a verified bundle proves: each record's package check, and one sentence per
    check; ``key_pinned`` as for :class:`PackageCheck`."""

    packages: tuple[PackageCheck, ...]
    proved: tuple[str, ...]
    key_pinned: bool
    vkey: str


def _description(records: int, origin: str) -> str:
    return f"Erfurt evidence bundle: {records} records of {origin}"


def export_bundle(
    archive: Archive, records: list[int], attachments: dict[str, bytes], out: Path
) -> Path:
    """Write the bundle of ``records`` with ``attachments`` (file name -> bytes) to the
    new folder ``out``, verified against the archive's key before it is moved into place.

    Raises :class:`InputError` if ``out`` exists or there is no record, and
    :class:`IntegrityError` if a record cannot be packaged or the log grew meanwhile
    (nothing is left behind).
    """
    if out.exists():
        raise InputError(f"{out} already exists", "choose a new path for the package")
    if not records:
        raise InputError("nothing to package: no record is cited", "review some mentions")
    bad = sorted(n for n in attachments if n in {_RECORDS, _CHECKPOINT} or Path(n).name != n)
    if bad:
        raise InputError(f"{bad[0]!r} cannot be the name of an attachment", "rename it")
    with staged_folder(out) as tmp:
        (tmp / "data" / _RECORDS).mkdir(parents=True)
        for name, data in attachments.items():
            (tmp / "data" / name).write_bytes(data)
        checkpoints = set()
        for index in sorted(set(records)):
            package = export_package(archive, index, tmp / "data" / _RECORDS / str(index))
            checkpoints.add((package / "data" / "checkpoint").read_bytes())
        if len(checkpoints) != 1:
            raise IntegrityError(
                "the log grew while the bundle was written: its receipts are for different "
                "checkpoints",
                "export again",
            )
        (tmp / "data" / _CHECKPOINT).write_bytes(checkpoints.pop())
        write_bag(tmp, _description(len(set(records)), archive.config.origin))
        verify_bundle(tmp, vkey=archive.vkey)
    return out


def is_bundle(path: Path) -> bool:
    """Whether the folder ``path`` looks like a bundle (it holds ``data/records``)."""
    return (path / "data" / _RECORDS).is_dir()


def verify_bundle(path: Path, *, vkey: str | None = None) -> BundleCheck:
    """Verify a bundle offline; ``vkey`` pins the log's key.

    Every file must be in the bag's manifest with its hash, each record's package must
    verify on its own (:func:`verify_package`), and every receipt must be for the
    bundle's one checkpoint. The attachments are covered by the manifest only: they are
    not signed. Raises :class:`VerificationError` naming the file and the failed check.
    """
    check_bag_folder(path)
    if read_text(path, "bagit.txt") != BAGIT:
        raise VerificationError(f"{path}: bagit.txt is not BagIt 1.0 as Erfurt writes it")
    files = check_manifest(path, "manifest-sha256.txt", every_payload_file=True)
    check_manifest(path, "tagmanifest-sha256.txt", every_payload_file=False)
    data = path / "data"
    folders = {p.name for p in (data / _RECORDS).iterdir()} if is_bundle(path) else set()
    if not folders or not all(name.isascii() and name.isdigit() for name in folders):
        raise VerificationError(
            f"{path}: data/{_RECORDS} must hold one folder per record, named by its index",
            TAMPERED,
        )
    attachments = {p.name for p in data.iterdir()} - {_RECORDS, _CHECKPOINT}
    expect_exactly(path, data, attachments | {_RECORDS, _CHECKPOINT}, dirs={_RECORDS})
    checkpoint = read_bytes(path, f"data/{_CHECKPOINT}")
    checks = []
    for name in sorted(folders, key=int):
        check = verify_package(data / _RECORDS / name, vkey=vkey)
        if check.receipt.index != int(name):
            raise VerificationError(f"{path}: data/{_RECORDS}/{name} holds another record")
        if read_bytes(path, f"data/{_RECORDS}/{name}/data/checkpoint") != checkpoint:
            raise VerificationError(
                f"{path}: record {name}'s receipt is not for the bundle's checkpoint", TAMPERED
            )
        checks.append(check)
    keys = {c.vkey for c in checks}
    if len(keys) != 1:
        raise VerificationError(f"{path}: its packages carry different logs' keys", TAMPERED)
    if read_text(path, "bag-info.txt") != bag_info(
        _description(len(checks), checks[0].receipt.checkpoint.origin), payload_files(path)
    ):
        raise VerificationError(f"{path}: bag-info.txt is not the text Erfurt writes", TAMPERED)
    cp = checks[0].receipt.checkpoint
    proved = (
        f"{files} files match the bundle manifest (nothing altered, added or removed)",
        f"records {', '.join(sorted(folders, key=int))} are included in {cp.origin} at size "
        f"{cp.tree_size}, each with its original (one evidence package per record)",
        f"not signed, only listed in the manifest: {', '.join(sorted(attachments)) or 'none'}",
    )
    return BundleCheck(tuple(checks), proved, key_pinned=vkey is not None, vkey=keys.pop())
