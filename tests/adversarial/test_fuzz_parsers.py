"""Issue 8: every parser of outside input, fuzzed; no input may end in a traceback.

Each parser gets mutations of a valid input (bytes flipped, inserted, deleted, cut) and
random bytes, and must either accept the input or raise one of its documented errors:
:class:`ErfurtError` (the archive, declarations and names) or :class:`LogError` (the
log library). Extractors never raise for bad input: they return a failed Extraction.

The suite runs a bounded number of examples per parser; ``make fuzz`` sets
``FUZZ_EXAMPLES`` for a long run.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erfurt.archive import Archive, Record, verify_receipt
from erfurt.archive.package import export_package, verify_package
from erfurt.declarations import RegistrySettings, declare, prove_receipt, read_import_rows
from erfurt.errors import ErfurtError
from erfurt.extractors import ExtractOptions, extract_file, media_type_of_bytes, sniff_media_type
from erfurt.extractors.olepackage import packaged_file
from erfurt.intake import generate_key
from erfurt.intake.bundle import BundleWriter
from erfurt.intake.offline import _unpack as unpack_submission
from erfurt.intake.replies import parse_reply
from erfurt.log import Checkpoint, LogError, open_checkpoint, open_note
from erfurt.names.lists.ftm import parse_ftm
from erfurt.names.lists.ofac import OFAC_FILES, parse_ofac_sdn
from ingest_samples import email_with_attachment, zip_file
from ole_samples import (
    PACKAGE_CLASS,
    CellError,
    Slide,
    compound_file,
    excel_workbook,
    ole1_object,
    ole_object,
    ole_package_native,
    outlook_message,
    powerpoint_presentation,
    root_streams,
    winmail_dat,
    with_storages,
    word_document,
)

LONG_RUN = os.environ.get("FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(LONG_RUN or 40),
    derandomize=LONG_RUN is None,  # the suite's run is the same every time
    suppress_health_check=[HealthCheck.data_too_large],
)
DOCUMENTED = (ErfurtError, LogError)
OFAC_SAMPLE = Path(__file__).resolve().parents[2].parent / "shared/data/names/ofac-sdn-2021"


_INSERTS = [
    b"\x00",
    b"\n",
    b"\r\n",
    b"{",
    b"[",
    b'"',
    b",",
    b"\xff",
    b"-",
    b"9" * 30,
    "王".encode(),
    b"[" * 5000,  # the standard JSON parser recurses once per level
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits, or (sometimes) random bytes instead."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2 * len(seed) + 16))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat"]))
        if edit == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "insert":
            data[at:at] = draw(st.sampled_from(_INSERTS))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif edit == "cut":
            del data[at:]
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(2, 50))
    return bytes(data)


def _accepts_or_refuses(parse: Callable[[], object]) -> None:
    with contextlib.suppress(*DOCUMENTED):  # anything else fails the test, with its input
        parse()


@pytest.fixture(scope="module")
def registry() -> Iterator[tuple[Archive, Path]]:
    from erfurt.cli.options import all_views

    folder = Path(tempfile.mkdtemp(prefix="erfurt-fuzz-"))
    with Archive.init(folder / "arch", origin="fuzz.example/reg", who="fuzz",
                      views=all_views()) as archive:  # fmt: skip
        yield archive, folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def receipts(registry: tuple[Archive, Path]) -> tuple[bytes, bytes]:
    """A log receipt and a declarant's receipt, both valid."""
    from erfurt.archive import load_registry_secret

    archive, folder = registry
    secret = load_registry_secret(folder / "secret", archive_root=archive.paths.root, create=True)
    declare(archive, alias="A", organisations=["Party"], identity="王曉明; 1990-01-02",
            receipt=folder / "receipt.json", secret=secret)  # fmt: skip
    return archive.prove(archive.size - 1), (folder / "receipt.json").read_bytes()


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_json_nested_deeper_than_the_parser_recurses_is_refused_by_every_reader(
    registry: tuple[Archive, Path], receipts: tuple[bytes, bytes]
) -> None:
    archive, folder = registry
    for name in ("receipt.json", "log-receipt.json", "reply"):
        (folder / name).write_bytes(DEEP)
    with pytest.raises(ErfurtError, match="not a receipt"):
        prove_receipt(DEEP, "receipt.json", archive.vkey)
    with pytest.raises(DOCUMENTED):
        verify_receipt(DEEP, archive.verifier)
    with pytest.raises(ErfurtError, match="line 2: lists or objects nested too deep"):
        parse_ftm(
            b'{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n' + DEEP + b"\n"
        )
    with pytest.raises(ErfurtError, match="not an Erfurt reply file"):
        parse_reply(DEEP, generate_key(folder / "intake.key").sign.public_key())
    plain = io.BytesIO()
    BundleWriter(plain).begin("M", "manifest.json")
    BundleWriter(plain).data(DEEP)
    BundleWriter(plain).end()
    (folder / "plain").write_bytes(plain.getvalue())
    (folder / "files").mkdir()
    with pytest.raises(ErfurtError, match="manifest is not JSON"):
        unpack_submission(folder / "plain", folder / "files")


