"""Export, open offline, custody across the two archives; metadata stripped on request."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from erfurt.archive import Archive
from erfurt.cli import cli
from erfurt.cli.options import all_views
from erfurt.errors import VerificationError
from erfurt.intake import verify_intake_custody

from .conftest import Setup, run, submit

SECRET_FILE = b"The ledger of the district office, page 4: names of informants.\n"


def _export_and_open(setup: Setup, *extra: str) -> dict[str, object]:
    usb = setup.root / "usb"
    usb.mkdir(exist_ok=True)
    assert run("intake", "export", "--archive", setup.server, usb).exit_code == 0
    opened = run(
        "intake", "open", usb, "--key-file", setup.key, "--into", setup.offline, "--json", *extra
    )
    answer: dict[str, object] = json.loads(opened.stdout)
    return answer


def _documents(archive_path: Path) -> dict[str, tuple[int, bytes]]:
    with Archive.open(archive_path, views=all_views()) as archive:
        return {
            str(r["name"]): (i, archive.read_blob(str(r["blob"])))
            for i, r in archive.records(kinds={"document.added"})
        }


def test_a_submission_reaches_the_offline_archive_with_its_custody(setup: Setup) -> None:
    submit(setup.server, [("T", "message", b"Meet me."), ("F", "a.txt", SECRET_FILE)])
    for blob in (setup.server / "blobs").rglob("*"):
        if blob.is_file():
            assert SECRET_FILE[:30] not in blob.read_bytes()
    answer = _export_and_open(setup)
    assert answer["ok"], answer
    documents = _documents(setup.offline)
    assert documents["submission-1/01-a.txt"][1] == SECRET_FILE
    assert documents["submission-1/message.txt"][1] == b"Meet me."
    with Archive.open(setup.server) as server:
        vkey = server.vkey
        [(received, record)] = list(server.records(kinds={"intake.received"}))
    assert set(record.fields) == {"blob", "size", "time", "key"}
    assert len(str(record["time"])) == 10  # the day only
    with Archive.open(setup.offline, views=all_views()) as offline:
        chain = verify_intake_custody(offline, documents["submission-1/01-a.txt"][0], vkey=vkey)
        assert (chain.received, chain.envelope) == (received, record["blob"])
        kinds = [r.kind for _, r in offline.custody(documents["submission-1/01-a.txt"][0])]
        assert "document.added" in kinds
    # A second export carries nothing new; a second open adds nothing twice.
    again = _export_and_open(setup)
    assert [row["added"] for row in again["submissions"]] == [0]  # type: ignore[union-attr]


def test_custody_refuses_another_servers_key(setup: Setup) -> None:
    submit(setup.server, [("F", "a.txt", SECRET_FILE)])
    _export_and_open(setup)
    document = _documents(setup.offline)["submission-1/01-a.txt"][0]
    with Archive.open(setup.offline) as offline, pytest.raises(VerificationError):
        verify_intake_custody(offline, document, vkey=offline.vkey)


def test_an_altered_envelope_is_refused_and_the_others_go_on(setup: Setup) -> None:
    submit(setup.server, [("F", "first.txt", b"first file\n")])
    submit(setup.server, [("F", "second.txt", b"second file\n")])
    usb = setup.root / "usb"
    usb.mkdir()
    assert run("intake", "export", "--archive", setup.server, usb).exit_code == 0
    [first, _] = sorted((usb / "erfurt-intake").glob("*.envelope"))
    data = bytearray(first.read_bytes())
    data[-3] ^= 0x40
    first.write_bytes(bytes(data))
    opened = run("intake", "open", usb, "--key-file", setup.key, "--into", setup.offline, "--json")
    assert opened.exit_code == 1
    rows = json.loads(opened.stdout)["submissions"]
    assert [r["ok"] for r in rows] == [False, True]
    assert "altered" in rows[0]["error"]
    assert set(_documents(setup.offline)) == {"submission-2/01-second.txt"}


@pytest.mark.parametrize("planted", ["erfurt-intake", "log.vkey", "envelope", "receipt"])
def test_export_writes_nothing_through_a_link_planted_on_the_media(
    setup: Setup, planted: str
) -> None:
    submit(setup.server, [("F", "first.txt", b"first file\n")])
    with Archive.open(setup.server) as archive:
        [(index, _)] = list(archive.records(kinds={"intake.received"}))
    victim = setup.root / "victim"
    victim.mkdir()
    (victim / "precious").write_bytes(b"the server's own file\n")
    usb = setup.root / "usb"
    folder = usb / "erfurt-intake"
    if planted == "erfurt-intake":
        usb.mkdir()
        folder.symlink_to(victim)
    else:
        folder.mkdir(parents=True)
        name = {"log.vkey": "log.vkey", "envelope": f"{index}.envelope"}.get(
            planted, f"{index}.receipt"
        )
        (folder / name).symlink_to(victim / "precious")
    refused = CliRunner().invoke(
        cli, ["intake", "export", "--archive", str(setup.server), str(usb)]
    )
    assert refused.exit_code == 1
    assert "symbolic link" in refused.output
    assert (victim / "precious").read_bytes() == b"the server's own file\n"
    assert sorted(p.name for p in victim.iterdir()) == ["precious"]
    # Nothing was marked exported: once the link is gone, the export carries everything.
    if planted == "erfurt-intake":
        folder.unlink()
    else:
        shutil.rmtree(folder)
    assert run("intake", "export", "--archive", setup.server, usb).exit_code == 0
    assert (folder / f"{index}.envelope").is_file() and (folder / f"{index}.receipt").is_file()


def test_a_readable_key_file_is_refused_at_open(setup: Setup) -> None:
    setup.key.chmod(0o640)
    usb = setup.root / "usb"
    usb.mkdir()
    run("intake", "export", "--archive", setup.server, usb)
    opened = run("intake", "open", usb, "--key-file", setup.key, "--into", setup.offline)
    assert opened.exit_code == 1
    assert "chmod 600" in opened.stderr


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), (200, 10, 10))
    exif = Image.Exif()
    exif[0x013B] = "Artist Witness Name"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf_with_info() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": "Author Witness Name", "/Title": "internal"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_with_author() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document>body text</w:document>")
        docx.writestr(
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>Creator Witness Name</dc:creator></cp:coreProperties>",
        )
    return out.getvalue()


def test_strip_metadata_keeps_the_original_and_a_clean_copy(setup: Setup) -> None:
    files = {"photo.jpg": _jpeg_with_exif(), "memo.pdf": _pdf_with_info()}
    files["report.docx"] = _docx_with_author()
    submit(setup.server, [("F", name, data) for name, data in files.items()])
    answer = _export_and_open(setup, "--strip-metadata")
    assert answer["ok"], answer
    documents = _documents(setup.offline)
    for number, (name, data) in enumerate(files.items(), start=1):
        original = documents[f"submission-1/{number:02d}-{name}"][1]
        stripped = documents[f"submission-1/metadata-stripped/{number:02d}-{name}"][1]
        assert original == data
        assert b"Witness Name" in original
        assert b"Witness Name" not in stripped
    stripped_pdf = documents["submission-1/metadata-stripped/02-memo.pdf"][1]
    assert len(pypdf.PdfReader(io.BytesIO(stripped_pdf)).pages) == 1
    with Image.open(io.BytesIO(documents["submission-1/metadata-stripped/01-photo.jpg"][1])) as im:
        assert im.size == (8, 8)
        assert not im.getexif()


def test_hostile_names_in_a_submission_become_safe_names(setup: Setup) -> None:
    hostile = ["../../etc/passwd", "\u202egpj.exe", "..", "a\\b\\c.txt", "/abs/x.txt", ""]
    submit(setup.server, [("F", name, name.encode() + b" body") for name in hostile])
    answer = _export_and_open(setup)
    assert answer["ok"], answer
    names = sorted(_documents(setup.offline))
    assert names == [
        "submission-1/01-passwd",
        "submission-1/02-gpj.exe",
        "submission-1/03-file",
        "submission-1/04-c.txt",
        "submission-1/05-x.txt",
        "submission-1/06-file",
    ]
