"""Office Open XML: .docx (its text in reading order, see :mod:`~erfurt.extractors.wordml`),
.xlsx (one page per sheet) and .pptx (one page per slide, its speaker notes after it).

All are zips of XML parts, so they are held to the same expansion budget as any zip
before a parser opens them. Files embedded in them (their ``embeddings`` folder: a
workbook in a report, a document in a presentation) become children, as a zip's members
do, within what is left of that budget. All are opened from the file's bytes, never by its name:
the stored blob has no extension, and openpyxl refuses a path without ``.xlsx``.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.opc.part import Part
from lxml import etree

from erfurt.errors import IngestError
from erfurt.extractors.result import BUDGET_HINT, Child, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import DOCX, PPTX, XLSX
from erfurt.extractors.wordml import NOTE_PARTS, block_lines, note_lines
from erfurt.extractors.ziparchive import nested_too_deep, read_members

__all__ = [
    "SAFE_XML",
    "check_expansion",
    "embedded_files",
    "extract_docx",
    "extract_pptx",
    "extract_xlsx",
]

DOCX_VERSION = f"3 (python-docx {version('python-docx')})"  # 3: charts, embedded files
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
"""How parts read here are parsed: no entity is resolved and nothing is fetched."""
XLSX_VERSION = f"2 (openpyxl {openpyxl.__version__})"  # 2: charts, embedded files
PPTX_VERSION = "2 (lxml)"  # 2: charts, embedded files
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_WORKBOOK = "xl/workbook.xml"
_EMBEDDINGS = ("word/embeddings/", "xl/embeddings/", "ppt/embeddings/")
# A chart's points past this many are not read: one could name point 4,000,000,000 alone,
# and the gaps before it would be filled.
_MOST_POINTS = 10_000
# A SmartArt diagram's text (its data part; the drawing part repeats it as shapes).
_DIAGRAM = "diagramData"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def extract_docx(path: Path, options: ExtractOptions) -> Extraction:
    """The text of a .docx as one page: its body (paragraphs, and table rows as
    tab-separated cells, in order), the text of its SmartArt diagrams and charts (see
    :func:`_chart_lines`), then its headers, footers, notes and comments.

    Raises IngestError when its parts expand past the budget, and whatever python-docx
    raises for a broken file (the dispatcher records either).
    """
    check_expansion(path, options)
    with path.open("rb") as stream:
        document = docx.Document(stream)
    lines = block_lines(document.element.body)
    for diagram in _parts(document.part, _DIAGRAM):
        lines += _drawing_lines(diagram)
    for chart in _parts(document.part, "chart"):
        lines += _chart_lines(chart)
    notes: list[str] = []
    for kind in NOTE_PARTS:
        for part in _parts(document.part, kind):
            notes += note_lines(part)
    if notes:
        lines += ["", *notes]
    with zipfile.ZipFile(path) as archive:
        children, warnings = embedded_files(archive, path.stat().st_size, options, _in_embeddings)
    page = Page("\n".join(lines))
    return Extraction("docx", DOCX_VERSION, DOCX, (page,), children, warnings)


def _parts(main: Part, kind: str) -> Iterator[etree._Element]:
    """The XML of each part of ``kind`` (a relationship type's last word) the document
    part refers to, in the order its relationships list them."""
    seen: set[str] = set()
    for relationship in main.rels.values():
        if relationship.is_external or relationship.reltype.rsplit("/", 1)[-1] != kind:
            continue
        part = relationship.target_part
        if part.partname in seen:
            continue
        seen.add(part.partname)
        element = getattr(part, "element", None)
        yield element if element is not None else etree.fromstring(part.blob, SAFE_XML)


def extract_xlsx(path: Path, options: ExtractOptions) -> Extraction:
    """One page per sheet, in the workbook's order: its name, then each row's non-empty
    values, tab-separated, then the charts drawn on it (see :func:`_chart_lines`); a
    chart sheet is its name and its chart.

    Formulas give their cached values. Raises IngestError when its parts expand past the
    budget, and whatever openpyxl raises for a broken file.
    """
    check_expansion(path, options)
    with path.open("rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            cells = {sheet.title: _sheet_lines(sheet) for sheet in workbook.worksheets}
        finally:
            workbook.close()
    with zipfile.ZipFile(path) as archive:
        charts = _sheet_charts(archive)
        children, warnings = embedded_files(archive, path.stat().st_size, options, _in_embeddings)
    names = [*charts, *(name for name in cells if name not in charts)]
    pages = [Page("\n".join([name, *cells.get(name, []), *charts.get(name, [])])) for name in names]
    return Extraction("xlsx", XLSX_VERSION, XLSX, tuple(pages), children, warnings)


def _sheet_lines(sheet: Any) -> list[str]:
    """A worksheet's rows of non-empty values, tab-separated."""
    # The size a sheet declares, or its farthest cell, would otherwise pad every row, and
    # every missing row between two present ones, to its widest: a 5 KB file with a cell
    # at XFD200000 was 200,000 rows of 16,384 values (64 s). Unsized, a row is as wide as
    # its own last cell, and a missing row is empty; the text is the same.
    sheet.reset_dimensions()
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if value is None else str(value) for value in row]
        if any(cells):
            lines.append("\t".join(cells).rstrip("\t"))
    return lines


