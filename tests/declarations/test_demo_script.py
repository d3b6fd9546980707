"""demo/declarations.sh runs end to end: receipt proved, tampering caught, nothing leaked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_declarations_demo_runs_end_to_end(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEMO_ARCHIVE": str(tmp_path / "demo-archive"),
        "DEMO_CHARTS": str(tmp_path / "charts"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", str(ROOT / "demo" / "declarations.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "OK: " in output and "FAIL: " in output
    assert "row 3: unknown organisation 'Komsomol'" in output
    assert "recounted from the published log" in output
    assert "Declarations demo complete" in output
    for chart in ["declarations.svg", "declarations.png", "outreach.svg"]:
        assert (tmp_path / "charts" / chart).stat().st_size > 1000
