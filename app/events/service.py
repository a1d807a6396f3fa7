"""The rules of matchmaking events: set-up, registration, meeting requests, the schedule,
agendas, check-in, outcomes and the report.

Lifecycle: 筹备中 → 报名中 → 报名截止 → 日程已发布 → 已结束 (or 已取消 before the end).
Meeting requests: 系统推荐 → 待对方回复 → 双方同意 / 已婉拒 / 已过期 (or 已取消).
The schedule is built by ``app.events.scheduler`` from accepted, pending and suggested
requests; building it again keeps every live meeting where it is and fills what is free.
"""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import SYSTEM, Actor
from app.core.db import lock_row, utcnow
from app.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.regions import region_name
from app.core.workflow import WorkflowEvent, on
from app.events import notices, repository
from app.events.flows import (
    DIRECT_REQUEST_SCORE,
    EVENT_ACTIONS,
    EXPIRED_SUMMARY,
    MIN_SUGGESTION_SCORE,
    E,
    R,
    _org_name,
    expire_overdue,
    lifecycle,
    meeting_flow,
    request_flow,
)

# The steps that live in the use-case modules, under the names the routes and tests know.
from app.events.flows import expire_all_overdue as expire_all_overdue
from app.events.meetings import (
    _cancel,
    _cancel_live_meeting,
    _refill,
)
from app.events.meetings import build_schedule as build_schedule
from app.events.meetings import cancel_meeting as cancel_meeting
from app.events.meetings import meeting_for as meeting_for
from app.events.meetings import schedule_of as schedule_of
from app.events.meetings import sessions as sessions
from app.events.meetings import slots as slots
from app.events.meetings import tables as tables
from app.events.outcomes import agenda as agenda
from app.events.outcomes import agenda_ics as agenda_ics
from app.events.outcomes import check_in as check_in
from app.events.outcomes import mark_no_show as mark_no_show
from app.events.outcomes import record_outcome as record_outcome
from app.events.outcomes import report as report
from app.events.schemas import (
    EventCreate,
    RegistrationIn,
    RequestIn,
)
from app.matching import service as matching_service
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
    User,
)
from app.models.enums import (
    EventKind,
    EventStatus,
    ListingKind,
    ListingStatus,
)
from app.notifications import service as notifications
from app.orgs import service as org_service

# ---------------------------------------------------------------- events


def _detail_link(event: Event) -> str:
    return f"/events/{event.id}"


def get(session: Session, event_id: int, user: User | None) -> Event:
    """An event ``user`` may see (drafts only for those who manage it)."""
    event = repository.get(session, event_id)
    if event is None or (event.status == E.DRAFT and not can(user, Action.EVENT_MANAGE, event)):
        raise NotFound("活动不存在或尚未公布")
    return event


def browse(
    session: Session,
    user: User | None,
    pagination: Pagination,
    *,
    kind: str | None = None,
    status: str | None = None,
) -> Paged:
    return paginate(session, repository.visible(user, kind=kind, status=status), pagination)


def upcoming(session: Session, limit: int = 3) -> list[Event]:
    """Published events still to come or under way, soonest first (the home page)."""
    return repository.upcoming(session, utcnow(), limit)


