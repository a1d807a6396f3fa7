"""API shapes for events, registrations, meeting requests, meetings and the report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from app.core.clock import LOCAL_TZ
from app.core.money import Money
from app.core.schemas import Schema
from app.models.enums import (
    ChiefRole,
    EventKind,
    EventStatus,
    MeetingOutcome,
    MeetingRequestStatus,
    MeetingStatus,
)


def _aware(value: datetime) -> datetime:
    """A time without a zone is the city's local time; stored in UTC."""
    return (value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value).astimezone(UTC)


LocalDateTime = Annotated[datetime, AfterValidator(_aware)]


class SessionIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=100)]
    room: Annotated[str, Field(max_length=100)] = ""
    starts_at: LocalDateTime
    ends_at: LocalDateTime

    @model_validator(mode="after")
    def _order(self) -> SessionIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("场次的结束时间应晚于开始时间")
        return self


class EventCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=4, max_length=120)]
    kind: EventKind
    summary: Annotated[str, Field(max_length=5000)] = ""
    venue: Annotated[str, Field(max_length=200)] = ""
    region_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    registration_opens_at: LocalDateTime
    registration_closes_at: LocalDateTime
    slot_minutes: Annotated[int, Field(ge=5, le=240)] = 20
    request_ttl_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 48
    tables: Annotated[int, Field(ge=1, le=500)] = 10
    sessions: Annotated[list[SessionIn], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _window(self) -> EventCreate:
        if self.registration_closes_at <= self.registration_opens_at:
            raise ValueError("报名截止时间应晚于报名开始时间")
        first = min(s.starts_at for s in self.sessions)
        if self.registration_closes_at > first:
            raise ValueError("报名应在活动开始前截止")
        return self


class OrganiserIn(Schema):
    email: Annotated[str, Field(min_length=3, max_length=254)]


class RegistrationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(default=None, description="报名人；不填为本人")
    position: Annotated[str, Field(max_length=50)] = ""
    chief_role: ChiefRole | None = None
    listing_ids: list[int] = Field(default_factory=list, max_length=20)
    unavailable_slot_ids: list[int] = Field(default_factory=list, max_length=200)


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_participant_id: int
    message: Annotated[str, Field(max_length=500)] = ""
    fixed_slot_id: int | None = Field(default=None, description="三长联动：组织者指定的时段")


class ScheduleIn(Schema):
    time_limit: Annotated[float, Field(ge=0, le=60)] = 5.0


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: MeetingOutcome
    amount: Money | None = None
    note: Annotated[str, Field(max_length=1000)] = ""

    @model_validator(mode="after")
    def _amount(self) -> OutcomeIn:
        if self.outcome == MeetingOutcome.CONTRACT and not self.amount:
            raise ValueError("签约请填写签约金额")
        return self


class CheckInIn(Schema):
    participant_id: int | None = None
    code: Annotated[str, Field(max_length=8)] = ""


class CancelIn(Schema):
    reason: Annotated[str, Field(max_length=200)] = ""


class SlotOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    session_id: int
    starts_at: datetime
    ends_at: datetime


class TableOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    room: str


class SessionOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    room: str
    starts_at: datetime
    ends_at: datetime


class EventOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    kind: EventKind
    status: EventStatus
    summary: str
    venue: str
    region_code: str
    starts_at: datetime
    ends_at: datetime
    registration_opens_at: datetime
    registration_closes_at: datetime
    slot_minutes: int
    request_ttl_hours: int


class EventDetail(EventOut):
    sessions: list[SessionOut]
    slots: list[SlotOut]
    tables: list[TableOut]
    organiser_ids: list[int]
    participants: int


class ParticipantOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    user_id: int
    name: str
    org_id: int | None
    org_name: str
    position: str
    chief_role: ChiefRole | None
    listing_ids: list[int]
    unavailable_slot_ids: list[int]
    checked_in_at: datetime | None
    checkin_code: str | None = None


class RequestOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    party_a_id: int
    party_b_id: int
    requested_by_id: int | None
    status: MeetingRequestStatus
    score: float
    reasons: list[str]
    demand_listing_id: int | None
    supply_listing_id: int | None
    message: str
    fixed_slot_id: int | None
    expires_at: datetime | None


class MeetingOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    request_id: int
    slot_id: int
    table_id: int
    table_name: str
    starts_at: datetime
    ends_at: datetime
    party_a_id: int
    party_b_id: int
    status: MeetingStatus
    priority: int
    outcome: MeetingOutcome | None
    amount: Decimal | None
    outcome_note: str


class ScheduleOut(Schema):
    placed: int
    kept: int
    standby: int
    objective: int
    upper_bound: int
    bound_kind: str
    solver: str
    seconds: float
    expired_requests: int


class AgendaItem(Schema):
    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    table: str
    room: str
    counterpart: str
    counterpart_org: str
    status: MeetingStatus
    outcome: MeetingOutcome | None
    topic: str


class AgendaOut(Schema):
    participant_id: int
    name: str
    checkin_code: str
    items: list[AgendaItem]


class ReportOut(Schema):
    registered: int
    checked_in: int
    requests: dict[str, int]
    meetings: dict[str, int]
    outcomes: dict[str, int]
    contracts: int
    contract_amount: Decimal
    intents: int
    by_slot: list[dict[str, Any]]
