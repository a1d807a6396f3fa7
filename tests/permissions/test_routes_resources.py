"""资源整合 and 信息发布's desks: registering resources, booking instruments, recording their
use, and files of a news item, walked by every role (see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.core.permissions import Action
from app.models import InstrumentBooking, Organization, Resource, User
from app.resources import bookings
from app.resources.schemas import BookingDecision
from tests.factories.challenges import PDF
from tests.factories.resources import make_booking
from tests.permissions.test_matrix import ALLOWED, LISTING_ALLOWED
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    SIGNED_IN,
    Route,
    World,
    assert_walk,
    build_world,
)

STAFF = ALLOWED[Action.ADMIN_ACCESS]
#: The instrument's keeper (the org admin) decides on its bookings and records their use.
KEEPERS = LISTING_ALLOWED[Action.BOOKING_DECIDE]
#: A booking is known to the person who asked (the org member), its keepers and the staff.
BOOKING_SEEN_BY = {"org_member"} | STAFF


def _slot(days: int) -> dict[str, str]:
    start = (utcnow() + timedelta(days=days)).replace(hour=1, minute=0, second=0, microsecond=0)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "purpose": "电池正极材料形貌表征",
    }


@dataclass(frozen=True)
class ResourcesWorld(World):
    # A booking of the instrument the keeper approved and that took place yesterday.
    used_booking: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> ResourcesWorld:
    base = build_world(session, target, people)
    member, keeper = people["org_member"], people["org_admin"]
    assert member and keeper
    instrument = session.get(Resource, base.resource)
    assert instrument is not None
    booking = make_booking(session, member, instrument, in_days=5, hour=14)
    bookings.approve(session, Actor(user=keeper), booking.id, BookingDecision())
    row = session.get(InstrumentBooking, booking.id)
    assert row is not None
    row.starts_at -= timedelta(days=6)
    row.ends_at -= timedelta(days=6)
    session.flush()
    return ResourcesWorld(**asdict(base), used_booking=booking.id)


RESOURCE_FORM = {"kind": "instrument", "name": "激光共聚焦显微镜", "region_code": "220173"}

ROUTES: list[Route] = [
    # Registering a resource: people of a verified organisation, for their organisation.
    Route("POST", "/resources/new", IN_VERIFIED_ORG, RESOURCE_FORM),
    # Booking a published instrument open to everyone: anyone signed in.
    Route("POST", "/api/v1/resources/{resource}/bookings", SIGNED_IN, lambda _w: _slot(8)),
    Route("POST", "/resources/{resource}/bookings", SIGNED_IN, lambda _w: _slot(9)),
    # Recording the use of a booking: the instrument's keepers.
    Route(
        "POST",
        "/api/v1/bookings/{used_booking}/usage",
        KEEPERS,
        {"used_hours": "2"},
        seen_by=BOOKING_SEEN_BY,
    ),
    # A file of a news item in draft: whoever writes about the district.
    Route(
        "POST",
        "/admin/content/{draft_content}/files",
        ALLOWED[Action.CONTENT_WRITE],
        files={"file": ("会议议程.pdf", PDF, "application/pdf")},
        seen_by=set(),
        anonymous=404,
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_resource_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ResourcesWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
