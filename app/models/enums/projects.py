"""项目管理: programme calls (申报指南) and the projects applied for under them."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class CallStatus(LabelledEnum):
    """A programme call: drafted, open for applications, under expert review, ranked."""

    DRAFT = "draft"
    OPEN = "open"
    SCORING = "scoring"
    RANKED = "ranked"


class ProjectStatus(LabelledEnum):
    """One application under a call, from the draft to the project's closing (结项)."""

    DRAFT = "draft"
    UNIT_REVIEW = "unit_review"
    UNIT_RETURNED = "unit_returned"
    SUBMITTED = "submitted"
    FORMAL_FAILED = "formal_failed"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    PUBLICIZED = "publicized"
    IN_PROGRESS = "in_progress"
    MIDTERM_REVIEW = "midterm_review"
    ACCEPTANCE = "acceptance"
    RECTIFYING = "rectifying"
    ACCEPTED = "accepted"
    FAILED = "failed"
    CLOSED = "closed"
    #: 撤销立项: an objection during the 立项公示 was upheld; its reservation is released
    REVOKED = "revoked"


class FollowUpStatus(LabelledEnum):
    """Whether a rating of a finished case needs the bureau's answer (差评, grade ≤ 2)."""

    NONE = "none"
    OPEN = "open"
    ANSWERED = "answered"


class ObjectionStatus(LabelledEnum):
    """An objection (异议) filed during a project's 立项公示, and the bureau's answer."""

    OPEN = "open"
    UPHELD = "upheld"
    REVOKED = "revoked"


label_members(
    [
        (CallStatus.DRAFT, "草稿"),
        (CallStatus.OPEN, "申报中"),
        (CallStatus.SCORING, "专家评审中"),
        (CallStatus.RANKED, "评审结束"),
        (ProjectStatus.REVOKED, "已撤销立项"),
        (ProjectStatus.DRAFT, "草稿"),
        (ProjectStatus.UNIT_REVIEW, "待单位审核"),
        (ProjectStatus.UNIT_RETURNED, "单位退回修改"),
        (ProjectStatus.SUBMITTED, "待形式审查"),
        (ProjectStatus.FORMAL_FAILED, "形式审查未通过"),
        (ProjectStatus.IN_REVIEW, "专家评审"),
        (ProjectStatus.APPROVED, "拟立项"),
        (ProjectStatus.NOT_APPROVED, "未立项"),
        (ProjectStatus.PUBLICIZED, "立项公示中"),
        (ProjectStatus.IN_PROGRESS, "执行中"),
        (ProjectStatus.MIDTERM_REVIEW, "中期检查"),
        (ProjectStatus.ACCEPTANCE, "验收中"),
        (ProjectStatus.RECTIFYING, "验收整改"),
        (ProjectStatus.ACCEPTED, "验收通过"),
        (ProjectStatus.FAILED, "验收不通过"),
        (ProjectStatus.CLOSED, "已结项"),
        (FollowUpStatus.NONE, "无需答复"),
        (FollowUpStatus.OPEN, "待答复"),
        (FollowUpStatus.ANSWERED, "已答复"),
        (ObjectionStatus.OPEN, "待答复"),
        (ObjectionStatus.UPHELD, "维持立项"),
        (ObjectionStatus.REVOKED, "撤销立项"),
    ]
)
