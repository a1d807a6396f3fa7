"""Technology trading: deals negotiated on a listing, technical contracts and their registration.

A ``Deal`` is the conversation two organisations (and their broker) hold about a listing:
messages, offers and counter-offers, and a state from 意向 to 完成. A ``TechContract`` is the
signed technical contract, made from a deal or entered directly, with its parties, payment
milestones and payments; registration (认定登记) gives it a number and a certificate.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import (
    ContractStatus,
    ContractType,
    DealStatus,
    OfferStatus,
    OrgType,
    PartyRole,
    PartySide,
)

if TYPE_CHECKING:
    from app.models.listing import Achievement, Listing
    from app.models.organization import Organization
    from app.models.user import User


class Deal(IDMixin, TimestampMixin, Base):
    """Negotiation between a listing's organisation and the one that inquired about it."""

    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_owner_org_status", "owner_org_id", "status"),
        Index("ix_deal_inquirer_org_status", "inquirer_org_id", "status"),
    )

    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    # The listing's organisation, and the organisation whose member opened the deal.
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    inquirer_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[DealStatus] = mapped_column(
        enum_type(DealStatus), default=DealStatus.INTENT, index=True
    )
    # The price and terms both sides accepted, once an offer is accepted.
    agreed_price: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    agreed_terms: Mapped[str] = mapped_column(Text, default="")
    terminate_reason: Mapped[str] = mapped_column(String(500), default="")
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    listing: Mapped[Listing] = relationship(lazy="raise")
    owner_org: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[owner_org_id])
    inquirer_org: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[inquirer_org_id])
    opened_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[opened_by_id])
    broker: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[broker_id])
    messages: Mapped[list[DealMessage]] = relationship(
        back_populates="deal", lazy="raise", order_by="DealMessage.id"
    )
    offers: Mapped[list[DealOffer]] = relationship(
        back_populates="deal", lazy="raise", order_by="DealOffer.id"
    )

    @property
    def org_ids(self) -> tuple[int, int]:
        return (self.owner_org_id, self.inquirer_org_id)


class DealMessage(IDMixin, Base):
    __tablename__ = "deal_message"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # A line the platform writes itself (a state change, an offer) rather than a person.
    is_event: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="messages", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")


class DealOffer(IDMixin, Base):
    """A price and terms proposed by one side; the other accepts, rejects or counters."""

    __tablename__ = "deal_offer"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    price: Mapped[Decimal] = mapped_column(MoneyColumn())
    terms: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferStatus] = mapped_column(
        enum_type(OfferStatus), default=OfferStatus.PROPOSED
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="offers", lazy="raise")
    author: Mapped[User] = relationship(lazy="raise", foreign_keys=[author_id])
    org: Mapped[Organization | None] = relationship(lazy="raise")


