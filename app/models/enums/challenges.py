"""Applications, expert panels and milestones (揭榜挂帅, projects and the service hall share them)."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class ApplicationStatus(LabelledEnum):
    """A solver's application (揭榜申请) to a challenge."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


class PanelStatus(LabelledEnum):
    """The expert review of one challenge, from forming the panel to the award."""

    FORMING = "forming"
    SCORING = "scoring"
    CLOSED = "closed"
    AWARDED = "awarded"
    NO_AWARD = "no_award"


class PanelMemberStatus(LabelledEnum):
    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"


class MilestoneStatus(LabelledEnum):
    """A milestone of an awarded challenge; accepting it releases its tranche."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


label_members(
    [
        (ApplicationStatus.DRAFT, "草稿"),
        (ApplicationStatus.SUBMITTED, "已提交"),
        (ApplicationStatus.WITHDRAWN, "已撤回"),
        (ApplicationStatus.AWARDED, "揭榜成功"),
        (ApplicationStatus.NOT_AWARDED, "未中榜"),
        (PanelStatus.FORMING, "专家组组建中"),
        (PanelStatus.SCORING, "专家评审中"),
        (PanelStatus.CLOSED, "评审结束"),
        (PanelStatus.AWARDED, "已确定揭榜方"),
        (PanelStatus.NO_AWARD, "本榜空缺"),
        (PanelMemberStatus.ELIGIBLE, "参加评审"),
        (PanelMemberStatus.EXCLUDED, "回避"),
        (MilestoneStatus.PENDING, "待提交"),
        (MilestoneStatus.SUBMITTED, "待验收"),
        (MilestoneStatus.RETURNED, "已退回"),
        (MilestoneStatus.ACCEPTED, "已验收"),
    ]
)
