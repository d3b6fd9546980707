"""The text of WordprocessingML (the XML parts of a .docx), in reading order.

python-docx reads a body's paragraphs and tables, and a paragraph's runs and links. Much
of what people write in Word lies elsewhere, and was left out without a word: content
controls (the fields of a form), tables inside table cells, text boxes, tracked
insertions, headers and footers, footnotes, endnotes and comments. Here every part's XML
is walked in document order: a paragraph is its text (``w:t``, tabs, breaks) wherever it
sits, a table row its cells' texts tab-separated (a merged cell's text once, where it
starts), and a text box's lines follow the paragraph that holds it.

Deleted text (``w:delText``), field codes (``w:instrText``) and the fallback copy that
older readers are given of a drawing (``mc:Fallback``, which repeats the text box) are
not text a reader sees, and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

__all__ = ["NOTE_PARTS", "block_lines", "note_lines"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

NOTE_PARTS = ("header", "footer", "footnotes", "endnotes", "comments")
"""The parts besides the body whose text a document holds, by the end of their
relationship's type."""

# Elements that hold what they wrap in their place: a content control's content,
# tracked insertions and moves, custom XML, smart tags, a simple field's result.
_WRAPPERS = {
    f"{_W}{name}"
    for name in ("sdtContent", "ins", "moveTo", "customXml", "smartTag", "fldSimple", "hyperlink")
}
# Elements whose subtree is no text of the document: properties (a paragraph's tab
# stops are ``w:tab`` too), deletions, and the content control's own settings.
_SKIPPED = {
    f"{_W}{name}"
    for name in ("pPr", "rPr", "tcPr", "trPr", "tblPr", "sdtPr", "sdtEndPr", "del", "moveFrom")
} | {f"{_MC}Fallback"}
_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}


def block_lines(container: etree._Element) -> list[str]:
    """The lines of a body, a table cell, a header or footer, a note or a text box."""
    lines: list[str] = []
    for child in _unwrapped(container):
        if child.tag == f"{_W}p":
            boxes: list[str] = []
            text = "".join(_runs_text(child, boxes))
            lines += [text, *boxes] if text else boxes
        elif child.tag == f"{_W}tbl":
            lines += _table_lines(child)
    return lines


def note_lines(part: etree._Element) -> list[str]:
    """The lines of a header, footer, footnotes, endnotes or comments part: each note's
    blocks in turn (the lines that separate notes from the page are not text)."""
    if part.tag in (f"{_W}hdr", f"{_W}ftr"):
        return block_lines(part)
    lines: list[str] = []
    for note in part:
        if note.get(f"{_W}type") not in _SEPARATORS:
            lines += block_lines(note)
    return lines


def _unwrapped(element: etree._Element) -> Iterator[etree._Element]:
    """The children of ``element``, with those of wrappers in their place."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _unwrapped(child)
        elif child.tag == f"{_W}sdt" or child.tag == f"{_MC}AlternateContent":
            # A content control's content, or the first choice offered.
            content = child.find(f"{_W}sdtContent")
            if content is None:
                content = child.find(f"{_MC}Choice")
            if content is not None:
                yield from _unwrapped(content)
        elif child.tag not in _SKIPPED:
            yield child


def _runs_text(element: etree._Element, boxes: list[str]) -> Iterator[str]:
    """The text of a paragraph's runs, in order; a text box's lines go to ``boxes``."""
    for child in _unwrapped(element):
        tag = child.tag
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield "\t"
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif tag == f"{_W}noBreakHyphen":
            yield "\u2011"
        elif tag == f"{_W}txbxContent":
            boxes += block_lines(child)
        else:
            yield from _runs_text(child, boxes)


def _table_lines(table: etree._Element) -> list[str]:
    """Each row, its cells' texts tab-separated. A cell that continues a vertical merge
    is empty, and a horizontal span is one cell: a merged cell's text comes once (a
    reader that repeats it for every row and column it covers can be made to repeat it
    millions of times by a file of a few kilobytes)."""
    lines: list[str] = []
    for row in _unwrapped(table):
        if row.tag != f"{_W}tr":
            continue
        cells = [
            "" if _continues_merge(cell) else "\n".join(block_lines(cell))
            for cell in _unwrapped(row)
            if cell.tag == f"{_W}tc"
        ]
        lines.append("\t".join(cells))
    return lines


def _continues_merge(cell: etree._Element) -> bool:
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"
