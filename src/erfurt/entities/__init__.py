"""Entities in texts with passage-level provenance: who is named where, holding which post.

    >>> from erfurt.entities import KnownEntity, KnownIndex, Extractor
    >>> lam = KnownEntity("ofac-29249", "Person", ("LAM, Carrie", "LAM CHENG, Yuet-ngor"))
    >>> extractor = Extractor(KnownIndex([lam], spellings=lambda name: ()))
    >>> [(m.surface, m.known) for m in extractor.extract("Carrie Lam spoke.").mentions]
    [('Carrie Lam', 'ofac-29249')]

Mentions come from three finders (known list entries through one automaton over all their
name forms, and by how listed persons' names read in another script or romanisation;
jieba's tags with a gazetteer of titles and organs for Chinese; spaCy's English model with
titles of office), claims from patterns around each person. Each run over a text
is one ``entities.found`` record citing a blob of its mentions and claims; reviews are
``entity.reviewed`` records keyed by source blob and span.
"""

from erfurt.entities.dossier import Dossier, Passage, Position, document_records, read_dossier
from erfurt.entities.extract import MAX_MENTIONS, PIECE_CHARS, Extractor
from erfurt.entities.ftm import dossier_to_ftm
from erfurt.entities.known import KnownEntity, KnownIndex, Resolve, Spellings
from erfurt.entities.listing import (
    MAX_PER_PAGE,
    EntityFilter,
    EntityPage,
    EntitySummary,
    list_entities,
)
from erfurt.entities.marks import MARKED_TYPES, MarkedMention, marked_mentions
from erfurt.entities.model import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    FOUND_KIND,
    REVIEW_KIND,
    Claim,
    EntityType,
    Found,
    Mention,
)
from erfurt.entities.named import names_in_documents
from erfurt.entities.readings import ReadingFinder
from erfurt.entities.review import ACTIONS, Action, Decisions, review
from erfurt.entities.run import ExtractSummary, extract_archive, pending_texts
from erfurt.entities.view import EntitiesView

__all__ = [
    "ACTIONS",
    "EXTRACTOR",
    "EXTRACTOR_VERSION",
    "FOUND_KIND",
    "MARKED_TYPES",
    "MAX_MENTIONS",
    "MAX_PER_PAGE",
    "PIECE_CHARS",
    "REVIEW_KIND",
    "Action",
    "Claim",
    "Decisions",
    "Dossier",
    "EntitiesView",
    "EntityFilter",
    "EntityPage",
    "EntitySummary",
    "EntityType",
    "ExtractSummary",
    "Extractor",
    "Found",
    "KnownEntity",
    "KnownIndex",
    "MarkedMention",
    "Mention",
    "Passage",
    "Position",
    "ReadingFinder",
    "Resolve",
    "Spellings",
    "document_records",
    "dossier_to_ftm",
    "extract_archive",
    "list_entities",
    "marked_mentions",
    "names_in_documents",
    "pending_texts",
    "read_dossier",
    "review",
]
