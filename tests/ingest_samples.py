"""Inputs the ingest tests make for themselves: PDFs, scans, e-mails, office files, zips."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

EN_LINES = [
    "Witness statement recorded on 4 June.",
    "The police detained twelve people",
    "at the station on Main Street.",
]
HANS_LINES = [
    "国家卫生健康委员会发布通报",
    "王立强说我们在北京看到了这些文件",
    "香港警察在旺角拘捕了多名示威者",
]
HANT_LINES = [
    "國家衛生健康委員會發布通報",
    "王立強說我們在北京看到了這些文件",
    "香港警察在旺角拘捕了多名示威者",
]


def scan_image(lines: list[str], *, degrade: bool = True, size: int = 48) -> Image.Image:
    """A page image with ``lines`` of text; ``degrade`` adds a tilt, blur and noise."""
    font = ImageFont.truetype(str(CJK_FONT), size)
    image = Image.new("L", (1700, 200 + 120 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((80, 80 + number * 120), line, font=font, fill=0)
    if degrade:
        noise = random.Random(7)
        image = image.rotate(0.8, expand=True, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
        pixels = image.load()
        assert pixels is not None
        for _ in range(3000):
            x, y = noise.randrange(image.width), noise.randrange(image.height)
            pixels[x, y] = noise.choice((0, 255))
    return image


def image_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def text_pdf(path: Path, pages: list[list[str]], *, font: str = "Helvetica") -> Path:
    """A born-digital PDF; ``font`` 'cjk' embeds WenQuanYi, 'cid-hant' uses MSung-Light."""
    name = font
    if font == "cjk":
        if "WQY" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQY", str(CJK_FONT), subfontIndex=0))
        name = "WQY"
    elif font == "cid-hant":
        pdfmetrics.registerFont(UnicodeCIDFont("MSung-Light"))
        name = "MSung-Light"
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    for lines in pages:
        sheet.setFont(name, 14)
        for number, line in enumerate(lines):
            sheet.drawString(72, 760 - 24 * number, line)
        sheet.showPage()
    sheet.save()
    return path


def with_attachments(
    pdf: Path, path: Path, files: dict[str, bytes], on_page: dict[str, bytes] | None = None
) -> Path:
    """``pdf`` saved at ``path`` with ``files`` in its EmbeddedFiles, and ``on_page``
    attached to its first page as file annotations (paperclips), as pdfium writes them."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf)
    for name, data in files.items():
        document.new_attachment(name).set_data(data)
    page = document[0]
    for name, data in (on_page or {}).items():
        annotation = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_FILEATTACHMENT)
        pdfium_c.FPDFAnnot_SetRect(annotation, pdfium_c.FS_RECTF(10, 20, 30, 40))
        wide = ctypes.create_string_buffer((name + "\0").encode("utf-16-le"))
        attachment = pdfium_c.FPDFAnnot_AddFileAttachment(
            annotation, ctypes.cast(wide, pdfium_c.FPDF_WIDESTRING)
        )
        pdfium_c.FPDFAttachment_SetFile(attachment, document.raw, data, len(data))
        pdfium_c.FPDFPage_CloseAnnot(annotation)
    page.close()
    document.save(path)
    document.close()
    return path


def scanned_pdf(path: Path, images: list[Image.Image]) -> Path:
    """A PDF of page images with no text layer."""
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    width, height = A4
    for image in images:
        scale = (width - 72) / image.width
        sheet.drawImage(
            ImageReader(image),
            36,
            height - 36 - image.height * scale,
            width=image.width * scale,
            height=image.height * scale,
        )
        sheet.showPage()
    sheet.save()
    return path


def encrypted_pdf(path: Path, password: str) -> Path:
    import pypdf

    plain = text_pdf(path.with_suffix(".plain.pdf"), [EN_LINES])
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with path.open("wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def email_with_attachment(path: Path, attachment: bytes, name: str = "證據.pdf") -> Path:
    """A multipart e-mail: GB18030 plain body, Big5 HTML body, one attachment."""
    message = EmailMessage()
    message["From"] = "张三 <zhang@example.org>"
    message["To"] = "desk@example.org"
    message["Subject"] = "拘留报告 detention report"
    message["Date"] = "Wed, 04 Jun 2025 10:00:00 +0000"
    message.set_content("王立强说我们在北京看到了这些文件。", charset="gb18030", cte="base64")
    message.add_alternative(
        "<html><body><p>香港警察於十月一日在旺角拘捕了多名示威者。</p></body></html>",
        subtype="html",
        charset="big5",
    )
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename=name)
    path.write_bytes(bytes(message))
    return path


def docx_file(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Minutes of the meeting on detention conditions.")
    document.add_paragraph("國家衛生健康委員會 and 国家卫生健康委员会 both attended.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Name"
    table.cell(0, 1).text = "Role"
    table.cell(1, 0).text = "王立强"
    table.cell(1, 1).text = "witness"
    document.save(str(path))
    return path


def xlsx_file(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Detainees"
    sheet.append(["name", "place", "count"])
    sheet.append(["王立强", "北京", 3])
    second = workbook.create_sheet("Notes")
    second.append(["香港警察於十月一日在旺角拘捕了多名示威者"])
    workbook.save(str(path))
    return path


def zip_file(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def hostile_zips(name: str = "a.txt") -> dict[str, bytes]:
    """Zips (one member, ``name``) that make the standard library raise more than
    BadZipFile: fuzzing found the first (`make fuzz`, 2026-12-03)."""
    body = b"hello world " * 100

    def made() -> bytearray:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, body)
        return bytearray(out.getvalue())

    later_version = made()  # "zip file version 8.4": NotImplementedError on opening
    later_version[later_version.index(b"PK\x01\x02") + 6] = 84
    bad_deflate = made()  # zlib.error on reading the member
    start = bad_deflate.index(b"PK\x03\x04") + 30 + len(name.encode())
    bad_deflate[start : start + 8] = b"\xff" * 8
    far_offset = made()  # the member's data past the end of the file
    end = far_offset.index(b"PK\x05\x06")
    far_offset[end + 16 : end + 20] = struct.pack("<I", 0xFFFFFFF0)
    return {
        "later-version": bytes(later_version),
        "bad-deflate": bytes(bad_deflate),
        "far-offset": bytes(far_offset),
    }


def added_and_found(root: Path, folder: Path, *queries: str) -> tuple[str, list[list[str]]]:
    """`erfurt init` of a new archive at ``root`` and `erfurt add` of ``folder``, as a
    user runs them, then `erfurt search --json` of each query: what `add` said on
    stderr, and the names each search found."""
    import json

    from click.testing import CliRunner

    from erfurt.cli.main import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--archive", str(root), "--who", "t"]).exit_code == 0
    added = runner.invoke(cli, ["add", "--archive", str(root), "--who", "t", str(folder)])
    assert added.exit_code == 0, added.output
    found = []
    for query in queries:
        searched = runner.invoke(cli, ["search", "--archive", str(root), "--json", query])
        found.append([hit["name"] for hit in json.loads(searched.stdout)["hits"]])
    return added.stderr, found
