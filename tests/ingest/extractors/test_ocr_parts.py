"""The OCR stage's own decisions, on data: reading order, script, merging readings."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from erfurt.extractors.ocr.cells import upright_cells
from erfurt.extractors.ocr.english import EnglishLine, _pieces_joined, word_share
from erfurt.extractors.ocr.layout import (
    gutter,
    half_turned,
    is_sideways,
    looks_sideways,
    reading_order,
    split_quad,
)
from erfurt.extractors.ocr.ppocr import LINE_SQUEEZE, crop, pp_ocr
from erfurt.extractors.ocr.script import is_traditional, merge_traditional, script_tag
from erfurt.extractors.ocr.tesseract import character_orientation, read_lines
from ocr_pages import ENGLISH, FONTS, degrade, normalise, render

COLUMN = "委員會審議屬於他的帳目並未舉行聽證"
"""A column of characters, most of which PP-OCR's recogniser lacks (審議屬帳並舉聽)."""


def test_two_columns_are_read_column_by_column() -> None:
    left = [(100, 100 + 60 * row, 500, 40) for row in range(4)]
    right = [(700, 110 + 60 * row, 500, 40) for row in range(4)]
    boxes = [box for pair in zip(left, right, strict=True) for box in pair]
    assert reading_order(boxes) == [[0], [2], [4], [6], [1], [3], [5], [7]]


def test_columns_are_found_when_detection_joined_a_line_across_the_gap() -> None:
    left = [(100, 100 + 60 * row, 500, 40) for row in range(4)]
    right = [(700, 100 + 60 * row, 500, 40) for row in range(4)]
    joined = (100, 340, 1100, 40)  # a fifth row, left and right joined
    heading = (100, 20, 1100, 50)
    boxes = [heading, *left, *right, joined]
    assert gutter(boxes) == 650  # the middle of the gap
    assert reading_order(boxes)[:2] == [[0], [1]]  # the heading first
    quad = np.array([[100, 340], [1200, 350], [1200, 390], [100, 380]], dtype=np.float32)
    first, second = split_quad(quad, 650)
    assert first[1].tolist() == [650, 345] and second[0].tolist() == [650, 345]
    assert first[0].tolist() == [100, 340] and second[2].tolist() == [1200, 390]


def test_a_form_of_labels_and_values_is_not_two_columns() -> None:
    labels = [(100, 100 + 60 * row, 120, 40) for row in range(5)]
    values = [(500, 100 + 60 * row, 300, 40) for row in range(5)]
    boxes = [box for pair in zip(labels, values, strict=True) for box in pair]
    assert gutter(boxes) is None
    assert reading_order(boxes) == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]


def test_a_stamp_does_not_swallow_the_lines_beside_it() -> None:
    boxes = [(100, 100, 800, 40), (950, 90, 200, 200), (100, 160, 800, 40), (100, 220, 800, 40)]
    assert reading_order(boxes) == [[1], [0], [2], [3]]  # a row of its own


def test_pieces_of_one_line_are_one_row_read_left_to_right() -> None:
    # a stamp split a tilted line: its right piece starts a little higher
    boxes = [(100, 108, 600, 40), (800, 100, 300, 40), (100, 160, 900, 40)]
    assert reading_order(boxes) == [[0, 1], [2]]


def test_a_date_at_the_right_of_a_line_is_not_a_column() -> None:
    boxes = [
        (100, 100, 500, 40),
        (900, 100, 200, 40),
        *((100, 160 + 60 * r, 900, 40) for r in range(4)),
    ]
    assert reading_order(boxes) == [[0, 1], [2], [3], [4], [5]]


def test_text_running_down_the_page_is_sideways() -> None:
    def quad(width: float, height: float) -> np.ndarray:
        return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)

    assert is_sideways([quad(40, 800), quad(40, 700), quad(300, 40)])
    assert not is_sideways([quad(800, 40), quad(700, 40), quad(40, 300)])