contract_achievement = Table(
    "contract_achievement",
    Base.metadata,
    Column(
        "contract_id",
        ForeignKey("tech_contract.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("achievement_id", ForeignKey("achievement.id"), primary_key=True),
)


class TechContract(IDMixin, TimestampMixin, Base):
    """A technical contract (技术合同) and its registration (认定登记)."""

    __tablename__ = "tech_contract"
    __table_args__ = (
        CheckConstraint("tech_amount <= total_amount", name="tech_amount_within_total"),
        CheckConstraint("total_amount >= 0 AND tech_amount >= 0", name="amounts_not_negative"),
        Index("ix_tech_contract_status_registered_at", "status", "registered_at"),
    )

    title: Mapped[str] = mapped_column(String(120))
    contract_type: Mapped[ContractType] = mapped_column(enum_type(ContractType))
    # The parties' own contract number, as printed on the paper.
    contract_no: Mapped[str] = mapped_column(String(60), default="")
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"), unique=True)
    total_amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    # 技术交易额: the part of the amount paid for the technology itself (<= total_amount).
    tech_amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    signed_on: Mapped[date]
    term_start: Mapped[date | None]
    term_end: Mapped[date | None]
    # Official statistics codes (see app/trading/codes.py).
    tech_field: Mapped[str] = mapped_column(String(10))
    ip_type: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text, default="")
    # [{"number": "ZL202310000000.1", "title": "...", "kind": "invention"}, ...]
    patents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    transfer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    status: Mapped[ContractStatus] = mapped_column(
        enum_type(ContractStatus), default=ContractStatus.DRAFT, index=True
    )
    # Registration: the party that applied (登记方), the decision and the rules it used.
    registrant_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")
    registration_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    registered_at: Mapped[datetime | None]
    rules_version: Mapped[str] = mapped_column(String(100), default="")

    deal: Mapped[Deal | None] = relationship(lazy="raise")
    broker: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[broker_id])
    transfer_org: Mapped[Organization | None] = relationship(
        lazy="raise", foreign_keys=[transfer_org_id]
    )
    registrant_org: Mapped[Organization | None] = relationship(
        lazy="raise", foreign_keys=[registrant_org_id]
    )
    parties: Mapped[list[ContractParty]] = relationship(
        back_populates="contract",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ContractParty.position",
    )
    milestones: Mapped[list[ContractMilestone]] = relationship(
        back_populates="contract",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ContractMilestone.position",
    )
    payments: Mapped[list[ContractPayment]] = relationship(
        back_populates="contract",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ContractPayment.id",
    )
    achievements: Mapped[list[Achievement]] = relationship(
        secondary=contract_achievement, lazy="raise"
    )

    @property
    def achievement_ids(self) -> list[int]:
        return [a.id for a in self.achievements]

    @property
    def party_org_ids(self) -> set[int]:
        return {p.org_id for p in self.parties if p.org_id is not None}

    def side(self, side: PartySide) -> list[ContractParty]:
        return [p for p in self.parties if p.side == side]

    @property
    def sellers(self) -> list[ContractParty]:
        return self.side(PartySide.SELLER)

    @property
    def buyers(self) -> list[ContractParty]:
        return self.side(PartySide.BUYER)

    @property
    def paid_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


class ContractParty(IDMixin, Base):
    """One party to a contract, as it stood when the contract was signed."""

    __tablename__ = "contract_party"
    __table_args__ = (Index("ix_contract_party_org_id", "org_id"),)

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("tech_contract.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[PartyRole] = mapped_column(enum_type(PartyRole))
    # A party on the platform has its organisation; one that is not still has a name.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(String(120))
    org_type: Mapped[OrgType] = mapped_column(enum_type(OrgType))
    region_code: Mapped[str] = mapped_column(String(6))
    # Registered in the city (not 220199 长春市外), as of signing.
    is_local: Mapped[bool]
    # 法人类型 code for statistics (see app/trading/codes.py).
    legal_person_type: Mapped[str] = mapped_column(String(10))

    contract: Mapped[TechContract] = relationship(back_populates="parties", lazy="raise")
    org: Mapped[Organization | None] = relationship(lazy="raise")

    @property
    def side(self) -> PartySide:
        return self.role.side


class ContractMilestone(IDMixin, Base):
    """A stage of the contract with the amount due for it (实施, 中期检查, 验收 ...)."""

    __tablename__ = "contract_milestone"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("tech_contract.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    due_on: Mapped[date | None]
    completed_on: Mapped[date | None]

    contract: Mapped[TechContract] = relationship(back_populates="milestones", lazy="raise")
    payments: Mapped[list[ContractPayment]] = relationship(
        back_populates="milestone", lazy="raise", order_by="ContractPayment.id"
    )

    @property
    def paid_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


class ContractPayment(IDMixin, Base):
    """Money received under a contract, against one milestone."""

    __tablename__ = "contract_payment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("tech_contract.id", ondelete="CASCADE"), index=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract_milestone.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    paid_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[TechContract] = relationship(back_populates="payments", lazy="raise")
    milestone: Mapped[ContractMilestone | None] = relationship(
        back_populates="payments", lazy="raise"
    )


class RegistrationCounter(Base):
    """The last registration number given out per region and year.

    Incremented in the approving transaction, so a rolled-back approval gives its number back
    and the sequence has no gaps; the row lock serialises concurrent approvals.
    """

    __tablename__ = "registration_counter"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
