"""winmail.dat (TNEF): the body and the real attachments Outlook wrapped in it."""

from __future__ import annotations

import struct
from email.message import EmailMessage
from pathlib import Path

from erfurt.archive import Archive
from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.sniff import TNEF
from erfurt.ingest import DocumentsView, ExtractionsView, add_paths, extract_pending

_VARIABLE = {0x001E, 0x001F, 0x0102, 0x000D}


def _attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return (
        bytes([level])
        + struct.pack("<II", attribute, len(data))
        + data
        + struct.pack("<H", checksum)
    )


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _property(kind: int, property_id: int, *values: bytes, name: str = "") -> bytes:
    """One MAPI property as TNEF writes it ([MS-OXTNEF] 2.1.3.5)."""
    tag = struct.pack("<HH", kind, property_id)
    if property_id >= 0x8000:  # named: a property set, then the name
        encoded = (name + "\0").encode("utf-16-le")
        tag += b"\x01" * 16 + struct.pack("<II", 1, len(encoded)) + _padded(encoded)
    if kind & 0x1000 or kind in _VARIABLE:
        tag += struct.pack("<I", len(values))
    for value in values:
        base = kind & ~0x1000
        tag += struct.pack("<I", len(value)) + _padded(value) if base in _VARIABLE else value
    return tag


def _properties(*properties: bytes) -> bytes:
    return struct.pack("<I", len(properties)) + b"".join(properties)


def _unicode(text: str) -> bytes:
    return (text + "\0").encode("utf-16-le")


REPORT = b"%PDF-1.4 " + b"x" * 3000
WINMAIL = b"".join(
    [
        struct.pack("<IH", 0x223E9F78, 0x1234),
        _attribute(1, 0x00069007, struct.pack("<II", 936, 0)),  # the OEM code page
        _attribute(1, 0x00018004, "拘留报告\0".encode("gbk")),  # the subject, in it
        _attribute(
            1,
            0x00069003,
            _properties(
                _property(0x000B, 0x0E1F, struct.pack("<HH", 1, 0)),  # a boolean, padded
                _property(
                    0x101F, 0x8001, _unicode("arrests"), _unicode("Mong Kok"), name="Keywords"
                ),
                _property(0x0040, 0x0039, struct.pack("<Q", 132145854000000000)),
                _property(0x001F, 0x1000, _unicode("Officers refused the lawyers.")),
            ),
        ),
        _attribute(2, 0x00069002, b"\0" * 14),  # an attachment starts
        _attribute(2, 0x00018010, b"REPORT~1.PDF\0"),
        _attribute(2, 0x0006800F, REPORT),
        _attribute(
            2,
            0x00069005,
            _properties(_property(0x001F, 0x3707, _unicode("report of 1 October.pdf"))),
        ),
        _attribute(2, 0x00069002, b"\0" * 14),
        _attribute(2, 0x00018010, b"note.txt\0"),
        _attribute(2, 0x0006800F, b"a note"),
        _attribute(2, 0x00069002, b"\0" * 14),  # a message attached as an item
        _attribute(2, 0x00069005, _properties(_property(0x000D, 0x3701, b"\0" * 16 + b"x"))),
    ]
)


def test_the_body_and_the_attachments_wrapped_in_winmail_dat_are_read(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(WINMAIL)
    assert sniff_media_type(path) == TNEF
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "tnef"
    assert result.text == (
        "Subject: 拘留报告\nAttachments: report of 1 October.pdf, note.txt\n\n"
        "Officers refused the lawyers."
    )
    assert [(c.name, c.data) for c in result.children] == [
        ("report of 1 October.pdf", REPORT),
        ("note.txt", b"a note"),
    ]
    assert result.warnings == ("attachment 3 is a message attached as an item: not read",)


def test_a_stream_cut_short_is_read_as_far_as_it_goes(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "winmail.dat"
    cut = WINMAIL.index(REPORT) + 100  # inside the first attachment's data
    path.write_bytes(WINMAIL[:cut])
    result = extract_file(path, path.name, options)
    assert result.ok and "Officers refused the lawyers." in result.text
    assert not result.children
    assert result.warnings[0].startswith("the stream ends inside an attribute")


def test_attachments_inside_winmail_dat_of_an_email_are_found_by_search(tmp_path: Path) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", "rich"
    mail.set_content("See the attachment.")
    mail.add_attachment(WINMAIL, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "message.eml").write_bytes(bytes(mail))
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(tmp_path / "archive", who="t", views=views) as archive:
        add_paths(archive, [folder], who="t")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
        names = {r["name"] for _, r in archive.records(kinds={"document.added"})}
    assert {"message.eml", "winmail.dat", "report of 1 October.pdf", "note.txt"} <= {
        str(name).rsplit("/", 1)[-1] for name in names
    }
