"""Taking declarations into an archive: one at a time with a receipt, or a whole CSV."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from erfurt.archive import (
    Archive,
    Record,
    RegistrySecret,
    RequestTag,
    Salt,
    ViewConnection,
    derived_salt,
    new_salt,
    tagged,
)
from erfurt.declarations.csv_import import RowProblem, read_import_rows, row_digest
from erfurt.declarations.identity import (
    IDENTITY_RULE,
    commit_identity,
    hash_person,
    parse_identity,
)
from erfurt.declarations.model import (
    DECLARATION_KIND,
    Declaration,
    make_declaration,
    registry_settings,
)
from erfurt.declarations.receipt import Receipt
from erfurt.declarations.view import imported_count, number_of
from erfurt.errors import ConfigError, InputError

__all__ = [
    "DeclarationFields",
    "Declared",
    "ImportReport",
    "declarations_in_log",
    "declare",
    "declare_with_receipt",
    "import_declarations",
]

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Declared:
    """A logged declaration: its number, log index, time, and receipt file if any."""

    number: int
    log_index: int
    time: str
    alias: str
    receipt: Path | None


@dataclass(frozen=True, slots=True)
class DeclarationFields:
    """What a declarant declares, and the volunteer who took it (checked when logged)."""

    alias: str
    organisations: tuple[str, ...]
    place: str | None = None
    statement: str | None = None
    channel: str = "online"
    volunteer: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: how many declarations went in, numbered from/to, bad rows.

    ``already_imported`` counts the rows skipped because the log already held their
    declarations (from an earlier run of the same or a corrected file).
    """

    imported: int
    first_number: int | None
    last_number: int | None
    problems: tuple[RowProblem, ...]
    already_imported: int = 0


def _check_receipt_path(path: Path, archive: Archive) -> None:
    if path.resolve().is_relative_to(archive.paths.root.resolve()):
        raise InputError(
            f"{path}: the receipt holds the declarant's identity and must not be written"
            " inside the archive folder",
            "write it elsewhere, e.g. on the declarant's own storage",
        )
    if path.exists():
        raise InputError(f"{path}: a file is already there", "choose a new receipt file name")
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist", "create it first")


def _reserve_receipt(path: Path) -> int:
    """Create the receipt file, owner-only and empty, before anything is logged.

    O_EXCL never overwrites an earlier receipt; taking the name first means a second
    declaration given the same file name fails before it is logged, instead of being
    logged with its receipt (and the identity's salt) lost.
    """
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise InputError(
            f"{path}: a file is already there", "choose a new receipt file name"
        ) from exc


