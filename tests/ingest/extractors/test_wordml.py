"""Everything a reader sees in a .docx is extracted, in reading order, and nothing else."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml

from erfurt.extractors import ExtractOptions, extract_file

_NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
# What Word writes for each, reduced to the elements that carry text.
_BODY = {
    "a form's content control": (
        "<w:sdt {ns}><w:sdtPr><w:alias w:val='Place of detention'/></w:sdtPr>"
        "<w:sdtContent><w:p><w:r><w:t>旺角警署</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    ),
    "an inline content control, a tracked insertion and deletion": (
        "<w:p {ns}><w:r><w:t xml:space='preserve'>Detained by </w:t></w:r>"
        "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>Officer Chan</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:ins w:id='1' w:author='a'><w:r><w:t xml:space='preserve'> at night</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText> by day</w:delText></w:r></w:del></w:p>"
    ),
    "tab stops, a tab and a field whose code is not text": (
        "<w:p {ns}><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
        "<w:r><w:t>Page</w:t><w:tab/></w:r><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType='separate'/>"
        "</w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
    ),
    "a text box, and the copy of it given to older readers": (
        "<w:p {ns}><w:r><w:t>See the box</w:t></w:r><w:r><mc:AlternateContent>"
        "<mc:Choice Requires='wps'><w:drawing><wps:wsp><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>Released on bail</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "</wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>Released on bail</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    ),
}
_FOOTNOTES = (
    "<w:footnotes {ns}><w:footnote w:type='separator' w:id='-1'><w:p><w:r><w:separator/>"
    "</w:r></w:p></w:footnote><w:footnote w:id='1'><w:p><w:r><w:t>Source: a witness</w:t>"
    "</w:r></w:p></w:footnote></w:footnotes>"
)


_DIAGRAM = (
    '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
    "<dgm:pt><dgm:t><a:p><a:r><a:t>Commissioner of Police</a:t></a:r></a:p></dgm:t></dgm:pt>"
    "</dgm:ptLst></dgm:dataModel>"
)


# A chart: its title, and one series of cached values by category.
_CHART = (
    '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx>'
    "<c:rich><a:p><a:r><a:t>Detentions by district</a:t></a:r></a:p></c:rich></c:tx></c:title>"
    "<c:plotArea><c:pieChart><c:ser><c:tx><c:v>2019</c:v></c:tx><c:cat><c:strLit>"
    '<c:pt idx="0"><c:v>旺角</c:v></c:pt><c:pt idx="1"><c:v>銅鑼灣</c:v></c:pt></c:strLit></c:cat>'
    '<c:val><c:numLit><c:pt idx="0"><c:v>96</c:v></c:pt><c:pt idx="1"><c:v>41</c:v></c:pt>'
    "</c:numLit></c:val></c:ser></c:pieChart></c:plotArea></c:chart></c:chartSpace>"
)


def _with_footnotes(saved: Path, path: Path) -> Path:
    """``saved`` with a footnotes part, a SmartArt diagram's data part and a chart, as
    Word adds them (python-docx cannot)."""
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                    b'<Override PartName="/word/diagrams/data1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.drawingml.diagramData+xml"/>'
                    b'<Override PartName="/word/charts/chart1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/diagramData" Target="diagrams/data1.xml"/>'
                    b'<Relationship Id="rId97" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/chart" Target="charts/chart1.xml"/>'
                    b"</Relationships>",
                )
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", _FOOTNOTES.format(ns=_NAMESPACES))
        target.writestr("word/diagrams/data1.xml", _DIAGRAM)
        target.writestr("word/charts/chart1.xml", _CHART)
    return path


def test_every_text_a_reader_sees_is_extracted_in_reading_order(
    tmp_path: Path, options: ExtractOptions
) -> None:
    document = docx.Document()
    document.add_paragraph("Report on the night of 1 October")
    body = document.element.body
    for xml in _BODY.values():
        body.insert(len(body) - 1, parse_xml(xml.format(ns=_NAMESPACES)))  # before sectPr
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Held at"
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "cell 3", "two days"
    commented = document.add_paragraph("The lawyer was refused.")
    document.add_comment(commented.runs, text="Check with the lawyer", author="editor")
    section = document.sections[0]
    section.header.paragraphs[0].text = "CONFIDENTIAL"
    section.footer.paragraphs[0].text = "Case 2019-114"
    document.save(tmp_path / "made.docx")
    path = _with_footnotes(tmp_path / "made.docx", tmp_path / "blob")  # no name, as a blob

    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "docx"
    assert result.text.splitlines() == [
        "Report on the night of 1 October",
        "旺角警署",
        "Detained by Officer Chan at night",
        "Page\t7",
        "See the box",
        "Released on bail",
        "Held at\tcell 3\ttwo days",
        "The lawyer was refused.",
        "Commissioner of Police",
        "Detentions by district",  # a chart: its title, categories, then each series
        "\t旺角\t銅鑼灣",
        "2019\t96\t41",
        "",
        "CONFIDENTIAL",
        "Case 2019-114",
        "Source: a witness",
        "Check with the lawyer",
    ]
