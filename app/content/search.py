"""News, policies, notices, calls and stories as search documents, one source per kind,
analysed like every other source; facets: year, district, topic (and type across sources).

Each clause of a public policy is a document of its own too (``policy_clause``), so a search
lands on the clause (``/policies/{id}#item-N``) with the clause's text as the snippet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from app.content import repository, service
from app.content.sanitize import text_of
from app.core.db import utcnow
from app.core.regions import region_name
from app.models import ContentItem, PolicyClause
from app.models.enums import ContentKind
from app.search.service import DocumentSource, register_source
from search.base import SearchDocument

FACETS = {"year": "年份", "region": "区域", "topic": "主题"}


def _facets(item: ContentItem) -> dict[str, str | list[str]]:
    facets: dict[str, str | list[str]] = {"topic": list(item.topics or [])}
    if item.published_at is not None:
        facets["year"] = f"{item.published_at.year}年"
    facets["region"] = region_name(item.region_code) or "全市"
    return {k: v for k, v in facets.items() if v}


def document(item: ContentItem) -> SearchDocument:
    body = [text_of(item.body_html), item.issuer, item.doc_number]
    body += [f"第{c.number}条 {c.text}" for c in item.clauses]
    return SearchDocument(
        type=item.kind.value,
        id=str(item.id),
        title=item.title,
        keywords=list(item.topics or []),
        summary=item.summary[:500],
        body=" ".join(b for b in body if b),
        facets=_facets(item),
        numbers={},
        published_at=item.published_at,
    )


def clause_document(item: ContentItem, clause: PolicyClause) -> SearchDocument:
    """One clause: its heading as the title, its text as the summary (and so the snippet)."""
    return SearchDocument(
        type=service.CLAUSE_TYPE,
        id=service.clause_key(item.id, clause.number),
        title=f"第{clause.number}条 {clause.heading}",
        keywords=list(item.topics or []),
        summary=clause.text,
        body=f"{item.title} {clause.chapter}",
        facets=_facets(item),
        numbers={},
        published_at=item.published_at,
    )


def _split(key: str) -> tuple[int, int] | None:
    item_id, _, number = key.partition("-")
    return (int(item_id), int(number)) if item_id.isdigit() and number.isdigit() else None


def _build_clauses(session: Session, ids: Sequence[str]) -> dict[str, SearchDocument]:
    wanted = {k: p for k in ids if (p := _split(k)) is not None}
    now = utcnow()
    items = repository.by_ids(session, sorted({p[0] for p in wanted.values()}))
    found: dict[str, SearchDocument] = {}
    for item in items:
        if item.kind != ContentKind.POLICY or not service.is_public(item, now):
            continue
        for clause in item.clauses:
            key = service.clause_key(item.id, clause.number)
            if key in wanted:
                found[key] = clause_document(item, clause)
    return found


def _all_clause_ids(session: Session) -> Iterable[str]:
    policies = repository.on_view_ids(session, ContentKind.POLICY, utcnow())
    return (service.clause_key(i, n) for i, n in repository.clause_numbers(session, policies))


def _clause_url(doc_id: str) -> str:
    parts = _split(doc_id)
    if parts is None:
        return ""
    return f"/{service.SECTIONS[ContentKind.POLICY]}/{parts[0]}#item-{parts[1]}"


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
register_source(
    DocumentSource(
        type=service.CLAUSE_TYPE,
        label="政策条款",
        build=_build_clauses,
        all_ids=_all_clause_ids,
        facets=FACETS,
        url=_clause_url,
    )
)
