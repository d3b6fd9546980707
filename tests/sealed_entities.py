"""An archive whose reviewers merged and linked entities that only a restricted collection names.

Built with the real pipeline: files added to a public and a restricted collection (restricted
first, so its documents are logged sealed), texts extracted, entities found by the real
extractor, then decisions recorded through ``erfurt.entities.review`` as the CLI does. The
persons are made up. Fang Delun and Lu Kanghai are named only in the restricted statement;
Qiao Wenlan in both collections, Shen Baoyu in the public notice alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive import Accounts, Archive
from erfurt.cli.options import all_views
from erfurt.entities import Action, Extractor, KnownIndex, Mention, extract_archive, review
from erfurt.entities.model import entity_id, name_key
from erfurt.ingest import ExtractOptions, add_paths, extract_pending

RESTRICTED = "witnesses"
PUBLIC_NOTICE = "Minister Qiao Wenlan signed the order. Director Shen Baoyu agreed.\n"
STATEMENT = "Director Fang Delun and Director Lu Kanghai met Minister Qiao Wenlan at night.\n"
SPLIT_NAME = "Lu Kanghai (the driver)"


def person(name: str) -> str:
    """The id the extractor gives a person on no list."""
    return entity_id("person", name_key(name))


QIAO, SHEN = person("Qiao Wenlan"), person("Shen Baoyu")
FANG, LU, SPLIT = person("Fang Delun"), person("Lu Kanghai"), person(SPLIT_NAME)


@dataclass(frozen=True)
class Reviewed:
    """The archive and the decisions logged: (index, what it decided, whether it is private)."""

    path: Path
    decisions: list[tuple[int, str, bool]]
    private_reasons: list[str]


def build_extracted_archive(root: Path) -> Path:
    """The archive described above at ``root/archive``, its texts extracted but no entities
    found yet."""
    (root / "public").mkdir(parents=True)
    (root / RESTRICTED).mkdir()
    (root / "public" / "notice.txt").write_text(PUBLIC_NOTICE, encoding="utf-8")
    (root / RESTRICTED / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    path = root / "archive"
    with Archive.init(path, origin="example.org/sealed-reviews", who="t", views=all_views()) as a:
        with Accounts.open(a.paths) as accounts:
            accounts.restrict(RESTRICTED, ["role:admin"])
        add_paths(a, [root / "public"], collection="public", who="ana")
        add_paths(a, [root / RESTRICTED], collection=RESTRICTED, who="ana")
        extract_pending(a, ExtractOptions(), who="t", workers=1)
    return path


def extractor() -> Extractor:
    """The real entity extractor, with no list loaded."""
    return Extractor(KnownIndex([], spellings=lambda name: ()))


def build_reviewed_archive(root: Path) -> Reviewed:
    """The archive described above at ``root/archive``, with its decisions recorded."""
    path = build_extracted_archive(root)
    decisions: list[tuple[int, str, bool]] = []
    reasons: list[str] = []
    with Archive.open(path, views=all_views()) as a:
        extract_archive(a, extractor())
        with a.read_views() as db:
            rows = db.execute("SELECT source, data FROM ent_mentions").fetchall()
        keys = [Mention.from_json(json.loads(data)).key(source) for source, data in rows]
        [lu_key] = [key for key in keys if key.endswith(":Lu Kanghai")]

        def decide(action: Action, target: str, other: str, private: bool) -> None:
            reason = f"decision {len(decisions)}, " + ("the witness says" if private else "public")
            index = review(a, action, target, other=other, who="rita", reason=reason)
            decisions.append((index, f"{action} {target} {other}", private))
            if private:
                reasons.append(reason)

        decide("merge", FANG, LU, True)  # both only in the restricted statement
        decide("link", FANG, "erf-made-up-entry", True)
        decide("merge", QIAO, SHEN, False)  # both in the public notice
        decide("split", lu_key, SPLIT_NAME, True)  # its key names the sealed blob
        decide("merge", QIAO, SPLIT, True)  # the split entity: a moved mention only
        decide("merge", QIAO, FANG, True)  # public into private is a tell too
        decide("link", QIAO, "erf-made-up-qiao", False)  # Qiao is named in public
    return Reviewed(path, decisions, reasons)
