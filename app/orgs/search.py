"""Organisations as search documents (type ``org``): only verified ones are public."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Organization
from app.models.enums import OrgStatus
from app.search.service import DocumentSource, register_source
from search.base import SearchDocument

DOC_TYPE = "org"


def build(session: Session, ids: Sequence[str]) -> dict[str, SearchDocument]:
    orgs = session.scalars(
        select(Organization)
        .options(selectinload(Organization.tags))
        .where(
            Organization.id.in_([int(i) for i in ids]), Organization.status == OrgStatus.VERIFIED
        )
    )
    return {
        str(org.id): SearchDocument(
            type=DOC_TYPE,
            id=str(org.id),
            title=org.name,
            keywords=[tag.label for tag in org.tags],
            summary=org.intro,
            body=org.address,
            facets={
                "org_type": org.org_type.label,
                "region": org.region,
                "org_tag": [tag.label for tag in org.tags],
            },
            published_at=org.verified_at,
        )
        for org in orgs
    }


def all_ids(session: Session) -> Iterable[str]:
    return (
        str(i)
        for i in session.scalars(
            select(Organization.id).where(Organization.status == OrgStatus.VERIFIED)
        )
    )


register_source(
    DocumentSource(
        type=DOC_TYPE,
        label="机构",
        build=build,
        all_ids=all_ids,
        facets={"org_type": "机构类型", "region": "区域", "org_tag": "资质"},
        url=lambda doc_id: f"/orgs/{doc_id}",
    )
)
