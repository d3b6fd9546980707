"""What the engine's extraction tests share: a folder of files of every common kind, the
records of an archive without their times, and an engine run with a worker killed."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from erfurt.archive import Archive
from erfurt.cli import cli
from erfurt.engine import Engine, EngineTLS
from erfurt.extractors import ExtractionJob as Job
from erfurt.ingest import EngineExtraction, Extraction, ExtractOptions
from ingest_samples import email_with_attachment, text_pdf, zip_file


def run(*args: str | Path) -> Result:
    """``erfurt ARGS`` in this process, its exit code and output kept."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@dataclass(frozen=True)
class ClusterAccess:
    """What reaches a TLS cluster: its scheduler's tls:// address, the CA, and a
    client's certificate and key (PEM files)."""

    address: str
    ca: Path
    cert: Path
    key: Path

    def options(self) -> tuple[str, ...]:
        """``--engine ADDRESS --engine-ca CA --engine-cert CERT --engine-key KEY``."""
        files = (("ca", self.ca), ("cert", self.cert), ("key", self.key))
        return ("--engine", self.address, *(f"--engine-{n}={p}" for n, p in files))

    def settings(self) -> dict[str, str]:
        """The same as erfurt.toml settings: engine, engine_ca, engine_cert, engine_key."""
        files = {"engine_ca": self.ca, "engine_cert": self.cert, "engine_key": self.key}
        return {"engine": self.address, **{k: str(v) for k, v in files.items()}}

    def tls(self) -> EngineTLS:
        """The files as :class:`EngineTLS`."""
        return EngineTLS(self.ca, self.cert, self.key)


def configure(archive: Path, settings: dict[str, str]) -> str:
    """Write ``settings`` (replacing their defaults) into ARCHIVE/erfurt.toml; returns
    the text it had, to write back."""
    config = archive / "erfurt.toml"
    kept = config.read_text(encoding="utf-8")
    text = kept
    for name, value in settings.items():
        default = "local" if name == "engine" else ""
        assert f'{name} = "{default}"' in text  # erfurt init writes every setting
        text = text.replace(f'{name} = "{default}"', f'{name} = "{value}"')
    config.write_text(text, encoding="utf-8")
    return kept


def files_of_every_kind(root: Path) -> Path:
    """Files of every common kind: texts, a page, a PDF, a zip, an e-mail with attachment."""
    root.mkdir()
    for number in range(30):
        (root / f"note-{number:02}.txt").write_text(f"Statement {number} of the witness.\n")
    (root / "page.html").write_text("<html><body><p>Order of 1973.</p></body></html>")
    pdf = text_pdf(root / "order.pdf", [["The shooting order", "of 1973"]])
    zip_file(root / "box.zip", {"a.txt": b"first member", "b/c.txt": "第二".encode()})
    email_with_attachment(root / "mail.eml", pdf.read_bytes())
    return root


def records_without_times(archive: Archive, start: int = 1) -> Counter[str]:
    """Every record from ``start`` (by default all but the archive's creation), without
    the times (which differ by run)."""
    found: Counter[str] = Counter()
    for _, record in archive.records(start=start):
        fields = {k: v for k, v in record.fields.items() if k != "time"}
        found[json.dumps([record.kind, fields], sort_keys=True, ensure_ascii=False)] += 1
    return found


class Killing:
    """The engine's extraction, with one of its workers killed (SIGKILL) while it runs a
    task, at the first result after which a worker still holds one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._runner = EngineExtraction(engine, ExtractOptions(time_limit_s=3600))
        self.killed = 0

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Extraction]]:
        """Extract ``jobs`` on the engine; kill a busy worker once a result is back."""
        for done in self._runner.run(jobs):
            if not self.killed:
                self.killed = self._kill_a_busy_worker()
            yield done

    def _kill_a_busy_worker(self) -> int:
        """Kill a worker that holds a task now; 0 if none does at this moment (short tasks
        may all be back before the next is assigned): the caller tries at the next result."""
        busy = [w for w, tasks in self._engine.client.processing().items() if tasks]
        pid = self._engine.worker_pids().get(busy[0], 0) if busy else 0
        if pid:
            os.kill(pid, signal.SIGKILL)
        return pid
