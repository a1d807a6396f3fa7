"""News, policies, notices, calls and stories as search documents, one source per kind,
analysed like every other source; facets: year, district, topic (and type across sources)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from app.content import repository, service
from app.content.sanitize import text_of
from app.core.db import utcnow
from app.core.regions import region_name
from app.models import ContentItem
from app.models.enums import ContentKind
from app.search.service import DocumentSource, register_source
from search.base import SearchDocument

FACETS = {"year": "年份", "region": "区域", "topic": "主题"}


def document(item: ContentItem) -> SearchDocument:
    facets: dict[str, str | list[str]] = {"topic": list(item.topics or [])}
    if item.published_at is not None:
        facets["year"] = f"{item.published_at.year}年"
    facets["region"] = region_name(item.region_code) or "全市"
    body = [text_of(item.body_html), item.issuer, item.doc_number]
    body += [f"第{c.number}条 {c.text}" for c in item.clauses]
    return SearchDocument(
        type=item.kind.value,
        id=str(item.id),
        title=item.title,
        keywords=list(item.topics or []),
        summary=item.summary[:500],
        body=" ".join(b for b in body if b),
        facets={k: v for k, v in facets.items() if v},
        numbers={},
        published_at=item.published_at,
    )


def _source(kind: ContentKind) -> DocumentSource:
    def build(session: Session, ids: Sequence[str]) -> dict[str, SearchDocument]:
        now = utcnow()
        items = repository.by_ids(session, [int(i) for i in ids if i.isdigit()])
        return {
            str(item.id): document(item)
            for item in items
            if item.kind == kind and service.is_public(item, now)
        }

    def all_ids(session: Session) -> Iterable[str]:
        return (str(i) for i in repository.on_view_ids(session, kind, utcnow()))

    return DocumentSource(
        type=kind.value,
        label=kind.label,
        build=build,
        all_ids=all_ids,
        facets=FACETS,
        url=lambda doc_id: f"/{service.SECTIONS[kind]}/{doc_id}",
    )


for _kind in ContentKind:
    register_source(_source(_kind))
