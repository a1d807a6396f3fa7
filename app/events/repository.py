"""Every query of the events domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    Event,
    EventListing,
    EventOrganiser,
    EventParticipant,
    EventSession,
    EventSlot,
    EventTable,
    Listing,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    User,
)
from app.models.enums import EventStatus, ListingStatus, MeetingRequestStatus, MeetingStatus


def get(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def visible(
    user: User | None, *, kind: str | None = None, status: str | None = None
) -> Select[Event]:
    """Events ``user`` may see: published ones for everybody, drafts for their managers."""
    stmt = select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if status:
        stmt = stmt.where(Event.status == status)
    if user is None:
        return stmt.where(Event.status != EventStatus.DRAFT)
    if user.is_platform_admin:
        return stmt
    managed: list[ColumnElement[bool]] = [
        Event.id.in_(select(EventOrganiser.event_id).where(EventOrganiser.user_id == user.id))
    ]
    if user.is_staff and user.region_code:
        managed.append(Event.region_code == user.region_code)
    return stmt.where(or_(Event.status != EventStatus.DRAFT, *managed))


def upcoming(session: Session, now: datetime, limit: int) -> list[Event]:
    """Public events that have not ended yet, soonest first."""
    live = (EventStatus.REGISTRATION, EventStatus.CLOSED, EventStatus.SCHEDULED)
    stmt = (
        select(Event)
        .where(Event.status.in_(live), Event.ends_at >= now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def sessions(session: Session, event_id: int) -> list[EventSession]:
    return list(
        session.scalars(
            select(EventSession)
            .where(EventSession.event_id == event_id)
            .order_by(EventSession.starts_at, EventSession.id)
        )
    )


def slots(session: Session, event_id: int) -> list[EventSlot]:
    return list(
        session.scalars(
            select(EventSlot)
            .where(EventSlot.event_id == event_id)
            .order_by(EventSlot.starts_at, EventSlot.id)
        )
    )


def tables(session: Session, event_id: int) -> list[EventTable]:
    return list(
        session.scalars(
            select(EventTable).where(EventTable.event_id == event_id).order_by(EventTable.id)
        )
    )


def participants(
    session: Session, event_id: int, *, active_only: bool = True
) -> list[EventParticipant]:
    stmt = (
        select(EventParticipant)
        .where(EventParticipant.event_id == event_id)
        .order_by(EventParticipant.id)
    )
    if active_only:
        stmt = stmt.where(EventParticipant.cancelled_at.is_(None))
    return list(session.scalars(stmt).unique())


def participant(session: Session, participant_id: int) -> EventParticipant | None:
    return session.get(EventParticipant, participant_id)


def participant_of(session: Session, event_id: int, user_id: int) -> EventParticipant | None:
    return session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event_id, EventParticipant.user_id == user_id
        )
    ).first()


def participants_for_users(
    session: Session, event_id: int, user_ids: Sequence[int]
) -> list[EventParticipant]:
    return list(
        session.scalars(
            select(EventParticipant).where(
                EventParticipant.event_id == event_id,
                EventParticipant.user_id.in_(user_ids),
                EventParticipant.cancelled_at.is_(None),
            )
        ).unique()
    )


def by_checkin_code(session: Session, event_id: int, code: str) -> EventParticipant | None:
    return session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event_id, EventParticipant.checkin_code == code
        )
    ).first()


def count_participants(session: Session, event_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                EventParticipant.event_id == event_id, EventParticipant.cancelled_at.is_(None)
            )
        )
        or 0
    )


def event_listings(session: Session, event_id: int) -> list[EventListing]:
    return list(
        session.scalars(
            select(EventListing)
            .join(EventParticipant, EventParticipant.id == EventListing.participant_id)
            .where(EventListing.event_id == event_id, EventParticipant.cancelled_at.is_(None))
            .order_by(EventListing.id)
        )
    )


def published_listings_of_org(session: Session, org_id: int) -> list[Listing]:
    return list(
        session.scalars(
            select(Listing)
            .where(Listing.org_id == org_id, Listing.status == ListingStatus.PUBLISHED)
            .order_by(Listing.id.desc())
            .limit(200)
        )
    )


def listings(session: Session, ids: Sequence[int]) -> list[Listing]:
    if not ids:
        return []
    return list(session.scalars(select(Listing).where(Listing.id.in_(ids))))


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


def request(session: Session, request_id: int) -> MeetingRequest | None:
    return session.get(MeetingRequest, request_id)


def request_between(session: Session, event_id: int, a: int, b: int) -> MeetingRequest | None:
    low, high = min(a, b), max(a, b)
    return session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.party_a_id == low,
            MeetingRequest.party_b_id == high,
        )
    ).first()


def requests(
    session: Session,
    event_id: int,
    *,
    participant_id: int | None = None,
    statuses: Sequence[MeetingRequestStatus] | None = None,
) -> list[MeetingRequest]:
    stmt = select(MeetingRequest).where(MeetingRequest.event_id == event_id)
    if participant_id is not None:
        stmt = stmt.where(
            or_(
                MeetingRequest.party_a_id == participant_id,
                MeetingRequest.party_b_id == participant_id,
            )
        )
    if statuses:
        stmt = stmt.where(MeetingRequest.status.in_(statuses))
    return list(
        session.scalars(stmt.order_by(MeetingRequest.score.desc(), MeetingRequest.id)).unique()
    )


def overdue_requests(session: Session, now: datetime) -> list[MeetingRequest]:
    return list(
        session.scalars(
            select(MeetingRequest).where(
                MeetingRequest.status == MeetingRequestStatus.PENDING,
                MeetingRequest.expires_at.is_not(None),
                MeetingRequest.expires_at <= now,
            )
        ).unique()
    )


def meeting(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def meetings(
    session: Session,
    event_id: int,
    *,
    live_only: bool = True,
    participant_id: int | None = None,
) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .join(EventSlot, EventSlot.id == Meeting.slot_id)
        .where(Meeting.event_id == event_id)
        .order_by(EventSlot.starts_at, Meeting.table_id)
    )
    if live_only:
        stmt = stmt.where(Meeting.status != MeetingStatus.CANCELLED)
    if participant_id is not None:
        stmt = stmt.join(MeetingRequest, MeetingRequest.id == Meeting.request_id).where(
            or_(
                MeetingRequest.party_a_id == participant_id,
                MeetingRequest.party_b_id == participant_id,
            )
        )
    return list(session.scalars(stmt).unique())


def count_by(session: Session, column: Any, *where: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {str(getattr(key, "value", key)): count for key, count in rows if key is not None}


def free_seats(session: Session, meeting_id: int) -> None:
    session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id == meeting_id))


def event_of(session: Session, obj: EventParticipant | MeetingRequest | Meeting) -> Event:
    """The event a participant, request or meeting belongs to."""
    event = get(session, obj.event_id)
    assert event is not None
    return event
