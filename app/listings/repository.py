from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectin_polymorphic, selectinload

from app.models import (
    Achievement,
    Challenge,
    ConfidentialAccess,
    ContactView,
    Demand,
    Favourite,
    Listing,
    ListingVersion,
    User,
)
from app.models.enums import AccessStatus, ListingKind, ListingStatus, Role

MODELS: dict[ListingKind, type[Listing]] = {
    ListingKind.ACHIEVEMENT: Achievement,
    ListingKind.DEMAND: Demand,
    ListingKind.CHALLENGE: Challenge,
}


def _with_org(stmt: Select[Listing]) -> Select[Listing]:
    return stmt.options(selectinload(Listing.org))


def _every_kind(stmt: Select[Listing]) -> Select[Listing]:
    """Load each row's own table with it: a page showing a demand's budget or deadline must
    not read them one listing at a time."""
    return stmt.options(selectin_polymorphic(Listing, list(MODELS.values())))


def get(session: Session, listing_id: int, kind: ListingKind | None = None) -> Listing | None:
    model = MODELS[kind] if kind else Listing
    # One row: its organisation joins in (a second query would cost more than the join).
    stmt = select(model).where(model.id == listing_id).options(joinedload(Listing.org))
    if kind is None:
        stmt = _every_kind(stmt)
    return session.scalars(stmt).one_or_none()


def by_ids(session: Session, ids: Sequence[int]) -> list[Listing]:
    return list(session.scalars(_every_kind(_with_org(select(Listing).where(Listing.id.in_(ids))))))


def by_external_id(
    session: Session, org_id: int, kind: ListingKind, external_id: str
) -> Listing | None:
    return session.scalars(
        select(MODELS[kind]).where(
            Listing.org_id == org_id, Listing.kind == kind, Listing.external_id == external_id
        )
    ).one_or_none()


def of_org(
    session: Session, org_id: int, kind: ListingKind | None, status: ListingStatus | None
) -> Select[Listing]:
    model = MODELS[kind] if kind else Listing
    stmt = _with_org(select(model).where(model.org_id == org_id))
    if kind is None:
        stmt = _every_kind(stmt)
    if status is not None:
        stmt = stmt.where(Listing.status == status)
    return stmt.order_by(Listing.updated_at.desc(), Listing.id.desc())


def versions_by_external_id(session: Session, org_id: int, kind: ListingKind) -> dict[str, int]:
    """The organisation's listings of ``kind`` that have an external id: their versions now."""
    rows = session.execute(
        select(Listing.external_id, Listing.version).where(
            Listing.org_id == org_id, Listing.kind == kind, Listing.external_id.is_not(None)
        )
    )
    return {key: version for key, version in rows if key}


def review_queue(reviewer: User, kind: ListingKind | None) -> Select[Listing]:
    model = MODELS[kind] if kind else Listing
    stmt = _with_org(select(model).where(Listing.status == ListingStatus.SUBMITTED))
    if kind is None:
        stmt = _every_kind(stmt)
    if reviewer.role == Role.DISTRICT_ADMIN:
        stmt = stmt.where(Listing.region_code == reviewer.region_code)
    return stmt.order_by(Listing.submitted_at)


def published(kind: ListingKind | None = None) -> Select[Listing]:
    model = MODELS[kind] if kind else Listing
    stmt = _with_org(select(model).where(Listing.status == ListingStatus.PUBLISHED))
    return (stmt if kind else _every_kind(stmt)).order_by(Listing.published_at.desc())


