"""Files attached to a PDF: the document's embedded files and its pages' file annotations.

A PDF can carry files of any kind (PDF 1.7, 7.11.4): listed in the document's
``EmbeddedFiles`` (a report with its spreadsheet, a PDF portfolio) or attached to a
page as a file annotation (the paperclip icon). Each becomes a child document under its
name, kept inside its folder (the name as given recorded beside it), within the file's
expansion budget: pdfium says an attachment's size before its bytes are copied out, so
one past what is left is named in a warning and not copied.
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from erfurt.extractors.filenames import safe_relative_name
from erfurt.extractors.result import Child, ExpansionBudget

__all__ = ["AttachedFiles"]


class AttachedFiles:
    """The files attached to one PDF, collected from its document and then page by page
    (as the text is read), within ``budget``."""

    def __init__(self, budget: ExpansionBudget) -> None:
        self._bytes_left = budget.bytes
        self._members_left = budget.members
        self._too_deep = budget.depth <= 0
        self.children: list[Child] = []
        self.warnings: list[str] = []
        self._over = 0

    def from_document(self, document: pdfium.PdfDocument) -> None:
        """The files of the document's ``EmbeddedFiles``."""
        for number in range(document.count_attachments()):
            self._take(document.get_attachment(number), f"attached file {number + 1}")

    def from_page(self, document: pdfium.PdfDocument, page: pdfium.PdfPage, number: int) -> None:
        """The files attached to page ``number`` (from 1) as file annotations."""
        for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
            annotation = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
            if not annotation:
                continue
            try:
                if pdfium_c.FPDFAnnot_GetSubtype(annotation) != pdfium_c.FPDF_ANNOT_FILEATTACHMENT:
                    continue
                raw = pdfium_c.FPDFAnnot_GetFileAttachment(annotation)
                if raw:
                    where = f"the file attached to page {number}"
                    self._take(pdfium.PdfAttachment(raw, document), where)
            finally:
                pdfium_c.FPDFPage_CloseAnnot(annotation)

    def finish(self) -> None:
        """Add the warning for what was over the budget, if anything was."""
        if self._over and self._too_deep:
            self.warnings.append(
                f"{self._over} attached files not kept: containers nested deeper than the "
                "limit are not unpacked (extract_expand_depth)"
            )
        elif self._over:
            self.warnings.append(
                f"{self._over} attached files past the expansion limit (extract_expand_bytes, "
                f"extract_expand_members): not kept; {len(self.children)} kept"
            )

    def _take(self, attachment: pdfium.PdfAttachment, where: str) -> None:
        try:
            name = attachment.get_name()
        except pdfium.PdfiumError:
            name = ""
        size = ctypes.c_ulong()
        pdfium_c.FPDFAttachment_GetFile(attachment.raw, None, 0, size)
        if not size.value:
            self.warnings.append(f"{where} ({name or 'no name'}) holds no data pdfium can read")
            return
        if self._too_deep or size.value > self._bytes_left or self._members_left < 1:
            self._over += 1
            return
        buffer = ctypes.create_string_buffer(size.value)
        copied = ctypes.c_ulong()
        if not pdfium_c.FPDFAttachment_GetFile(attachment.raw, buffer, size.value, copied):
            self.warnings.append(f"{where} ({name or 'no name'}) could not be read")
            return
        data = buffer.raw[: min(copied.value, size.value)]
        self._bytes_left -= len(data)
        self._members_left -= 1
        safe = safe_relative_name(name) if name else f"attachment-{len(self.children) + 1}"
        fields = (("unsafe_name", name),) if name and safe != name else ()
        self.children.append(Child(safe, data, fields))
