"""Every query of 信息发布; what the public may read is decided here, in the query."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, String, cast, extract, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import ContentItem, ContentVersion, PolicyClause
from app.models.enums import ContentKind, ContentStatus


def on_view(now: datetime) -> Select[ContentItem]:
    """Published and not past its expiry (exact even before the periodic job has run)."""
    return select(ContentItem).where(
        ContentItem.status == ContentStatus.PUBLISHED,
        or_(ContentItem.expires_at.is_(None), ContentItem.expires_at > now),
    )


def public_list(
    now: datetime,
    kind: ContentKind | None,
    *,
    topic: str | None = None,
    region_code: str | None = None,
    year: int | None = None,
) -> Select[ContentItem]:
    stmt = on_view(now)
    if kind is not None:
        stmt = stmt.where(ContentItem.kind == kind)
    if region_code:
        stmt = stmt.where(ContentItem.region_code == region_code)
    if year:
        stmt = stmt.where(extract("year", ContentItem.published_at) == year)
    stmt = stmt.order_by(
        ContentItem.pinned.desc(), ContentItem.published_at.desc(), ContentItem.id.desc()
    )
    if topic:
        # JSON membership differs by engine; both keep the list as json.dumps wrote it.
        stmt = stmt.where(
            cast(ContentItem.topics, String).contains(json.dumps(topic), autoescape=True)
        )
    return stmt


def staff_list(
    kind: ContentKind | None, status: ContentStatus | None, region_code: str | None
) -> Select[ContentItem]:
    stmt = select(ContentItem)
    if kind is not None:
        stmt = stmt.where(ContentItem.kind == kind)
    if status is not None:
        stmt = stmt.where(ContentItem.status == status)
    if region_code is not None:
        stmt = stmt.where(ContentItem.region_code == region_code)
    return stmt.order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())


def get(session: Session, item_id: int) -> ContentItem | None:
    return session.scalar(
        select(ContentItem)
        .where(ContentItem.id == item_id)
        .options(selectinload(ContentItem.clauses))
    )


def by_slug(session: Session, slug: str) -> ContentItem | None:
    return session.scalar(select(ContentItem).where(ContentItem.slug == slug))


def by_ids(session: Session, ids: Sequence[int]) -> list[ContentItem]:
    return list(
        session.scalars(
            select(ContentItem)
            .where(ContentItem.id.in_(ids))
            .options(selectinload(ContentItem.clauses))
        )
    )


def on_view_ids(session: Session, kind: ContentKind, now: datetime) -> list[int]:
    stmt = on_view(now).where(ContentItem.kind == kind).with_only_columns(ContentItem.id)
    return list(session.scalars(stmt))


def due_to_release(session: Session, now: datetime) -> list[ContentItem]:
    return list(
        session.scalars(
            select(ContentItem).where(
                ContentItem.status == ContentStatus.SCHEDULED, ContentItem.publish_at <= now
            )
        )
    )


def due_to_expire(session: Session, now: datetime) -> list[ContentItem]:
    return list(
        session.scalars(
            select(ContentItem).where(
                ContentItem.status == ContentStatus.PUBLISHED, ContentItem.expires_at <= now
            )
        )
    )


def open_calls(session: Session, now: datetime, today: date, limit: int) -> list[ContentItem]:
    stmt = (
        on_view(now)
        .where(
            ContentItem.kind == ContentKind.CALL,
            or_(ContentItem.closes_on.is_(None), ContentItem.closes_on >= today),
        )
        .order_by(ContentItem.closes_on.is_(None), ContentItem.closes_on, ContentItem.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def versions_of(item_id: int) -> Select[ContentVersion]:
    return (
        select(ContentVersion)
        .where(ContentVersion.item_id == item_id)
        .order_by(ContentVersion.version.desc())
    )


def versions(session: Session, item_id: int) -> list[ContentVersion]:
    return list(session.scalars(versions_of(item_id)))


def clause(session: Session, item_id: int, number: int) -> PolicyClause | None:
    return session.scalar(
        select(PolicyClause).where(PolicyClause.item_id == item_id, PolicyClause.number == number)
    )


def clause_numbers(session: Session, item_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(item id, clause number) of every clause of the items, in order."""
    if not item_ids:
        return []
    stmt = (
        select(PolicyClause.item_id, PolicyClause.number)
        .where(PolicyClause.item_id.in_(item_ids))
        .order_by(PolicyClause.item_id, PolicyClause.number)
    )
    return [(item_id, number) for item_id, number in session.execute(stmt)]
