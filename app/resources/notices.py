"""What the resource directories tell people, and what follows their workflow events.

``resource.<action>`` (app/resources/service.py) reindexes the entry and tells its keeper
the review's decision; ``instrument_booking.<action>`` (bookings.py) tells the requester
what the instrument's keeper decided, unless the requester did it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.indexing import index_later
from app.core.workflow import WorkflowEvent, on
from app.models import InstrumentBooking, Resource, User
from app.notifications import service as notifications
from app.notifications.kinds import kind
from app.resources.bookings import BOOKING_FLOW, span

RESOURCE_PUBLISHED = kind(
    "resource.published",
    "资源审核通过",
    title="资源“{name}”已审核通过并发布",
    body="{note}",
)
RESOURCE_REJECTED = kind(
    "resource.rejected",
    "资源被退回修改",
    title="资源“{name}”被退回修改",
    body="{note}",
)
BOOKING_DECIDED = kind(
    "instrument_booking.decided",
    "仪器预约结果",
    title="您预约的{instrument}（{span}）{decision}",
    body="{note}",
)


@on(*(f"resource.{a}" for a in ("submit", "approve", "reject", "withdraw", "revise")))
def reindex_resource(session: Session, event: WorkflowEvent[Any]) -> None:
    index_later(session, "resource", event.obj.id)


@on("resource.approve", "resource.reject")
def tell_keeper(session: Session, event: WorkflowEvent[Any]) -> None:
    resource: Resource = event.obj
    owner = session.get(User, resource.owner_id) if resource.owner_id else None
    if owner is None:
        return
    notifications.send(
        session,
        owner,
        RESOURCE_PUBLISHED if event.action == "approve" else RESOURCE_REJECTED,
        link=f"/resources/{resource.id}",
        name=resource.name,
        note=event.note,
    )


@on("instrument_booking.approve", "instrument_booking.reject", "instrument_booking.cancel")
def tell_requester(session: Session, event: WorkflowEvent[Any]) -> None:
    booking: InstrumentBooking = event.obj
    if event.actor.user_id == booking.requester_id:
        return
    requester = session.get(User, booking.requester_id)
    if requester is None:
        return
    notifications.send(
        session,
        requester,
        BOOKING_DECIDED,
        link="/me/bookings",
        instrument=booking.resource.name,
        span=span(booking),
        decision=BOOKING_FLOW.label(event.action),
        note=event.note,
    )
