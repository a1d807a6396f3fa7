"""The policy's rewards: rules as data (versioned), yearly budgets, and the claims they produce."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import CapScope, ClaimStatus, IncentiveBase, IncentiveBeneficiary

if TYPE_CHECKING:
    from app.models.organization import Organization
    from app.models.user import User


class IncentiveRule(IDMixin, TimestampMixin, Base):
    """One reward of the policy, one version of it.

    A change of the policy adds a version with its own ``effective_from`` and closes the
    previous one (``effective_to``), so claims keep pointing at the rule they were judged by.
    """

    __tablename__ = "incentive_rule"
    __table_args__ = (UniqueConstraint("code", "version"),)

    code: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(default=1)
    item_no: Mapped[int]
    clause: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    clause_text: Mapped[str] = mapped_column(Text, default="")
    beneficiary: Mapped[IncentiveBeneficiary] = mapped_column(enum_type(IncentiveBeneficiary))
    #: contract types, party conditions, thresholds and required facts (see RuleConditions)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    base: Mapped[IncentiveBase] = mapped_column(enum_type(IncentiveBase))
    #: a fraction (0.03 for 3 %); None when the amount is decided by selection alone
    rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6, asdecimal=True))
    cap: Mapped[Decimal] = mapped_column(MoneyColumn())
    cap_scope: Mapped[CapScope] = mapped_column(enum_type(CapScope))
    tier: Mapped[int] = mapped_column(default=1)
    #: rules sharing a group are alternatives: one contract receives at most one of them
    exclusive_group: Mapped[str] = mapped_column(String(20), default="")
    requires_selection: Mapped[bool] = mapped_column(default=False)
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class IncentiveClaim(IDMixin, TimestampMixin, Base):
    """A reward one beneficiary may receive for one registered contract under one rule."""

    __tablename__ = "incentive_claim"
    __table_args__ = (
        UniqueConstraint("contract_id", "rule_id", "beneficiary_key"),
        Index("ix_incentive_claim_cap", "rule_code", "beneficiary_key", "year"),
    )

    rule_id: Mapped[int] = mapped_column(ForeignKey("incentive_rule.id"))
    rule_code: Mapped[str] = mapped_column(String(20))
    item_no: Mapped[int] = mapped_column(index=True)
    year: Mapped[int] = mapped_column(index=True)
    # Registered contracts are never deleted: RESTRICT keeps a claim from losing its contract.
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("tech_contract.id", ondelete="RESTRICT"), index=True
    )
    contract_label: Mapped[str] = mapped_column(String(200), default="")
    beneficiary: Mapped[IncentiveBeneficiary] = mapped_column(enum_type(IncentiveBeneficiary))
    #: "org:12", "user:5" or "name:…": what annual caps add up over
    beneficiary_key: Mapped[str] = mapped_column(String(140))
    beneficiary_name: Mapped[str] = mapped_column(String(120), default="")
    beneficiary_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    beneficiary_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    base_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6, asdecimal=True))
    #: what the computation gave (for selection rules without a rate: the most it may be)
    computed_amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    approved_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    requires_selection: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ClaimStatus] = mapped_column(
        enum_type(ClaimStatus), default=ClaimStatus.PENDING, index=True
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    rule: Mapped[IncentiveRule] = relationship(lazy="raise")
    beneficiary_org: Mapped[Organization | None] = relationship(lazy="raise")
    beneficiary_user: Mapped[User | None] = relationship(
        lazy="raise", foreign_keys=[beneficiary_user_id]
    )

    @property
    def counted_amount(self) -> Decimal:
        """What this claim takes from an annual cap: the decision, or the quote while pending."""
        if self.status == ClaimStatus.REJECTED:
            return Decimal("0.00")
        if self.approved_amount is not None:
            return self.approved_amount
        return self.computed_amount