def open_challenges(session: Session, today: date, limit: int) -> list[Challenge]:
    """Published challenges still taking applications, nearest deadline first."""
    stmt = (
        _with_org(select(Challenge))
        .where(Listing.status == ListingStatus.PUBLISHED, Challenge.application_deadline >= today)
        .order_by(Challenge.application_deadline, Listing.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def published_ids(session: Session, kind: ListingKind) -> list[int]:
    return list(
        session.scalars(
            select(Listing.id).where(
                Listing.kind == kind, Listing.status == ListingStatus.PUBLISHED
            )
        )
    )


def due_to_expire(session: Session, now: datetime) -> list[Listing]:
    return list(
        session.scalars(
            select(Listing).where(
                Listing.status == ListingStatus.PUBLISHED, Listing.expires_at <= now
            )
        )
    )


def due_for_reminder(session: Session, now: datetime, before: datetime) -> list[Listing]:
    return list(
        session.scalars(
            select(Listing).where(
                Listing.status == ListingStatus.PUBLISHED,
                Listing.expires_at > now,
                Listing.expires_at <= before,
                or_(Listing.reminded_at.is_(None), Listing.reminded_at < Listing.published_at),
            )
        )
    )


def versions(session: Session, listing_id: int) -> list[ListingVersion]:
    return list(
        session.scalars(
            select(ListingVersion)
            .where(ListingVersion.listing_id == listing_id)
            .order_by(ListingVersion.version.desc(), ListingVersion.id.desc())
        )
    )


def versions_since(
    session: Session, listing_id: int, since: int
) -> list[tuple[ListingVersion, str | None]]:
    """The history from version ``since`` on, oldest first, each with its editor's name."""
    rows = session.execute(
        select(ListingVersion, User.name)
        .outerjoin(User, User.id == ListingVersion.changed_by_id)
        .where(ListingVersion.listing_id == listing_id, ListingVersion.version >= since)
        .order_by(ListingVersion.version, ListingVersion.id)
    )
    return [(version, name) for version, name in rows]


def favourite(session: Session, user_id: int, listing_id: int) -> Favourite | None:
    return session.get(Favourite, (user_id, listing_id))


def favourites_of(session: Session, user_id: int) -> Select[Listing]:
    return (
        _every_kind(_with_org(select(Listing)))
        .join(Favourite, Favourite.listing_id == Listing.id)
        .where(Favourite.user_id == user_id)
        .order_by(Favourite.created_at.desc())
    )


def favourite_ids(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(Favourite.listing_id).where(Favourite.user_id == user_id)))


def access(session: Session, listing_id: int, org_id: int) -> ConfidentialAccess | None:
    return session.scalars(
        select(ConfidentialAccess).where(
            ConfidentialAccess.listing_id == listing_id, ConfidentialAccess.org_id == org_id
        )
    ).one_or_none()


def access_requests(session: Session, listing_id: int) -> list[ConfidentialAccess]:
    return list(
        session.scalars(
            select(ConfidentialAccess)
            .options(selectinload(ConfidentialAccess.org))
            .where(ConfidentialAccess.listing_id == listing_id)
            .order_by(ConfidentialAccess.status, ConfidentialAccess.id.desc())
        )
    )


def granted_listing_ids(session: Session, listing_ids: Sequence[int], org_id: int) -> set[int]:
    """Which of ``listing_ids`` granted ``org_id`` their confidential sections."""
    return set(
        session.scalars(
            select(ConfidentialAccess.listing_id).where(
                ConfidentialAccess.listing_id.in_(listing_ids),
                ConfidentialAccess.org_id == org_id,
                ConfidentialAccess.status == AccessStatus.GRANTED,
            )
        )
    )


def has_access(session: Session, listing_id: int, org_id: int | None) -> bool:
    if org_id is None:
        return False
    row = access(session, listing_id, org_id)
    return row is not None and row.status == AccessStatus.GRANTED


def contact_views(session: Session, listing_id: int) -> list[ContactView]:
    return list(
        session.scalars(
            select(ContactView)
            .options(selectinload(ContactView.viewer), selectinload(ContactView.viewer_org))
            .where(ContactView.listing_id == listing_id)
            .order_by(ContactView.viewed_at.desc())
            .limit(200)
        )
    )


def viewed_since(session: Session, listing_id: int, viewer_id: int, since: datetime) -> bool:
    return (
        session.scalar(
            select(ContactView.id)
            .where(
                ContactView.listing_id == listing_id,
                ContactView.viewer_id == viewer_id,
                ContactView.viewed_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def counts_by_status(session: Session, org_id: int) -> dict[tuple[ListingKind, ListingStatus], int]:
    rows = session.execute(
        select(Listing.kind, Listing.status, func.count())
        .where(Listing.org_id == org_id)
        .group_by(Listing.kind, Listing.status)
    ).all()
    return {(kind, status): n for kind, status, n in rows}


def published_counts(session: Session) -> dict[ListingKind, int]:
    rows = session.execute(
        select(Listing.kind, func.count())
        .where(Listing.status == ListingStatus.PUBLISHED)
        .group_by(Listing.kind)
    ).all()
    return {kind: n for kind, n in rows}
