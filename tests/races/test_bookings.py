"""Instrument bookings under many clients at once: overlapping approvals grant one range."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.core.db import session_scope
from app.models import AuditEvent, InstrumentBooking
from app.models.enums import BookingStatus, OrgRole, OrgType
from tests.factories.accounts import make_org, make_user
from tests.factories.resources import make_booking, make_resource
from tests.races.conftest import RaceServer, statuses

REQUESTS = 8


def test_overlapping_requests_approved_at_once_hold_one_range(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        owner_org = make_org(s, org_type=OrgType.UNIVERSITY)
        keeper = make_user(s, org=owner_org, org_role=OrgRole.ADMIN, name="仪器负责人")
        instrument = make_resource(s, keeper)
        lab = make_org(s, org_type=OrgType.ENTERPRISE)
        ids = []
        for i in range(REQUESTS):
            # Each request overlaps every other: all start 09:00–09:30 and run two hours.
            requester = make_user(s, org=lab, name=f"预约人{i}")
            booking = make_booking(s, requester, instrument, in_days=4, hour=9, hours=2)
            booking.starts_at += timedelta(minutes=3 * i)
            booking.ends_at += timedelta(minutes=3 * i)
            ids.append(booking.id)
        token = race_server.token(s, keeper)
        instrument_id = instrument.id

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/bookings/{i}/approve", {}) for i in ids]
    )

    assert statuses(responses) == [200] + [409] * (REQUESTS - 1), [r.text for r in responses]
    assert all("预约" in r.json()["detail"] for r in responses if r.status_code == 409)
    with race_server.factory() as s:
        approved = s.scalar(
            select(func.count()).where(
                InstrumentBooking.resource_id == instrument_id,
                InstrumentBooking.status == BookingStatus.APPROVED,
            )
        )
        assert approved == 1
        audits = s.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "instrument_booking",
                AuditEvent.object_id.in_([str(i) for i in ids]),
                AuditEvent.action == "instrument_booking.approve",
            )
        )
        assert audits == 1


def test_requests_at_once_for_distinct_ranges_are_all_approved(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        keeper = make_user(s, org=make_org(s), org_role=OrgRole.ADMIN)
        instrument = make_resource(s, keeper)
        requester = make_user(s, org=make_org(s))
        ids = [
            make_booking(s, requester, instrument, in_days=6, hour=8 + i, hours=1).id
            for i in range(4)
        ]
        token = race_server.token(s, keeper)

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/bookings/{i}/approve", {}) for i in ids]
    )

    assert statuses(responses) == [200] * 4, [r.text for r in responses]
