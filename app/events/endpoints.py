"""JSON routes for matchmaking events under /api/v1/events."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Response, status

from app.core.deps import ActorDep, OptionalUser, SessionDep
from app.core.openapi import file_download
from app.core.pagination import Paged, PaginationDep
from app.core.permissions import Action, authorize, can
from app.core.schemas import Page
from app.events import access, service
from app.events.schemas import (
    AgendaOut,
    CancelIn,
    CheckInIn,
    EventCreate,
    EventDetail,
    EventOut,
    MeetingOut,
    OrganiserIn,
    OutcomeIn,
    ParticipantOut,
    RegistrationIn,
    ReportOut,
    RequestIn,
    RequestOut,
    ScheduleIn,
    ScheduleOut,
)
from app.models import Event, EventParticipant, Meeting, User
from app.models.enums import EventKind, EventStatus

router = APIRouter(prefix="/events", tags=["活动与洽谈"])


def _detail(session: SessionDep, event: Event) -> EventDetail:
    return EventDetail.model_validate(
        {
            **EventOut.model_validate(event).model_dump(),
            "sessions": service.sessions(session, event),
            "slots": service.slots(session, event),
            "tables": service.tables(session, event),
            "organiser_ids": [o.user_id for o in event.organisers],
            "participants": service.participant_count(session, event),
        }
    )


def participant_out(person: EventParticipant, viewer: User | None, event: Event) -> ParticipantOut:
    show_code = can(viewer, Action.EVENT_ACT_FOR, person) or can(viewer, Action.EVENT_MANAGE, event)
    return ParticipantOut(
        id=person.id,
        event_id=person.event_id,
        user_id=person.user_id,
        name=person.user.name,
        org_id=person.org_id,
        org_name=person.org.name if person.org else "",
        position=person.position,
        chief_role=person.chief_role,
        listing_ids=[el.listing_id for el in person.listings],
        unavailable_slot_ids=person.unavailable_slot_ids,
        checked_in_at=person.checked_in_at,
        checkin_code=person.checkin_code if show_code else None,
    )


def meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        event_id=meeting.event_id,
        request_id=meeting.request_id,
        slot_id=meeting.slot_id,
        table_id=meeting.table_id,
        table_name=meeting.table.name,
        starts_at=meeting.slot.starts_at,
        ends_at=meeting.slot.ends_at,
        party_a_id=meeting.request.party_a_id,
        party_b_id=meeting.request.party_b_id,
        status=meeting.status,
        priority=meeting.priority,
        outcome=meeting.outcome,
        amount=meeting.amount,
        outcome_note=meeting.outcome_note,
    )


@router.get("", response_model=Page[EventOut], summary="活动列表")
def browse(
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
) -> object:
    return service.browse(session, user, pagination, kind=kind, status=status)


@router.post(
    "", response_model=EventDetail, status_code=status.HTTP_201_CREATED, summary="创建活动"
)
def create(data: EventCreate, session: SessionDep, actor: ActorDep) -> object:
    """平台或区县管理员创建活动：场次按时段长度切分，洽谈桌按数量生成。"""
    return _detail(session, service.create(session, actor, data))


@router.get("/{event_id}", response_model=EventDetail, summary="活动详情")
def detail(event_id: int, session: SessionDep, user: OptionalUser) -> object:
    return _detail(session, service.get(session, event_id, user))


@router.post("/{event_id}/transitions/{action}", response_model=EventOut, summary="活动状态流转")
def transition(
    event_id: int,
    action: Literal["open", "close", "publish", "finish", "cancel"],
    session: SessionDep,
    actor: ActorDep,
) -> object:
    """open 开放报名 · close 截止报名 · publish 发布日程 · finish 结束 · cancel 取消。"""
    event = service.get(session, event_id, actor.user)
    return service.transition(session, actor, event, action)


@router.post("/{event_id}/organisers", status_code=status.HTTP_201_CREATED, summary="添加组织者")
def add_organiser(
    event_id: int, data: OrganiserIn, session: SessionDep, actor: ActorDep
) -> dict[str, int]:
    event = service.get(session, event_id, actor.user)
    organiser = service.add_organiser(session, actor, event, data.email)
    return {"user_id": organiser.user_id}


@router.get("/{event_id}/participants", response_model=Page[ParticipantOut], summary="参会名单")
def participants(
    event_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    event = service.get(session, event_id, actor.user)
    people = service.participants(session, actor, event)
    return Paged.of(people, pagination, lambda p: participant_out(p, actor.user, event))


@router.post(
    "/{event_id}/registrations",
    response_model=ParticipantOut,
    status_code=status.HTTP_201_CREATED,
    summary="报名（本人或本机构成员）",
)
def register(event_id: int, data: RegistrationIn, session: SessionDep, actor: ActorDep) -> object:
    event = service.get(session, event_id, actor.user)
    person = service.register(session, actor, event, data)
    return participant_out(person, actor.user, event)


@router.delete(
    "/{event_id}/registrations/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="取消报名",
)
def unregister(
    event_id: int, participant_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    event = service.get(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    service.cancel_registration(session, actor, person)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{event_id}/proposals", summary="根据携带成果/需求的匹配结果生成洽谈推荐")
def propose(event_id: int, session: SessionDep, actor: ActorDep) -> dict[str, int]:
    event = service.get(session, event_id, actor.user)
    return {"created": service.propose(session, actor, event)}


@router.get("/{event_id}/requests", response_model=Page[RequestOut], summary="约见请求")
def requests(
    event_id: int,
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    scope: Annotated[
        Literal["mine", "all"], Query(description="mine 本人；all 全部（组织者）")
    ] = "mine",
    participant_id: int | None = None,
) -> object:
    event = service.get(session, event_id, actor.user)
    if scope == "all":
        return Paged.of(service.all_requests(session, actor, event), pagination)
    person = service.participant_for(session, actor, event, participant_id)
    return Paged.of(service.requests_of(session, event, person), pagination)


@router.post(
    "/{event_id}/requests",
    response_model=RequestOut,
    status_code=status.HTTP_201_CREATED,
    summary="发出约见",
)
def send_request(
    event_id: int,
    data: RequestIn,
    session: SessionDep,
    actor: ActorDep,
    participant_id: int | None = None,
) -> object:
    event = service.get(session, event_id, actor.user)
    sender = service.participant_for(session, actor, event, participant_id)
    return service.send_request(session, actor, event, sender, data)


@router.post(
    "/{event_id}/requests/{request_id}/{answer}",
    response_model=RequestOut,
    summary="接受或婉拒约见",
)
def respond(
    event_id: int,
    request_id: int,
    answer: Literal["accept", "decline"],
    session: SessionDep,
    actor: ActorDep,
    participant_id: int | None = None,
) -> object:
    event = service.get(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    request = service.request_for(session, event, request_id)
    return service.respond(session, actor, request, person, accept=answer == "accept")


@router.post(
    "/{event_id}/arrangements",
    response_model=RequestOut,
    status_code=status.HTTP_201_CREATED,
    summary="组织者安排洽谈（三长联动可指定时段）",
)
def arrange(
    event_id: int,
    data: RequestIn,
    session: SessionDep,
    actor: ActorDep,
    participant_id: Annotated[int, Query(description="一方参会人")],
) -> object:
    event = service.get(session, event_id, actor.user)
    return service.arrange(session, actor, event, participant_id, data)


@router.post("/{event_id}/schedule", response_model=ScheduleOut, summary="生成或补排日程")
def build_schedule(
    event_id: int,
    session: SessionDep,
    actor: ActorDep,
    data: Annotated[ScheduleIn | None, Body()] = None,
) -> object:
    """已排定的洽谈保持不动，空出的时段和桌位从候补中补排。"""
    event = service.get(session, event_id, actor.user)
    limit = (data or ScheduleIn()).time_limit
    return service.build_schedule(session, actor, event, time_limit=limit)


@router.get("/{event_id}/schedule", response_model=Page[MeetingOut], summary="活动日程")
def schedule(
    event_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    event = service.get(session, event_id, actor.user)
    authorize(actor.user, Action.EVENT_MANAGE, event)
    return Paged.of(service.schedule_of(session, event), pagination, meeting_out)


@router.get("/{event_id}/agenda", response_model=AgendaOut, summary="个人日程")
def agenda(
    event_id: int, session: SessionDep, actor: ActorDep, participant_id: int | None = None
) -> object:
    event = service.get(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    return access.agenda(session, actor, event, person)


@router.get(
    "/{event_id}/agenda.ics",
    summary="个人日程（iCalendar）",
    response_class=Response,
    responses=file_download("iCalendar 日程", "text/calendar"),
)
def agenda_ics(
    event_id: int, session: SessionDep, actor: ActorDep, participant_id: int | None = None
) -> Response:
    event = service.get(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    body = service.agenda_ics(
        event,
        access.agenda(session, actor, event, person),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-agenda.ics"'},
    )


@router.post("/{event_id}/checkins", response_model=ParticipantOut, summary="签到")
def check_in(event_id: int, data: CheckInIn, session: SessionDep, actor: ActorDep) -> object:
    """组织者按参会人或签到码签到；参会人可输入本人签到码自助签到。"""
    event = service.get(session, event_id, actor.user)
    return participant_out(service.check_in(session, actor, event, data), actor.user, event)


@router.post(
    "/{event_id}/meetings/{meeting_id}/outcome", response_model=MeetingOut, summary="记录洽谈结果"
)
def outcome(
    event_id: int, meeting_id: int, data: OutcomeIn, session: SessionDep, actor: ActorDep
) -> object:
    """意向、保密协议、走访进入经纪人跟进的“洽谈”阶段，签约（含金额）进入“签约”阶段。"""
    event = service.get(session, event_id, actor.user)
    meeting = service.meeting_for(session, event, meeting_id)
    return meeting_out(service.record_outcome(session, actor, event, meeting, data))


@router.post("/{event_id}/meetings/{meeting_id}/cancel", summary="取消洽谈（空位自动补排）")
def cancel_meeting(
    event_id: int,
    meeting_id: int,
    session: SessionDep,
    actor: ActorDep,
    data: Annotated[CancelIn | None, Body()] = None,
) -> dict[str, int]:
    event = service.get(session, event_id, actor.user)
    meeting = service.meeting_for(session, event, meeting_id)
    added = service.cancel_meeting(session, actor, event, meeting, (data or CancelIn()).reason)
    return {"refilled": added}


@router.get("/{event_id}/report", response_model=ReportOut, summary="活动报告")
def report(event_id: int, session: SessionDep, actor: ActorDep) -> object:
    event = service.get(session, event_id, actor.user)
    authorize(actor.user, Action.EVENT_MANAGE, event)
    return service.report(session, event)
