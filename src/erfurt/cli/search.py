"""``erfurt search`` (and ``search save``) and ``erfurt alerts``.

The CLI, not the search feature, asks the names engine for a person's spellings: features
never import each other, so it hands search a function that returns them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import click

from erfurt.archive import Archive
from erfurt.cli.escape import printable
from erfurt.cli.options import archive_option, emit_json, json_option, open_archive
from erfurt.entities import names_in_documents
from erfurt.errors import ConfigError, InputError
from erfurt.ingest import require_collection
from erfurt.names import (
    DEFAULT_THRESHOLD,
    Entity,
    Matcher,
    Query,
    load_matcher,
    name_spellings,
)
from erfurt.search import (
    Alert,
    NameExpander,
    NameForm,
    SearchHit,
    SearchResults,
    alerts,
    save_search,
    search,
)

__all__ = [
    "alerts_command",
    "entity_forms",
    "expander_for",
    "name_expander",
    "search_command",
]

QUERY_HELP = """\b
Query language (see docs/search.md):
  ledger payment        documents with both words (AND is implied)
  ledger OR accounts    either
  ledger -draft         ledger but not draft (also: ledger NOT draft)
  "harbour office"      a phrase; prefix*: any word starting so
  (a OR b) c            groups
  name:"Carrie Lam"     a person's name in every spelling the names engine knows
  collection:hk type:pdf added:2024-01..2024-06 lang:zh extractor:ocr
                        filters on the documents
Chinese matches any part of a sentence, traditional and simplified alike.
\b
erfurt search save NAME QUERY   keeps QUERY for `erfurt alerts`."""


_LISTED_KEPT = 4096


@contextmanager
def _views(archive: Archive) -> Iterator[sqlite3.Connection]:
    """The views on either backend, typed as the search functions take them: they choose
    their SQL by the connection's dialect."""
    with archive.query_views() as db:
        yield cast(sqlite3.Connection, db)


def name_expander(archive: Archive) -> NameExpander:
    """A function giving a name's spellings, with the archive's lists if any are loaded,
    and the names in documents of each person the entities view knows by one of them.

    The lists are read on the first name asked for, so a search without one costs nothing.
    """
    loaded: list[NameExpander] = []

    def expand(name: str) -> Sequence[NameForm]:
        if not loaded:
            try:
                loaded.append(expander_for(load_matcher(archive)))
            except ConfigError:  # no list loaded: the name's own spellings only
                loaded.append(expander_for(None))
        forms = [*loaded[0](name)]
        return forms + entity_forms(archive, [NameForm(name, "as typed"), *forms])

    return expand


def entity_forms(archive: Archive, forms: Sequence[NameForm]) -> list[NameForm]:
    """Every name, and its spellings, of each person the entities view knows by one of
    ``forms``: the names found in documents for one entity, with the mentions reviewers
    merged into it or that name the list entry it was linked to, so that ``name:`` finds
    a document naming the person in any of them."""
    listed = {form.entity for form in forms if form.entity}
    with _views(archive) as db:
        named = names_in_documents(db, [form.text for form in forms], listed)
    found: list[NameForm] = []
    for entity, names in named.items():
        for name in names:
            found += _spellings(name, f"named so in documents, entity {entity}")
    return found


def _spellings(name: str, how: str, entity: str = "") -> list[NameForm]:
    """``name`` and, for a Han name, its other scripts and romanisations (of the list
    entry ``entity``, if any)."""
    try:
        spellings = name_spellings(name)
    except InputError:  # not something the names engine can read as a name
        return []
    return [
        NameForm(s, how if s == name else f"written from {name} ({how})", entity) for s in spellings
    ]


def expander_for(matcher: Matcher | None) -> NameExpander:
    """A function giving a name's spellings (Han, pinyin, Wade-Giles, Cantonese) and, with
    ``matcher``, every name (and its spellings) of each listed person the name matches."""
    by_id: dict[str, Entity] = {}
    # A listed person's spellings, computed once (a server keeps the expander): bounded.
    listed_forms: dict[tuple[str, str], list[NameForm]] = {}

    def aliases(entity_id: str, how: str) -> list[NameForm]:
        forms: list[NameForm] = []
        for listed in by_id[entity_id].names:
            forms += _spellings(listed, how, entity_id)
            family, comma, given = listed.partition(",")
            if comma:  # "LAM CHENG, Yuet-ngor" is written "Yuet-ngor Lam Cheng" too
                forms.append(NameForm(f"{given.strip()} {family.strip()}", how, entity_id))
        return forms

    def expand(name: str) -> Sequence[NameForm]:
        forms = _spellings(name, "as typed")
        if matcher is None or not forms:
            return forms
        if not by_id:
            by_id.update((entity.id, entity) for entity in matcher.entities)
        for found in matcher.match(Query(name), threshold=DEFAULT_THRESHOLD):
            how = f"alias on {found.list} ({found.entity_id})"
            key = (found.entity_id, how)
            if key not in listed_forms:
                if len(listed_forms) >= _LISTED_KEPT:
                    listed_forms.clear()
                listed_forms[key] = aliases(found.entity_id, how)
            forms += listed_forms[key]
        return forms

    return expand


