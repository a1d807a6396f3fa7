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
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import SYSTEM, Actor
from app.core.clock import local
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
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.events import repository, scheduler
from app.events.schemas import (
    AgendaItem,
    AgendaOut,
    CheckInIn,
    EventCreate,
    OutcomeIn,
    RegistrationIn,
    ReportOut,
    RequestIn,
    ScheduleOut,
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
    MeetingSeat,
    User,
)
from app.models.enums import (
    EventKind,
    EventStatus,
    ListingKind,
    ListingStatus,
    MeetingOutcome,
    MeetingRequestStatus,
    MeetingStatus,
)
from app.notifications.service import notify
from app.orgs import service as org_service

E = EventStatus
MANAGE = Action.EVENT_MANAGE
lifecycle: Workflow[EventStatus] = Workflow(
    "该活动",
    "status",
    [
        Transition("open", "开放报名", frozenset({E.DRAFT}), E.REGISTRATION, MANAGE),
        Transition("close", "截止报名", frozenset({E.REGISTRATION}), E.CLOSED, MANAGE),
        Transition("publish", "发布日程", frozenset({E.CLOSED, E.SCHEDULED}), E.SCHEDULED, MANAGE),
        Transition("finish", "结束活动", frozenset({E.SCHEDULED}), E.FINISHED, MANAGE),
        Transition(
            "cancel",
            "取消活动",
            frozenset({E.DRAFT, E.REGISTRATION, E.CLOSED, E.SCHEDULED}),
            E.CANCELLED,
            MANAGE,
        ),
    ],
    type="event",
    summary=lambda event: event.title,
)

EVENT_ACTIONS = ("open", "close", "publish", "finish", "cancel")

R = MeetingRequestStatus
request_flow: Workflow[MeetingRequestStatus] = Workflow(
    "该约见",
    "status",
    [
        Transition("send", "发出约见", frozenset({R.SUGGESTED, R.DECLINED, R.EXPIRED}), R.PENDING),
        Transition("accept", "接受约见", frozenset({R.PENDING}), R.ACCEPTED),
        Transition("decline", "婉拒约见", frozenset({R.PENDING, R.SUGGESTED}), R.DECLINED),
        Transition("expire", "过期", frozenset({R.PENDING}), R.EXPIRED),
        Transition("arrange", "组织者安排", frozenset(set(R)), R.ACCEPTED),
        Transition(
            "cancel", "取消约见", frozenset({R.SUGGESTED, R.PENDING, R.ACCEPTED}), R.CANCELLED
        ),
    ],
    # Who may answer or send depends on the person's side of the request: checked by each step.
    type="meeting_request",
)

M = MeetingStatus
meeting_flow: Workflow[MeetingStatus] = Workflow(
    "该洽谈",
    "status",
    [
        Transition("hold", "记录洽谈结果", frozenset({M.SCHEDULED, M.HELD}), M.HELD),
        Transition("no_show", "标记未到场", frozenset({M.SCHEDULED}), M.NO_SHOW),
        Transition("cancel", "取消洽谈", frozenset({M.SCHEDULED}), M.CANCELLED),
    ],
    type="meeting",
)

