"""PowerPoint files: each slide a page, in the order shown, with its speaker notes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from erfurt.extractors.sniff import PPTX

_A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_DGM = 'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"'
_DSP = 'xmlns:dsp="http://schemas.microsoft.com/office/drawing/2008/diagram" ' + _P
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _shape(*paragraphs: str, placeholder: str = "") -> str:
    ph = (
        f'<p:nvSpPr><p:nvPr><p:ph type="{placeholder}"/></p:nvPr></p:nvSpPr>' if placeholder else ""
    )
    body = "".join(f"<a:p>{p}</a:p>" for p in paragraphs)
    return f"<p:sp>{ph}<p:txBody>{body}</p:txBody></p:sp>"


def _run(text: str) -> str:
    return f"<a:r><a:t>{text}</a:t></a:r>"


def _part(root: str, shapes: str) -> str:
    return f"<{root} {_A} {_P}><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></{root}>"


def _rels(*targets: tuple[str, str, str]) -> str:
    rows = "".join(
        f'<Relationship Id="{rid}" Type="{_TYPE}/{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return f'<Relationships xmlns="{_RELS}">{rows}</Relationships>'


_C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'


def _series(name: str, values: list[tuple[int, str]]) -> str:
    cached = "".join(f'<c:pt idx="{n}"><c:v>{v}</c:v></c:pt>' for n, v in values)
    months = "".join(
        f'<c:pt idx="{n}"><c:v>{m}</c:v></c:pt>' for n, m in enumerate(["9月", "10月", "11月"])
    )
    return (
        f'<c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>{name}</c:v></c:pt>'
        f"</c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:strCache>{months}</c:strCache>"
        f"</c:strRef></c:cat><c:val><c:numRef><c:numCache>{cached}</c:numCache></c:numRef>"
        "</c:val></c:ser>"
    )


# A bar chart: its title as rich text, an axis title as a cached string, two series
# (the second with a point left out).
CHART = (
    f"<c:chartSpace {_A} {_C}><c:chart><c:title><c:tx><c:rich><a:p>{_run('每月拘捕人數')}"
    "</a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart>"
    + _series("Kowloon", [(0, "12"), (1, "96"), (2, "40")])
    + _series("Hong Kong Island", [(0, "7"), (2, "31")])
    + '</c:barChart><c:valAx><c:title><c:tx><c:strRef><c:strCache><c:pt idx="0">'
    "<c:v>Arrests</c:v></c:pt></c:strCache></c:strRef></c:tx></c:title></c:valAx>"
    "</c:plotArea></c:chart></c:chartSpace>"
)


def _presentation(
    path: Path, *, missing_slide: bool = False, listed_again: int = 0, chart_part: str = ""
) -> Path:
    table = (
        "<p:graphicFrame><a:graphic><a:graphicData><a:tbl>"
        f"<a:tr><a:tc><a:txBody><a:p>{_run('日期')}</a:p></a:txBody></a:tc>"
        f"<a:tc><a:txBody><a:p>{_run('拘捕人數')}</a:p></a:txBody></a:tc></a:tr>"
        f"<a:tr><a:tc><a:txBody><a:p>{_run('10月1日')}</a:p></a:txBody></a:tc>"
        f"<a:tc><a:txBody><a:p>{_run('96')}</a:p></a:txBody></a:tc></a:tr>"
        "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
    )
    first = _part(
        "p:sld",
        _shape(_run("Arrests in Mong Kok"), placeholder="title")
        + _shape(_run("Line one") + "<a:br/>" + _run("line two"))
        + table,
    )
    notes = _part(
        "p:notes",
        _shape(placeholder="sldImg")
        + _shape(_run("Mention the lawyers who were refused"), placeholder="body")
        + _shape('<a:fld type="slidenum"><a:t>1</a:t></a:fld>', placeholder="sldNum"),
    )
    agenda = _part("p:sld", _shape(_run("Agenda")))
    # A SmartArt organisation chart: its data part holds the text, its drawing part
    # repeats it as shapes (read once, from the data).
    chart = "".join(
        f"<dgm:pt><dgm:t><a:p>{_run(name)}</a:p></dgm:t></dgm:pt>"
        for name in ("Commissioner of Police", "Deputy Commissioner")
    )
    diagram = f"<dgm:dataModel {_A} {_DGM}><dgm:ptLst>{chart}</dgm:ptLst></dgm:dataModel>"
    drawing = f"<dsp:drawing {_A} {_DSP}>{_shape(_run('Commissioner of Police'))}</dsp:drawing>"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
        ),
        "_rels/.rels": _rels(("rId1", "officeDocument", "ppt/presentation.xml")),
        # Shown second, though its part is slide1: the list decides the order.
        "ppt/presentation.xml": (
            f"<p:presentation {_P} {_R}><p:sldIdLst>"
            '<p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/>'
            + '<p:sldId id="258" r:id="rId2"/>' * listed_again
            + "</p:sldIdLst></p:presentation>"
        ),
        "ppt/_rels/presentation.xml.rels": _rels(
            ("rId2", "slide", "slides/slide1.xml"), ("rId3", "slide", "slides/slide2.xml")
        ),
        "ppt/slides/slide1.xml": first,
        "ppt/slides/_rels/slide1.xml.rels": _rels(
            ("rId1", "notesSlide", "../notesSlides/notesSlide1.xml"),
            ("rId2", "diagramData", "../diagrams/data1.xml"),
            ("rId3", "diagramDrawing", "../diagrams/drawing1.xml"),
        ),
        "ppt/diagrams/data1.xml": diagram,
        "ppt/diagrams/drawing1.xml": drawing,
        "ppt/notesSlides/notesSlide1.xml": notes,
        "ppt/slides/slide2.xml": agenda,
    }
    if missing_slide:
        del parts["ppt/slides/slide2.xml"]
    if chart_part:  # on the agenda slide
        parts["ppt/slides/_rels/slide2.xml.rels"] = _rels(("rId1", "chart", "../charts/chart1.xml"))
        parts["ppt/charts/chart1.xml"] = chart_part
    with zipfile.ZipFile(path, "w") as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return path


def test_each_slide_is_a_page_in_the_order_shown_with_its_notes(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = _presentation(tmp_path / "blob")  # as the pipeline hands it: no name
    assert sniff_media_type(path) == PPTX  # not a zip of XML parts to unpack
    result = extract_file(path, "", options)
    assert result.ok and result.extractor == "pptx" and not result.children
    assert [page.text for page in result.pages] == [
        "Agenda",
        "Arrests in Mong Kok\nLine one\nline two\n日期\t拘捕人數\n10月1日\t96\n"
        "Commissioner of Police\nDeputy Commissioner\n\nMention the lawyers who were refused",
    ]


def test_a_chart_is_read_as_its_titles_then_its_data_as_a_table(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = _presentation(tmp_path / "blob", chart_part=CHART)
    result = extract_file(path, "", options)
    assert result.ok
    assert result.pages[0].text.split("\n") == [
        "Agenda",
        "每月拘捕人數",
        "Arrests",
        "\t9月\t10月\t11月",
        "Kowloon\t12\t96\t40",
        "Hong Kong Island\t7\t\t31",
    ]


def test_a_chart_that_names_a_far_point_alone_is_read_in_bounds(
    tmp_path: Path, options: ExtractOptions
) -> None:
    far = _series("far", [(4_000_000_000, "1"), (0, "2")])
    chart = (
        f"<c:chartSpace {_A} {_C}><c:chart><c:plotArea>{far}</c:plotArea></c:chart></c:chartSpace>"
    )
    result = extract_file(_presentation(tmp_path / "blob", chart_part=chart), "", options)
    assert result.pages[0].text.split("\n")[-1] == "far\t2"  # the far point is left out


def test_a_slide_whose_part_is_missing_is_an_empty_page_with_a_warning(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = _presentation(tmp_path / "deck.pptx", missing_slide=True)
    result = extract_file(path, path.name, options)
    assert result.ok
    assert result.pages[0].text == ""
    assert result.pages[1].text.startswith("Arrests in Mong Kok")
    assert result.warnings == ("slide 1: its part ppt/slides/slide2.xml is missing",)


def test_a_slide_listed_again_and_again_is_read_once(
    tmp_path: Path, options: ExtractOptions
) -> None:
    # A forged list naming one slide 50,000 times (a few hundred bytes compressed) would
    # have parsed it, its notes and its diagram 50,000 times and kept 50,000 pages.
    path = _presentation(tmp_path / "blob", listed_again=50_000)
    result = extract_file(path, "", options)
    assert result.ok and len(result.pages) == 2
    assert result.pages[1].text.startswith("Arrests in Mong Kok")
    assert result.warnings == ("50000 references to a slide, notes page or diagram already read",)
