"""Request and response shapes of /api/v1/services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field

from app.core.money import Money
from app.core.schemas import Schema
from app.incentives.schemas import OptionalMoney
from app.models.enums import CaseStatus, VoucherCategory, VoucherMode, VoucherOrderStatus


class ItemOut(Schema):
    code: str
    kind: str
    title: str
    item_no: int
    department: str
    summary: str
    guide: dict[str, Any]


class CaseCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(
        min_length=1, max_length=40, description="事项编号，如 KJCXQ（科技创新券申领）"
    )
    amount: OptionalMoney = Field(default=None, description="创新券：申领额度（元）")
    mode: VoucherMode = Field(default=VoucherMode.GENERAL, description="创新券：通用 / 通兑")
    purpose: str = Field(default="", max_length=2000, description="申请说明")
    rd_year: int | None = Field(
        default=None, ge=2000, le=2100, description="研发投入补助：研发费用所属年度"
    )
    rd_expense: OptionalMoney = Field(
        default=None, description="研发投入补助：该年度允许扣除的研发费用合计（元）"
    )
    rd_expense_last: OptionalMoney = Field(
        default=None, description="研发投入补助：上一年度允许扣除的研发费用合计（元）"
    )
    surveyed: bool = Field(default=True, description="研发投入补助：已纳入国家科技统计调查")


class CaseMove(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=1000)
    amount: OptionalMoney = Field(
        default=None, description="办结（准予）时核定的额度：创新券、专家评审类奖励"
    )


class CaseOut(Schema):
    id: int
    serial_no: str | None
    item_code: str
    item_title: str
    org_id: int
    org_name: str
    status: CaseStatus
    status_label: str
    year: int
    form: dict[str, Any]
    requested_amount: Decimal | None
    granted_amount: Decimal | None
    #: how the amount was computed (研发投入补助) or what was recorded (高企: the district's part)
    explanation: str
    district_amount: Decimal | None
    reason: str
    submitted_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, case: Any) -> CaseOut:
        return cls(
            id=case.id,
            serial_no=case.serial_no,
            item_code=case.item.code,
            item_title=case.item.title,
            org_id=case.org_id,
            org_name=case.org.name,
            status=case.status,
            status_label=case.status.label,
            year=case.year,
            form=case.form,
            requested_amount=case.requested_amount,
            granted_amount=case.granted_amount,
            explanation=case.explanation,
            district_amount=case.district_amount,
            reason=case.reason,
            submitted_at=case.submitted_at,
            finished_at=case.finished_at,
        )


class StepOut(Schema):
    label: str
    status: CaseStatus
    at: datetime
    department: str
    #: the guide's step this move opened (形式审查, 受理, …), empty once finished
    waiting: str
    due_on: date | None
    finished_at: datetime | None
    overdue: bool


class MaterialOut(Schema):
    id: int
    filename: str
    size: int
    content_type: str


class ScoreOut(Schema):
    expert_id: int
    items: list[dict[str, Any]]
    total: Decimal


class ReviewOut(Schema):
    """The expert review of an award: the panel (staff, or once decided), scores one may see."""

    criteria: list[dict[str, Any]]
    cap: Decimal
    mean: Decimal | None
    missing: list[str]
    scores: list[ScoreOut]
    may_score: bool


class ProgressOut(Schema):
    case: CaseOut
    steps: list[StepOut]
    materials: list[MaterialOut]
    review: ReviewOut | None = None


class PanelSet(Schema):
    model_config = ConfigDict(extra="forbid")

    expert_ids: list[int] = Field(min_length=1, max_length=30, description="在册专家的用户编号")


class MarkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=100)
    comment: str = Field(default="", max_length=1000)


class ScoreCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[MarkIn] = Field(min_length=1, max_length=20, description="依次对应事项的评价指标")


class BudgetSet(Schema):
    model_config = ConfigDict(extra="forbid")

    item_no: int = Field(ge=1, le=40, description="政策条款号：9、10、11、21、22")
    year: int = Field(ge=2000, le=2100)
    total: Money


class BudgetOut(Schema):
    item_no: int
    year: int
    title: str
    total: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal


class RdExpenseSet(Schema):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    amount: Money = Field(description="允许扣除的研发费用合计（元）")
    surveyed: bool = Field(default=True, description="已纳入国家科技统计调查")


class RdExpenseOut(Schema):
    year: int
    amount: Decimal
    surveyed: bool


class RdRateRevision(Schema):
    model_config = ConfigDict(extra="forbid")

    base_rate: Decimal = Field(ge=0, le=1, decimal_places=6, description="基础补助比例，如 0.05")
    increment_rate: Decimal = Field(ge=0, le=1, decimal_places=6, description="增量奖励比例")
    cap: Money
    effective_from: date
    note: str = Field(default="", max_length=1000)


class RdRateOut(Schema):
    version: int
    base_rate: Decimal
    increment_rate: Decimal
    cap: Decimal
    effective_from: date
    effective_to: date | None
    note: str


class VerdictOut(Schema):
    item_code: str
    item_title: str
    item_no: int
    clause_url: str
    eligible: bool
    reasons: list[str]
    estimate: Decimal | None
    estimate_note: str

    @classmethod
    def of(cls, v: Any) -> VerdictOut:
        return cls(
            item_code=v.item.code,
            item_title=v.item.title,
            item_no=v.item.item_no,
            clause_url=v.clause_url,
            eligible=v.eligible,
            reasons=v.reasons,
            estimate=v.estimate,
            estimate_note=v.estimate_note,
        )


class RecommendationsOut(Schema):
    org_id: int
    org_name: str
    year: int
    items: list[VerdictOut]


class LinkedOut(Schema):
    """An item another domain carries out (a contract's registration, a reward claim)."""

    kind: str
    item_title: str
    title: str
    status_label: str
    link: str
    steps: list[dict[str, Any]]


class RatingCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    grade: int = Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意；1、2 为差评")
    comment: str = Field(default="", max_length=1000)


class RatingAnswer(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(min_length=1, max_length=2000)


class RatingOut(Schema):
    id: int
    case_id: int
    grade: int
    comment: str
    follow_up_due: date | None
    answer: str
    answered_at: datetime | None


class OrderCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    provider_org_id: int
    category: VoucherCategory
    mode: VoucherMode = VoucherMode.GENERAL
    amount: Money
    description: str = Field(default="", max_length=1000)


class OrderOut(Schema):
    id: int
    case_id: int
    provider_org_id: int
    category: VoucherCategory
    mode: VoucherMode
    amount: Decimal
    voucher_amount: Decimal
    status: VoucherOrderStatus
    paid_at: datetime | None


class PoolSet(Schema):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    total: OptionalMoney = Field(default=None, description="留空：按设置的默认资金池（3,000万元）")


class PoolOut(Schema):
    year: int
    total: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal
