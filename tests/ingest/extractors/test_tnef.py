"""winmail.dat (TNEF): the body and the real attachments Outlook wrapped in it."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from erfurt.archive import Archive
from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.sniff import TNEF
from erfurt.ingest import DocumentsView, ExtractionsView, add_paths, extract_pending
from ole_samples import PACKAGED_STATEMENT, REPORT, winmail_dat


def test_the_body_and_the_attachments_wrapped_in_winmail_dat_are_read(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "blob"  # as the pipeline hands it: no name
    path.write_bytes(winmail_dat())
    assert sniff_media_type(path) == TNEF
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "tnef"
    assert result.text == (
        "Subject: 拘留报告\nAttachments: report of 1 October.pdf, note.txt, Package,"
        " Re: the hearing\n\nOfficers refused the lawyers."
    )
    assert [(c.name, c.data[:8]) for c in result.children] == [
        ("report of 1 October.pdf", REPORT[:8]),
        ("note.txt", b"a note"),
        ("Package", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # a compound file: the OLE object
        ("Re: the hearing", b"\x78\x9f\x3e\x22\x01\x00\x01\x04"),  # a TNEF stream of its own
    ]
    assert result.warnings == (
        "attachment 3 is an object that is neither an OLE object nor a message: not kept",
    )
    # Each is read in turn as a file of its own: the package gives its file, the message
    # its subject.
    (tmp_path / "object").write_bytes(result.children[2].data)
    packaged = extract_file(tmp_path / "object", "", options)
    assert [(c.name, c.data) for c in packaged.children] == [("hearing.txt", PACKAGED_STATEMENT)]
    (tmp_path / "message").write_bytes(result.children[3].data)
    assert extract_file(tmp_path / "message", "", options).text == "Subject: the hearing\n\n"


def test_a_stream_cut_short_is_read_as_far_as_it_goes(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = tmp_path / "winmail.dat"
    cut = winmail_dat().index(REPORT) + 100  # inside the first attachment's data
    path.write_bytes(winmail_dat()[:cut])
    result = extract_file(path, path.name, options)
    assert result.ok and "Officers refused the lawyers." in result.text
    assert not result.children
    assert result.warnings[0].startswith("the stream ends inside an attribute")


def test_attachments_inside_winmail_dat_of_an_email_are_found_by_search(tmp_path: Path) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", "rich"
    mail.set_content("See the attachment.")
    mail.add_attachment(
        winmail_dat(), maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "message.eml").write_bytes(bytes(mail))
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(tmp_path / "archive", who="t", views=views) as archive:
        add_paths(archive, [folder], who="t")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
        names = {r["name"] for _, r in archive.records(kinds={"document.added"})}
    assert {
        "message.eml",
        "winmail.dat",
        "report of 1 October.pdf",
        "note.txt",
        "hearing.txt",  # inside an OLE object attached inside winmail.dat
        "Re: the hearing",
    } <= {str(name).rsplit("/", 1)[-1] for name in names}
