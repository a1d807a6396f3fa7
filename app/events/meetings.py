"""Building the 1:1 schedule, refilling it and cancelling meetings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import SYSTEM, Actor
from app.core.db import lock_row, utcnow
from app.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from app.core.permissions import Action, authorize, can
from app.events import notices, repository, scheduler
from app.events.flows import (
    AGREEMENT_WEIGHT,
    FIXED_SLOT_BONUS,
    REFILL_SECONDS,
    SCHEDULABLE,
    E,
    expire_overdue,
    meeting_flow,
    request_flow,
)
from app.events.schemas import (
    ScheduleOut,
)
from app.models import (
    Event,
    EventParticipant,
    EventSession,
    EventSlot,
    EventTable,
    Meeting,
    MeetingRequest,
    MeetingSeat,
)
from app.notifications import service as notifications

# ---------------------------------------------------------------- schedule


@dataclass
class _Built:
    out: ScheduleOut
    new_meetings: list[Meeting]


def _priority(request: MeetingRequest) -> int:
    weight = AGREEMENT_WEIGHT.get(request.status, 0)
    value = max(round(request.score), 1) * weight
    return value + (FIXED_SLOT_BONUS if request.fixed_slot_id else 0)


def build_schedule(
    session: Session, actor: Actor, event: Event, *, time_limit: float = 5.0
) -> ScheduleOut:
    """Place the schedulable requests; live meetings keep their slot and table."""
    authorize(actor.user, Action.EVENT_MANAGE, event)
    if event.status not in (E.CLOSED, E.SCHEDULED):
        raise Conflict("请先截止报名，再生成日程")
    built = _build(session, actor, event, time_limit=time_limit)
    if event.status == E.SCHEDULED:
        _tell_new_meetings(session, event, built.new_meetings)
    return built.out


def _build(session: Session, actor: Actor, event: Event, *, time_limit: float) -> _Built:
    # One build of an event at a time: a second waits here, then sees the first's meetings.
    lock_row(event)
    expired = expire_overdue(session, event_id=event.id)
    people = {p.id: p for p in repository.participants(session, event.id)}
    slots = repository.slots(session, event.id)
    tables = repository.tables(session, event.id)
    live = repository.meetings(session, event.id)
    placed_requests = {m.request_id for m in live}
    requests = [
        r
        for r in repository.requests(session, event.id, statuses=SCHEDULABLE)
        if r.id not in placed_requests and r.party_a_id in people and r.party_b_id in people
    ]
    locked = [
        (
            scheduler.Candidate(
                m.request_id, m.request.party_a_id, m.request.party_b_id, m.priority
            ),
            m.slot_id,
            m.table_id,
        )
        for m in live
    ]
    problem = scheduler.Problem(
        slots=[s.id for s in slots],
        tables=[t.id for t in tables],
        candidates=[
            scheduler.Candidate(r.id, r.party_a_id, r.party_b_id, _priority(r), r.fixed_slot_id)
            for r in requests
        ],
        unavailable={p.id: frozenset(p.unavailable_slot_ids) for p in people.values()},
        locked=locked,
    )
    result = scheduler.schedule(problem, time_limit=time_limit)
    broken = scheduler.violations(problem, result)
    if broken:  # pragma: no cover - the scheduler's tests make this unreachable
        raise Conflict("日程校验失败：" + "；".join(broken[:3]))
    by_id = {r.id: r for r in requests}
    new: list[Meeting] = []
    for placement in result.placements:
        request = by_id.get(placement.candidate_id)
        if request is None:  # a locked meeting
            continue
        meeting = Meeting(
            event_id=event.id,
            request_id=request.id,
            slot_id=placement.slot,
            table_id=placement.table,
            priority=_priority(request),
            seats=[
                MeetingSeat(participant_id=person_id, slot_id=placement.slot)
                for person_id in (request.party_a_id, request.party_b_id)
            ],
        )
        session.add(meeting)
        new.append(meeting)
    event.schedule_built_at = utcnow()
    out = ScheduleOut(
        placed=len(new),
        kept=len(locked),
        standby=len(result.standby),
        objective=result.objective,
        upper_bound=result.upper_bound,
        bound_kind=result.bound_kind,
        solver=result.solver,
        seconds=round(result.seconds, 3),
        expired_requests=expired,
    )
    audit.record(
        session,
        actor,
        "event.schedule",
        event,
        summary=(
            f"生成日程：新排{out.placed}场，保留{out.kept}场，候补{out.standby}条"
            f"（{out.solver}，优先级合计{out.objective}/上界{out.upper_bound}）"
        ),
        after=out.model_dump(),
    )
    return _Built(out=out, new_meetings=new)


def _tell_new_meetings(session: Session, event: Event, meetings: list[Meeting]) -> None:
    session.flush()
    for meeting in meetings:
        session.refresh(meeting)
        for person in (meeting.request.party_a, meeting.request.party_b):
            other = (
                meeting.request.party_b
                if person is meeting.request.party_a
                else meeting.request.party_a
            )
            notifications.send(
                session,
                person.user,
                notices.MEETING_ADDED,
                link=f"/events/{event.id}/agenda",
                when=notices.when(meeting.slot.starts_at),
                table=meeting.table.name,
                other=other.user.name,
                event=event.title,
            )


def _refill(session: Session, actor: Actor, event: Event) -> int:
    """Fill the places a cancellation freed from the standby list."""
    if event.status not in (E.CLOSED, E.SCHEDULED) or event.schedule_built_at is None:
        return 0
    session.flush()
    built = _build(session, actor, event, time_limit=REFILL_SECONDS)
    if event.status == E.SCHEDULED:
        _tell_new_meetings(session, event, built.new_meetings)
    return len(built.new_meetings)


def _cancel(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    reason: str,
    *,
    by: EventParticipant | None = None,
    left: bool = False,
    summary: str | None = None,
) -> None:
    """Cancel a meeting and free both seats it held. ``by`` is the party who cancelled (None
    for an organiser); ``left`` when that party withdrew from it rather than cancelling it
    (the other is then told who): the notices subscriber tells the others."""
    meeting.cancel_reason = reason
    meeting_flow.run(
        session,
        actor,
        meeting,
        "cancel",
        summary=summary or reason,
        by_participant_id=by.id if by is not None else None,
        left=left,
    )
    repository.free_seats(session, meeting.id)


def _cancel_live_meeting(
    session: Session,
    actor: Actor,
    event: Event,
    request: MeetingRequest,
    by: EventParticipant,
    reason: str,
) -> None:
    for meeting in repository.meetings(session, event.id, participant_id=by.id):
        if meeting.request_id == request.id and meeting_flow.can(meeting, "cancel"):
            _cancel(session, actor, meeting, reason, by=by, left=True)
            _refill(session, actor, event)


def meeting_for(session: Session, event: Event, meeting_id: int) -> Meeting:
    meeting = repository.meeting(session, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound("洽谈不存在")
    return meeting


def _party_of(actor: Actor, meeting: Meeting) -> EventParticipant | None:
    for person in (meeting.request.party_a, meeting.request.party_b):
        if can(actor.user, Action.EVENT_ACT_FOR, person):
            return person
    return None


def cancel_meeting(
    session: Session, actor: Actor, event: Event, meeting: Meeting, reason: str
) -> int:
    """Cancel a scheduled meeting (a party or an organiser); the freed place is refilled from
    the standby list. Returns how many meetings were added."""
    if actor.user is None:
        raise NotAuthenticated("请先登录后取消洽谈")
    party = _party_of(actor, meeting)
    manager = can(actor.user, Action.EVENT_MANAGE, event)
    if party is None and not manager:
        raise PermissionDenied("仅洽谈双方或组织者可以取消洽谈")
    reason = reason.strip() or ("组织者取消" if party is None else "参会人取消")
    _cancel(session, actor, meeting, reason, by=party, summary=f"取消洽谈（{reason}）")
    if request_flow.can(meeting.request, "cancel"):
        request_flow.run(
            session, SYSTEM, meeting.request, "cancel", summary=f"洽谈已取消（{reason}）"
        )
    return _refill(session, actor, event)


def schedule_of(session: Session, event: Event) -> list[Meeting]:
    return repository.meetings(session, event.id)


def slots(session: Session, event: Event) -> list[EventSlot]:
    return repository.slots(session, event.id)


def tables(session: Session, event: Event) -> list[EventTable]:
    return repository.tables(session, event.id)


def sessions(session: Session, event: Event) -> list[EventSession]:
    return repository.sessions(session, event.id)
