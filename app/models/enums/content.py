"""信息发布: news, policies, notices, calls for applications and success stories."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class ContentKind(LabelledEnum):
    NEWS = "news"
    POLICY = "policy"
    NOTICE = "notice"
    CALL = "call"
    STORY = "story"


class ContentStatus(LabelledEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


label_members(
    [
        (ContentKind.NEWS, "新闻动态"),
        (ContentKind.POLICY, "政策文件"),
        (ContentKind.NOTICE, "通知公告"),
        (ContentKind.CALL, "申报指南"),
        (ContentKind.STORY, "成果发布"),
        (ContentStatus.DRAFT, "草稿"),
        (ContentStatus.IN_REVIEW, "待审核"),
        (ContentStatus.RETURNED, "已退回"),
        (ContentStatus.SCHEDULED, "定时发布"),
        (ContentStatus.PUBLISHED, "已发布"),
        (ContentStatus.EXPIRED, "已过期"),
        (ContentStatus.WITHDRAWN, "已撤回"),
    ]
)
