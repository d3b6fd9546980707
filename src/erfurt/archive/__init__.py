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
    PassageMask,
    Principal,
    Role,
    can,
)
from erfurt.archive.accounts import MIN_PASSWORD, SESSION_SECONDS, Accounts, Session, UserInfo
from erfurt.archive.archive import Archive, Clock
from erfurt.archive.assurance import Assurance, assess
from erfurt.archive.attestation import Attester, AttestRound, attest_checkpoint
from erfurt.archive.blobs import BlobReader, BlobRef, StagedBlobs, is_sha256
from erfurt.archive.bundle import BundleCheck, export_bundle, is_bundle, verify_bundle
from erfurt.archive.canonical import JSON, canonical_json, parse_json
from erfurt.archive.check import ArchiveCheck, ViewsCheck, check_archive, check_views
from erfurt.archive.consistency import Consistency
from erfurt.archive.follower import follow, followed
from erfurt.archive.keyfiles import SECRET_SNIFF_BYTES, is_erfurt_secret
from erfurt.archive.keys import create_witness_keys, load_witness_keys
from erfurt.archive.kinds import KINDS, KindSpec
from erfurt.archive.layout import PageText, WordBox, page_texts, placed_words
from erfurt.archive.linkedaccounts import LinkedAccounts
from erfurt.archive.package import PackageCheck, export_package, verify_package
from erfurt.archive.paths import ArchivePaths
from erfurt.archive.published import PublishedLog
from erfurt.archive.publishing import LogPublication, publish_log
from erfurt.archive.receipts import (
    ReceiptCheck,
    describe,
    is_receipt,
    load_verifier,
    verify_receipt,
)
from erfurt.archive.records import MAX_RECORD_BYTES, Record
from erfurt.archive.requests import MAX_REQUEST_KEY, RequestsView, RequestTag, tagged
from erfurt.archive.sealed import SealingKey, load_sealing_key
from erfurt.archive.secrets import (
    SALT_SIZE,
    KeyedHash,
    RegistrySecret,
    Salt,
    commit,
    derived_salt,
    keyed_hash,
    load_registry_secret,
    new_salt,
)
from erfurt.archive.smallfiles import MAX_SMALL_FILE, read_small_file
from erfurt.archive.timestamps import (
    Timestamp,
    TimestampAuthority,
    TimestampOutcome,
    load_root_certificate,
    timestamp_checkpoint,
    verify_timestamps,
)
from erfurt.archive.viewdb import (
    ViewConnection,
    copy_rows,
    copy_text,
    dialect_of,
    held_rows,
    loading_from_empty,
    upsert_sql,
)
from erfurt.archive.views import ALL_BACKENDS, PortableView, SubjectSources, View, applied_size
from erfurt.archive.witnessing import (
    Witnessed,
    WitnessOutcome,
    WitnessRound,
    WitnessSpec,
    check_cosignatures,
    monitor_published_log,
    parse_witness_keys,
    witness_checkpoint,
    witness_server,
)
from erfurt.archive.writelink import WriterTLS, load_link_key
from erfurt.archive.writequeue import WriteQueue
from erfurt.archive.writeservice import WriterAddress, WriterClient, WriterServer
from erfurt.log import LogForkError, LogUnavailableError, MonitorResult

__all__ = [
    "ACTIONS",
    "ALL_BACKENDS",
    "ANONYMOUS",
    "JSON",
    "KINDS",
    "MAX_RECORD_BYTES",
    "MAX_REQUEST_KEY",
    "MAX_SMALL_FILE",
    "MIN_PASSWORD",
    "ROLES",
    "SALT_SIZE",
    "SECRET_SNIFF_BYTES",
    "SESSION_SECONDS",
    "Accounts",
    "Action",
    "Archive",
    "ArchiveCheck",
    "ArchivePaths",
    "Assurance",
    "AttestRound",
    "Attester",
    "BlobReader",
    "BlobRef",
    "BundleCheck",
    "Clock",
    "CollectionRules",
    "Consistency",
    "KeyedHash",
    "KindSpec",
    "LinkedAccounts",
    "LogForkError",
    "LogPublication",
    "LogUnavailableError",
    "MonitorResult",
    "PackageCheck",
    "PageText",
    "PassageMask",
    "PortableView",
    "Principal",
    "PublishedLog",
    "ReceiptCheck",
    "Record",
    "RegistrySecret",
    "RequestTag",
    "RequestsView",
    "Role",
    "Salt",
    "SealingKey",
    "Session",
    "StagedBlobs",
    "SubjectSources",
    "Timestamp",
    "TimestampAuthority",
    "TimestampOutcome",
    "UserInfo",
    "View",
    "ViewConnection",
    "ViewsCheck",
    "WitnessOutcome",
    "WitnessRound",
    "WitnessSpec",
    "Witnessed",
    "WordBox",
    "WriteQueue",
    "WriterAddress",
    "WriterClient",
    "WriterServer",
    "WriterTLS",
    "applied_size",
    "assess",
    "attest_checkpoint",
    "can",
    "canonical_json",
    "check_archive",
    "check_cosignatures",
    "check_views",
    "commit",
    "copy_rows",
    "copy_text",
    "create_witness_keys",
    "derived_salt",
    "describe",
    "dialect_of",
    "export_bundle",
    "export_package",
    "follow",
    "followed",
    "held_rows",
    "is_bundle",
    "is_erfurt_secret",
    "is_receipt",
    "is_sha256",
    "keyed_hash",
    "load_link_key",
    "load_registry_secret",
    "load_root_certificate",
    "load_sealing_key",
    "load_verifier",
    "load_witness_keys",
    "loading_from_empty",
    "monitor_published_log",
    "new_salt",
    "page_texts",
    "parse_json",
    "parse_witness_keys",
    "placed_words",
    "publish_log",
    "read_small_file",
    "tagged",
    "timestamp_checkpoint",
    "upsert_sql",
    "verify_bundle",
    "verify_package",
    "verify_receipt",
    "verify_timestamps",
    "witness_checkpoint",
    "witness_server",
]
