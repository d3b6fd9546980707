"""`demo/ingest.sh`: a scan, a Chinese PDF and an e-mail, found in English and Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ingest_demo_finds_each_file_in_each_language(tmp_path: Path) -> None:
    env = {**os.environ, "DEMO_ARCHIVE": str(tmp_path / "demo-archive")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    result = subprocess.run(
        ["bash", str(ROOT / "demo" / "ingest.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "3 added" in output and "4 extracted, 0 failed" in output
    assert "order-17-scan.png" in output  # the English search found the scan (OCR)
    assert "國家檔案館調查報告" in output  # the simplified search found the traditional PDF
    assert "child: #" in output and "封条清单.pdf" in output  # the attachment
    assert "Ingest demo complete" in output