def _write_receipt(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _with_identity(
    declaration: Declaration,
    identity: str,
    secret: RegistrySecret | None,
    request: RequestTag | None = None,
) -> tuple[Declaration, Salt]:
    """``declaration`` committed to ``identity`` with a fresh salt, and keyed-hashed.

    For a ``request`` its client may retry, the salt is derived from the request's keyed
    hash instead, so the answer to a retry is a receipt that opens the commitment logged
    the first time.
    """
    if secret is None:
        raise InputError(
            "an identity needs the registry secret (for repeat declarations)",
            "load it with load_registry_secret (the CLI's --secret-file)",
        )
    person = parse_identity(identity, today=date.fromisoformat(declaration.time[:10]))
    if request is None:
        salt = new_salt()
    else:
        salt = derived_salt(secret, "declaration.salt", request.request.encode())
    identified = replace(
        declaration,
        commitment=commit_identity(person, salt),
        person=hash_person(secret, person),
        key_id=secret.key_id,
        identity_rule=IDENTITY_RULE,
    )
    return identified, salt


def _new_declaration(archive: Archive, fields: DeclarationFields) -> Declaration:
    return make_declaration(
        registry_settings(archive.config),
        alias=fields.alias,
        organisations=list(fields.organisations),
        time=archive.now(),
        place=fields.place,
        statement=fields.statement,
        channel=fields.channel,
        volunteer=fields.volunteer,
    )


def _declared(
    archive: Archive,
    index: int,
    declaration: Declaration,
    request: RequestTag | None,
    receipt: Path | None,
) -> Declared:
    """The declaration logged at ``index``: ``declaration``, or with a ``request`` the
    one read back from the log (a retry is answered with the first request's)."""
    if request is not None:
        fields = archive.record(index).fields
        declaration = Declaration.from_fields(fields, source=f"record {index}")
    with archive.query_views() as db:
        number = number_of(db, index)
    if number is None:
        raise ConfigError(
            f"declaration at log index {index} is logged but was not numbered",
            "open the archive with DeclarationsView among its views",
        )
    _logger.info("declaration %d logged at index %d", number, index)
    return Declared(number, index, declaration.time, declaration.alias, receipt)


def declare(
    archive: Archive,
    *,
    alias: str,
    organisations: Iterable[str],
    place: str | None = None,
    statement: str | None = None,
    channel: str = "online",
    volunteer: str | None = None,
    identity: str | None = None,
    receipt: Path | None = None,
    secret: RegistrySecret | None = None,
    request: RequestTag | None = None,
) -> Declared:
    """Log one declaration at the archive's time; with an identity, write its receipt.

    The identity is normalised in memory, committed to with a fresh salt and keyed-hashed
    with ``secret``; only the commitment and the keyed hash are logged. A ``request``
    (:mod:`erfurt.archive.requests`) tags the record: sent again, it is answered with
    the declaration it logged first. Raises InputError for a bad field, an identity
    without a receipt path or secret, a receipt path without an identity, or a receipt
    path inside the archive or already taken.
    """
    fields = DeclarationFields(alias, tuple(organisations), place, statement, channel, volunteer)
    declaration = _new_declaration(archive, fields)
    if receipt is not None and identity is None:
        raise InputError(
            "a receipt holds the declarant's identity, and no identity was given",
            "add --identity (- reads it from stdin), or leave out --receipt",
        )
    if identity is None:
        [index] = archive.append(_records(declaration, request))
        return _declared(archive, index, declaration, request, None)
    if receipt is None:
        raise InputError(
            "an identity needs a receipt file to give the declarant",
            "add --receipt FILE (outside the archive folder)",
        )
    declaration, salt = _with_identity(declaration, identity, secret, request)
    _check_receipt_path(receipt, archive)
    reserved = _reserve_receipt(receipt)
    try:
        [index] = archive.append(_records(declaration, request))
    except BaseException:
        os.close(reserved)
        receipt.unlink()
        raise
    document = Receipt(identity=identity, salt=salt, proof=archive.prove(index), vkey=archive.vkey)
    _write_receipt(reserved, document.to_bytes())
    return _declared(archive, index, declaration, request, receipt)


def declare_with_receipt(
    archive: Archive,
    fields: DeclarationFields,
    identity: str,
    secret: RegistrySecret | None,
    *,
    request: RequestTag | None = None,
) -> tuple[Declared, Receipt]:
    """Log a declaration with an identity, and return its receipt in memory, unwritten.

    For a server that hands the receipt straight to the declarant: the identity and the
    salt are never written anywhere (with a ``request``, the salt is derived from it, so
    a retry gets the same receipt). Raises InputError as :func:`declare` does.
    """
    declaration = _new_declaration(archive, fields)
    declaration, salt = _with_identity(declaration, identity, secret, request)
    [index] = archive.append(_records(declaration, request))
    document = Receipt(identity=identity, salt=salt, proof=archive.prove(index), vkey=archive.vkey)
    return _declared(archive, index, declaration, request, None), document


def _records(declaration: Declaration, request: RequestTag | None) -> list[Record]:
    return tagged([Record(DECLARATION_KIND, declaration.to_fields())], request)


def import_declarations(
    archive: Archive,
    lines: Iterable[str],
    source: str,
    *,
    batch_size: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Log every good row of a registry CSV that is not in the log yet, in durable batches.

    A bad row (a time in the future included) is reported by row number and skipped;
    every other row goes in whole. A row whose declaration the log already holds (by
    :func:`row_digest`: the same file run again after a crash, or corrected and run
    again) is skipped, so nothing is counted twice; two identical rows in one file are
    two declarations. Raises InputError before writing anything if the header is
    unusable.
    """
    problems: list[RowProblem] = []
    batch: list[tuple[int, bytes, Record]] = []  # (occurrence in the file, digest, record)
    first: int | None = None
    last: int | None = None
    imported = skipped = 0
    in_file: Counter[bytes] = Counter()

    def not_yet_logged(db: ViewConnection) -> list[Record]:
        # Called under the log's lock with up-to-date views: the n-th row of a digest
        # is logged only while the log holds fewer than n declarations of that digest.
        nonlocal skipped
        in_log: dict[bytes, int] = {}
        fresh: list[Record] = []
        for occurrence, digest, record in batch:
            if digest not in in_log:
                in_log[digest] = imported_count(db, digest)
            if occurrence <= in_log[digest]:
                skipped += 1
            else:
                fresh.append(record)
        return fresh

    def flush() -> None:
        nonlocal first, last, imported
        if not batch:
            return
        indexes = archive.append_with(not_yet_logged)
        batch.clear()
        if not indexes:
            return
        with archive.query_views() as db:
            if first is None:
                first = number_of(db, indexes[0])
            last = number_of(db, indexes[-1])
        imported += len(indexes)
        if progress is not None:
            progress(imported)

    latest = _latest_import_time(archive.now())
    settings = registry_settings(archive.config)
    for _, item in read_import_rows(lines, settings, source, latest=latest):
        if isinstance(item, RowProblem):
            problems.append(item)
            continue
        digest = row_digest(item)
        in_file[digest] += 1
        batch.append((in_file[digest], digest, Record(DECLARATION_KIND, item.to_fields())))
        if len(batch) >= batch_size:
            flush()
    flush()
    return ImportReport(imported, first, last, tuple(problems), skipped)


def _latest_import_time(now: str) -> str:
    """The latest time an imported row may carry: a day after the archive's clock.

    The day allows for times written in a zone ahead of UTC without an offset.
    """
    moment = datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ") + timedelta(days=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def declarations_in_log(archive: Archive) -> Iterable[tuple[int, Declaration]]:
    """Every declaration in the log, in log order, with its log index."""
    for index, record in archive.records(kinds={DECLARATION_KIND}):
        yield index, Declaration.from_fields(record.fields, source=f"record {index}")
