"""Demo resources: every directory has published entries and the instruments have bookings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.seed import seed
from app.models import InstrumentBooking, Resource
from app.models.enums import BookingStatus, ResourceKind, ResourceStatus


def test_demo_directories_and_bookings(session: Session) -> None:
    assert seed(session)
    kinds = set(
        session.scalars(select(Resource.kind).where(Resource.status == ResourceStatus.PUBLISHED))
    )
    assert kinds == set(ResourceKind)
    statuses = list(session.scalars(select(InstrumentBooking.status)))
    assert BookingStatus.APPROVED in statuses and BookingStatus.PENDING in statuses
    assert BookingStatus.COMPLETED in statuses
    assert session.scalar(select(func.count()).select_from(InstrumentBooking)) == 5