def create(session: Session, actor: Actor, data: EventCreate) -> Event:
    """A new event in 筹备中 with its sessions cut into slots, its tables and its creator as
    organiser."""
    authorize(actor.user, Action.EVENT_CREATE)
    assert actor.user is not None
    if not region_name(data.region_code):
        raise InvalidInput(errors={"region_code": "请选择本市的区县"})
    sessions = sorted(data.sessions, key=lambda s: s.starts_at)
    for earlier, later in itertools.pairwise(sessions):
        if later.starts_at < earlier.ends_at and later.room == earlier.room:
            raise InvalidInput(errors={"sessions": "同一会场的场次时间不能重叠"})
    event = Event(
        title=data.title.strip(),
        kind=data.kind,
        summary=data.summary.strip(),
        venue=data.venue.strip(),
        region_code=data.region_code,
        starts_at=sessions[0].starts_at,
        ends_at=max(s.ends_at for s in sessions),
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        slot_minutes=data.slot_minutes,
        request_ttl_hours=data.request_ttl_hours,
        created_by_id=actor.user.id,
    )
    event.organisers.append(EventOrganiser(user_id=actor.user.id))
    session.add(event)
    session.flush()
    step = timedelta(minutes=data.slot_minutes)
    slot_count = 0
    for item in sessions:
        block = EventSession(
            event_id=event.id,
            title=item.title.strip(),
            room=item.room.strip(),
            starts_at=item.starts_at,
            ends_at=item.ends_at,
        )
        session.add(block)
        session.flush()
        start = item.starts_at
        while start + step <= item.ends_at:
            session.add(
                EventSlot(
                    event_id=event.id, session_id=block.id, starts_at=start, ends_at=start + step
                )
            )
            slot_count += 1
            start += step
    if slot_count == 0:
        raise InvalidInput(errors={"sessions": "场次时长不足一个洽谈时段，请延长场次或缩短时段"})
    for n in range(1, data.tables + 1):
        session.add(EventTable(event_id=event.id, name=f"{n:02d}号桌", room=event.venue))
    audit.record(
        session,
        actor,
        "event.create",
        event,
        summary=f"创建{event.kind.label}：{event.title}（{slot_count}个时段，{data.tables}张洽谈桌）",
        after=audit.snapshot(event),
    )
    return event


def add_organiser(session: Session, actor: Actor, event: Event, email: str) -> EventOrganiser:
    authorize(actor.user, Action.EVENT_MANAGE, event)
    user = repository.user_by_email(session, email.strip())
    if user is None or not user.is_active:
        raise InvalidInput(errors={"email": "没有找到使用该邮箱的账号"})
    if any(o.user_id == user.id for o in event.organisers):
        raise Conflict(f"{user.name}已是该活动的组织者")
    organiser = EventOrganiser(user_id=user.id)
    event.organisers.append(organiser)
    audit.record(session, actor, "event.add_organiser", event, summary=f"添加组织者：{user.name}")
    notifications.send(
        session, user, notices.ORGANISER_ADDED, link=_detail_link(event), event=event.title
    )
    return organiser


def transition(session: Session, actor: Actor, event: Event, action: str) -> Event:
    """Move the event through its lifecycle; publishing the schedule tells every participant."""
    authorize(actor.user, Action.EVENT_MANAGE, event)
    if action not in EVENT_ACTIONS:
        raise NotFound("不支持的操作")
    if action == "publish" and not repository.meetings(session, event.id):
        raise Conflict("请先生成日程再发布")
    lifecycle.run(session, actor, event, action)
    return event


@on("event.close")
def _expire_requests_at_close(session: Session, change: WorkflowEvent[EventStatus]) -> None:
    expire_overdue(session, event_id=change.obj.id)


@on("event.publish", "event.cancel")
def _tell_participants_of(session: Session, change: WorkflowEvent[EventStatus]) -> None:
    _tell_participants(session, change.obj, change.action)


def _tell_participants(session: Session, event: Event, action: str) -> None:
    for person in repository.participants(session, event.id):
        if action == "publish":
            count = len(repository.meetings(session, event.id, participant_id=person.id))
            notifications.send(
                session,
                person.user,
                notices.SCHEDULE_PUBLISHED,
                link=f"/events/{event.id}/agenda",
                event=event.title,
                count=count,
            )
        else:
            notifications.send(session, person.user, notices.EVENT_CANCELLED, event=event.title)


def is_registration_open(event: Event, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        event.status == E.REGISTRATION
        and event.registration_opens_at <= now <= event.registration_closes_at
    )


# ---------------------------------------------------------------- registration


def _new_code(session: Session, event_id: int) -> str:
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if repository.by_checkin_code(session, event_id, code) is None:
            return code


