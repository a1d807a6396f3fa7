"""Every query of the resource directories and the instrument bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, or_, select
from sqlalchemy.orm import Session

from app.models import InstrumentBooking, Resource
from app.models.enums import BookingStatus, ResourceKind, ResourceStatus, UsagePayment

#: Bookings that hold their time: no two of one instrument may overlap.
HOLDING = (BookingStatus.APPROVED, BookingStatus.COMPLETED)


def get(session: Session, resource_id: int) -> Resource | None:
    return session.get(Resource, resource_id)


def directory_statement(
    *,
    kind: ResourceKind | None = None,
    region_code: str | None = None,
    service: str | None = None,
    field_code: str | None = None,
    q: str | None = None,
    statuses: tuple[ResourceStatus, ...] = (ResourceStatus.PUBLISHED,),
    org_id: int | None = None,
    filed: bool | None = None,
    region_of_staff: str | None = None,
) -> Select[Any]:
    """Entries filtered as the directory pages and the API ask, newest first."""
    stmt = select(Resource).where(Resource.status.in_(statuses))
    if kind is not None:
        stmt = stmt.where(Resource.kind == kind)
    if region_code:
        stmt = stmt.where(Resource.region_code == region_code)
    if region_of_staff:
        stmt = stmt.where(Resource.region_code == region_of_staff)
    if field_code:
        stmt = stmt.where(Resource.field_code == field_code)
    if org_id is not None:
        stmt = stmt.where(Resource.org_id == org_id)
    if filed is not None:
        stmt = stmt.where(Resource.filing_no != "" if filed else Resource.filing_no == "")
    if service:
        # JSON arrays are stored as text on both engines; a quoted code is one element.
        stmt = stmt.where(cast(Resource.services, String).contains(f'"{service}"'))
    for word in (q or "").split()[:5]:
        like = f"%{word}%"
        stmt = stmt.where(
            or_(
                Resource.name.ilike(like),
                Resource.summary.ilike(like),
                Resource.parameters.ilike(like),
                Resource.maker.ilike(like),
                Resource.model_no.ilike(like),
            )
        )
    return stmt.order_by(Resource.published_at.desc().nulls_last(), Resource.id.desc())


def holding_overlap(
    session: Session, resource_id: int, starts_at: datetime, ends_at: datetime, *, but: int
) -> InstrumentBooking | None:
    """An approved or used booking of the instrument that overlaps [starts_at, ends_at)."""
    return session.scalars(
        select(InstrumentBooking)
        .where(
            InstrumentBooking.resource_id == resource_id,
            InstrumentBooking.status.in_(HOLDING),
            InstrumentBooking.starts_at < ends_at,
            InstrumentBooking.ends_at > starts_at,
            InstrumentBooking.id != but,
        )
        .limit(1)
    ).first()


def bookings_between(
    session: Session, resource_id: int, starts: datetime, ends: datetime
) -> list[InstrumentBooking]:
    """Pending and holding bookings of the instrument in a window, by start."""
    return list(
        session.scalars(
            select(InstrumentBooking)
            .where(
                InstrumentBooking.resource_id == resource_id,
                InstrumentBooking.status.in_((BookingStatus.PENDING, *HOLDING)),
                InstrumentBooking.starts_at < ends,
                InstrumentBooking.ends_at > starts,
            )
            .order_by(InstrumentBooking.starts_at)
        )
    )


def bookings_statement(
    *, requester_id: int | None = None, org_id: int | None = None, resource_id: int | None = None
) -> Select[Any]:
    stmt = select(InstrumentBooking)
    if requester_id is not None:
        stmt = stmt.where(InstrumentBooking.requester_id == requester_id)
    if org_id is not None:
        stmt = stmt.join(Resource, Resource.id == InstrumentBooking.resource_id).where(
            Resource.org_id == org_id
        )
    if resource_id is not None:
        stmt = stmt.where(InstrumentBooking.resource_id == resource_id)
    return stmt.order_by(InstrumentBooking.starts_at.desc(), InstrumentBooking.id.desc())


def get_booking(session: Session, booking_id: int) -> InstrumentBooking | None:
    return session.get(InstrumentBooking, booking_id)


def voucher_uses(session: Session, serial_no: str, provider_org_id: int) -> list[InstrumentBooking]:
    """Instrument uses at the provider's instruments charged to 创新券 ``serial_no`` and not
    yet paid, locked for the settlement."""
    stmt = (
        select(InstrumentBooking)
        .join(Resource, Resource.id == InstrumentBooking.resource_id)
        .where(
            InstrumentBooking.voucher_ref == serial_no,
            InstrumentBooking.payment == UsagePayment.VOUCHER_PENDING,
            Resource.org_id == provider_org_id,
        )
        .with_for_update()
    )
    return list(session.scalars(stmt))


def published_by_ids(session: Session, ids: list[int]) -> list[Resource]:
    """The published entries among ``ids`` (their organisation loaded), for the search index."""
    stmt = select(Resource).where(Resource.id.in_(ids), Resource.status == ResourceStatus.PUBLISHED)
    return list(session.scalars(stmt))


def published_ids(session: Session) -> list[int]:
    stmt = select(Resource.id).where(Resource.status == ResourceStatus.PUBLISHED)
    return list(session.scalars(stmt.order_by(Resource.id)))
