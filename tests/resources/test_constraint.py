"""The database itself refuses overlapping approved bookings on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict
from app.models import InstrumentBooking, User
from app.models.enums import BookingStatus
from app.resources import bookings
from app.resources.schemas import BookingDecision
from tests.factories.accounts import make_user
from tests.factories.resources import make_booking, make_resource


def test_an_overlapping_approved_booking_is_refused(session: Session, org_admin: User) -> None:
    instrument = make_resource(session, org_admin)
    requester = make_user(session)
    first = make_booking(session, requester, instrument, hour=9, hours=3)
    second = make_booking(session, requester, instrument, hour=11, hours=1)
    bookings.approve(session, Actor(user=org_admin), first.id, BookingDecision())
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Written past the service, as a buggy import would: the EXCLUDE constraint refuses it.
        rogue = InstrumentBooking(
            resource_id=instrument.id,
            requester_id=requester.id,
            starts_at=first.starts_at + timedelta(hours=1),
            ends_at=first.ends_at + timedelta(hours=1),
            status=BookingStatus.APPROVED,
        )
        with (
            pytest.raises(IntegrityError, match="ex_instrument_booking_no_overlap"),
            session.begin_nested(),
        ):
            session.add(rogue)
            session.flush()
    # On every engine the approval path refuses it.
    with pytest.raises(Conflict, match="重叠"):
        bookings.approve(session, Actor(user=org_admin), second.id, BookingDecision())
