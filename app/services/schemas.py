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


class CaseMove(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=1000)
    amount: OptionalMoney = Field(default=None, description="创新券办结（准予）时核定的额度")


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


class ProgressOut(Schema):
    case: CaseOut
    steps: list[StepOut]
    materials: list[MaterialOut]


class RatingCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    grade: int = Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意；1、2 为差评")
    comment: str = Field(default="", max_length=1000)


class RatingAnswer(Schema):
    model_config = ConfigDict(extra="forbid")

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
