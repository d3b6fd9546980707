"""Declaring into a real archive: numbers, receipts that prove offline, audits, import, publish."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from erfurt.archive import Archive, RegistrySecret, load_registry_secret
from erfurt.declarations import (
    PUBLIC_FIELDS,
    RowProblem,
    audit_tally,
    declare,
    import_declarations,
    imported_count,
    prove_receipt,
    publish_registry,
    read_import_rows,
    read_tally,
    row_digest,
)
from erfurt.declarations.model import RegistrySettings
from erfurt.errors import InputError, VerificationError
from erfurt.log import Signer

IDENTITY = "Li Hua; 1985-07-21"


@pytest.fixture
def secret(registry: Archive, secret_file: Path) -> RegistrySecret:
    return load_registry_secret(secret_file, archive_root=registry.paths.root, create=True)


def _declare_with_receipt(
    registry: Archive, secret: RegistrySecret, receipt: Path, identity: str = IDENTITY
) -> int:
    return declare(
        registry,
        alias="Spring",
        organisations=["Party"],
        identity=identity,
        receipt=receipt,
        secret=secret,
    ).number


def test_numbers_count_declarations_only_and_persons_count_once(
    registry: Archive, secret: RegistrySecret, tmp_path: Path
) -> None:
    first = _declare_with_receipt(registry, secret, tmp_path / "r1.json")
    anonymous = declare(registry, alias="Autumn", organisations=["Youth League"])
    again = _declare_with_receipt(registry, secret, tmp_path / "r2.json", "LI  HUA; 1985/7/21")
    assert (first, anonymous.number, again) == (1, 2, 3)
    total = read_tally(registry).total
    assert (total.declarations, total.persons) == (3, 2)


def test_a_receipt_proves_offline_and_an_altered_one_fails(
    registry: Archive, secret: RegistrySecret, tmp_path: Path
) -> None:
    receipt = tmp_path / "receipt.json"
    _declare_with_receipt(registry, secret, receipt)
    assert receipt.stat().st_mode & 0o077 == 0
    vkey = registry.vkey
    registry.close()  # offline: only the receipt's bytes and the key are used from here on
    data = receipt.read_bytes()
    proved = prove_receipt(data, "receipt.json", vkey)
    assert (proved.name, proved.birth_date) == ("li hua", "1985-07-21")
    assert proved.declaration.alias == "Spring"
    assert not proved.vkey_from_receipt

    document = json.loads(data)
    extra = next(line for line in document["proof"].splitlines() if line.startswith("extra "))
    record = base64.b64decode(extra.removeprefix("extra "))
    forged = b"extra " + base64.b64encode(record.replace(b'"Spring"', b'"Summer"'))
    for field, value in [
        ("identity", "Li Hua; 1985-07-22"),
        ("identity", "Wang Wei; 1985-07-21"),
        ("salt", "00" * 32),
        ("proof", document["proof"].replace(extra, forged.decode())),
        ("proof", document["proof"].replace("index ", "index 1")),
    ]:
        altered = json.dumps({**document, field: value}).encode()
        with pytest.raises(VerificationError):
            prove_receipt(altered, "altered.json", vkey)
    with pytest.raises(VerificationError, match="not a"):
        prove_receipt(b"not json", "junk", vkey)
    other_key = Signer.generate("test.example/registry").verifier.vkey
    with pytest.raises(VerificationError):
        prove_receipt(data, "receipt.json", other_key)
    with pytest.raises(InputError, match="--vkey"):
        prove_receipt(data, "receipt.json", "not a key")


def test_identity_needs_a_receipt_outside_the_archive(
    registry: Archive, secret: RegistrySecret, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="needs a receipt"):
        declare(registry, alias="a", organisations=["Party"], identity=IDENTITY, secret=secret)
    inside = registry.paths.root / "receipt.json"
    with pytest.raises(InputError, match="inside the archive folder"):
        _declare_with_receipt(registry, secret, inside)
    taken = tmp_path / "taken.json"
    taken.write_text("mine")
    with pytest.raises(InputError, match="already there"):
        _declare_with_receipt(registry, secret, taken)
    with pytest.raises(InputError, match="is not a date"):
        _declare_with_receipt(registry, secret, tmp_path / "r.json", "Li Hua; 1985-02-30")
    assert read_tally(registry).total.declarations == 0  # nothing half-written
    assert not (tmp_path / "r.json").exists()


def test_audit_recounts_from_the_log_and_catches_a_tampered_view(
    registry: Archive, tmp_path: Path
) -> None:
    for day, org in [("a", "Party"), ("b", "Youth League"), ("c", "Party")]:
        declare(registry, alias=day, organisations=[org], place="Wuhan")
    report = audit_tally(registry)
    assert report.ok and report.declarations == 3 and report.persons == 3
    with sqlite3.connect(registry.paths.views_db) as db:
        db.execute(
            "UPDATE declarations_count SET declarations = declarations + 1000"
            " WHERE grouping = 'organisation' AND key = 'Party'"
        )
    tampered = audit_tally(registry)
    assert not tampered.ok
    [mismatch] = tampered.mismatches
    assert (mismatch.grouping, mismatch.key, mismatch.in_log[0], mismatch.in_view[0]) == (
        "organisation",
        "Party",
        2,
        1002,
    )
    registry.rebuild()
    assert audit_tally(registry).ok


def test_import_reports_bad_rows_and_logs_the_rest_whole(registry: Archive) -> None:
    declare(registry, alias="first", organisations=["Party"])
    text = (
        "time,alias,organisations,statement\n"
        "2019-05-01T10:00:00Z,A,Party,\n"
        "2019-05-01T11:00:00Z,,Party,\n"
        "2019-05-02T10:00:00Z,B,Young Pioneers,\n"
        f"2019-05-02T11:00:00Z,C,Party,{'x' * 20_000}\n"
        "2019-05-03T10:00:00Z,D,Party;Youth League,ok\n"
    )
    report = import_declarations(registry, text.splitlines(keepends=True), "old.csv", batch_size=2)
    assert (report.imported, report.first_number, report.last_number) == (3, 2, 4)
    assert [(p.row, p.message.split(" ")[0]) for p in report.problems] == [
        (3, "alias"),
        (5, "statement"),
    ]
    days = [(r.key, r.declarations) for r in read_tally(registry, "day").rows]
    assert days[:3] == [("2019-05-01", 1), ("2019-05-02", 1), ("2019-05-03", 1)]
    assert audit_tally(registry).ok


def test_a_bad_header_imports_nothing(registry: Archive) -> None:
    with pytest.raises(InputError, match="missing columns organisations"):
        import_declarations(registry, ["time,alias\n", "2019-05-01T10:00:00Z,A\n"], "x.csv")
    assert read_tally(registry).total.declarations == 0


def test_publish_lists_public_fields_only(
    registry: Archive, secret: RegistrySecret, tmp_path: Path
) -> None:
    _declare_with_receipt(registry, secret, tmp_path / "r.json")
    declare(
        registry, alias="B", organisations=["Party"], volunteer="Volunteer Nine", channel="phone"
    )
    published = publish_registry(registry, tmp_path / "public")
    assert published.declarations == 2
    lines = (tmp_path / "public" / "declarations.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [tuple(row) for row in rows] == [PUBLIC_FIELDS, PUBLIC_FIELDS]
    assert [row["number"] for row in rows] == [1, 2]
    everything = b"".join(p.read_bytes() for p in (tmp_path / "public").iterdir())
    [(_, first), (_, second)] = registry.records(kinds={"declaration.made"})
    assert second["volunteer"] == "Volunteer Nine"  # it is in the log, just not published
    for private in [first["commitment"], first["person"], secret.key_id, "Volunteer Nine"]:
        assert private.encode() not in everything
    assert b'"channel"' not in everything
    tally = json.loads((tmp_path / "public" / "tally.json").read_text())
    assert tally["total"] == [{"key": "", "declarations": 2, "persons": 2}]


def test_an_interrupted_import_resumes_and_a_finished_one_logs_nothing_twice(
    registry: Archive,
) -> None:
    rows = [f"2019-06-{day:02d}T10:00:00Z,alias {day},Party\n" for day in range(1, 11)]
    lines = ["time,alias,organisations\n", *rows[:4], "2019-06-05T10:00:00Z,,Party\n", *rows[4:]]

    def crashing() -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            if number == 8:  # rows 2-7 read; batches of two: rows 2-5 logged, 7 not yet
                raise KeyboardInterrupt
            yield line

    with pytest.raises(KeyboardInterrupt):
        import_declarations(registry, crashing(), "old.csv", batch_size=2)
    assert read_tally(registry).total.declarations == 4
    resumed = import_declarations(registry, lines, "old.csv", batch_size=2)
    assert (resumed.already_imported, resumed.imported) == (4, 6)
    assert [p.row for p in resumed.problems] == [6]
    assert [r.declarations for r in read_tally(registry, "day").rows] == [1] * 10
    again = import_declarations(registry, lines, "old.csv")
    assert (again.already_imported, again.imported) == (10, 0)
    other_file = import_declarations(registry, [lines[0], rows[0]], "new.csv")
    assert (other_file.already_imported, other_file.imported) == (1, 0)
    registry.rebuild()  # the row identities are part of the view, rebuilt from the log
    with registry.read_views() as db:
        [(_, first_row)] = read_import_rows([lines[0], rows[0]], RegistrySettings(), "x.csv")
        assert not isinstance(first_row, RowProblem)
        assert imported_count(db, row_digest(first_row)) == 1
    assert audit_tally(registry).ok
