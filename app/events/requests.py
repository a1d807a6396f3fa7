"""Meeting requests at a matchmaking event: suggested pairs, requests sent and answered, and
meetings arranged by the organisers.

Requests: 系统推荐 → 待对方回复 → 双方同意 / 已婉拒 / 已过期 (or 已取消).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import SYSTEM, Actor
from app.core.db import lock_row, utcnow
from app.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from app.core.permissions import Action, authorize
from app.events import notices, repository
from app.events.flows import (
    DIRECT_REQUEST_SCORE,
    EXPIRED_SUMMARY,
    MIN_SUGGESTION_SCORE,
    E,
    R,
    _org_name,
    request_flow,
)
from app.events.meetings import (
    _cancel_live_meeting,
)
from app.events.schemas import (
    RequestIn,
)
from app.matching import service as matching_service
from app.models import (
    Event,
    EventParticipant,
    EventSlot,
    Listing,
    MeetingRequest,
)
from app.models.enums import (
    ListingKind,
)
from app.notifications import service as notifications


def _ordered(a: EventParticipant, b: EventParticipant) -> tuple[EventParticipant, EventParticipant]:
    return (a, b) if a.id < b.id else (b, a)


def _lock_pair(first: EventParticipant, second: EventParticipant) -> None:
    """Requests between two people (either way round, or a double click) wait for each other,
    so the second finds the first's request instead of adding another."""
    lock_row(_ordered(first, second)[0])


def _supply_demand(first: Listing, second: Listing) -> tuple[int | None, int | None]:
    """(demand id, supply id) of a pair of listings, whichever way round they come."""
    demand_kinds = (ListingKind.DEMAND, ListingKind.CHALLENGE)
    if first.kind in demand_kinds and second.kind == ListingKind.ACHIEVEMENT:
        return first.id, second.id
    if second.kind in demand_kinds and first.kind == ListingKind.ACHIEVEMENT:
        return second.id, first.id
    return None, None


def _find_matches(session: Session, listing: Listing) -> list[Any]:
    # Only listings can be attached to an event, so only listings can be met there.
    kinds = ["achievement"] if listing.kind != ListingKind.ACHIEVEMENT else ["demand", "challenge"]
    return list(matching_service.find_matches(session, listing, limit=30, kinds=kinds))


def propose(session: Session, actor: Actor, event: Event) -> int:
    """Suggest meetings from the matches between listings attached by different
    organisations; returns how many new suggestions were made."""
    authorize(actor.user, Action.EVENT_MANAGE, event)
    if event.status not in (E.REGISTRATION, E.CLOSED, E.SCHEDULED):
        raise Conflict("活动开放报名后才能生成推荐")
    attached = repository.event_listings(session, event.id)
    holder = {el.listing_id: el for el in attached}
    people = {p.id: p for p in repository.participants(session, event.id)}
    # (listing, listing) → (score, reasons) as each listing's own ranking sees the other.
    seen: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for el in attached:
        for match in _find_matches(session, el.listing):
            other = holder.get(int(match.id))
            if other is None or other.participant_id == el.participant_id:
                continue
            score = float(match.score)
            seen[el.listing_id, other.listing_id] = (
                score * 100 if score <= 1 else score,
                [str(r) for r in match.reasons or []],
            )
    # A pair is suggested when each listing finds the other among its matches: one-sided
    # hits (a demand whose only candidate shares a region) are not worth a meeting.
    best: dict[tuple[int, int], tuple[float, list[str], Listing, Listing]] = {}
    for (mine, theirs), (score, reasons) in seen.items():
        back = seen.get((theirs, mine))
        if back is None or min(score, back[0]) < MIN_SUGGESTION_SCORE:
            continue
        here, there = holder[mine], holder[theirs]
        a, b = people.get(here.participant_id), people.get(there.participant_id)
        if a is None or b is None or (a.org_id is not None and a.org_id == b.org_id):
            continue
        key = (min(a.id, b.id), max(a.id, b.id))
        if key not in best or score > best[key][0]:
            best[key] = (score, reasons, here.listing, there.listing)
    created = 0
    told: Counter[int] = Counter()
    for (a_id, b_id), (score, reasons, first, second) in best.items():
        if repository.request_between(session, event.id, a_id, b_id) is not None:
            continue
        demand_id, supply_id = _supply_demand(first, second)
        session.add(
            MeetingRequest(
                event_id=event.id,
                party_a_id=a_id,
                party_b_id=b_id,
                status=R.SUGGESTED,
                score=round(min(score, 100.0), 2),
                reasons=[f"“{first.title}”与“{second.title}”", *[str(r) for r in reasons][:5]],
                demand_listing_id=demand_id,
                supply_listing_id=supply_id,
            )
        )
        told[a_id] += 1
        told[b_id] += 1
        created += 1
    for person_id, count in told.items():
        notifications.send(
            session,
            people[person_id].user,
            notices.SUGGESTED,
            link=f"/events/{event.id}/requests",
            event=event.title,
            count=count,
        )
    audit.record(session, actor, "event.propose", event, summary=f"生成{created}条洽谈推荐")
    return created


def _can_request(event: Event) -> None:
    if event.status not in (E.REGISTRATION, E.CLOSED, E.SCHEDULED):
        raise Conflict("活动当前不接受约见")


