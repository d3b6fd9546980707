"""Names for reviewers: one name against the lists, a CSV screened in the background, lists.

Screened names can be those of people at risk, so they are kept in memory only: a batch's
rows and results live in the server process, visible to the user who started it, until
the job is dropped (the oldest beyond :data:`MAX_JOBS`) or the server stops. Nothing here
is logged or written to disk.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from erfurt.charts import spreadsheet_cell
from erfurt.errors import InputError
from erfurt.names import (
    DEFAULT_THRESHOLD,
    Matcher,
    Query,
    ScreenResult,
    loaded_lists,
    parse_date,
    parse_queries,
    screen,
)
from erfurt.web.service import Service

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_JOBS = 20
SCHEMAS = ("Person", "Organization", "Company", "Vessel")


def name_query(name: str, birth_date: str = "", country: str = "", schema: str = "") -> Query:
    """A screening query from form or API fields; InputError naming the field at fault."""
    if not name.strip():
        raise InputError("the name is empty", "type the name to screen")
    if schema and schema not in SCHEMAS:
        raise InputError(f"schema {schema!r} is unknown", f"use one of {', '.join(SCHEMAS)}")
    return Query(
        name=name.strip(),
        birth_date=parse_date(birth_date) if birth_date.strip() else None,
        country=country.strip() or None,
        schema=schema or None,
    )


def match_name(matcher: Matcher, query: Query, limit: int = 10) -> dict[str, Any]:
    """The best matches of ``query`` on the loaded lists, each explained."""
    matches = matcher.match(query, limit=limit)
    return {
        "query": query.to_json(),
        "threshold": DEFAULT_THRESHOLD,
        "matches": [m.to_json() for m in matches],
    }


def lists_json(service: Service) -> dict[str, Any]:
    """The lists screening uses: name, format, entities, when and by whom they were loaded."""
    return {
        "lists": [
            {
                "list": item.list,
                "format": item.format,
                "entities": item.entities,
                "record": item.record,
                "time": item.time,
                "who": item.who,
            }
            for item in loaded_lists(service.archive)
        ]
    }


def _row_json(result: ScreenResult) -> dict[str, Any]:
    return {
        "row": result.row,
        "id": result.id,
        "query": result.query.to_json() if result.query else None,
        "matches": [m.to_json() for m in result.matches],
        "error": result.error or None,
    }


@dataclass
class ScreenJob:
    """One CSV being screened: who asked, how far it got, and its rows once done."""

    id: str
    owner: str
    source: str
    total: int
    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    finished: bool = False

    def summary(self) -> dict[str, Any]:
        """Progress, and the rows (alerts first, then input order) once finished."""
        alerts = [r for r in self.rows if r["matches"]]
        errors = [r for r in self.rows if r["error"]]
        return {
            "job": self.id,
            "source": self.source,
            "total": self.total,
            "done": self.done,
            "finished": self.finished,
            "alerts": len(alerts),
            "errors": len(errors),
            "rows": sorted(self.rows, key=lambda r: (not r["matches"], r["row"]))
            if self.finished
            else [],
        }


class ScreenJobs:
    """The batch screenings of one server, in memory, each visible to its owner only."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, ScreenJob] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, matcher: Matcher, data: bytes, source: str, owner: str) -> ScreenJob:
        """Read the CSV now (InputError for a file that cannot be read) and screen it
        in a thread.
        """
        if len(data) > MAX_CSV_BYTES:
            raise InputError(
                f"{source} is larger than {MAX_CSV_BYTES:,} bytes",
                f"split it into files of at most {MAX_ROWS:,} rows",
            )
        pending = list(parse_queries(data, source))
        if not pending:
            raise InputError(f"{source} has no rows", "put one name per line under a header")
        if len(pending) > MAX_ROWS:
            raise InputError(
                f"{source} has {len(pending):,} rows, more than {MAX_ROWS:,}",
                f"split it into files of at most {MAX_ROWS:,} rows",
            )
        job = ScreenJob(secrets.token_urlsafe(16), owner, source, len(pending))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job, matcher, pending), daemon=True).start()
        return job

    def _run(self, job: ScreenJob, matcher: Matcher, pending: list[ScreenResult]) -> None:
        # One worker: forking a threaded server is unsafe.
        for result in screen(matcher, iter(pending), workers=1):
            job.rows.append(_row_json(result))
            job.done += 1
        job.finished = True

    def get(self, job_id: str, owner: str) -> ScreenJob | None:
        """The job, if it exists and belongs to ``owner`` (anyone else sees none)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None


def rows_as_jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    """One JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def rows_as_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """One line per match (or per row without one): the alert table for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "id", "name", "score", "entity_id", "listed_name", "list", "error"])
    for r in rows:
        query = r["query"] or {}
        base = [r["row"], r["id"], query.get("name", "")]
        if not r["matches"]:
            writer.writerow([spreadsheet_cell(v) for v in [*base, "", "", "", "", r["error"]]])
        for m in r["matches"]:
            values = [*base, m["score"], m["entity_id"], m["name"], m["list"], ""]
            writer.writerow([spreadsheet_cell(v) for v in values])
    return out.getvalue().encode("utf-8-sig")
