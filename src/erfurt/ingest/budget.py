"""The expansion budget of each top-level file, shared by everything nested inside it.

A zip in a mail in a zip unpacks level by level, one extraction round each. The budget
(bytes, files, depth) belongs to the top-level file the user added: what its
descendants already hold is read from the documents view, and from the first extraction
inside it that is accepted, what each adds is taken off here, in memory, so that siblings
extracted in the same round cannot each spend the whole budget. Only files with
something inside them are kept in memory, so a folder of plain files costs nothing here.
The budgets of a page of top-level files are read ahead in two queries
(:meth:`Budgets.read_ahead`), not three queries a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from erfurt.archive import Archive, ViewConnection, dialect_of
from erfurt.extractors import Child, ExpansionBudget, ExtractOptions

__all__ = ["Budgets"]

# Documents are named by one JSON parameter, so a page of any size is one query; sums
# are cast so that both backends give integers (PostgreSQL's SUM of BIGINT is NUMERIC).
_DESCENDANTS = """
WITH RECURSIVE tree(root, record) AS (
    SELECT value, value FROM {listed}
    UNION SELECT tree.root, d.record FROM documents d JOIN tree ON d.parent = tree.record
)
SELECT tree.root, COUNT(*) - 1,
    CAST(SUM(d.size) - SUM(d.size) FILTER (WHERE d.record = tree.root) AS BIGINT),
    CAST(SUM(d.size) FILTER (WHERE d.record = tree.root) AS BIGINT)
FROM tree JOIN documents d ON d.record = tree.record GROUP BY tree.root
"""
_TOP_LEVEL = """
SELECT record FROM documents WHERE parent IS NULL AND record IN (SELECT value FROM {listed})
"""
# The JSON parameter's documents as a table of one column, ``value``.
_LISTED = {
    "sqlite": "json_each(?)",
    "postgresql": "(SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS BIGINT)"
    " AS value) AS listed",
}


@dataclass(slots=True)
class _Root:
    left: ExpansionBudget


class Budgets:
    """What is left of each top-level file's budget during one extraction run."""

    def __init__(self, archive: Archive, options: ExtractOptions) -> None:
        self._archive = archive
        self._options = options
        self._roots: dict[int, _Root] = {}
        self._levels: dict[int, tuple[int, int]] = {}
        # Top-level documents read ahead whose budget is untouched, until their outcome.
        self._ahead: dict[int, ExpansionBudget] = {}

    def read_ahead(self, documents: Sequence[int]) -> None:
        """Read the budgets of the top-level ``documents`` at once (the next jobs).

        Nested documents are looked up one by one when asked for; they are few.
        """
        with self._archive.query_views() as db:
            query = _TOP_LEVEL.format(listed=_LISTED[dialect_of(db)])
            tops = [int(row[0]) for row in db.execute(query, (json.dumps(documents),))]
            fresh = [top for top in tops if top not in self._roots]
            self._ahead.update(self._unspent(db, fresh))

    def for_document(self, document: int) -> ExpansionBudget:
        """The budget the extraction of document record ``document`` may spend."""
        root, level = self._root_and_level(document)
        # Kept in memory only once something inside it was accepted (before that, what
        # the view says is all there is), so a folder of plain files costs no memory here.
        state = self._roots.get(root)
        left = state.left if state is not None else self._unspent_of(root)
        return replace(left, depth=max(0, self._options.expand_max_depth - level))

    def accept(self, document: int, children: Sequence[Child]) -> tuple[list[Child], str]:
        """The children of ``document`` within its budget (taken off it), and why not all.

        The reason is empty when every child fits.
        """
        try:
            return self._accept(document, children)
        finally:
            self._ahead.pop(document, None)  # its outcome is in: the view says the rest

    def _accept(self, document: int, children: Sequence[Child]) -> tuple[list[Child], str]:
        if not children:
            return [], ""
        root, level = self._root_and_level(document)
        state = self._root(root)
        if level >= self._options.expand_max_depth:
            return [], (
                f"containers nested deeper than {self._options.expand_max_depth} levels "
                "are not unpacked"
            )
        kept: list[Child] = []
        left = state.left
        reason = ""
        for child in children:
            if left.members < 1:
                reason = (
                    f"more than {self._options.expand_max_members} files inside "
                    "(the limit: extract_expand_members)"
                )
                break
            if len(child.data) > left.bytes:
                reason = (
                    f"what is inside expands past the limit of {self._options.expand_max_bytes}"
                    f" bytes, or {self._options.expand_max_ratio} times the added file's size"
                )
                break
            left = replace(left, bytes=left.bytes - len(child.data), members=left.members - 1)
            kept.append(child)
        state.left = left
        return kept, reason

    def _root_and_level(self, document: int) -> tuple[int, int]:
        if document in self._ahead:
            return document, 0
        if document not in self._levels:
            with self._archive.query_views() as db:
                row = db.execute(
                    "SELECT parent FROM documents WHERE record = ?", (document,)
                ).fetchone()
            parent = row[0] if row else None
            if parent is None:
                return document, 0  # a top-level file: not kept, there may be very many
            root, level = self._root_and_level(int(parent))
            self._levels[document] = (root, level + 1)
        return self._levels[document]

    def _root(self, root: int) -> _Root:
        if root not in self._roots:
            self._roots[root] = _Root(self._unspent_of(root))
        return self._roots[root]

    def _unspent_of(self, root: int) -> ExpansionBudget:
        """What is left of the budget of top-level document ``root``, untouched this run."""
        if root in self._ahead:
            return self._ahead[root]
        with self._archive.query_views() as db:
            return self._unspent(db, [root]).get(root, self._options.budget_for(0))

    def _unspent(self, db: ViewConnection, roots: Iterable[int]) -> dict[int, ExpansionBudget]:
        """What the view says is left of the budgets of top-level documents ``roots``."""
        unspent = {}
        query = _DESCENDANTS.format(listed=_LISTED[dialect_of(db)])
        for root, members, expanded, size in db.execute(query, (json.dumps(list(roots)),)):
            whole = self._options.budget_for(size or 0)
            unspent[root] = ExpansionBudget(
                max(0, whole.bytes - (expanded or 0)), max(0, whole.members - members), whole.depth
            )
        return unspent
