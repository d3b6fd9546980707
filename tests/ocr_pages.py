"""Generated scans with their gold text, for the OCR tests and the OCR benchmark.

A page is rendered at 300 dpi in a Debian font (Hei, Ming, Kai for Chinese; DejaVu for
English), then degraded the way copiers, faxes and phones degrade paper: tilt, 150 dpi,
blur, speckle, JPEG, a quarter turn, two columns, a red stamp and pen strokes, a photo's
perspective and uneven light, a fax's 200 dpi black and white. :func:`cer` scores a
reading against the gold text.
"""

from __future__ import annotations

import hashlib
import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import opencc
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

FONTS = {
    "hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "ming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "ming-tw": ("/usr/share/fonts/truetype/arphic/uming.ttc", 2),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "kai-tw": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 2),
    "serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0),
    "sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
}
SCRIPTS = ("hans", "hant", "en", "mixed")
DEGRADATIONS = ("clean", "scan", "jpeg", "rot90", "columns", "stamp", "photo", "fax")
VERTICAL = "vertical"
"""Chinese written in columns, top to bottom, right to left, then scanned."""

HANS = [
    "国家卫生健康委员会于三月十二日发布通报",
    "王立强说我们在北京看到了这些文件的原件",
    "香港警察在旺角拘捕了多名示威者并没收手机",
    "律师要求看守所提供会见记录但被拒绝",
    "调查组收到的举报信共有四十七封",
    "该公司在二零一九年向地方官员转账三百万元",
    "证人称审讯持续了十八个小时没有休息",
    "法院判决书第二页的签名与档案不符",
    "记者在广州采访了六名前员工",
    "文件显示拆迁补偿款从未发放给村民",
    "市政府办公厅下发紧急通知要求删除帖子",
    "医院的病历记录在事发后被修改过",
    "被拘留者的家属至今没有收到任何书面通知",
    "会议纪要记录了领导对此事的批示",
    "银行流水表明资金经过三家空壳公司",
    "这份名单上有二十三名工会代表的姓名",
]
ENGLISH = [
    "Witness statement recorded on 4 June at the district office.",
    "The police detained twelve people at the station on Main Street.",
    "Bank transfers show the money moved through three shell companies.",
    "The hospital records were changed after the events of that night.",
    "Families of those held have received no written notice so far.",
    "The court ruling on page two carries a signature that does not match.",
    "Investigators received forty-seven letters from former employees.",
    "Compensation for the demolished homes was never paid to the villagers.",
    "The minutes record the instructions the director gave on the matter.",
    "Lawyers asked the detention centre for visit logs and were refused.",
    "A journalist interviewed six former staff members in Guangzhou.",
    "The interrogation lasted eighteen hours without a break, she said.",
]
MIXED = [
    "联合国人权理事会 UN Human Rights Council 第四十一届会议",
    "被告 Chen Wei 的律师 Amnesty International 提交了报告",
    "文件编号 HK-2019-0612 由 Reuters 记者获得",
    "证据清单 Exhibit 14 包括 WhatsApp 聊天记录",
    "公司名称 Golden Bridge Trading Ltd 注册于开曼群岛",
    "报告引用了 Human Rights Watch 在二零二零年的调查",
]
TRADITIONAL = [
    "警察局於四月三日以妨礙公務為由扣押兩名記者",
    "檢察官聲稱證據不足而拒絕受理家屬的控告",
    "監獄醫生的報告顯示他身上有多處瘀傷",
    "縣議會的預算書中有一筆款項無法說明用途",
    "鄉民代表表示土地徵收前從未舉行聽證會",
    "這封信寄自臺北由當事人的妹妹親筆簽名",
    "辯護律師要求調閱錄影帶但遭法官駁回",
    "調查報告指出工廠排放的廢水污染了河流",
    "他們在澳門的銀行帳戶被凍結了將近三年",
    "據目擊者描述軍隊在凌晨兩點開進廣場",
    "學校當局開除了參與罷課的九名學生",
    "這批檔案記錄了戒嚴時期的政治審判",
    "證人說審訊時有人在隔壁房間錄音",
    "補償金額由縣政府單方面決定並未協商",
    "報社編輯因刊登這篇報導而被約談",
    "移民署將他遣返前沒有讓他聯繫律師",
    "工會幹部的電話在選舉前一週遭到監聽",
    "醫院拒絕向家屬提供死亡證明書的副本",
    "這張照片攝於看守所外牆旁的小巷",
    "他的護照在機場被沒收至今仍未歸還",
]
"""Lines written in traditional characters (not converted), for the vertical pages from
:data:`VERTICAL_HANT` index 2 on: more text than the converted simplified lines give."""
VERTICAL_HANT = (0, 2, 3, 7, 4, 5, 6, 9)
"""Indexes of the benchmark's traditional vertical pages: four fall in each half by the hash
of their ids (0, 2, 3, 7 dev; 4, 5, 6, 9 eval). Index 1 is the OCR test's own page."""
_TO_TRADITIONAL = opencc.OpenCC("s2t")