def register(
    session: Session, actor: Actor, event: Event, data: RegistrationIn
) -> EventParticipant:
    """Register a person (oneself, or a member of one's organisation) with the listings they
    bring and the slots they cannot attend."""
    user = actor.user
    if user is None:
        raise NotAuthenticated("请先登录后报名")
    manager = can(user, Action.EVENT_MANAGE, event)
    if not is_registration_open(event) and not (
        manager and event.status in (E.REGISTRATION, E.CLOSED)
    ):
        raise Conflict("该活动当前不在报名时间内")
    person = user
    if data.user_id is not None and data.user_id != user.id:
        target = session.get(User, data.user_id)
        if target is None or not target.is_active:
            raise InvalidInput(errors={"user_id": "报名人不存在"})
        if not manager:
            authorize(user, Action.EVENT_REGISTER_OTHERS, target.org)
            if target.active_org_id != user.active_org_id:
                raise PermissionDenied("只能为本机构的成员报名")
        person = target
    existing = repository.participant_of(session, event.id, person.id)
    if existing is not None and existing.active:
        raise Conflict(f"{person.name}已报名该活动")
    if data.chief_role is not None and event.kind != EventKind.THREE_CHIEFS:
        raise InvalidInput(errors={"chief_role": "只有三长联动活动需要填写“三长”身份"})
    slot_ids = {s.id for s in repository.slots(session, event.id)}
    unknown = set(data.unavailable_slot_ids) - slot_ids
    if unknown:
        raise InvalidInput(errors={"unavailable_slot_ids": "所选时段不属于该活动"})
    if len(set(data.unavailable_slot_ids)) >= len(slot_ids):
        raise InvalidInput(errors={"unavailable_slot_ids": "至少要留出一个可参加的时段"})
    listings = _check_listings(session, event, person, data.listing_ids)
    if existing is not None:  # registering again after cancelling
        participant = existing
        participant.cancelled_at = None
    else:
        participant = EventParticipant(
            event_id=event.id, user_id=person.id, checkin_code=_new_code(session, event.id)
        )
        session.add(participant)
    participant.org_id = person.active_org_id
    participant.registered_by_id = user.id
    participant.position = data.position.strip()
    participant.chief_role = data.chief_role
    participant.unavailable_slot_ids = sorted(set(data.unavailable_slot_ids))
    session.flush()
    participant.listings.clear()
    session.flush()
    for listing in listings:
        participant.listings.append(EventListing(event_id=event.id, listing_id=listing.id))
    audit.record(
        session,
        actor,
        "event.register",
        participant,
        summary=f"{person.name}报名“{event.title}”，携带{len(listings)}项成果/需求",
        after=audit.snapshot(participant, ["event_id", "user_id", "org_id", "position"]),
    )
    if person.id != user.id:
        notifications.send(
            session,
            person,
            notices.REGISTERED_BY_OTHER,
            link=_detail_link(event),
            by=user.name,
            event=event.title,
        )
    return participant


def _check_listings(
    session: Session, event: Event, person: User, listing_ids: list[int]
) -> list[Listing]:
    ids = list(dict.fromkeys(listing_ids))
    listings = repository.listings(session, ids)
    if len(listings) != len(ids):
        raise InvalidInput(errors={"listing_ids": "所选成果或需求不存在"})
    for listing in listings:
        if listing.org_id != person.active_org_id:
            raise InvalidInput(errors={"listing_ids": f"“{listing.title}”不属于报名人所在机构"})
        if listing.status != ListingStatus.PUBLISHED:
            raise InvalidInput(errors={"listing_ids": f"“{listing.title}”尚未发布"})
    taken = {
        el.listing_id: el.participant_id for el in repository.event_listings(session, event.id)
    }
    mine = repository.participant_of(session, event.id, person.id)
    for listing in listings:
        owner = taken.get(listing.id)
        if owner is not None and (mine is None or owner != mine.id):
            raise InvalidInput(errors={"listing_ids": f"“{listing.title}”已由本机构其他人携带"})
    return listings


