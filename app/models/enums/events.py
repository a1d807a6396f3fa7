"""Matchmaking events and their 1:1 meetings."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class EventKind(LabelledEnum):
    THREE_CHIEFS = "three_chiefs"
    CAMPUS_TO_ENTERPRISE = "campus_to_enterprise"
    ENTERPRISE_TO_CAMPUS = "enterprise_to_campus"
    LAUNCH = "launch"
    MATCHMAKING = "matchmaking"
    ROADSHOW = "roadshow"


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    REGISTRATION = "registration"
    CLOSED = "closed"
    SCHEDULED = "scheduled"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class ChiefRole(LabelledEnum):
    MAYOR = "mayor"
    PRESIDENT = "president"
    CHAIRMAN = "chairman"


class MeetingRequestStatus(LabelledEnum):
    SUGGESTED = "suggested"
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class MeetingStatus(LabelledEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class MeetingOutcome(LabelledEnum):
    NONE = "none"
    INTENT = "intent"
    NDA = "nda"
    VISIT = "visit"
    CONTRACT = "contract"


label_members(
    [
        (EventKind.THREE_CHIEFS, "三长联动"),
        (EventKind.CAMPUS_TO_ENTERPRISE, "高校走进企业"),
        (EventKind.ENTERPRISE_TO_CAMPUS, "企业走进高校"),
        (EventKind.LAUNCH, "成果发布会"),
        (EventKind.MATCHMAKING, "对接会"),
        (EventKind.ROADSHOW, "路演会"),
        (EventStatus.DRAFT, "筹备中"),
        (EventStatus.REGISTRATION, "报名中"),
        (EventStatus.CLOSED, "报名截止"),
        (EventStatus.SCHEDULED, "日程已发布"),
        (EventStatus.FINISHED, "已结束"),
        (EventStatus.CANCELLED, "已取消"),
        (ChiefRole.MAYOR, "市长"),
        (ChiefRole.PRESIDENT, "校长"),
        (ChiefRole.CHAIRMAN, "董事长"),
        (MeetingRequestStatus.SUGGESTED, "系统推荐"),
        (MeetingRequestStatus.PENDING, "待对方回复"),
        (MeetingRequestStatus.ACCEPTED, "双方同意"),
        (MeetingRequestStatus.DECLINED, "已婉拒"),
        (MeetingRequestStatus.EXPIRED, "已过期"),
        (MeetingRequestStatus.CANCELLED, "已取消"),
        (MeetingStatus.SCHEDULED, "已安排"),
        (MeetingStatus.HELD, "已洽谈"),
        (MeetingStatus.NO_SHOW, "未到场"),
        (MeetingStatus.CANCELLED, "已取消"),
        (MeetingOutcome.NONE, "暂无进展"),
        (MeetingOutcome.INTENT, "达成意向"),
        (MeetingOutcome.NDA, "签署保密协议"),
        (MeetingOutcome.VISIT, "约定走访"),
        (MeetingOutcome.CONTRACT, "签约"),
    ]
)