@dataclass(frozen=True, slots=True)
class Sample:
    """One generated page: its id, script, degradation, font, image bytes and gold text."""

    id: str
    script: str
    degradation: str
    font: str
    image: bytes
    gold: str

    @property
    def half(self) -> str:
        """``dev`` or ``eval``, fixed by a hash of the id (see :func:`half_of`)."""
        return half_of(self.id)


def half_of(sample_id: str) -> str:
    """``dev`` or ``eval`` for the page ``sample_id``, fixed by a hash of the id (never by
    the results)."""
    return "dev" if hashlib.sha256(sample_id.encode()).digest()[0] % 2 == 0 else "eval"


def lines_for(script: str, count: int, seed: int, *, written: bool = False) -> list[str]:
    """``count`` lines of text in ``script`` (hans, hant, en, mixed), chosen by ``seed``;
    ``written``: traditional lines chosen from :data:`TRADITIONAL` as well."""
    pick = random.Random(seed)
    if script == "en":
        return pick.sample(ENGLISH, min(count, len(ENGLISH)))
    if script == "mixed":
        pool = [line for pair in zip(MIXED, HANS, strict=False) for line in pair]
        return pick.sample(pool, min(count, len(pool)))
    if script == "hans":
        return pick.sample(HANS, min(count, len(HANS)))
    pool = [_TO_TRADITIONAL.convert(line) for line in HANS] + (TRADITIONAL if written else [])
    return pick.sample(pool, min(count, len(pool)))


def font_for(script: str, index: int) -> str:
    """A font face name for the ``index``-th page of ``script``, cycling through faces."""
    if script == "en":
        return ("serif", "sans")[index % 2]
    faces = ("ming-tw", "hei", "kai-tw") if script == "hant" else ("ming", "hei", "kai")
    return faces[index % 3]


