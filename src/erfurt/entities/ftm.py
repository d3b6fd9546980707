"""A dossier as FollowTheMoney entities: the Person or Organization, its Positions and
Occupancies, and the Documents that prove them, one JSON object per line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from erfurt.entities.dossier import Dossier, Passage

__all__ = ["dossier_to_ftm"]

_SCHEMAS = {"person": "Person", "organisation": "Organization", "place": "Address"}


def _id(*parts: str) -> str:
    return "erfurt-" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def dossier_to_ftm(dossier: Dossier, *, unreviewed: bool = False) -> Iterator[str]:
    """Lines of FtM JSON; only accepted mentions and claims, unless ``unreviewed`` (then
    those not yet reviewed too; rejected ones never)."""
    # Imported here: followthemoney loads its whole model on import (seconds), which every
    # `erfurt` command would pay otherwise.
    from followthemoney import model
    from followthemoney.proxy import EntityProxy

    documents: dict[str, EntityProxy] = {}

    def document(passage: Passage) -> str:
        if passage.source not in documents:
            doc = model.make_entity("Document")
            doc.id = _id("document", passage.source)
            doc.add("fileName", passage.document)
            # contentHash is SHA-1 in FtM; the archive names blobs by SHA-256.
            doc.add("description", f"SHA-256 {passage.source} in the Erfurt archive")
            documents[passage.source] = doc
        return str(documents[passage.source].id)

    subject = model.make_entity(_SCHEMAS.get(dossier.type, "LegalEntity"))
    subject.id = _id("entity", dossier.id)
    names = [p.surface for p in dossier.mentions if p.cited(unreviewed)]
    names = list(dict.fromkeys(names))
    if not names:
        return
    subject.add("name", names[0])
    subject.add("alias", names[1:])
    subject.add("proof", [document(p) for p in dossier.mentions if p.cited(unreviewed)])
    out: list[EntityProxy] = [subject]
    for position in dossier.positions:
        passage = position.passage
        if not passage.cited(unreviewed) or dossier.type != "person":
            continue
        post = model.make_entity("Position")
        post.id = _id("position", position.post, position.organisation)
        post.add("name", position.post)
        if position.organisation:
            organisation = model.make_entity("Organization")
            organisation.id = _id("organisation", position.organisation)
            organisation.add("name", position.organisation)
            post.add("organization", organisation.id)
            out.append(organisation)
        occupancy = model.make_entity("Occupancy")
        occupancy.id = _id("occupancy", passage.key)
        occupancy.add("holder", subject.id)
        occupancy.add("post", post.id)
        occupancy.add("startDate", position.start or None)
        occupancy.add("endDate", position.end or None)
        occupancy.add("proof", document(passage))
        occupancy.add("description", f"{passage.document}, page {passage.page}: {passage.snippet}")
        occupancy.add("status", "current" if position.start and not position.end else "unknown")
        out += [post, occupancy]
    # A post or organisation stated in several passages is one entity, written once.
    unique = {str(proxy.id): proxy for proxy in (*out, *documents.values())}
    for proxy in unique.values():
        yield json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True)
