"""What can be searched: each domain registers how to turn its records into documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from search.base import SearchDocument

#: Loads the public documents for some ids; an id missing from the result is not public
#: (deleted, unpublished, …) and is removed from the index.
Builder = Callable[[Session, Sequence[str]], dict[str, SearchDocument]]


@dataclass(frozen=True)
class DocumentSource:
    type: str
    label: str
    build: Builder
    all_ids: Callable[[Session], Iterable[str]]
    #: Facet name → Chinese label, in the order a page shows them.
    facets: dict[str, str] = field(default_factory=dict)
    #: The page of one record, given its id.
    url: Callable[[str], str] = lambda doc_id: ""


_sources: dict[str, DocumentSource] = {}


def register(source: DocumentSource) -> DocumentSource:
    _sources[source.type] = source
    return source


def get(doc_type: str) -> DocumentSource | None:
    return _sources.get(doc_type)


def all_sources() -> list[DocumentSource]:
    return list(_sources.values())


#: Facets shown when a search spans every type; the rest appear once a type is chosen.
CROSS_TYPE_FACETS = ("type", "field", "region", "org_type")


def facets_for(types: Sequence[str]) -> tuple[str, ...]:
    """The facets worth counting for a search over ``types`` (all types when empty)."""
    if not types:
        return CROSS_TYPE_FACETS
    names = ["type"]
    for doc_type in types:
        source = _sources.get(doc_type)
        names += [n for n in (source.facets if source else {}) if n not in names]
    return tuple(names)


def facet_labels() -> dict[str, str]:
    """Every facet any source offers, with its label; ``type`` first."""
    labels = {"type": "类型"}
    for source in _sources.values():
        labels.update(source.facets)
    return labels