def test_log_receipts(registry: tuple[Archive, Path], receipts: tuple[bytes, bytes]) -> None:
    archive, _ = registry

    @FUZZ
    @given(data=mutated(receipts[0]))
    def fuzz(data: bytes) -> None:
        _accepts_or_refuses(lambda: verify_receipt(data, archive.verifier))

    fuzz()


def test_declaration_receipts(
    registry: tuple[Archive, Path], receipts: tuple[bytes, bytes]
) -> None:
    archive, _ = registry

    @FUZZ
    @given(data=mutated(receipts[1]))
    def fuzz(data: bytes) -> None:
        _accepts_or_refuses(lambda: prove_receipt(data, "receipt.json", archive.vkey))
        _accepts_or_refuses(lambda: prove_receipt(data, "receipt.json"))

    fuzz()


def test_signed_notes_and_checkpoints(registry: tuple[Archive, Path]) -> None:
    archive, _ = registry
    note = archive.checkpoint_note()

    @FUZZ
    @given(data=mutated(note))
    def fuzz(data: bytes) -> None:
        _accepts_or_refuses(lambda: open_note(data, [archive.verifier]))
        _accepts_or_refuses(lambda: open_checkpoint(data, archive.verifier))
        text = data.decode("utf-8", "replace")
        _accepts_or_refuses(lambda: Checkpoint.from_text(text))

    fuzz()


def test_evidence_packages(registry: tuple[Archive, Path]) -> None:
    archive, folder = registry
    blob = archive.put_bytes("證據 evidence\n".encode())
    [index] = archive.append([Record("document.added", {
        "blob": blob.sha256, "size": blob.size, "name": "證據.txt", "media_type": "text/plain",
        "collection": "c", "time": archive.now(), "who": "fuzz",
    })])  # fmt: skip
    package = export_package(archive, index, folder / "package")
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())

    @FUZZ
    @given(victim=st.sampled_from(files), data=st.data())
    def fuzz(victim: str, data: st.DataObject) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(shutil.copytree(package, Path(scratch) / "package"))
            target = copy / victim
            target.write_bytes(data.draw(mutated(target.read_bytes())))
            _accepts_or_refuses(lambda: verify_package(copy, vkey=archive.vkey))
            _accepts_or_refuses(lambda: verify_package(copy))

    fuzz()


CSV_SEED = (
    "number,time,alias,organisations,place,statement,channel,volunteer\n"
    '1,2019-06-01T10:00:00+08:00,王晓明,Party;Youth League,Harbin,"我退出, ""党""",phone,V\n'
    "2,2019-06-02 10:00,B,Young Pioneers,,,online,\n"
).encode()


@FUZZ
@given(data=mutated(CSV_SEED))
def test_declarations_csv_imports(data: bytes) -> None:
    def parse() -> None:  # a text file object, as the CLI hands it over
        lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        for _ in read_import_rows(lines, RegistrySettings(), "fuzz.csv", latest="2030-01-01"):
            pass

    _accepts_or_refuses(parse)


FTM_SEED = (
    b'{"id": "p1", "schema": "Person", "properties": {"name": ["\xe7\x8e\x8b Wang"], '
    b'"birthDate": ["1960-01-02"], "country": ["cn"], "alias": ["Wong"]}}\n'
    b'{"id": "o1", "schema": "Organization", "properties": {"name": ["Acme Ltd"]}}\n'
)


@FUZZ
@given(data=mutated(FTM_SEED))
def test_ftm_imports(data: bytes) -> None:
    _accepts_or_refuses(lambda: parse_ftm(data, "fuzz.ftm.json"))


def _ofac_seed() -> dict[str, bytes]:
    seed = {}
    for name in OFAC_FILES:
        lines = (OFAC_SAMPLE / name).read_bytes().splitlines(keepends=True)
        seed[name] = b"".join(lines[:6])
    return seed


@FUZZ
@given(victim=st.sampled_from(OFAC_FILES), data=st.data())
def test_ofac_imports(victim: str, data: st.DataObject) -> None:
    files = _ofac_seed()
    files[victim] = data.draw(mutated(files[victim]))
    _accepts_or_refuses(lambda: parse_ofac_sdn(files, "fuzz"))


_OLE_NATIVE = ole_package_native(
    b"????.txt", b"C:\\Users\\x\\????.txt", "證人".encode(), wide=("證人.txt", "C:\\證人.txt")
)


@FUZZ
@given(data=mutated(_OLE_NATIVE))
def test_ole_packages(data: bytes) -> None:
    _accepts_or_refuses(lambda: packaged_file(data))


