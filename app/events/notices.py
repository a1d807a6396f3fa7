"""What matchmaking events tell people: registration, suggestions, meeting requests, the
schedule and its changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.core.clock import local
from app.core.workflow import WorkflowEvent, on
from app.notifications import service as notifications
from app.notifications.kinds import kind

ORGANISER_ADDED = kind(
    "event.organiser",
    "成为活动组织者",
    title="您已成为活动“{event}”的组织者",
    body="您可以管理报名、约见、日程、签到和活动报告。",
)
SCHEDULE_PUBLISHED = kind(
    "event.publish",
    "活动日程发布",
    title="“{event}”日程已发布：您有{count}场洽谈",
    body="请查看您的个人日程，可打印或导入日历；到场后凭签到码签到。",
)
EVENT_CANCELLED = kind(
    "event.cancel", "活动取消", title="活动“{event}”已取消", body="给您带来不便，敬请谅解。"
)
REGISTERED_BY_OTHER = kind(
    "event.registered",
    "被他人报名活动",
    title="{by}为您报名了“{event}”",
    body="您可以在活动页查看系统推荐的洽谈对象并发出约见。",
)
SUGGESTED = kind(
    "event.suggested",
    "活动洽谈推荐",
    title="“{event}”为您推荐了{count}位洽谈对象",
    body="推荐依据是您携带的成果或需求与对方的匹配度。您可以发出约见，也可以忽略。",
)
REQUEST_RECEIVED = kind(
    "event.request",
    "收到洽谈约见",
    title="{sender}（{org}）约您在“{event}”洽谈",
    body="{message}\n请在{answer_by}前答复，逾期自动失效。",
)
REQUEST_ACCEPTED = kind(
    "event.request_accept",
    "约见被接受",
    title="{responder}接受了“{event}”的洽谈约见",
    body="组织者排定日程后，您会收到时间和桌号。",
)
REQUEST_DECLINED = kind(
    "event.request_decline",
    "约见被婉拒",
    title="{responder}婉拒了“{event}”的洽谈约见",
    body="您可以约见其他参会人。",
)
REQUEST_EXPIRED = kind(
    "event.request_expired",
    "约见过期",
    title="您发出的洽谈约见已过期",
    body="对方未在期限内答复。您可以重新发出约见，或约见其他参会人。",
    mail=False,
)
MEETING_ADDED = kind(
    "event.meeting_added",
    "候补补排洽谈",
    title="新增洽谈：{when} {table}，对方{other}",
    body="“{event}”有空位，已从候补中为您补排一场洽谈。",
)
MEETING_CANCELLED = kind(
    "event.meeting_cancelled",
    "洽谈取消",
    title="洽谈取消：{when} {table}",
    body="原因：{reason}。",
)
MEETING_CANCELLED_BY_PARTY = kind(
    "event.meeting_cancelled_by_party",
    "对方取消洽谈",
    title="洽谈取消：{when} 与{by}",
    body="原因：{reason}。该时段可能为您补排其他洽谈，请留意日程。",
)


def when(moment: datetime) -> str:
    """A time as people read it in a notice: 12月03日 14:30 (Beijing time)."""
    return f"{local(moment):%m月%d日 %H:%M}"


# ---------------------------------------------------------------- workflow subscribers


@on("meeting_request.expire")
def tell_sender_expired(session: Session, event: WorkflowEvent) -> None:
    request = event.obj
    sender = request.party_a if request.requested_by_id == request.party_a_id else request.party_b
    notifications.send(
        session, sender.user, REQUEST_EXPIRED, link=f"/events/{request.event_id}/requests"
    )


@on("meeting.cancel")
def tell_cancelled(session: Session, event: WorkflowEvent) -> None:
    """A party who withdrew (declined, unregistered): the other is told who. A party or an
    organiser who cancelled the meeting: everybody else on it."""
    meeting = event.obj
    request = meeting.request
    by = event.details.get("by_participant_id")
    if event.details.get("left"):
        other, party = (
            (request.party_b, request.party_a)
            if by == request.party_a_id
            else (request.party_a, request.party_b)
        )
        notifications.send(
            session,
            other.user,
            MEETING_CANCELLED_BY_PARTY,
            link=f"/events/{meeting.event_id}/agenda",
            when=when(meeting.slot.starts_at),
            by=party.user.name,
            reason=meeting.cancel_reason,
        )
        return
    for person in (request.party_a, request.party_b):
        if person.id != by:
            notifications.send(
                session,
                person.user,
                MEETING_CANCELLED,
                link=f"/events/{meeting.event_id}/agenda",
                when=when(meeting.slot.starts_at),
                table=meeting.table.name,
                reason=meeting.cancel_reason,
            )
