from __future__ import annotations

from pathlib import Path

from PIL import Image

from erfurt.ingest.extractors import ExtractionJob, ExtractionPool, ExtractOptions
from ingest_samples import EN_LINES, HANS_LINES, image_bytes, scan_image, scanned_pdf, text_pdf


def test_pool_extracts_every_job_and_stops_the_slow_ones(tmp_path: Path) -> None:
    # One tesseract run over a long TIFF (stopped by OCR's own limit), and a scanned PDF
    # whose pages each take under the limit but together more (stopped by the pool).
    tiff = tmp_path / "slow.tif"
    frames = [scan_image(HANS_LINES * 4, degrade=False) for _ in range(6)]
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    pdf = scanned_pdf(tmp_path / "slow.pdf", [scan_image(EN_LINES, degrade=False)] * 8)
    jobs = [ExtractionJob(0, tiff, tiff.name), ExtractionJob(5, pdf, pdf.name)]
    for n in range(1, 5):
        jobs.append(ExtractionJob(n, text_pdf(tmp_path / f"{n}.pdf", [[f"document {n}"]]), "x.pdf"))
    with ExtractionPool(ExtractOptions(time_limit_s=1), workers=2, jobs_per_worker=2) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
    assert sorted(results) == [0, 1, 2, 3, 4, 5]
    assert "longer than the limit of 1 s" in results[0].failure
    assert "longer than the limit of 1 s" in results[5].failure
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
