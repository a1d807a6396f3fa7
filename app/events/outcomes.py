"""Agendas, check-in, meeting outcomes and the event report."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
)
from app.core.permissions import Action, authorize, can
from app.events import repository
from app.events.flows import E, M, _org_name, meeting_flow
from app.events.meetings import _party_of
from app.events.schemas import (
    AgendaItem,
    AgendaOut,
    CheckInIn,
    OutcomeIn,
    ReportOut,
)
from app.matching import service as matching_service
from app.models import (
    Event,
    EventParticipant,
    Meeting,
    MeetingRequest,
)
from app.models.enums import (
    MeetingOutcome,
)

# ---------------------------------------------------------------- agenda and check-in


def agenda(
    session: Session, event: Event, person: EventParticipant, *, draft: bool = False
) -> AgendaOut:
    """The person's meetings in time order; before publication only organisers (``draft``)
    see them."""
    items = []
    published = event.status in (E.SCHEDULED, E.FINISHED)
    meetings = repository.meetings(session, event.id, participant_id=person.id)
    for meeting in meetings if published or draft else []:
        request = meeting.request
        other = request.party_b if request.party_a_id == person.id else request.party_a
        items.append(
            AgendaItem(
                meeting_id=meeting.id,
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                table=meeting.table.name,
                room=meeting.slot.session.room or meeting.table.room,
                counterpart=other.user.name,
                counterpart_org=_org_name(other),
                status=meeting.status,
                outcome=meeting.outcome,
                topic=(request.reasons[0] if request.reasons else request.message),
            )
        )
    return AgendaOut(
        participant_id=person.id,
        name=person.user.name,
        checkin_code=person.checkin_code,
        items=items,
    )


def agenda_ics(event: Event, plan: AgendaOut) -> bytes:
    """The participant's meetings as an iCalendar file."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//科创一网通//活动日程//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.title}·{plan.name}")
    for item in plan.items:
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{item.meeting_id}@kechuang")
        entry.add("dtstamp", utcnow())
        entry.add("dtstart", item.starts_at)
        entry.add("dtend", item.ends_at)
        entry.add("summary", f"洽谈：{item.counterpart}（{item.counterpart_org}）")
        entry.add("location", f"{event.venue} {item.room} {item.table}".strip())
        entry.add("description", f"{event.title}\n{item.topic}\n签到码：{plan.checkin_code}")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def check_in(session: Session, actor: Actor, event: Event, data: CheckInIn) -> EventParticipant:
    """Mark arrival: an organiser by name or code, or the participant with their own code."""
    if actor.user is None:
        raise NotAuthenticated("请先登录后签到")
    if event.status not in (E.CLOSED, E.SCHEDULED):
        raise Conflict("活动当前不能签到")
    manager = can(actor.user, Action.EVENT_MANAGE, event)
    code = data.code.strip()
    if data.participant_id is not None:
        person = repository.participant(session, data.participant_id)
        if not manager:
            raise PermissionDenied("仅组织者可以为参会人签到")
    elif code:
        person = repository.by_checkin_code(session, event.id, code)
        if (
            person is not None
            and not manager
            and (actor.user is None or person.user_id != actor.user.id)
        ):
            raise PermissionDenied("请输入您本人的签到码")
    else:
        raise InvalidInput(errors={"code": "请输入签到码"})
    if person is None or person.event_id != event.id or not person.active:
        raise InvalidInput(errors={"code": "签到码无效或参会人不存在"})
    if person.checked_in_at is not None:
        raise Conflict(f"{person.user.name}已于{local(person.checked_in_at):%H:%M}签到")
    person.checked_in_at = utcnow()
    audit.record(session, actor, "event.check_in", person, summary=f"{person.user.name}签到")
    return person


# ---------------------------------------------------------------- outcomes and report


# The broker pipeline stage an outcome moves the pair to.
PIPELINE_STAGE = {
    MeetingOutcome.INTENT: "negotiating",
    MeetingOutcome.NDA: "negotiating",
    MeetingOutcome.VISIT: "negotiating",
    MeetingOutcome.CONTRACT: "signed",
}


