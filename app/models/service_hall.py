"""The service hall (企业办事): items with their guides, applications (办件), ratings, vouchers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import (
    CaseStatus,
    FollowUpStatus,
    VoucherCategory,
    VoucherMode,
    VoucherOrderStatus,
)

if TYPE_CHECKING:
    from app.models.organization import Organization


class ServiceItem(IDMixin, TimestampMixin, Base):
    """One 事项 of the catalogue; its 办事指南 is data (see ``app/services/guide.py``)."""

    __tablename__ = "service_item"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: what the application computes or checks: "innovation_voucher", or "general"
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    item_no: Mapped[int]
    department: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: {"conditions": [...], "materials": [{"name", "types"}], "steps": [{"name", "department",
    #: "days"}], "fees": "...", "contact": "...", "visits": 0}
    guide: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)


class ServiceCounter(Base):
    """The last 流水号 sequence given out in a year; bumped in the submitting transaction."""

    __tablename__ = "service_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class ServiceCase(IDMixin, TimestampMixin, Base):
    """An application (办件) of one organisation for one item."""

    __tablename__ = "service_case"

    serial_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus), default=CaseStatus.DRAFT, index=True
    )
    year: Mapped[int] = mapped_column(index=True)
    #: what the applicant filled in (for 创新券: amount, mode, purpose)
    form: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    granted_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    reason: Mapped[str] = mapped_column(Text, default="")
    #: how the amount was computed or checked, in Chinese (研发投入补助: base + increment)
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: 高新技术企业认定补贴: the district's 后补助 reward, recorded beside the city's voucher
    district_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    submitted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    item: Mapped[ServiceItem] = relationship(lazy="raise")
    org: Mapped[Organization] = relationship(lazy="raise")
    steps: Mapped[list[ServiceCaseStep]] = relationship(
        lazy="raise", order_by="ServiceCaseStep.id", cascade="all, delete-orphan"
    )


class ServiceCaseStep(IDMixin, Base):
    """One move of an application: who, when, by when it was due, and the note given."""

    __tablename__ = "service_case_step"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("service_case.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    department: Mapped[str] = mapped_column(String(80), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    #: the legal time limit of the step that this move opened (None when nothing is due)
    due_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class ServiceRating(IDMixin, TimestampMixin, Base):
    """好差评 of a finished application; a 差评 (grade ≤ 2) opens a follow-up with a due date."""

    __tablename__ = "service_rating"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("service_case.id", ondelete="CASCADE"), unique=True
    )
    grade: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    follow_up_due: Mapped[date | None] = mapped_column(index=True)
    #: 差评 open for the bureau's answer, answered, or nothing to answer (moved by RATING_FLOW)
    follow_up: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus), default=FollowUpStatus.NONE, server_default="none", index=True
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]

    case: Mapped[ServiceCase] = relationship(lazy="raise")


class VoucherOrder(IDMixin, TimestampMixin, Base):
    """使用 of a granted 创新券: a service order with a provider, then its 兑付."""

    __tablename__ = "voucher_order"
    __table_args__ = (UniqueConstraint("case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id", ondelete="CASCADE"))
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    category: Mapped[VoucherCategory] = mapped_column(enum_type(VoucherCategory))
    mode: Mapped[VoucherMode] = mapped_column(enum_type(VoucherMode))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the service's price; the voucher pays ``voucher_amount`` of it, the enterprise the rest
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    voucher_amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    status: Mapped[VoucherOrderStatus] = mapped_column(
        enum_type(VoucherOrderStatus), default=VoucherOrderStatus.ORDERED
    )
    paid_at: Mapped[datetime | None]

    case: Mapped[ServiceCase] = relationship(lazy="raise")
    provider: Mapped[Organization] = relationship(lazy="raise")


class RdSubsidyRate(IDMixin, TimestampMixin, Base):
    """One version of the bureau's rates for 研发投入补助 (policy item 21).

    A change is a new version with its own ``effective_from``; the previous one is closed
    (``effective_to``) and the applications computed under it keep its number.
    """

    __tablename__ = "rd_subsidy_rate"

    version: Mapped[int] = mapped_column(unique=True)
    #: share of this year's 允许扣除的研发费用合计 (0.05 for 5 %)
    base_rate: Mapped[Decimal] = mapped_column(Numeric(9, 6, asdecimal=True))
    #: share of the increase over last year's
    increment_rate: Mapped[Decimal] = mapped_column(Numeric(9, 6, asdecimal=True))
    cap: Mapped[Decimal] = mapped_column(MoneyColumn())
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class OrgRdExpense(IDMixin, TimestampMixin, Base):
    """An enterprise's recorded 允许扣除的研发费用合计 of one year (a fact 精准推送 reads)."""

    __tablename__ = "org_rd_expense"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    year: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    #: 纳入国家科技统计调查 that year
    surveyed: Mapped[bool] = mapped_column(default=True)


class ServiceCaseMaterial(IDMixin, Base):
    """Which required material of the item's guide an uploaded file of a case is (one a slot)."""

    __tablename__ = "service_case_material"
    __table_args__ = (UniqueConstraint("case_id", "material_no"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id", ondelete="CASCADE"))
    #: the index of the material in ``guide["materials"]``
    material_no: Mapped[int]
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), unique=True
    )
