"""The rules of matchmaking events: set-up, registration, meeting requests, the schedule,
agendas, check-in, outcomes and the report.

Lifecycle: 筹备中 → 报名中 → 报名截止 → 日程已发布 → 已结束 (or 已取消 before the end).
Meeting requests (``app.events.requests``): 系统推荐 → 待对方回复 → 双方同意 / 已婉拒 / 已过期
(or 已取消).
The schedule is built by ``app.events.scheduler`` from accepted, pending and suggested
requests; building it again keeps every live meeting where it is and fills what is free.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import SYSTEM, Actor
from app.core.db import utcnow
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
    EVENT_ACTIONS,
    E,
    expire_overdue,
    lifecycle,
    meeting_flow,
    request_flow,
)

# The steps that live in the use-case modules, under the names the routes and tests know.
from app.events.flows import expire_all_overdue as expire_all_overdue
from app.events.meetings import (
    _cancel,
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
from app.events.requests import all_requests as all_requests
from app.events.requests import arrange as arrange
from app.events.requests import propose as propose
from app.events.requests import request_for as request_for
from app.events.requests import requests_of as requests_of
from app.events.requests import respond as respond
from app.events.requests import send_request as send_request
from app.events.schemas import (
    EventCreate,
    RegistrationIn,
)
from app.models import (
    Event,
    EventListing,
    EventOrganiser,
    EventParticipant,
    EventSession,
    EventSlot,
    EventTable,
    Listing,
    User,
)
from app.models.enums import (
    EventKind,
    EventStatus,
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
    event = repository.event_of(session, participant)
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
