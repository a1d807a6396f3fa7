"""Patents and 专利查新 commissions."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class PatentLegalStatus(LabelledEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class NoveltyPurpose(LabelledEnum):
    PROJECT = "project"
    APPRAISAL = "appraisal"
    AWARD = "award"
    PATENT_FILING = "patent_filing"
    NEW_PRODUCT = "new_product"


class NoveltyStatus(LabelledEnum):
    """委托 → 检索 → 初稿 → 审核 → 出具报告."""

    COMMISSIONED = "commissioned"
    SEARCHING = "searching"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    ISSUED = "issued"


label_members(
    [
        (PatentLegalStatus.PENDING, "审中"),
        (PatentLegalStatus.GRANTED, "有效（已授权）"),
        (PatentLegalStatus.REJECTED, "驳回"),
        (PatentLegalStatus.WITHDRAWN, "撤回"),
        (PatentLegalStatus.LAPSED, "失效"),
        (NoveltyPurpose.PROJECT, "立项"),
        (NoveltyPurpose.APPRAISAL, "成果鉴定"),
        (NoveltyPurpose.AWARD, "报奖"),
        (NoveltyPurpose.PATENT_FILING, "专利申请"),
        (NoveltyPurpose.NEW_PRODUCT, "新产品"),
        (NoveltyStatus.COMMISSIONED, "委托"),
        (NoveltyStatus.SEARCHING, "检索"),
        (NoveltyStatus.DRAFTED, "初稿"),
        (NoveltyStatus.IN_REVIEW, "审核"),
        (NoveltyStatus.ISSUED, "出具报告"),
    ]
)