def _sheet_charts(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """For each sheet the workbook lists (worksheets and chart sheets, in its order), the
    lines of the charts drawn on it; each drawing and chart is read once."""
    members = set(archive.namelist())
    if _WORKBOOK not in members:
        return {}
    sheets = _related(archive, members, _WORKBOOK)
    listed = etree.fromstring(archive.read(_WORKBOOK), SAFE_XML).iter(f"{_S}sheet")
    read: set[str] = set()
    charts: dict[str, list[str]] = {}
    for sheet in listed:
        lines = charts.setdefault(sheet.get("name", ""), [])
        part = sheets.get(sheet.get(f"{_R}id", ""), ("", ""))[1]
        for drawing in (n for kind, n in _related(archive, members, part).values()
                        if kind == "drawing" and n not in read):  # fmt: skip
            read.add(drawing)
            for kind, chart in _related(archive, members, drawing).values():
                if kind == "chart" and chart in members and chart not in read:
                    read.add(chart)
                    lines += _chart_lines(etree.fromstring(archive.read(chart), SAFE_XML))
    return charts


def extract_pptx(path: Path, options: ExtractOptions) -> Extraction:
    """One page per slide, in the order the presentation shows them: each paragraph of
    text a line (a table's rows as tab-separated cells), then the slide's speaker notes.
    Hidden slides are read too. SmartArt diagrams (an organisation chart of names and
    titles) and charts (their titles, then the data they cache, as a table:
    :func:`_chart_lines`) follow the slide's own text. A part listed again (the same
    slide twice) is read once, and a warning counts them.

    Raises IngestError when its parts expand past the budget, and whatever zipfile or
    lxml raise for a broken file (the dispatcher records either).
    """
    check_expansion(path, options)
    pages: list[Page] = []
    warnings: list[str] = []
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        # Each part is read once: a forged list naming one slide (or slides naming one
        # notes page or diagram) thousands of times would parse it thousands of times.
        read: set[str] = set()
        repeated = 0

        def first_time(name: str) -> bool:
            nonlocal repeated
            if name in read:
                repeated += 1
                return False
            read.add(name)
            return True

        def part(name: str) -> etree._Element | None:
            return etree.fromstring(archive.read(name), SAFE_XML) if name in members else None

        presentation = part("ppt/presentation.xml")
        slides = _related(archive, members, "ppt/presentation.xml")
        order = [] if presentation is None else presentation.iterfind(f"{_P}sldIdLst/{_P}sldId")
        for number, listed in enumerate(order, start=1):
            slide_name = slides.get(listed.get(f"{_R}id", ""), ("", ""))[1]
            if not first_time(slide_name):
                continue
            slide = part(slide_name)
            if slide is None:
                warnings.append(f"slide {number}: its part {slide_name or '(none)'} is missing")
                pages.append(Page(""))
                continue
            lines = _drawing_lines(slide)
            related = _related(archive, members, slide_name).values()
            for diagram in (part(n) for kind, n in related if kind == _DIAGRAM and first_time(n)):
                lines += _drawing_lines(diagram) if diagram is not None else []
            for chart in (part(n) for kind, n in related if kind == "chart" and first_time(n)):
                lines += _chart_lines(chart) if chart is not None else []
            for notes in (part(n) for k, n in related if k == "notesSlide" and first_time(n)):
                if notes is not None:
                    lines += ["", *_drawing_lines(notes, skip_slide_image=True)]
            pages.append(Page("\n".join(lines)))
        children, embedded_warnings = embedded_files(
            archive, path.stat().st_size, options, _in_embeddings
        )
    if repeated:
        warnings.append(f"{repeated} references to a slide, notes page or diagram already read")
    warnings += embedded_warnings
    return Extraction("pptx", PPTX_VERSION, PPTX, tuple(pages), children, tuple(warnings))


def _related(
    archive: zipfile.ZipFile, members: set[str], source: str
) -> dict[str, tuple[str, str]]:
    """The internal relationships of the part ``source``: id -> (type's last word,
    the member it points to)."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in members:
        return {}
    related: dict[str, tuple[str, str]] = {}
    for rel in etree.fromstring(archive.read(rels), SAFE_XML).iterfind(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        related[rel.get("Id", "")] = (kind, posixpath.normpath(member))
    return related


def _drawing_lines(part: etree._Element, *, skip_slide_image: bool = False) -> list[str]:
    """The text of a slide's (or notes page's) shapes, in order: each DrawingML paragraph
    a line, a table's rows as tab-separated cells. On a notes page, the placeholders that
    repeat the slide or number the page (``skip_slide_image``) are left out."""
    lines: list[str] = []
    for element in part.iter(f"{_A}tbl", f"{_A}p"):
        if element.tag == f"{_A}p" and next(element.iterancestors(f"{_A}tbl"), None) is not None:
            continue  # a table's paragraphs come with their row
        if skip_slide_image and _is_page_furniture(element):
            continue
        if element.tag == f"{_A}tbl":
            lines += [
                "\t".join(" ".join(_paragraphs(cell)) for cell in row.iterfind(f"{_A}tc"))
                for row in element.iterfind(f"{_A}tr")
            ]
        elif text := _paragraph_text(element):
            lines.append(text)
    return lines


def _chart_lines(chart: etree._Element) -> list[str]:
    """A chart's text: its titles (the chart's, its axes'), then its data as the chart
    caches it, as a table: a line of the categories, then a line per series, its name
    and its values, tab-separated."""
    lines = [
        text
        for title in chart.iter(f"{_C}title")
        for text in (_paragraphs(title) or [v.text or "" for v in title.iter(f"{_C}v")])
    ]
    series = list(chart.iter(f"{_C}ser"))
    categories = next(
        (points for one in series if (points := _points(one, "cat") or _points(one, "xVal"))),
        [],
    )
    if categories:
        lines.append("\t".join(["", *categories]))
    for one in series:
        name = " ".join(v.text or "" for v in one.iterfind(f"{_C}tx//{_C}v"))
        values = _points(one, "val") or _points(one, "yVal")
        if name or values:
            lines.append("\t".join([name, *values]).rstrip("\t"))
    return lines


def _points(series: etree._Element, axis: str) -> list[str]:
    """The cached points of a series' ``axis`` (``cat``, ``val``, ``xVal``, ``yVal``), in
    their order (a point left out is an empty value)."""
    found = {}
    for point in series.iterfind(f"{_C}{axis}//{_C}pt"):
        index = point.get("idx", "")
        if index.isdigit() and int(index) < _MOST_POINTS:
            found[int(index)] = point.findtext(f"{_C}v") or ""
    return [found.get(n, "") for n in range(max(found) + 1)] if found else []


def _paragraphs(element: etree._Element) -> list[str]:
    """The texts of the paragraphs inside ``element`` (a table cell), the empty left out."""
    return [text for p in element.iter(f"{_A}p") if (text := _paragraph_text(p))]


def _paragraph_text(paragraph: etree._Element) -> str:
    """A DrawingML paragraph's runs and fields, a line break as one."""
    return "".join(
        "\n" if element.tag == f"{_A}br" else element.text or ""
        for element in paragraph.iter(f"{_A}t", f"{_A}br")
    )