def test_line_outlines_turn_with_the_page() -> None:
    page = np.zeros((100, 300, 3), dtype=np.uint8)
    page[10:20, 30:130] = 255  # a line near the top left
    quad = np.array([[30, 10], [130, 10], [130, 20], [30, 20]], dtype=np.float32)
    turned, (moved,) = half_turned(page, [quad])
    # now near the bottom right, still listed clockwise from its top left corner
    assert moved.tolist() == [[170, 80], [270, 80], [270, 90], [170, 90]]
    assert turned[80:90, 170:270].min() == 255 and turned.sum() == page.sum()
    assert half_turned(*half_turned(page, [quad]))[1][0].tolist() == quad.tolist()


def test_script_is_told_by_the_share_of_traditional_only_characters() -> None:
    # PP-OCR reads traditional pages half in simplified forms: a fifth is enough to tell
    assert is_traditional("调查组收到的举報信共有四十七封，醫院的病歷記錄")
    assert not is_traditional("调查组收到的举报信共有四十七封")
    assert is_traditional("四十七", default=True)  # too few marked characters: the default
    assert script_tag(["Witness statement"], traditional=False) == "en"
    assert script_tag(["國家衛生", "UN"], traditional=True) == "zh-Hant"
    assert script_tag(["國家 Human Rights Watch report"], traditional=True) == "zh-Hant+en"


def test_tesseract_fills_characters_pp_ocr_cannot_produce() -> None:
    known = pp_ocr().characters
    assert "稱" not in known and "審" not in known
    # PP-OCR: simplified forms and a guess for 稱審; tesseract: a wrong first character
    merged = merge_traditional("证人种塞讯持续了十八个小时", "洽人稱審訊持續了十八個小時", known)
    assert merged == "證人稱審訊持續了十八個小時"


def test_tesseract_takes_substitutions_only_where_it_is_confident() -> None:
    known = pp_ocr().characters
    assert "寄" in known and "審" not in known and "舉" not in known
    # PP-OCR dropped 舉 and read 審 as 寄; tesseract read both, at these confidences
    unsure = [95.0, 40.0, 95.0, 40.0, 95.0]
    assert merge_traditional("未行寄判", "未舉行審判", known, unsure, 90) == "未舉行寄判"
    sure = [95.0, 40.0, 95.0, 95.0, 95.0]
    assert merge_traditional("未行寄判", "未舉行審判", known, sure, 90) == "未舉行審判"


def _column_on_its_side(text: str, size: int = 28) -> np.ndarray:
    """``text`` written top to bottom at about 150 dpi, blurred, then lying on its side as
    the pipeline turns a page of columns (a quarter counterclockwise): a line's crop."""
    path, index = FONTS["ming-tw"]
    face = ImageFont.truetype(path, size, index=index)
    pitch = int(size * 1.15)
    column = Image.new("L", (size + 12, pitch * len(text) + 12), 255)
    draw = ImageDraw.Draw(column)
    for row, char in enumerate(text):
        draw.text((6, 6 + row * pitch), char, font=face, fill=0)
    column = column.filter(ImageFilter.GaussianBlur(0.8))
    return np.ascontiguousarray(np.rot90(np.asarray(column.convert("RGB")), k=1))


