"""Lists in the archive: the ``list.imported`` record and the ``names`` view.

Importing reads the list strictly first (a truncated or wrong file is refused before
anything is stored), then stores the file(s) as blobs and logs one ``list.imported``
record citing their hashes. The ``names`` view re-reads the blobs, keeps each list's
entities (a later import under the same list name replaces the earlier one) and a
prepared screening index over all lists, so that screening loads in a fraction of a
second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from erfurt.archive import (
    ALL_BACKENDS,
    Archive,
    BlobReader,
    Record,
    ViewConnection,
    upsert_sql,
)
from erfurt.errors import ConfigError, InputError
from erfurt.names.lists import OFAC_FILES, LoadedList, read_ftm, read_ofac_sdn
from erfurt.names.lists.ftm import parse_ftm
from erfurt.names.lists.ofac import parse_ofac_sdn
from erfurt.names.matcher import Matcher
from erfurt.names.model import Entity

__all__ = [
    "ImportedList",
    "NamesView",
    "import_list",
    "load_matcher",
    "loaded_entities",
    "loaded_lists",
]

FORMATS = ("ofac-sdn", "ftm")
_OFAC_FIELDS = {"sdn.csv": "blob", "alt.csv": "alt_blob", "add.csv": "add_blob"}


@dataclass(frozen=True, slots=True)
class ImportedList:
    """One list as loaded: where it came from and when."""

    record: int
    list: str
    format: str
    files: dict[str, str]  # file name -> SHA-256
    entities: int
    time: str
    who: str
    already_imported: bool = False
    """True when this very list (same name, format and files) was loaded before: the
    import logged nothing and this describes the earlier import."""


def _parse(fmt: str, files: dict[str, bytes], source: str) -> LoadedList:
    if fmt == "ofac-sdn":
        return parse_ofac_sdn(files, source)
    return parse_ftm(next(iter(files.values())), source=source)


def import_list(
    archive: Archive, fmt: str, path: Path, who: str, name: str | None = None
) -> ImportedList:
    """Read a list strictly, store it as blobs and log ``list.imported``.

    ``fmt`` is "ofac-sdn" (``path`` a folder with sdn.csv, alt.csv, add.csv) or "ftm"
    (``path`` a JSON lines file). Raises InputError, naming file and line, for a list
    that is truncated or not in that format; nothing is stored then. A list already
    loaded under that name from the same files is not logged again (the result has
    ``already_imported`` set): a run repeated after a crash, or two at once, log it once.
    """
    if fmt == "ofac-sdn":
        loaded = read_ofac_sdn(path)
        paths = {file: path / file for file in OFAC_FILES}
    elif fmt == "ftm":
        loaded = read_ftm(path)
        paths = {path.name: path}
    else:
        raise InputError(f"list format {fmt!r} is unknown", f"use one of {', '.join(FORMATS)}")
    label = name or (fmt if fmt == "ofac-sdn" else path.stem)
    fields: dict[str, object] = {"format": fmt, "list": label, "entities": len(loaded.entities)}
    names: dict[str, str] = {}
    for file, file_path in paths.items():
        ref = archive.put_file(file_path)
        names[file] = ref.sha256
        fields[_OFAC_FIELDS.get(file, "blob") if fmt == "ofac-sdn" else "blob"] = ref.sha256
    fields.update({"files": names, "time": archive.now(), "who": who})
    record = Record("list.imported", fields)

    def unless_loaded(db: ViewConnection) -> list[Record]:
        # Decided under the log's lock: two imports of one list at once log it once.
        row = db.execute(
            "SELECT format, files FROM names_lists WHERE list = ?", (label,)
        ).fetchone()
        loaded_already = row is not None and (row[0], json.loads(row[1])) == (fmt, names)
        return [] if loaded_already else [record]

    if not (indexes := archive.append_with(unless_loaded)):
        [earlier] = [item for item in loaded_lists(archive) if item.list == label]
        return replace(earlier, already_imported=True)
    time = str(fields["time"])
    return ImportedList(indexes[0], label, fmt, names, len(loaded.entities), time, who)


def _entity_row(entity: Entity) -> str:
    return json.dumps(
        [entity.id, entity.schema, entity.names, entity.birth_dates, entity.countries,
         entity.identifiers],
        ensure_ascii=False,
    )  # fmt: skip


_UPSERT_LIST = upsert_sql(
    "names_lists", ("list", "record", "format", "files", "entities", "time", "who"), ("list",)
)


class NamesView:
    """``names_lists`` (what is loaded), ``names_entities`` and ``names_index``."""

    name = "names"
    version = 5  # 2: the index stores its one-edit look-up; 3: family name parts; 4: index
    # format 5 (an index of an older format is rebuilt, not refused as damaged); 5: index
    # format 6 (honorifics kept as the only given name)
    kinds = frozenset({"list.imported"})
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the view's tables."""
        db.execute(
            "CREATE TABLE names_lists (list TEXT PRIMARY KEY, record INTEGER NOT NULL, "
            "format TEXT NOT NULL, files TEXT NOT NULL, entities INTEGER NOT NULL, "
            "time TEXT NOT NULL, who TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE names_entities (list TEXT NOT NULL, position INTEGER NOT NULL, "
            "entity TEXT NOT NULL, PRIMARY KEY (list, position))"
        )
        db.execute("CREATE TABLE names_index (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Replace the list's entities with the imported ones and rebuild the index."""
        files: dict[str, str] = record["files"]
        data = {file: blobs.read_blob(digest) for file, digest in files.items()}
        label = str(record["list"])
        loaded = _parse(str(record["format"]), data, label)
        db.execute("DELETE FROM names_entities WHERE list = ?", (label,))
        db.executemany(
            "INSERT INTO names_entities VALUES (?, ?, ?)",
            ((label, n, _entity_row(e)) for n, e in enumerate(loaded.entities)),
        )
        db.execute(
            _UPSERT_LIST,
            (label, index, record["format"], json.dumps(files, sort_keys=True),
             len(loaded.entities), record["time"], record["who"]),
        )  # fmt: skip
        entities = _entities(db)
        db.execute(
            upsert_sql("names_index", ("id", "data"), ("id",)),
            (1, Matcher.build(entities).to_bytes()),
        )


def loaded_lists(archive: Archive) -> list[ImportedList]:
    """The lists the archive holds, in the order they were imported."""
    with archive.query_views() as db:
        rows = db.execute(
            "SELECT record, list, format, files, entities, time, who FROM names_lists "
            "ORDER BY record"
        ).fetchall()
    return [ImportedList(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows]


def _entities(db: ViewConnection) -> list[Entity]:
    rows = db.execute(
        "SELECT e.list, e.entity FROM names_entities e JOIN names_lists l "
        "ON l.list = e.list ORDER BY l.record, e.position"  # in import order
    ).fetchall()
    return [
        Entity(i, schema, tuple(n), lst, tuple(d), tuple(c), tuple(x))
        for lst, (i, schema, n, d, c, x) in ((lst, json.loads(row)) for lst, row in rows)
    ]


def loaded_entities(archive: Archive) -> list[Entity]:
    """Every entity of every loaded list, in import order."""
    with archive.query_views() as db:
        return _entities(db)


def load_matcher(archive: Archive) -> Matcher:
    """The prepared screening index over every loaded list.

    Raises ConfigError when no list has been imported yet.
    """
    with archive.query_views() as db:
        row = db.execute("SELECT data FROM names_index WHERE id = 1").fetchone()
    if row is None:
        raise ConfigError(
            "no list is loaded in this archive",
            "import one first: erfurt lists import ofac-sdn DIR (or: erfurt lists import ftm FILE)",
        )
    return Matcher.from_bytes(bytes(row[0]))
