"""Write the ingest demo's inputs: two scans (one a degraded Chinese copy), a Chinese PDF, an
e-mail with an attachment.

All content is fictional. Usage: python demo/make_ingest_samples.py OUT_FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from ingest_samples import (  # noqa: E402  # the same generators the tests use
    email_with_attachment,
    image_bytes,
    scan_image,
    text_pdf,
)
from ocr_pages import degrade, encode, render  # noqa: E402

SCAN = [
    "DISTRICT OFFICE - ORDER No. 17 (fictional demo scan)",
    "All personnel files of Department XX are to be",
    "shredded before the committee arrives on 5 December.",
]
CHINESE_PDF = [
    [
        "國家檔案館調查報告（Erfurt 演示用的虛構樣本）",
        "調查組於十二月五日進入區辦事處檔案室。",
        "發現人事檔案已被部分銷毀。",
    ],
    ["调查组建议立即封存所有剩余文件。", "委员会成员与检察官共同签字。"],
]

CHINESE_SCAN = [  # a photocopy of a traditional notice: tilted, 150 dpi, blurred, specks, JPEG
    "區辦事處通知（Erfurt 演示用的虛構掃描件）",
    "檔案室所有人事檔案須於十二月五日前銷毀，",
    "不得留存副本。違者按紀律處分。",
    "承辦人：陳志明　　審核：李慧儀",
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "order-17-scan.png").write_bytes(image_bytes(scan_image(SCAN, size=40)))
    page, _ = render(CHINESE_SCAN, "ming-tw", size=56)
    (out / "notice-zh-scan.jpg").write_bytes(encode(degrade(page, "scan", seed=5), "JPEG", 40))
    text_pdf(out / "archive-inquiry-zh.pdf", CHINESE_PDF, font="cjk")
    attachment = text_pdf(out.parent / "seal-list.pdf", [["List of seals on the archive rooms"]])
    email_with_attachment(out / "committee-mail.eml", attachment.read_bytes(), name="封条清单.pdf")
    attachment.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
