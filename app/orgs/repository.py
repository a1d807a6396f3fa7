from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Organization, User
from app.models.enums import MembershipStatus, OrgStatus, OrgType, Role


def get(session: Session, org_id: int, *, with_tags: bool = False) -> Organization | None:
    stmt = select(Organization).where(Organization.id == org_id)
    if with_tags:
        stmt = stmt.options(selectinload(Organization.tags))
    return session.scalars(stmt).one_or_none()


def get_by_credit_code(session: Session, credit_code: str) -> Organization | None:
    return session.scalars(
        select(Organization).where(Organization.credit_code == credit_code)
    ).one_or_none()


def name_taken(session: Session, name: str, *, except_id: int | None = None) -> bool:
    stmt = select(Organization.id).where(Organization.name == name)
    if except_id is not None:
        stmt = stmt.where(Organization.id != except_id)
    return session.scalar(stmt) is not None


def readable_statement(
    viewer: User | None,
    *,
    q: str = "",
    org_type: OrgType | None = None,
    region_code: str | None = None,
    status: OrgStatus | None = None,
) -> Select[Organization]:
    """Organisations ``viewer`` may list: the public sees verified ones, staff see their scope."""
    stmt = select(Organization).options(selectinload(Organization.tags))
    if viewer is not None and viewer.role == Role.PLATFORM_ADMIN:
        pass
    elif viewer is not None and viewer.role == Role.DISTRICT_ADMIN:
        stmt = stmt.where(
            or_(
                Organization.status == OrgStatus.VERIFIED,
                Organization.region_code == viewer.region_code,
            )
        )
    else:
        stmt = stmt.where(Organization.status == OrgStatus.VERIFIED)
    if status is not None:
        stmt = stmt.where(Organization.status == status)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Organization.name.like(like), Organization.intro.like(like)))
    if org_type is not None:
        stmt = stmt.where(Organization.org_type == org_type)
    if region_code:
        stmt = stmt.where(Organization.region_code == region_code)
    return stmt.order_by(Organization.verified_at.desc(), Organization.id.desc())


def members(session: Session, org_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.org_id == org_id).order_by(User.membership_status, User.id)
        )
    )


def active_members(session: Session, org_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.org_id == org_id,
                User.membership_status == MembershipStatus.ACTIVE,
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
    )


def verifiers(session: Session, region_code: str) -> list[User]:
    """Who verifies an organisation of ``region_code``: platform admins and district admins there."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                or_(
                    User.role == Role.PLATFORM_ADMIN,
                    (User.role == Role.DISTRICT_ADMIN) & (User.region_code == region_code),
                ),
            )
            .order_by(User.id)
        )
    )


def count_by_status(session: Session) -> dict[OrgStatus, int]:
    rows = session.execute(
        select(Organization.status, func.count()).group_by(Organization.status)
    ).all()
    return {status: count for status, count in rows}


def count_verified_by_type(session: Session) -> dict[OrgType, int]:
    rows = session.execute(
        select(Organization.org_type, func.count())
        .where(Organization.status == OrgStatus.VERIFIED)
        .group_by(Organization.org_type)
    ).all()
    return {org_type: count for org_type, count in rows}


def latest_verified(session: Session, limit: int) -> list[Organization]:
    return list(
        session.scalars(
            select(Organization)
            .where(Organization.status == OrgStatus.VERIFIED)
            .order_by(Organization.verified_at.desc())
            .limit(limit)
        )
    )


def pending_member_count(session: Session, org_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                User.org_id == org_id, User.membership_status == MembershipStatus.PENDING
            )
        )
        or 0
    )