UNREGISTERED = "参会人取消报名"


def cancel_registration(session: Session, actor: Actor, participant: EventParticipant) -> None:
    event = _event_of(session, participant)
    if not (
        can(actor.user, Action.EVENT_ACT_FOR, participant)
        or can(actor.user, Action.EVENT_MANAGE, event)
    ):
        raise PermissionDenied("仅参会人本人、其机构管理员或组织者可以取消报名")
    if participant.cancelled_at is not None:
        raise Conflict("该报名已取消")
    if event.status in (E.FINISHED, E.CANCELLED):
        raise Conflict("活动已结束，不能取消报名")
    participant.cancelled_at = utcnow()
    # Whatever they brought is free for a colleague to bring instead.
    participant.listings.clear()
    # What the registration held goes with it, moved by the system in its name.
    for request in repository.requests(session, event.id, participant_id=participant.id):
        if request_flow.can(request, "cancel"):
            request_flow.run(session, SYSTEM, request, "cancel", summary=UNREGISTERED)
    freed = 0
    for meeting in repository.meetings(session, event.id, participant_id=participant.id):
        if meeting_flow.can(meeting, "cancel"):
            _cancel(session, SYSTEM, meeting, UNREGISTERED, by=participant, left=True)
            freed += 1
    audit.record(
        session,
        actor,
        "event.unregister",
        participant,
        summary=f"{participant.user.name}取消报名“{event.title}”，释放{freed}场洽谈",
    )
    if freed:
        _refill(session, actor, event)


def _event_of(session: Session, obj: EventParticipant | MeetingRequest | Meeting) -> Event:
    event = repository.get(session, obj.event_id)
    assert event is not None
    return event


def participants(session: Session, actor: Actor, event: Event) -> list[EventParticipant]:
    """Everyone registered; only people signed in see the list."""
    if actor.user is None:
        raise NotAuthenticated("请先登录后查看参会名单")
    return repository.participants(session, event.id)


def participant_count(session: Session, event: Event) -> int:
    return repository.count_participants(session, event.id)


def me(session: Session, user: User | None, event: Event) -> EventParticipant | None:
    if user is None:
        return None
    person = repository.participant_of(session, event.id, user.id)
    return person if person is not None and person.active else None


def participant_for(
    session: Session, actor: Actor, event: Event, participant_id: int | None
) -> EventParticipant:
    """The participant ``actor`` acts for: oneself by default, or one they may act for."""
    if actor.user is None:
        raise NotAuthenticated("请先登录")
    if participant_id is None:
        person = me(session, actor.user, event)
        if person is None:
            raise NotFound("您尚未报名该活动")
        return person
    person = repository.participant(session, participant_id)
    if person is None or person.event_id != event.id or not person.active:
        raise NotFound("参会人不存在")
    if not (
        can(actor.user, Action.EVENT_ACT_FOR, person) or can(actor.user, Action.EVENT_MANAGE, event)
    ):
        raise PermissionDenied("仅参会人本人、其机构管理员或组织者可以查看")
    return person


def registrable_people(session: Session, user: User | None, event: Event) -> list[User]:
    """Whom ``user`` may still register: themselves, and their organisation's members if
    admin, leaving out those registered already."""
    if user is None:
        return []
    people = [user]
    if user.is_org_admin and user.active_org_id is not None:
        people = org_service.active_members(session, user.active_org_id)
    registered = repository.participants_for_users(session, event.id, [p.id for p in people])
    return [p for p in people if p.id not in {r.user_id for r in registered}]


def listings_to_bring(session: Session, user: User | None) -> list[Listing]:
    if user is None or user.active_org_id is None:
        return []
    return repository.published_listings_of_org(session, user.active_org_id)


# ---------------------------------------------------------------- meeting requests


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
    event = _event_of(session, request)
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
