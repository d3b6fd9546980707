"""The archive: original files as blobs, a log of canonical records, and views.

    >>> from pathlib import Path
    >>> import tempfile
    >>> from erfurt.archive import Archive, Record, verify_receipt
    >>> folder = Path(tempfile.mkdtemp()) / "archive"
    >>> with Archive.init(folder, origin="example.org/demo", who="doctest") as archive:
    ...     blob = archive.put_bytes(b"a statement")
    ...     [index] = archive.append([Record("document.added", {
    ...         "blob": blob.sha256, "size": blob.size, "name": "statement.txt",
    ...         "media_type": "text/plain", "collection": "demo",
    ...         "time": archive.now(), "who": "doctest"})])
    ...     receipt = archive.prove(index)
    ...     verify_receipt(receipt, archive.verifier).record["name"]
    'statement.txt'

Features use only the names below; they never touch the log files or another
feature's tables.
"""

from erfurt.archive.access import (
    ACTIONS,
    ANONYMOUS,
    ROLES,
    Action,
    CollectionRules,
    Principal,
    Role,
    can,
)
from erfurt.archive.accounts import MIN_PASSWORD, Accounts, Session, UserInfo
from erfurt.archive.archive import Archive, Clock
from erfurt.archive.blobs import BlobReader, BlobRef, is_sha256
from erfurt.archive.canonical import JSON, canonical_json, parse_json
from erfurt.archive.check import ArchiveCheck, ViewsCheck, check_archive, check_views
from erfurt.archive.consistency import Consistency
from erfurt.archive.keyfiles import SECRET_SNIFF_BYTES, is_erfurt_secret
from erfurt.archive.kinds import KINDS, KindSpec
from erfurt.archive.package import PackageCheck, export_package, verify_package
from erfurt.archive.paths import ArchivePaths
from erfurt.archive.published import PublishedLog
from erfurt.archive.receipts import (
    ReceiptCheck,
    describe,
    is_receipt,
    load_verifier,
    verify_receipt,
)
from erfurt.archive.records import MAX_RECORD_BYTES, Record
from erfurt.archive.secrets import (
    SALT_SIZE,
    KeyedHash,
    RegistrySecret,
    Salt,
    commit,
    keyed_hash,
    load_registry_secret,
    new_salt,
)
from erfurt.archive.smallfiles import MAX_SMALL_FILE, read_small_file
from erfurt.archive.views import View
from erfurt.archive.writequeue import WriteQueue

__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "JSON",
    "KINDS",
    "MAX_RECORD_BYTES",
    "MAX_SMALL_FILE",
    "MIN_PASSWORD",
    "ROLES",
    "SALT_SIZE",
    "SECRET_SNIFF_BYTES",
    "Accounts",
    "Action",
    "Archive",
    "ArchiveCheck",
    "ArchivePaths",
    "BlobReader",
    "BlobRef",
    "Clock",
    "CollectionRules",
    "Consistency",
    "KeyedHash",
    "KindSpec",
    "PackageCheck",
    "Principal",
    "PublishedLog",
    "ReceiptCheck",
    "Record",
    "RegistrySecret",
    "Role",
    "Salt",
    "Session",
    "UserInfo",
    "View",
    "ViewsCheck",
    "WriteQueue",
    "can",
    "canonical_json",
    "check_archive",
    "check_views",
    "commit",
    "describe",
    "export_package",
    "is_erfurt_secret",
    "is_receipt",
    "is_sha256",
    "keyed_hash",
    "load_registry_secret",
    "load_verifier",
    "new_salt",
    "parse_json",
    "read_small_file",
    "verify_package",
    "verify_receipt",
]
