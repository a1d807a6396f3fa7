"""Demo events: a 对接会 that has taken place (registrations, requests, a built and
published schedule, check-ins and outcomes) and a 三长联动 open for registration with the
three chiefs registered and their meeting fixed to a slot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import LOCAL_TZ
from app.core.db import utcnow
from app.events import service
from app.events.schemas import (
    CheckInIn,
    EventCreate,
    OutcomeIn,
    RegistrationIn,
    RequestIn,
    SessionIn,
)
from app.models import Event, EventParticipant, EventSession, EventSlot, Listing, User
from app.models.enums import ChiefRole, EventKind, ListingStatus, MeetingOutcome

MATCHMAKING_TITLE = "2026长春汽车电子与光电信息技术对接会"
THREE_CHIEFS_TITLE = "三长联动·光电信息产业专场"

# (email, position): suppliers (universities, institutes) and buyers (enterprises).
SUPPLIERS = [
    ("jlu@demo.kechuang.cn", "技术转移中心主任"),
    ("cust@demo.kechuang.cn", "科技处处长"),
    ("ccut@demo.kechuang.cn", "成果转化科科长"),
    ("ciomp@demo.kechuang.cn", "研究员"),
    ("ciac@demo.kechuang.cn", "研究员"),
    ("icv@demo.kechuang.cn", "副院长"),
]
BUYERS = [
    ("qimingxing@demo.kechuang.cn", "董事长"),
    ("guanggu@demo.kechuang.cn", "总经理"),
    ("hefeng@demo.kechuang.cn", "技术总监"),
    ("borui@demo.kechuang.cn", "研发部经理"),
]
# (supplier index, buyer index, answer): "accept", "decline" or None (left pending).
REQUESTS = [
    (0, 0, "accept"),
    (1, 0, "accept"),
    (3, 1, "accept"),
    (1, 1, "accept"),
    (5, 0, "accept"),
    (4, 3, "accept"),
    (2, 2, "accept"),
    (0, 2, "decline"),
    (2, 0, None),
    (3, 0, None),
    (0, 1, None),
    (4, 2, "accept"),
]
OUTCOMES = [
    (MeetingOutcome.CONTRACT, "1200000", "车载激光雷达透镜模压工艺许可"),
    (MeetingOutcome.CONTRACT, "850000", "精密光学检测设备联合开发"),
    (MeetingOutcome.INTENT, None, "约定下月到企业现场交流"),
    (MeetingOutcome.NDA, None, "先签保密协议再看工艺细节"),
    (MeetingOutcome.VISIT, None, "安排实验室参观"),
    (MeetingOutcome.NONE, None, ""),
]


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _user(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == email)).one()
    return user


def _listing_ids(session: Session, user: User, limit: int = 2) -> list[int]:
    if user.active_org_id is None:
        return []
    return list(
        session.scalars(
            select(Listing.id)
            .where(Listing.org_id == user.active_org_id, Listing.status == ListingStatus.PUBLISHED)
            .order_by(Listing.id)
            .limit(limit)
        )
    )


def load_events(session: Session, progress: Callable[[str], object] = lambda _m: None) -> int:
    """Add the demo events once; returns how many were added."""
    if session.scalar(select(Event.id).where(Event.title == MATCHMAKING_TITLE)) is not None:
        return 0
    admin = session.scalars(select(User).where(User.email == "admin@demo.kechuang.cn")).first()
    if admin is None:
        return 0
    actor = Actor(user=admin, label="演示数据")
    _matchmaking(session, actor)
    _three_chiefs(session, actor)
    progress("对接活动 2 场（对接会一场已办完，三长联动一场报名中）")
    return 2


def _matchmaking(session: Session, actor: Actor) -> None:
    now = utcnow().astimezone(LOCAL_TZ)
    day = now + timedelta(days=2)
    data = EventCreate(
        title=MATCHMAKING_TITLE,
        kind=EventKind.MATCHMAKING,
        summary="面向汽车电子、智能网联和光电信息产业，组织高校院所与企业开展一对一技术洽谈，现场发布成果、对接需求。",
        venue="长春国际会展中心B馆",
        region_code="220173",
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=now + timedelta(days=1),
        slot_minutes=30,
        tables=4,
        sessions=[
            SessionIn(
                title="上午场", room="B馆一号厅", starts_at=_at(day, 9), ends_at=_at(day, 11)
            ),
            SessionIn(
                title="下午场", room="B馆一号厅", starts_at=_at(day, 14), ends_at=_at(day, 16)
            ),
        ],
    )
    event = service.create(session, actor, data)
    service.transition(session, actor, event, "open")
    suppliers = [(_user(session, e), p) for e, p in SUPPLIERS]
    buyers = [(_user(session, e), p) for e, p in BUYERS]
    slots = [s.id for s in service.slots(session, event)]
    people: list[EventParticipant] = []
    for n, (user, position) in enumerate(suppliers + buyers):
        people.append(
            service.register(
                session,
                actor,
                event,
                RegistrationIn(
                    user_id=user.id,
                    position=position,
                    listing_ids=_listing_ids(session, user),
                    unavailable_slot_ids=[slots[n % len(slots)]] if n % 4 == 3 else [],
                ),
            )
        )
    supply, buy = people[: len(suppliers)], people[len(suppliers) :]
    for s_index, b_index, answer in REQUESTS:
        sender, receiver = supply[s_index], buy[b_index]
        sent = service.send_request(
            session,
            Actor(user=sender.user),
            event,
            sender,
            RequestIn(to_participant_id=receiver.id, message="希望就贵单位的技术需求当面交流"),
        )
        if answer is not None:
            service.respond(
                session, Actor(user=receiver.user), sent, receiver, accept=answer == "accept"
            )
    service.transition(session, actor, event, "close")
    service.build_schedule(session, actor, event, time_limit=1.0)
    service.transition(session, actor, event, "publish")
    meetings = service.schedule_of(session, event)
    for person in people[:-2]:
        service.check_in(session, actor, event, CheckInIn(participant_id=person.id))
    _move_to_past(session, event, days=3)  # outcomes are recorded once the meetings took place
    for meeting, (outcome, amount, note) in zip(meetings, OUTCOMES, strict=False):
        service.record_outcome(
            session,
            actor,
            event,
            meeting,
            OutcomeIn.model_validate({"outcome": outcome, "amount": amount, "note": note}),
        )


def _move_to_past(session: Session, event: Event, *, days: int) -> None:
    """The demo 对接会 took place: shift its dates back so it reads as a past event."""
    shift = timedelta(days=days)
    event.starts_at -= shift
    event.ends_at -= shift
    event.registration_opens_at -= shift
    event.registration_closes_at -= shift
    for block in session.scalars(select(EventSession).where(EventSession.event_id == event.id)):
        block.starts_at -= shift
        block.ends_at -= shift
    for slot in session.scalars(select(EventSlot).where(EventSlot.event_id == event.id)):
        slot.starts_at -= shift
        slot.ends_at -= shift
    for person in service.participants(session, Actor(user=event_admin(session)), event):
        if person.checked_in_at is not None:
            person.checked_in_at = event.starts_at - timedelta(minutes=20)
    session.flush()


def event_admin(session: Session) -> User:
    return _user(session, "admin@demo.kechuang.cn")


def _three_chiefs(session: Session, actor: Actor) -> None:
    now = utcnow().astimezone(LOCAL_TZ)
    day = now + timedelta(days=14)
    data = EventCreate(
        title=THREE_CHIEFS_TITLE,
        kind=EventKind.THREE_CHIEFS,
        summary="市长、校长、董事长面对面：围绕光电信息产业链，政府、高校和龙头企业共商成果落地与产业配套。",
        venue="长春新区科技大厦",
        region_code="220173",
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=10),
        slot_minutes=30,
        tables=3,
        sessions=[
            SessionIn(
                title="三长会谈", room="第一会议室", starts_at=_at(day, 9), ends_at=_at(day, 12)
            )
        ],
    )
    event = service.create(session, actor, data)
    service.transition(session, actor, event, "open")
    mayor = service.register(
        session,
        actor,
        event,
        RegistrationIn(
            user_id=_user(session, "xinqu.admin@demo.kechuang.cn").id,
            position="长春新区管委会主任",
            chief_role=ChiefRole.MAYOR,
        ),
    )
    president = service.register(
        session,
        actor,
        event,
        RegistrationIn(
            user_id=_user(session, "cust@demo.kechuang.cn").id,
            position="长春理工大学副校长",
            chief_role=ChiefRole.PRESIDENT,
            listing_ids=_listing_ids(session, _user(session, "cust@demo.kechuang.cn"), 3),
        ),
    )
    chairman = service.register(
        session,
        actor,
        event,
        RegistrationIn(
            user_id=_user(session, "guanggu@demo.kechuang.cn").id,
            position="吉林省光谷精密光学有限公司董事长",
            chief_role=ChiefRole.CHAIRMAN,
            listing_ids=_listing_ids(session, _user(session, "guanggu@demo.kechuang.cn"), 2),
        ),
    )
    first_slot = service.slots(session, event)[0].id
    service.arrange(
        session,
        actor,
        event,
        president.id,
        RequestIn(
            to_participant_id=chairman.id,
            fixed_slot_id=first_slot,
            message="市长主持：空间光学载荷与精密光学元件产业化合作",
        ),
    )
    service.arrange(
        session,
        actor,
        event,
        mayor.id,
        RequestIn(to_participant_id=chairman.id, message="产业配套与用地需求沟通"),
    )