def test_a_column_lying_on_its_side_is_cut_into_upright_characters() -> None:
    line = _column_on_its_side(COLUMN)
    cells = upright_cells(line, 3)
    side = cells.shape[0]
    assert side == line.shape[0]
    # one square cell per character, a sixth of a side between them
    assert round(cells.shape[1] / (side + side // 6)) == len(COLUMN)
    (reading,) = read_lines([cells], "chi_tra", 60)
    assert "".join(c for c in reading.text if c.isalnum()) == COLUMN
    # orientation detection tells the cells upright, the line as cropped not
    assert character_orientation([cells, cells]) == 0
    assert character_orientation([line.min(axis=2)] * 2) in {90, 270}


def test_a_line_with_no_ink_is_left_as_it_is() -> None:
    blank = np.full((30, 200, 3), 250, dtype=np.uint8)
    assert upright_cells(blank, 3).shape == (30, 200)


def test_a_line_reads_the_same_whatever_lines_are_read_beside_it() -> None:
    page, _ = render(
        ["記者在廣州", "文件显示拆迁补偿款从未发放给村民 and the minutes"], "hei", a4=False
    )
    pixels = np.asarray(page.convert("RGB"))
    engine = pp_ocr()
    quads = engine.detect(pixels)
    assert len(quads) == 2
    alone = engine.read(pixels, quads[:1])
    beside = engine.read(pixels, quads)[:1]
    # read in one batch, the short line was padded to the long one's width
    assert [(line.text, line.score) for line in alone] == [
        (line.text, line.score) for line in beside
    ]


def test_chinese_lines_are_read_narrowed_and_latin_lines_whole() -> None:
    text = [
        "证人称审讯持续了十八个小时没有休息",
        "Bookkeeping committee: Mississippi, 1100000 kroner, all 3 llamas off.",
        "银行流水表明资金经过三家空壳公司",
    ]
    page, drawn = render(text, "hei", a4=False)
    pixels = np.asarray(degrade(page, "scan", 7).convert("RGB"))
    engine = pp_ocr()
    quads = engine.detect(pixels)
    assert len(quads) == 3
    widths: list[int] = []
    recogniser = engine._recogniser

    def spied(lines: list[np.ndarray]) -> object:
        widths.extend(line.shape[1] for line in lines)
        return recogniser(lines)

    engine._recogniser = spied
    try:
        lines = engine.read(pixels, quads, narrowed=True)
    finally:
        engine._recogniser = recogniser
    assert [normalise(line.text) for line in lines] == [normalise(t) for t in drawn]
    whole = [crop(pixels, quad).shape[1] for quad in quads]
    # Chinese narrowed; the Latin line's narrowed reading has letters: read again whole,
    # and from then on every line whole (the page reads mostly Latin)
    assert widths == [round(whole[0] * LINE_SQUEEZE), round(whole[1] * LINE_SQUEEZE), *whole[1:]]


def test_english_words_are_judged_by_tesseracts_dictionary() -> None:
    # punctuation around a word and numbers do not count; an accent tesseract made up does
    words = ["‘Witness", "statement,", "4", "June", "récorded", "at:"]
    assert word_share(words) == 4 / 5
    assert word_share(["4", "1100"]) == 0.0


def test_pieces_of_a_slanted_line_are_joined_but_columns_are_not() -> None:
    # a photo's perspective: tesseract put the right half of each line in another block
    lines = [
        EnglishLine("Lawyers asked the detention cent", (42, 160, 476, 36), 96),
        EnglishLine("Bank transfers show the money move", (42, 211, 529, 30), 96),
        EnglishLine("re for visit logs and were refused.", (520, 139, 475, 39), 96),
        EnglishLine("d through three shell companies.", (573, 193, 464, 35), 96),
    ]
    assert [line.text for line in _pieces_joined(lines)] == [
        "Lawyers asked the detention cent re for visit logs and were refused.",
        "Bank transfers show the money move d through three shell companies.",
    ]
    # two columns: the gap between them is wider than half a line's height
    columns = [
        EnglishLine("left column", (40, 100, 500, 36), 96),
        EnglishLine("right column", (600, 100, 500, 36), 96),
    ]
    assert len(_pieces_joined(columns)) == 2


def test_a_page_turned_a_quarter_looks_sideways_before_detection() -> None:
    page, _ = render(ENGLISH[:6], "serif", a4=False)
    upright = degrade(page, "scan", 3)
    assert not looks_sideways(np.asarray(upright.convert("RGB")))
    for turn in (90, 270):
        turned = upright.rotate(turn, expand=True)
        assert looks_sideways(np.asarray(turned.convert("RGB")))