def _shown(text: str) -> str:
    """One line of outside text: whitespace as spaces, other controls escaped."""
    return printable(re.sub(r"\s", " ", text))


def _echo_hit(hit: SearchHit) -> None:
    click.echo(
        f"#{hit.doc}  {printable(hit.name)}  (collection {printable(hit.collection)},"
        f" {hit.media_type}, added {hit.added[:10]})"
    )
    others = [s for s in hit.sightings if s.doc != hit.doc]
    if others:
        also = "; ".join(f"#{s.doc} {s.name} ({s.collection}, {s.added[:10]})" for s in others)
        click.echo(f"    also added as: {printable(also)}")
    if hit.names:
        found = "; ".join(f"{f.text} [{f.how}]" for f in hit.names)
        click.echo(f"    name found as: {printable(found)}")
    for fragment in hit.fragments:
        out, last = [], 0
        for start, end in fragment.highlights:
            out += [
                _shown(fragment.text[last:start]),
                click.style(_shown(fragment.text[start:end]), bold=True),
            ]
            last = end
        out.append(_shown(fragment.text[last:]))
        click.echo(f"    p.{fragment.page}: {''.join(out)}")


def _echo_results(found: SearchResults, as_json: bool) -> None:
    facets = found.facets
    if as_json:
        emit_json(found.to_json())
        return
    for hit in found.hits:
        _echo_hit(hit)
    matches = "document matches" if found.total == 1 and found.total_exact else "documents match"
    click.echo(f"{found.total_text()} {matches}, {len(found.hits)} shown", err=True)
    if facets is not None:
        for key in facets.__slots__:
            counts = ", ".join(f"{value} {count}" for value, count in getattr(facets, key)[:8])
            click.echo(f"  {key}: {counts}", err=True)


@click.command("search", epilog=QUERY_HELP)
@archive_option
@click.argument("words", nargs=-1)
@click.option("--names", "person", help="A person's name: search every spelling of it.")
@click.option("--collection", help="Only documents in this collection.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Most documents shown, best first.",
)
@click.option("--facets/--no-facets", default=True, show_default=True, help="Count by field.")
@json_option
def search_command(
    archive_path: Path,
    words: tuple[str, ...],
    person: str | None,
    collection: str | None,
    limit: int,
    facets: bool,
    as_json: bool,
) -> None:
    """Find documents, best first: words, "phrases", names in any script, filters."""
    if len(words) >= 3 and words[0] == "save":
        with open_archive(archive_path) as archive, _views(archive) as db:
            saved = save_search(archive.paths.saved_searches, db, words[1], " ".join(words[2:]))
        click.echo(f"saved {printable(saved.name)}: {printable(saved.query)}", err=True)
        return
    query = " ".join(words)
    if person is not None:
        query = f'name:"{person.replace(chr(34), " ")}" {query}'
    with open_archive(archive_path) as archive, _views(archive) as db:
        require_collection(db, collection)
        found = search(
            db,
            query,
            names=name_expander(archive),
            collection=collection,
            limit=limit,
            facets=facets,
        )
    _echo_results(found, as_json)


@click.command("alerts")
@archive_option
@click.option("--keep", is_flag=True, help="Show them again next time.")
@json_option
def alerts_command(archive_path: Path, keep: bool, as_json: bool) -> None:
    """Documents added since the last look that match a saved search (erfurt search save)."""
    with open_archive(archive_path) as archive, _views(archive) as db:
        found: list[Alert] = alerts(
            archive.paths.saved_searches, db, name_expander(archive), mark_seen=not keep
        )
    if not found and not as_json:
        click.echo("No saved search: erfurt search save NAME QUERY", err=True)
    for alert in found:
        if as_json:
            emit_json(
                {
                    "saved": alert.saved.name,
                    "query": alert.saved.query,
                    "total": alert.total,
                    "hits": [hit.to_json() for hit in alert.hits],
                }
            )
            continue
        saved = printable(f"{alert.saved.name} ({alert.saved.query})")
        click.echo(f"{saved}: {alert.total} new", err=True)
        for hit in alert.hits:
            _echo_hit(hit)
