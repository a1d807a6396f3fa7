"""The events' state machines and the rules the other event modules share."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.audit import SYSTEM
from app.core.db import utcnow
from app.core.permissions import Action
from app.core.workflow import Transition, Workflow
from app.events import repository
from app.models import (
    EventParticipant,
)
from app.models.enums import (
    EventStatus,
    MeetingRequestStatus,
    MeetingStatus,
)

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
        # audited as "meeting.outcome": recording (or correcting) how the meeting went
        Transition("outcome", "记录洽谈结果", frozenset({M.SCHEDULED, M.HELD}), M.HELD),
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


def _org_name(person: EventParticipant) -> str:
    return person.org.name if person.org is not None else "个人"


EXPIRED_SUMMARY = "约见逾期未答复"


def expire_all_overdue(session: Session) -> int:
    """The periodic job: every event's overdue requests."""
    return expire_overdue(session)


def expire_overdue(session: Session, *, event_id: int | None = None) -> int:
    """Pending requests nobody answered in time expire; the sender is told (notices)."""
    expired = 0
    for request in repository.overdue_requests(session, utcnow()):
        if event_id is not None and request.event_id != event_id:
            continue
        request_flow.run(session, SYSTEM, request, "expire", summary=EXPIRED_SUMMARY)
        expired += 1
    return expired