def _extractor_seed(kind: str) -> bytes:
    if kind == "html":  # the shapes html.py bounds: a crowded element, a wide row, quotes
        crowded = " ".join(f"a{n}='x>{n}'" for n in range(1001))
        row = "".join(f"<td>{n}</td>" for n in range(1001))
        return (
            f'<!-- a --><html><head><title>t</title></head><body><p class="x" {crowded}>'
            f'文字</p><table><tr>{row}</tr><tr><td colspan="3">z</td></tr></table></body></html>'
        ).encode()
    if kind == "rtf":  # code pages, Unicode, a picture, a table; an embedded package
        packaged = ole1_object("Package", _OLE_NATIVE[4:]).hex().encode()
        return (
            rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f1\fcharset134 x;}}{\*\generator g}"
            rb"\f1\'cd\'f5 \u26106?\uc2\u-10179??\par{\pict\bin3 }{}}\trowd a\cell\row"
            rb"{\object\objemb{\*\objdata " + packaged + rb"}}}"
        )
    if kind == "tnef":
        return winmail_dat()
    if kind == "doc":  # two stories, compressed and UTF-16 pieces, a field, a table; an
        # embedded workbook and an OLE package in its object pool
        document = word_document([
            ["Minutes\r", "警察在車站\r", "a\x07b\x07\x07", "\x13 PAGE \x143\x15\r"], ["note\r"],
        ])  # fmt: skip
        pool = {
            "_1": root_streams(excel_workbook({"S": [["車站", 1]]})),
            "_2": {"\x01Ole10Native": _OLE_NATIVE},
        }
        return with_storages(document, {"ObjectPool": pool}, {"ObjectPool/_2": PACKAGE_CLASS})
    if kind == "xls":  # shared strings (Latin-1 and UTF-16), numbers, a date, an error
        return excel_workbook({
            "S": [["a", "車站", 1.5], [date(2024, 5, 3), True, CellError(7)]], "T": [["x"]],
        })  # fmt: skip
    if kind == "ppt":  # placeholders, shapes and notes, Latin-1 and UTF-16, an earlier
        # save, an embedded object (compressed)
        return powerpoint_presentation(
            [Slide(["Title", "車站"], ["box"], ["notes"]), Slide(["Next"])],
            deleted="old",
            embedded=(ole_object(_OLE_NATIVE),),
        )
    if kind == "ole":  # an embedded file, its names in ANSI and UTF-16
        return ole_object(_OLE_NATIVE)
    if kind == "msg":
        attached = outlook_message(subject="inner", body="b", embedded=True)
        return compound_file(
            outlook_message(
                subject="拘留",
                body="body " * 20,
                sender=("Chan", "chan@example.org"),
                attachments=(("a.txt", b"x" * 100),),
                attached_messages=(attached,),
            )
        )
    with tempfile.TemporaryDirectory() as scratch:
        if kind == "eml":
            path = email_with_attachment(Path(scratch) / "m.eml", b"%PDF-1.4 not really")
        else:
            inner = zip_file(Path(scratch) / "inner.zip", {"a.txt": "內容".encode()})
            path = zip_file(Path(scratch) / "z.zip", {
                "notes/a.txt": b"hello " * 50, "inner.zip": inner.read_bytes(),
                "../escape.txt": b"x", "名字.txt": "王".encode(),
            })  # fmt: skip
        return path.read_bytes()


@pytest.mark.parametrize(
    "kind", ["eml", "zip", "html", "rtf", "msg", "tnef", "doc", "xls", "ppt", "ole"]
)
def test_the_type_guess_never_raises(kind: str) -> None:
    # `erfurt add` guesses each file's type in its own process, outside any extractor's
    # safety net: a zip that made zipfile raise NotImplementedError stopped a whole folder.
    seed = _extractor_seed(kind)

    @FUZZ
    @given(data=mutated(seed))
    def fuzz(data: bytes) -> None:
        assert media_type_of_bytes(data)
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "blob"
            path.write_bytes(data)
            assert sniff_media_type(path) == media_type_of_bytes(data)

    fuzz()


@pytest.mark.parametrize(
    "kind", ["eml", "zip", "html", "rtf", "msg", "tnef", "doc", "xls", "ppt", "ole"]
)
def test_extraction_of_mail_zip_html_rtf_msg_tnef_and_office_97(kind: str) -> None:
    seed = _extractor_seed(kind)
    options = ExtractOptions(time_limit_s=3600)

    @FUZZ
    @given(data=mutated(seed))
    def fuzz(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "blob"  # as the pipeline hands it: a blob without a name
            path.write_bytes(data)
            result = extract_file(path, f"evidence.{kind}", options)
            assert result.ok or result.failure  # an outcome, never an exception

    fuzz()
