"""Matching: the supply–demand pipeline and the kinds of matches."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class PipelineStage(LabelledEnum):
    """Where a proposed supply–demand pair stands; only ever moves forward (or closes)."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    CLOSED = "closed"


class MatchKind(LabelledEnum):
    ACHIEVEMENT = "achievement"
    DEMAND = "demand"
    CHALLENGE = "challenge"
    EXPERT = "expert"
    ORGANIZATION = "organization"


label_members(
    [
        (PipelineStage.PROPOSED, "推荐"),
        (PipelineStage.CONFIRMED, "双方确认"),
        (PipelineStage.NEGOTIATING, "洽谈"),
        (PipelineStage.SIGNED, "签约"),
        (PipelineStage.CLOSED, "关闭"),
        (MatchKind.ACHIEVEMENT, "科技成果"),
        (MatchKind.DEMAND, "技术需求"),
        (MatchKind.CHALLENGE, "揭榜挂帅"),
        (MatchKind.EXPERT, "专家"),
        (MatchKind.ORGANIZATION, "机构"),
    ]
)
