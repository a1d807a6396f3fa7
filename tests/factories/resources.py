"""Resource entries and instrument bookings, written through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.models import InstrumentBooking, Resource, User
from app.models.enums import ResourceKind, Role
from app.resources import bookings, service
from app.resources.schemas import BookingCreate, ResourceCreate, ResourceReview
from tests.factories.accounts import make_user


def make_resource(
    session: Session,
    owner: User,
    *,
    kind: ResourceKind = ResourceKind.INSTRUMENT,
    publish: bool = True,
    **fields: Any,
) -> Resource:
    data: dict[str, Any] = {
        "kind": kind,
        "name": "场发射扫描电子显微镜",
        "summary": "用于材料微观形貌观察与能谱分析",
        "region_code": "220173",
    }
    if kind == ResourceKind.INSTRUMENT:
        data.update(
            model_no="SU8010", maker="日立", fee_per_hour=Decimal("300.00"), availability="工作日"
        )
    data.update(fields)
    resource = service.create(session, Actor(user=owner), ResourceCreate(**data))
    if publish:
        reviewer = make_user(session, role=Role.PLATFORM_ADMIN, name="审核人")
        service.submit(session, Actor(user=owner), resource.id)
        service.approve(session, Actor(user=reviewer), resource.id, ResourceReview())
    session.flush()
    return resource


def make_booking(
    session: Session,
    requester: User,
    resource: Resource,
    *,
    in_days: int = 3,
    hours: int = 2,
    hour: int = 9,
) -> InstrumentBooking:
    day = (utcnow() + timedelta(days=in_days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    data = BookingCreate(
        starts_at=day, ends_at=day + timedelta(hours=hours), purpose="电池正极材料形貌表征"
    )
    booking = bookings.request(session, Actor(user=requester), resource.id, data)
    session.flush()
    return booking
