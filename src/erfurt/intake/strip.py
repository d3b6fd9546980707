"""Copies of submitted files without the metadata that can identify a source.

Images lose EXIF, XMP and comments (the pixels are re-encoded); PDFs lose the document
information dictionary and every XMP stream; office files (docx, xlsx, pptx, odt ...) get
empty document properties. The original is always kept as well: stripping is for reading
and publishing, never instead of preserving.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

__all__ = ["strip_metadata"]

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>'
)
_EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
_REPLACED = {
    "docProps/core.xml": _EMPTY_CORE,
    "docProps/app.xml": _EMPTY_APP,
    "docProps/custom.xml": _EMPTY_CUSTOM,
    "meta.xml": _EMPTY_ODF_META,
}
_MAX_UNPACKED = 512 * 1024 * 1024  # a zip bomb is kept as it is, not rewritten
_IMAGE_FORMATS = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG": "PNG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}


def _strip_image(data: bytes, form: str) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette() or [])
    out = io.BytesIO()
    clean.save(out, format=form)
    return out.getvalue()


def _strip_pdf(data: bytes) -> bytes:
    import pypdf
    from pypdf.generic import NameObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        page.pop(NameObject("/Metadata"), None)
        page.pop(NameObject("/PieceInfo"), None)
        writer.add_page(page)
    writer._info = None  # no /Info dictionary at all, not even a Producer
    writer._root_object.pop(NameObject("/Metadata"), None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip_office(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = _REPLACED.get(info.filename)
            body = content if content is not None else source.read(info)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


def strip_metadata(path: Path) -> bytes | None:
    """The file's bytes without identifying metadata, or None if its kind is not handled
    or it cannot be read (the original is kept either way)."""
    data = path.read_bytes()
    try:
        for magic, form in _IMAGE_FORMATS.items():
            if data.startswith(magic):
                return _strip_image(data, form)
        if data.startswith(b"%PDF-"):
            return _strip_pdf(data)
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as probe:
                names = set(probe.namelist())
                unpacked = sum(info.file_size for info in probe.infolist())
            if names & set(_REPLACED) and unpacked <= _MAX_UNPACKED:
                return _strip_office(data)
    except Exception:  # hostile or broken files: the original is kept, nothing stripped
        return None
    return None
