"""`make demo` runs end to end: a verified evidence package and a caught forgery, searches in
English and Chinese finding a scan, a Chinese PDF and an e-mail attachment, a registry whose
receipt proves and whose tally audits, a published figure audited from the log, and an
official's dossier."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEMO_ARCHIVE": str(tmp_path / "demo-archive"),
        "DEMO_CHARTS": str(tmp_path / "charts"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", str(ROOT / "demo" / "run.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=1800,  # a guard against a hang, not a speed test: a loaded machine is slow
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The archive: the package verifies against the pinned key; the forged copy does not.
    assert "proved: record" in output and "FAIL: " in output
    assert "extends" in output  # the consistency proof against the first checkpoint
    # Ingest and search.
    assert "4 added" in output and "5 extracted, 0 failed" in output
    assert "order-17-scan.png" in output  # the English search found the scan (OCR)
    # the degraded Chinese photocopy, read in traditional characters, with its engines
    assert "檔案室所有人事檔案" in output and "ocr: PP-OCRv4" in output
    assert "國家檔案館調查報告" in output  # the simplified search found the traditional PDF
    assert "child: #" in output and "封条清单.pdf" in output  # the attachment
    # The registry.
    assert "row 3: unknown organisation 'Komsomol'" in output
    assert "recounted from the published log" in output
    for chart in ["declarations.svg", "declarations.png", "outreach.svg"]:
        assert (tmp_path / "charts" / chart).stat().st_size > 1000
    # Incidents: a corroborated incident, a figure audited from a copy of the log, passages.
    assert "destruction of records  1989-12-04  District office  0       corroborated" in output
    assert "OK: 1 published figure recomputed from the published log" in output
    assert "date         record " in output and "'1989年12月4日'" in output
    # Entities: one official named in three scripts, one list entry, cited, exported as FtM.
    names = next(line for line in output.splitlines() if line.startswith("  names: 王"))
    assert set(names.removeprefix("  names: ").split("; ")) == {"王建国", "Wang Jianguo", "王建國"}
    assert "«Wang Jianguo, Director of the District Security Office» since March 1986" in output
    assert "valid FtM Occupancy" in output and "valid FtM Document: committee-minutes.txt" in output
    assert "Demo complete" in output