def render(
    lines: list[str], font: str, *, size: int = 50, columns: int = 1, a4: bool = True
) -> tuple[Image.Image, list[str]]:
    """An A4 page at 300 dpi (2480×3508; ``a4`` False: only as high as the lines need)
    with ``lines`` in ``font``, in 1 or 2 columns.

    Returns the page and the lines as drawn (cut to the column's width).
    """
    path, index = FONTS[font]
    face = ImageFont.truetype(path, size, index=index)
    rows = -(-len(lines) // columns)
    height = 3508 if a4 else 600 + rows * int(size * 1.9)
    page = Image.new("RGB", (2480, height), "white")
    draw = ImageDraw.Draw(page)
    width = (2080 - 120 * (columns - 1)) // columns
    drawn = [_fit(line, face, width) for line in lines]
    for number, line in enumerate(drawn):
        column, row = divmod(number, rows)
        x = 200 + column * (width + 120)
        draw.text((x, 300 + row * int(size * 1.9)), line, font=face, fill=0)
    return page, drawn


def render_vertical(
    lines: list[str], font: str, *, size: int = 50
) -> tuple[Image.Image, list[str]]:
    """An A4 page at 300 dpi with ``lines`` written in columns: each line a column read
    top to bottom, the columns from right to left. Returns the page and the lines as
    drawn (cut to the page's height)."""
    path, index = FONTS[font]
    face = ImageFont.truetype(path, size, index=index)
    page = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(page)
    pitch, rows = int(size * 1.15), (3508 - 600) // int(size * 1.15)
    drawn = [line[:rows] for line in lines]
    for number, line in enumerate(drawn):
        x = 2480 - 300 - number * int(size * 1.9)
        for row, char in enumerate(line):
            draw.text((x, 300 + row * pitch), char, font=face, fill=0)
    return page, drawn


def _fit(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    while face.getlength(line) > width:
        line = line[:-1]
    return line


def degrade(page: Image.Image, degradation: str, seed: int) -> Image.Image:
    """``page`` as it comes back from a copier, fax, phone (see DEGRADATIONS)."""
    noise = random.Random(seed)
    if degradation == "clean":
        return page.convert("L")
    if degradation == "stamp":
        page = _stamp(page, noise)
    if degradation == "photo":
        return _photo(page, noise)
    angle = noise.uniform(1.0, 2.0) * noise.choice((-1, 1))
    scale = 0.67 if degradation == "fax" else 0.5  # fax "fine": 200 dpi, black and white
    page = page.convert("L").rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
    page = page.resize((int(page.width * scale), int(page.height * scale)), Image.LANCZOS)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    page = _speckle(page, noise, 0.01 if degradation == "fax" else 0.02)
    if degradation == "fax":
        page = page.point(lambda v: 0 if v < 160 else 255)
    if degradation == "rot90":
        page = page.rotate(noise.choice((90, 270)), expand=True)
    return page


def _speckle(page: Image.Image, noise: random.Random, share: float) -> Image.Image:
    pixels = page.load()
    assert pixels is not None
    for _ in range(int(page.width * page.height * share)):
        pixels[noise.randrange(page.width), noise.randrange(page.height)] = noise.choice((0, 255))
    return page


def _stamp(page: Image.Image, noise: random.Random) -> Image.Image:
    """A red seal over the text and a blue pen stroke across it."""
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    x, y = noise.randint(700, 1400), noise.randint(300, 700)
    draw.ellipse((x, y, x + 420, y + 420), outline=(210, 30, 30, 170), width=16)
    draw.regular_polygon((x + 210, y + 210, 90), 5, fill=(210, 30, 30, 150))
    points = [(300 + i * 60, 1300 + int(40 * noise.uniform(-1, 1))) for i in range(30)]
    draw.line(points, fill=(30, 40, 160, 200), width=7, joint="curve")
    return Image.alpha_composite(page.convert("RGBA"), overlay).convert("RGB")


def _photo(page: Image.Image, noise: random.Random) -> Image.Image:
    """A phone photo: perspective, a darker corner, soft focus, JPEG."""
    w, h = page.size
    d = [noise.randint(60, 200) for _ in range(8)]
    corners = (d[0], d[1], d[6], h - d[7], w - d[4], h - d[5], w - d[2], d[3])  # ul ll lr ur
    page = page.transform(page.size, Image.QUAD, corners, Image.BICUBIC, fillcolor="gray")
    shade = Image.linear_gradient("L").resize(page.size).point(lambda v: 255 - v // 3)
    page = Image.composite(page, Image.new("RGB", page.size, (90, 80, 70)), shade)
    page = page.resize((w * 55 // 100, h * 55 // 100), Image.LANCZOS)
    page = page.filter(ImageFilter.GaussianBlur(1.0))
    return Image.open(io.BytesIO(encode(page, "JPEG", 60)))


def encode(image: Image.Image, fmt: str = "PNG", quality: int = 90) -> bytes:
    """``image`` as file bytes in ``fmt``."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=quality)
    return buffer.getvalue()


def sample(
    script: str, degradation: str, index: int = 0, *, lines: int = 12, a4: bool = True
) -> Sample:
    """One generated page of ``script`` under ``degradation``; same arguments, same page.
    ``a4``: a whole A4 sheet, else a strip just high enough for the lines (cheaper);
    pages in columns (``vertical``) are always whole sheets."""
    seed = int.from_bytes(hashlib.sha256(f"{script}/{degradation}/{index}".encode()).digest()[:4])
    font = font_for(script, seed)
    # the first two vertical pages keep the text they were first measured with
    text = lines_for(script, lines, seed, written=degradation == VERTICAL and index >= 2)
    size = (44, 50, 56)[seed % 3]
    if degradation == VERTICAL:
        page, drawn = render_vertical(text, font, size=size)
    else:
        columns = 2 if degradation == "columns" else 1
        page, drawn = render(text, font, size=size, columns=columns, a4=a4)
    page = degrade(page, "scan" if degradation in {"columns", VERTICAL} else degradation, seed)
    fmt = "JPEG" if degradation in {"jpeg", "photo"} else "PNG"
    image = encode(page, fmt, 25 if degradation == "jpeg" else 60)
    sample_id = f"{script}/{degradation}/{index}"
    return Sample(sample_id, script, degradation, font, image, "\n".join(drawn))


def evaluation_set(keep: Callable[[str], bool] = lambda _: True) -> list[Sample]:
    """The benchmark's pages: every script under every degradation (32 pages), and
    Chinese in columns, scanned: traditional (8 pages, :data:`VERTICAL_HANT`) and
    simplified (1 page). ``keep``: only the pages whose ids it accepts are made."""
    pages = [(s, d, 0) for s in SCRIPTS for d in DEGRADATIONS]
    pages += [("hant", VERTICAL, index) for index in VERTICAL_HANT] + [("hans", VERTICAL, 0)]
    return [sample(s, d, i) for s, d, i in pages if keep(f"{s}/{d}/{i}")]


def normalise(text: str) -> str:
    """Letters and digits only, NFKC: what CER compares."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum()).lower()


def cer(found: str, gold: str) -> float:
    """Character error rate: edit distance over the gold length, after :func:`normalise`."""
    expected = normalise(gold)
    return Levenshtein.distance(normalise(found), expected) / max(1, len(expected))