def send_request(
    session: Session, actor: Actor, event: Event, sender: EventParticipant, data: RequestIn
) -> MeetingRequest:
    """Ask another participant for a meeting (or send the system's suggestion)."""
    _can_request(event)
    if data.fixed_slot_id is not None:
        raise InvalidInput(errors={"fixed_slot_id": "只有组织者可以指定时段"})
    other = repository.participant(session, data.to_participant_id)
    if other is None or other.event_id != event.id or not other.active:
        raise InvalidInput(errors={"to_participant_id": "对方不是本活动的参会人"})
    if other.id == sender.id:
        raise InvalidInput(errors={"to_participant_id": "不能约见自己"})
    _lock_pair(sender, other)
    request = repository.request_between(session, event.id, sender.id, other.id)
    now = utcnow()
    if request is None:
        a, b = _ordered(sender, other)
        # No match behind it: a neutral score, so agreement decides its place in line.
        request = MeetingRequest(
            event_id=event.id,
            party_a_id=a.id,
            party_b_id=b.id,
            status=R.SUGGESTED,
            score=DIRECT_REQUEST_SCORE,
        )
        session.add(request)
    elif request.status == R.PENDING and request.requested_by_id != sender.id:
        return respond(session, actor, request, sender, accept=True)  # both asked: agreed
    elif request.status in (R.PENDING, R.ACCEPTED):
        raise Conflict(f"与{other.user.name}的约见{request.status.label}")
    elif request.status == R.DECLINED and request.requested_by_id == sender.id:
        raise Conflict("对方已婉拒您的约见")
    summary = f"{sender.user.name}约见{other.user.name}"
    request_flow.run(session, actor, request, "send", summary=summary)
    request.requested_by_id = sender.id
    request.message = data.message.strip()
    request.expires_at = now + timedelta(hours=event.request_ttl_hours)
    request.responded_at = None
    notifications.send(
        session,
        other.user,
        notices.REQUEST_RECEIVED,
        link=f"/events/{event.id}/requests",
        sender=sender.user.name,
        org=_org_name(sender),
        event=event.title,
        message=request.message or "请在活动页接受或婉拒。",
        answer_by=notices.when(request.expires_at),
    )
    return request


def respond(
    session: Session,
    actor: Actor,
    request: MeetingRequest,
    responder: EventParticipant,
    *,
    accept: bool,
) -> MeetingRequest:
    """The invited party accepts or declines; a suggestion can be declined by either side."""
    event = repository.event_of(session, request)
    _can_request(event)
    if responder.id not in (request.party_a_id, request.party_b_id):
        raise PermissionDenied("只有受邀方可以答复该约见")
    if request.status == R.PENDING and request.requested_by_id == responder.id:
        raise Conflict("等待对方答复，您不能替对方接受或婉拒")
    if request.status == R.PENDING and request.expires_at and request.expires_at <= utcnow():
        request_flow.run(session, SYSTEM, request, "expire", summary=EXPIRED_SUMMARY)
        raise Conflict("该约见已过期", keep_changes=True)
    action = "accept" if accept else "decline"
    other = request.party_b if responder.id == request.party_a_id else request.party_a
    summary = f"{responder.user.name}{request_flow.label(action)}（对方：{other.user.name}）"
    request_flow.run(session, actor, request, action, summary=summary)
    request.responded_at = utcnow()
    notifications.send(
        session,
        other.user,
        notices.REQUEST_ACCEPTED if accept else notices.REQUEST_DECLINED,
        link=f"/events/{event.id}/requests",
        responder=responder.user.name,
        event=event.title,
    )
    if not accept:
        _cancel_live_meeting(session, actor, event, request, responder, "约见被婉拒")
    return request


def arrange(
    session: Session, actor: Actor, event: Event, first_id: int, data: RequestIn
) -> MeetingRequest:
    """An organiser arranges a meeting both sides agreed to (the three chiefs' meetings),
    optionally fixed to one slot."""
    authorize(actor.user, Action.EVENT_MANAGE, event)
    _can_request(event)
    first = repository.participant(session, first_id)
    second = repository.participant(session, data.to_participant_id)
    if first is None or second is None or {first.event_id, second.event_id} != {event.id}:
        raise InvalidInput(errors={"to_participant_id": "双方都应是本活动的参会人"})
    if first.id == second.id:
        raise InvalidInput(errors={"to_participant_id": "请选择两位不同的参会人"})
    if data.fixed_slot_id is not None:
        slot = session.get(EventSlot, data.fixed_slot_id)
        if slot is None or slot.event_id != event.id:
            raise InvalidInput(errors={"fixed_slot_id": "时段不属于该活动"})
        for person in (first, second):
            if slot.id in person.unavailable_slot_ids:
                raise InvalidInput(errors={"fixed_slot_id": f"{person.user.name}该时段不能参加"})
    _lock_pair(first, second)
    request = repository.request_between(session, event.id, first.id, second.id)
    if request is None:
        a, b = _ordered(first, second)
        request = MeetingRequest(
            event_id=event.id, party_a_id=a.id, party_b_id=b.id, status=R.SUGGESTED, score=0.0
        )
        session.add(request)
    summary = f"组织者安排{first.user.name}与{second.user.name}洽谈"
    request_flow.run(session, actor, request, "arrange", summary=summary)
    request.fixed_slot_id = data.fixed_slot_id
    request.message = data.message.strip()
    request.responded_at = utcnow()
    request.score = 100.0  # arranged by the organiser: agreed by both, first in line
    return request


def requests_of(session: Session, event: Event, person: EventParticipant) -> list[MeetingRequest]:
    return repository.requests(session, event.id, participant_id=person.id)


def all_requests(session: Session, actor: Actor, event: Event) -> list[MeetingRequest]:
    authorize(actor.user, Action.EVENT_MANAGE, event)
    return repository.requests(session, event.id)


def request_for(session: Session, event: Event, request_id: int) -> MeetingRequest:
    request = repository.request(session, request_id)
    if request is None or request.event_id != event.id:
        raise NotFound("约见不存在")
    return request
