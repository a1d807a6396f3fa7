"""What the 揭榜挂帅 API accepts and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field, field_validator

from app.core.money import Money
from app.core.schemas import Schema


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


OptionalMoney = Annotated[Money | None, BeforeValidator(_blank_to_none)]

DEFAULT_TRANCHES = [30, 30, 40]
MILESTONE_NAMES = ["实施", "中期检查", "验收"]


class ApplicationFields(Schema):
    """The proposal; ``None`` in an update leaves a field as it is."""

    title: str | None = Field(default=None, min_length=4, max_length=120, description="方案名称")
    team: str | None = Field(default=None, max_length=5000, description="团队与分工")
    plan: str | None = Field(default=None, max_length=20000, description="技术方案")
    budget: OptionalMoney = Field(default=None, description="经费预算（元）")
    schedule: str | None = Field(default=None, max_length=5000, description="进度安排")
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: str | None = Field(default=None, max_length=30)
    meets_requirements: bool | None = Field(default=None, description="确认满足揭榜硬性条件")
    version: int | None = Field(
        default=None,
        ge=1,
        description="修改时所依据的版本（也可用 If-Match 头）；已被他人修改时返回 409",
    )


#: Chinese names of the proposal's fields, for forms and messages.
FIELD_LABELS = {
    "title": "方案名称",
    "team": "团队与分工",
    "plan": "技术方案",
    "budget": "经费预算（元）",
    "schedule": "进度安排",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "meets_requirements": "揭榜硬性条件",
}


REQUIRED_TO_SUBMIT = {
    "title": "请填写方案名称",
    "team": "请填写团队与分工",
    "plan": "请填写技术方案",
    "budget": "请填写经费预算",
    "schedule": "请填写进度安排",
}


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int
    content_type: str
    url: str


class CriterionScore(Schema):
    name: str
    weight: int
    score: int | None = None
    comment: str = ""


class FeedbackItem(Schema):
    name: str
    weight: int
    mean: Decimal
    comments: list[str]


class Feedback(Schema):
    """What every applicant learns once the award is decided."""

    rank: int | None
    applicants: int
    mean_score: Decimal | None
    rank_note: str
    criteria: list[FeedbackItem]
    outcome: str
    decision_reason: str


class ApplicationOut(Schema):
    id: int
    challenge_id: int
    org_id: int
    org_name: str
    status: str
    status_label: str
    title: str
    team: str
    plan: str
    budget: Money | None
    schedule: str
    contact_name: str
    contact_phone: str
    meets_requirements: bool
    submitted_at: datetime | None
    version: int = Field(description="申请的版本，修改时放入 If-Match")
    attachments: list[AttachmentOut] = Field(default_factory=list)
    feedback: Feedback | None = None


class PanelForm(Schema):
    expert_ids: list[int] = Field(
        min_length=1, max_length=30, description="拟邀请的专家（用户 ID）"
    )


class MemberOut(Schema):
    expert_id: int
    expert_name: str
    org_name: str
    status: str
    status_label: str
    conflicts: list[str]


class PanelOut(Schema):
    challenge_id: int
    status: str
    status_label: str
    members: list[MemberOut]
    scoring_opened_at: datetime | None
    closed_at: datetime | None
    winner_id: int | None
    decision_reason: str
    contract_id: int | None


class ScoreItemIn(Schema):
    score: int = Field(ge=0, le=100, description="0-100 分")
    comment: str = Field(min_length=2, max_length=1000, description="评语")


class ScoreIn(Schema):
    items: list[ScoreItemIn] = Field(
        min_length=1, description="按榜单评价指标的顺序，每项一个分数和一条评语"
    )


class ScoreOut(Schema):
    # The review's scored entry is the application.
    application_id: int = Field(validation_alias=AliasChoices("application_id", "entry_id"))
    expert_id: int
    items: list[dict[str, Any]]
    total: Decimal


class RankingRow(Schema):
    application_id: int
    org_name: str
    title: str
    rank: int
    mean_score: Decimal
    criteria_means: list[Decimal]
    rank_note: str
    expert_totals: list[Decimal]


class AwardIn(Schema):
    application_id: int | None = Field(
        default=None, description="揭榜成功的申请；留空表示本榜空缺（不授榜）"
    )
    reason: str = Field(min_length=4, max_length=2000, description="决定理由")
    tranches: list[int] = Field(
        default_factory=lambda: list(DEFAULT_TRANCHES),
        description="奖励分期比例（%），依次对应 实施、中期检查、验收，合计 100",
    )

    @field_validator("tranches")
    @classmethod
    def _three_tranches(cls, value: list[int]) -> list[int]:
        if len(value) != len(MILESTONE_NAMES) or any(p <= 0 for p in value):
            raise ValueError("应为三期正整数比例，依次对应 实施、中期检查、验收")
        if sum(value) != 100:
            raise ValueError(f"各期比例之和应为 100（当前为 {sum(value)}）")
        return value


class MilestoneReport(Schema):
    report: str = Field(min_length=4, max_length=5000, description="阶段工作报告")


class MilestoneReturn(Schema):
    reason: str = Field(min_length=4, max_length=2000, description="退回原因")


class MilestoneOut(Schema):
    seq: int
    name: str
    percent: int
    amount: Money
    status: str
    status_label: str
    report: str
    return_reason: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    released_at: datetime | None
