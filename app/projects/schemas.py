"""What the 项目管理 API accepts and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from app.core.money import Money
from app.core.schemas import PlausibleDate, Schema
from app.models.enums import OrgTagKind, OrgType
from app.projects.forms import FormField


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


OptionalMoney = Annotated[Money | None, BeforeValidator(_blank_to_none)]


class CriterionIn(Schema):
    name: str = Field(min_length=1, max_length=30, description="评价指标")
    weight: int = Field(ge=1, le=100, description="权重（%）")


class CallCreate(Schema):
    """A call (申报指南) of one programme; staff publish it once it is complete."""

    programme: str = Field(max_length=40, description="资金项目代码，如 enterprise_rd")
    title: str = Field(min_length=4, max_length=200, description="指南名称")
    year: int = Field(ge=2000, le=2100, description="年度")
    summary: str = Field("", max_length=20000, description="支持方向与申报要求")
    eligibility: str = Field("", max_length=5000, description="申报条件（说明）")
    org_types: list[OrgType] = Field(default_factory=list, description="可申报的机构类型；空为不限")
    required_tags: list[OrgTagKind] = Field(
        default_factory=list, description="申报单位须具备的认定（如 high_tech）"
    )
    opens_on: PlausibleDate = Field(description="申报开始日期")
    closes_on: PlausibleDate = Field(description="申报截止日期（含当日）")
    budget: Money = Field(description="本指南资金总额（元）")
    max_amount: Money = Field(description="单个项目最高资助（元），不超过政策上限")
    criteria: list[CriterionIn] = Field(min_length=1, max_length=10, description="评价指标与权重")
    form: list[FormField] = Field(default_factory=list, max_length=40, description="申报书字段")
    tranche_percents: list[int] = Field(
        default_factory=lambda: [40, 30, 30],
        min_length=3,
        max_length=3,
        description="立项、中期、验收三期拨款比例（%），合计 100",
    )
    content_id: int | None = Field(None, ge=1, description="信息发布中对应的申报指南")


class CallOut(Schema):
    id: int
    programme: str
    programme_name: str
    item_no: int
    clause_url: str
    title: str
    year: int
    summary: str
    eligibility: str
    org_types: list[str]
    required_tags: list[str]
    opens_on: date
    closes_on: date
    budget: Money
    max_amount: Money
    committed: Money
    criteria: list[dict[str, Any]]
    form: list[dict[str, Any]]
    tranche_percents: list[int]
    status: str
    status_label: str
    content_id: int | None
    guide_url: str | None


class ApplicationFields(Schema):
    """The application; ``None`` in an update leaves a field as it is."""

    title: str | None = Field(None, min_length=4, max_length=200, description="项目名称")
    summary: str | None = Field(None, max_length=20000, description="项目简介")
    requested_amount: OptionalMoney = Field(None, description="申请资助金额（元）")
    answers: dict[str, Any] | None = Field(None, description="申报书各字段，键为字段代码")
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    version: int | None = Field(None, ge=1, description="修改所依据的版本；已被他人修改时 409")


class ApplicationOut(Schema):
    id: int
    call_id: int
    org_id: int | None
    org_name: str
    number: str | None
    status: str
    status_label: str
    title: str
    summary: str
    requested_amount: Money | None
    answers: dict[str, Any]
    contact_name: str
    contact_phone: str
    version: int
    submitted_at: datetime | None
    mean_score: Decimal | None
    rank: int | None
    rank_note: str
    approved_amount: Money | None
    publicity_ends_on: date | None
    task_goals: str
    actions: list[str] = Field(description="当前用户此刻可执行的操作")


class NoteIn(Schema):
    note: str = Field("", max_length=2000, description="意见或理由")


class ReasonIn(Schema):
    note: str = Field(min_length=2, max_length=2000, description="理由（必填）")


class ApproveIn(Schema):
    amount: Money = Field(description="核定资助金额（元）")
    note: str = Field("", max_length=2000)


class EstablishIn(Schema):
    task_goals: str = Field(min_length=10, max_length=20000, description="任务书：目标与考核指标")
    midterm_due: PlausibleDate = Field(description="中期检查日期")
    final_due: PlausibleDate = Field(description="验收日期")


class ReportIn(Schema):
    report: str = Field(min_length=10, max_length=20000, description="报告内容")


class PanelForm(Schema):
    expert_ids: list[int] = Field(min_length=1, max_length=30, description="评审专家用户编号")


class ScoreItem(Schema):
    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=2000)


class ScoreIn(Schema):
    items: list[ScoreItem] = Field(min_length=1, max_length=10, description="依评价指标顺序")


class ScoreOut(Schema):
    entry_id: int
    expert_id: int
    total: Decimal
    items: list[dict[str, Any]]


class MemberOut(Schema):
    expert_id: int
    name: str
    status: str
    status_label: str
    conflicts: list[str]


class MilestoneOut(Schema):
    seq: int
    name: str
    due_on: date
    percent: int
    amount: Money
    status: str
    status_label: str
    report: str
    note: str


class StepOut(Schema):
    action: str
    label: str
    status: str
    status_label: str
    at: datetime
    actor: str
    note: str


class StageOut(Schema):
    name: str
    state: str = Field(description="done / current / todo")


class ProgressOut(Schema):
    stages: list[StageOut]
    steps: list[StepOut]
    milestones: list[MilestoneOut]


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int
    content_type: str
    url: str


class ObjectionIn(Schema):
    reasons: str = Field(min_length=10, max_length=5000, description="异议的事实和理由")


class ObjectionAnswerIn(Schema):
    decision: Literal["uphold", "revoke"] = Field(description="uphold 维持立项 / revoke 撤销立项")
    reasons: str = Field(min_length=2, max_length=5000, description="答复理由")


class ObjectionOut(Schema):
    id: int
    application_id: int
    project_title: str
    status: str
    status_label: str
    reasons: str
    answer: str
    filed_at: datetime
    answered_at: datetime | None


class CallRevise(Schema):
    """A correction of a published call: only what is given changes.

    Dates, texts and the budget (upward) may be corrected while the call is open; the
    criteria only while no application was submitted. The programme, year, single-project
    cap, form and tranches are fixed once published (refused with the reason)."""

    title: str | None = Field(None, min_length=4, max_length=200, description="指南名称")
    summary: str | None = Field(None, max_length=20000, description="支持方向与申报要求")
    eligibility: str | None = Field(None, max_length=5000, description="申报条件（说明）")
    opens_on: PlausibleDate | None = Field(None, description="申报开始日期")
    closes_on: PlausibleDate | None = Field(None, description="申报截止日期（含当日）")
    budget: OptionalMoney = Field(None, description="资金总额（元），只能调增")
    criteria: list[CriterionIn] | None = Field(None, max_length=10, description="评价指标与权重")
    programme: str | None = Field(None, description="发布后不可修改")
    year: int | None = Field(None, description="发布后不可修改")
    max_amount: OptionalMoney = Field(None, description="发布后不可修改")
    form: list[FormField] | None = Field(None, description="发布后不可修改")
    tranche_percents: list[int] | None = Field(None, description="发布后不可修改")