def _is_page_furniture(element: etree._Element) -> bool:
    """Whether ``element`` lies in a notes page's slide number, date, header or footer."""
    for shape in element.iterancestors(f"{_P}sp"):
        placeholder = shape.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
        return placeholder is not None and placeholder.get("type") in {"sldNum", "dt", "hdr", "ftr"}
    return False


def _in_embeddings(member: zipfile.ZipInfo) -> bool:
    """Whether ``member`` is a file embedded in an Office Open XML document (a workbook
    in a report, a document in a presentation, an OLE object)."""
    return member.filename.startswith(_EMBEDDINGS)


def embedded_files(
    archive: zipfile.ZipFile,
    size: int,
    options: ExtractOptions,
    wanted: Callable[[zipfile.ZipInfo], bool],
) -> tuple[tuple[Child, ...], tuple[str, ...]]:
    """The files of a zip-based document of ``size`` bytes that ``wanted`` says are
    embedded in it, as children, within the expansion budget as a zip's members are;
    and a warning if some were left out."""
    members = [member for member in archive.infolist() if wanted(member) and not member.is_dir()]
    if not members:
        return (), ()
    budget = options.budget_left(size)
    if budget.depth <= 0:
        return (), (f"{len(members)} embedded files: {nested_too_deep(options)}",)
    children: list[Child] = []
    problem = read_members(archive, members, budget, children)
    if problem:
        return tuple(children), (f"embedded files: {problem}; {len(children)} kept",)
    return tuple(children), ()


def check_expansion(path: Path, options: ExtractOptions) -> None:
    """Refuse a document whose parts claim to expand past its budget.

    The parsers read parts with zipfile, which never returns more than a part's declared
    size, so the declared sizes bound what parsing can unpack.
    """
    limit = options.budget_left(path.stat().st_size).bytes
    with zipfile.ZipFile(path) as archive:
        declared = sum(member.file_size for member in archive.infolist())
    if declared > limit:
        raise IngestError(
            f"its XML parts expand to {declared} bytes, over the limit of {limit} bytes "
            "(a possible zip bomb)",
            BUDGET_HINT,
        )
