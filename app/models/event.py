"""Matchmaking events: sessions, slots and tables, participants with the listings they bring,
meeting requests between participants, and the scheduled 1:1 meetings with their outcomes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import (
    ChiefRole,
    EventKind,
    EventStatus,
    MeetingOutcome,
    MeetingRequestStatus,
    MeetingStatus,
)

if TYPE_CHECKING:
    from app.models.listing import Listing
    from app.models.organization import Organization
    from app.models.user import User


class Event(IDMixin, TimestampMixin, Base):
    __tablename__ = "event"

    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.DRAFT)
    summary: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(6))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    registration_opens_at: Mapped[datetime]
    registration_closes_at: Mapped[datetime]
    slot_minutes: Mapped[int] = mapped_column(default=20)
    # A meeting request nobody answers within this many hours expires.
    request_ttl_hours: Mapped[int] = mapped_column(default=48)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    schedule_built_at: Mapped[datetime | None]

    organisers: Mapped[list[EventOrganiser]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="event"
    )


class EventOrganiser(IDMixin, Base):
    __tablename__ = "event_organiser"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(lazy="raise", back_populates="organisers")
    user: Mapped[User] = relationship(lazy="joined")


class EventSession(IDMixin, Base):
    """A block of the programme in one room (上午场 · 一号厅), cut into slots."""

    __tablename__ = "event_session"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    room: Mapped[str] = mapped_column(String(100), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class EventSlot(IDMixin, Base):
    __tablename__ = "event_slot"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_session.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    session: Mapped[EventSession] = relationship(lazy="joined")


class EventTable(IDMixin, Base):
    __tablename__ = "event_table"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(30))
    room: Mapped[str] = mapped_column(String(100), default="")


class EventParticipant(IDMixin, Base):
    """A person registered for an event, by themselves or by their organisation."""

    __tablename__ = "event_participant"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        UniqueConstraint("event_id", "checkin_code"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    position: Mapped[str] = mapped_column(String(50), default="")
    chief_role: Mapped[ChiefRole | None] = mapped_column(enum_type(ChiefRole))
    # Slot ids the person cannot attend.
    unavailable_slot_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    checkin_code: Mapped[str] = mapped_column(String(8))
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])
    org: Mapped[Organization | None] = relationship(lazy="joined")
    listings: Mapped[list[EventListing]] = relationship(
        lazy="selectin", back_populates="participant", cascade="all, delete-orphan"
    )

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


class EventListing(IDMixin, Base):
    """A listing a participant brings to the event."""

    __tablename__ = "event_listing"
    __table_args__ = (UniqueConstraint("event_id", "listing_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE")
    )
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))

    participant: Mapped[EventParticipant] = relationship(lazy="raise", back_populates="listings")
    listing: Mapped[Listing] = relationship(lazy="joined")


class MeetingRequest(IDMixin, Base):
    """A proposed 1:1 meeting between two participants.

    The system suggests pairs from the attached listings' matches (no requester); a
    participant sends a request (the requester is one party), the other accepts or declines.
    """

    __tablename__ = "meeting_request"
    __table_args__ = (
        UniqueConstraint("event_id", "party_a_id", "party_b_id"),
        Index("ix_meeting_request_event_status", "event_id", "status"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # party_a_id < party_b_id, so a pair has one request.
    party_a_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), index=True
    )
    party_b_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_participant.id", ondelete="SET NULL")
    )
    status: Mapped[MeetingRequestStatus] = mapped_column(enum_type(MeetingRequestStatus))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    demand_listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="SET NULL")
    )
    supply_listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(Text, default="")
    fixed_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_slot.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    party_a: Mapped[EventParticipant] = relationship(lazy="joined", foreign_keys=[party_a_id])
    party_b: Mapped[EventParticipant] = relationship(lazy="joined", foreign_keys=[party_b_id])


class Meeting(IDMixin, Base):
    """A request placed in a slot at a table, then held (or not) with its outcome."""

    __tablename__ = "meeting"
    __table_args__ = (
        # A table holds one live meeting a slot; cancelled ones free it.
        Index(
            "uq_meeting_slot_table_live",
            "slot_id",
            "table_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        # A request is met once: a second live meeting for it would seat its pair twice.
        Index(
            "uq_meeting_request_live",
            "request_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_meeting_event_status", "event_id", "status"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_request.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slot.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(ForeignKey("event_table.id", ondelete="CASCADE"))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    priority: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[MeetingOutcome | None] = mapped_column(enum_type(MeetingOutcome))
    amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[MeetingRequest] = relationship(lazy="joined")
    slot: Mapped[EventSlot] = relationship(lazy="joined")
    table: Mapped[EventTable] = relationship(lazy="joined")
    seats: Mapped[list[MeetingSeat]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class MeetingSeat(Base):
    """One person's place in a slot, held by a live meeting (deleted when it is cancelled).

    A meeting seats both parties of its request; the unique key makes the database refuse a
    person in two meetings of one slot, whichever side of a request they are on.
    """

    __tablename__ = "meeting_seat"
    __table_args__ = (UniqueConstraint("slot_id", "participant_id"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slot.id", ondelete="CASCADE"))