# Requests the scheduler may place, and how much each kind of agreement weighs.
SCHEDULABLE = (R.ACCEPTED, R.PENDING, R.SUGGESTED)
AGREEMENT_WEIGHT = {R.ACCEPTED: 3, R.PENDING: 2, R.SUGGESTED: 1}
FIXED_SLOT_BONUS = 1000  # a three-chiefs meeting is placed before anything else
REFILL_SECONDS = 2.0
DIRECT_REQUEST_SCORE = 50.0
# A suggested meeting takes people's time: weak matches are not worth proposing.
MIN_SUGGESTION_SCORE = 40.0


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
    notify(
        session,
        user,
        topic="event.organiser",
        title=f"您已成为活动“{event.title}”的组织者",
        body="您可以管理报名、约见、日程、签到和活动报告。",
        link=_detail_link(event),
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
            title = f"“{event.title}”日程已发布：您有{count}场洽谈"
            body = "请查看您的个人日程，可打印或导入日历；到场后凭签到码签到。"
            link = f"/events/{event.id}/agenda"
        else:
            title, body, link = f"活动“{event.title}”已取消", "给您带来不便，敬请谅解。", ""
        notify(session, person.user, topic=f"event.{action}", title=title, body=body, link=link)


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
        notify(
            session,
            person,
            topic="event.registered",
            title=f"{user.name}为您报名了“{event.title}”",
            body="您可以在活动页查看系统推荐的洽谈对象并发出约见。",
            link=_detail_link(event),
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
    for request in repository.requests(session, event.id, participant_id=participant.id):
        if request_flow.can(request, "cancel"):
            request_flow.apply(request, "cancel")
    freed = 0
    for meeting in repository.meetings(session, event.id, participant_id=participant.id):
        if meeting_flow.can(meeting, "cancel"):
            _cancel(session, meeting, "参会人取消报名")
            freed += 1
            _tell_counterpart(session, meeting, participant, "参会人取消报名")
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
        notify(
            session,
            people[person_id].user,
            topic="event.suggested",
            title=f"“{event.title}”为您推荐了{count}位洽谈对象",
            body="推荐依据是您携带的成果或需求与对方的匹配度。您可以发出约见，也可以忽略。",
            link=f"/events/{event.id}/requests",
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
    notify(
        session,
        other.user,
        topic="event.request",
        title=f"{sender.user.name}（{_org_name(sender)}）约您在“{event.title}”洽谈",
        body=(data.message.strip() or "请在活动页接受或婉拒。")
        + f"\n请在{local(request.expires_at):%m月%d日 %H:%M}前答复，逾期自动失效。",
        link=f"/events/{event.id}/requests",
    )
    return request


def _org_name(person: EventParticipant) -> str:
    return person.org.name if person.org is not None else "个人"


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
        request_flow.apply(request, "expire")
        raise Conflict("该约见已过期", keep_changes=True)
    action = "accept" if accept else "decline"
    other = request.party_b if responder.id == request.party_a_id else request.party_a
    summary = f"{responder.user.name}{request_flow.label(action)}（对方：{other.user.name}）"
    request_flow.run(session, actor, request, action, summary=summary)
    request.responded_at = utcnow()
    notify(
        session,
        other.user,
        topic=f"event.request_{action}",
        title=f"{responder.user.name}{'接受' if accept else '婉拒'}了“{event.title}”的洽谈约见",
        body="组织者排定日程后，您会收到时间和桌号。" if accept else "您可以约见其他参会人。",
        link=f"/events/{event.id}/requests",
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


def expire_all_overdue(session: Session) -> int:
    """The periodic job: every event's overdue requests."""
    return expire_overdue(session)


def expire_overdue(session: Session, *, event_id: int | None = None) -> int:
    """Pending requests nobody answered in time expire; the sender is told."""
    expired = 0
    for request in repository.overdue_requests(session, utcnow()):
        if event_id is not None and request.event_id != event_id:
            continue
        request_flow.run(session, SYSTEM, request, "expire", summary="约见逾期未答复")
        sender = (
            request.party_a if request.requested_by_id == request.party_a_id else request.party_b
        )
        notify(
            session,
            sender.user,
            topic="event.request_expired",
            title="您发出的洽谈约见已过期",
            body="对方未在期限内答复。您可以重新发出约见，或约见其他参会人。",
            link=f"/events/{request.event_id}/requests",
            mail=False,
        )
        expired += 1
    return expired


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
        when = f"{local(meeting.slot.starts_at):%m月%d日 %H:%M}"
        for person in (meeting.request.party_a, meeting.request.party_b):
            other = (
                meeting.request.party_b
                if person is meeting.request.party_a
                else meeting.request.party_a
            )
            notify(
                session,
                person.user,
                topic="event.meeting_added",
                title=f"新增洽谈：{when} {meeting.table.name}，对方{other.user.name}",
                body=f"“{event.title}”有空位，已从候补中为您补排一场洽谈。",
                link=f"/events/{event.id}/agenda",
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


def _tell_counterpart(
    session: Session, meeting: Meeting, by: EventParticipant, reason: str
) -> None:
    other = (
        meeting.request.party_b if by.id == meeting.request.party_a_id else meeting.request.party_a
    )
    notify(
        session,
        other.user,
        topic="event.meeting_cancelled",
        title=f"洽谈取消：{local(meeting.slot.starts_at):%m月%d日 %H:%M} 与{by.user.name}",
        body=f"原因：{reason}。该时段可能为您补排其他洽谈，请留意日程。",
        link=f"/events/{meeting.event_id}/agenda",
    )


def _cancel(session: Session, meeting: Meeting, reason: str) -> None:
    """Cancel a meeting and free both seats it held."""
    meeting_flow.apply(meeting, "cancel")
    meeting.cancel_reason = reason
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
            _cancel(session, meeting, reason)
            _tell_counterpart(session, meeting, by, reason)
            audit.record(session, actor, "meeting.cancel", meeting, summary=reason)
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
    _cancel(session, meeting, reason.strip() or ("组织者取消" if party is None else "参会人取消"))
    if request_flow.can(meeting.request, "cancel"):
        request_flow.apply(meeting.request, "cancel")
    audit.record(
        session,
        actor,
        "meeting.cancel",
        meeting,
        summary=f"取消洽谈（{meeting.cancel_reason}）",
        after={"status": meeting.status.value},
    )
    for person in (meeting.request.party_a, meeting.request.party_b):
        if party is None or person.id != party.id:
            notify(
                session,
                person.user,
                topic="event.meeting_cancelled",
                title=f"洽谈取消：{local(meeting.slot.starts_at):%m月%d日 %H:%M} {meeting.table.name}",
                body=f"原因：{meeting.cancel_reason}。",
                link=f"/events/{event.id}/agenda",
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
    before = audit.snapshot(meeting, ["status", "outcome", "amount", "outcome_note"])
    meeting_flow.apply(meeting, "hold")
    meeting.outcome = data.outcome
    meeting.amount = data.amount if data.outcome == MeetingOutcome.CONTRACT else None
    meeting.outcome_note = data.note.strip()
    meeting.outcome_at = utcnow()
    after = audit.snapshot(meeting, ["status", "outcome", "amount", "outcome_note"])
    old, new = audit.diff(before, after)
    audit.record(
        session,
        actor,
        "meeting.outcome",
        meeting,
        summary=f"洽谈结果：{data.outcome.label}",
        before=old,
        after=new,
    )
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
