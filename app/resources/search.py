"""Published directory entries as search documents (type ``resource``): labs and platforms,
instruments, 中试 platforms, incubators, transfer institutions and voucher providers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from app.core.regions import region_name
from app.models import Resource
from app.resources import repository
from app.resources.service import service_labels
from app.search.service import DocumentSource, register_source
from search.base import SearchDocument

DOC_TYPE = "resource"


def document(entry: Resource) -> SearchDocument:
    services = service_labels(entry.services)
    return SearchDocument(
        type=DOC_TYPE,
        id=str(entry.id),
        title=entry.name,
        keywords=[*services, entry.level, entry.maker, entry.model_no],
        summary=entry.summary,
        body="\n".join(x for x in (entry.parameters, entry.address, entry.org.name) if x),
        facets={
            "resource_kind": entry.kind.label,
            "region": region_name(entry.region_code),
            "service": services,
        },
        published_at=entry.published_at,
    )


def build(session: Session, ids: Sequence[str]) -> dict[str, SearchDocument]:
    entries = repository.published_by_ids(session, [int(i) for i in ids])
    return {str(e.id): document(e) for e in entries}


def all_ids(session: Session) -> Iterable[str]:
    return (str(i) for i in repository.published_ids(session))


register_source(
    DocumentSource(
        type=DOC_TYPE,
        label="创新资源",
        build=build,
        all_ids=all_ids,
        facets={"resource_kind": "资源类别", "region": "区域", "service": "服务类别"},
        url=lambda doc_id: f"/resources/{doc_id}",
    )
)