def record_outcome(
    session: Session, actor: Actor, event: Event, meeting: Meeting, data: OutcomeIn
) -> Meeting:
    """A party or an organiser records how the meeting went; intents and contracts feed the
    broker pipeline and the event report."""
    if actor.user is None:
        raise NotAuthenticated("请先登录后记录洽谈结果")
    if _party_of(actor, meeting) is None and not can(actor.user, Action.EVENT_MANAGE, event):
        raise PermissionDenied("仅洽谈双方或组织者可以记录洽谈结果")
    if event.status not in (E.SCHEDULED, E.FINISHED):
        raise Conflict("日程发布后才能记录洽谈结果")
    if meeting.slot.starts_at > utcnow():
        at = local(meeting.slot.starts_at)
        raise Conflict(f"这场洽谈安排在 {at:%Y-%m-%d %H:%M}，开始后才能记录洽谈结果")
    amount = data.amount if data.outcome == MeetingOutcome.CONTRACT else None
    meeting_flow.run(
        session,
        actor,
        meeting,
        "outcome",
        summary=f"洽谈结果：{data.outcome.label}",
        outcome=data.outcome,
        amount=amount,
        outcome_note=data.note.strip(),
    )
    meeting.outcome = data.outcome
    meeting.amount = amount
    meeting.outcome_note = data.note.strip()
    meeting.outcome_at = utcnow()
    _feed_pipeline(session, actor, meeting, data)
    return meeting


def _feed_pipeline(session: Session, actor: Actor, meeting: Meeting, data: OutcomeIn) -> None:
    stage = PIPELINE_STAGE.get(data.outcome)
    request = meeting.request
    if stage is None or not (request.demand_listing_id and request.supply_listing_id):
        return
    matching_service.advance_pipeline(
        session,
        demand_listing_id=request.demand_listing_id,
        supply_listing_id=request.supply_listing_id,
        stage=stage,
        actor=actor,
        source="event",
        note=f"活动洽谈：{data.outcome.label}"
        + (f"，{data.note.strip()}" if data.note.strip() else ""),
    )


def mark_no_show(session: Session, actor: Actor, event: Event, meeting: Meeting) -> Meeting:
    authorize(actor.user, Action.EVENT_MANAGE, event)
    meeting_flow.run(session, actor, meeting, "no_show", summary="标记未到场")
    return meeting


def report(session: Session, event: Event) -> ReportOut:
    """Counts for the event report: registrations, requests, meetings, outcomes, amounts."""
    people = repository.participants(session, event.id)
    meetings = repository.meetings(session, event.id, live_only=False)
    outcomes = Counter(m.outcome.value for m in meetings if m.outcome is not None)
    amount = sum(
        (m.amount or Decimal(0) for m in meetings if m.outcome == MeetingOutcome.CONTRACT),
        Decimal(0),
    )
    by_slot: dict[int, dict[str, Any]] = {}
    for slot in repository.slots(session, event.id):
        by_slot[slot.id] = {"starts_at": slot.starts_at, "scheduled": 0, "held": 0}
    for m in meetings:
        if m.status == M.CANCELLED or m.slot_id not in by_slot:
            continue
        by_slot[m.slot_id]["scheduled"] += 1
        if m.status == M.HELD:
            by_slot[m.slot_id]["held"] += 1
    return ReportOut(
        registered=len(people),
        checked_in=sum(1 for p in people if p.checked_in_at is not None),
        requests=repository.count_by(
            session, MeetingRequest.status, MeetingRequest.event_id == event.id
        ),
        meetings=dict(Counter(m.status.value for m in meetings)),
        outcomes=dict(outcomes),
        contracts=outcomes.get(MeetingOutcome.CONTRACT.value, 0),
        contract_amount=amount,
        intents=sum(
            outcomes.get(o.value, 0)
            for o in (MeetingOutcome.INTENT, MeetingOutcome.NDA, MeetingOutcome.VISIT)
        ),
        by_slot=list(by_slot.values()),
    )
