from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from erfurt.ingest.extractors import ExtractionJob, ExtractionPool, ExtractOptions
from ingest_samples import EN_LINES, image_bytes, scan_image, text_pdf


def test_pool_extracts_every_job_and_stops_the_slow_ones(tmp_path: Path) -> None:
    # Jobs that never end whatever the machine's speed (reading a pipe no one writes to),
    # among ordinary ones: the limit stops the first, the others carry on. The limit is
    # far above what the ordinary jobs need even on a loaded machine.
    never = [tmp_path / "never-0", tmp_path / "never-5"]
    for fifo in never:
        os.mkfifo(fifo)
    jobs = [ExtractionJob(0, never[0], "a.txt"), ExtractionJob(5, never[1], "b.txt")]
    for n in range(1, 5):
        jobs.append(ExtractionJob(n, text_pdf(tmp_path / f"{n}.pdf", [[f"document {n}"]]), "x.pdf"))
    with ExtractionPool(ExtractOptions(time_limit_s=15), workers=2, jobs_per_worker=2) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
    assert sorted(results) == [0, 1, 2, 3, 4, 5]
    assert "longer than the limit of 15 s" in results[0].failure
    assert "longer than the limit of 15 s" in results[5].failure
    for n in range(1, 5):
        assert results[n].ok and f"document {n}" in results[n].text


def test_pool_reuses_workers_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.png"
    path.write_bytes(image_bytes(scan_image(EN_LINES)))
    blank = tmp_path / "b.png"
    blank.write_bytes(image_bytes(Image.new("L", (200, 200), 255)))
    with ExtractionPool(ExtractOptions(time_limit_s=60), workers=1) as pool:
        first = [r for _, r in pool.run([ExtractionJob(1, path, "s.png")])]
        second = [r for _, r in pool.run([ExtractionJob(2, blank, "b.png")])]
    assert "Witness" in first[0].text
    assert second[0].ok and second[0].text == ""
