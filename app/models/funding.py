"""Funding: budget lines, the reservations and tranches drawn on them, and one ledger.

A ``BudgetLine`` is the money of one programme (a policy item's rewards, a challenge's reward,
a call's grants) for one year. A ``FundingReservation`` sets part of it aside for one subject
``(subject_type, subject_id)``; its ``FundingTranche`` rows are the instalments, each released
when the milestone it stands for is accepted, then paid. Every movement of money is one
``LedgerEntry`` (reserve, release, pay, cancel): rows are only ever added, never changed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import LedgerKind, ReservationStatus, TrancheStatus

ZERO = Decimal("0.00")

#: programme of the policy's yearly reward budgets: ``item_no`` is the policy item (第15条).
POLICY = "policy"


class BudgetLine(IDMixin, TimestampMixin, Base):
    """The money of one programme item for one year, and how much of it is spoken for.

    ``committed`` is what open reservations hold (released and paid money included);
    ``released`` and ``paid`` are the parts of it that have gone further. The check constraint
    is the last guard: the service locks the row and refuses first, with a message.
    """

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("programme", "item_no", "year"),
        CheckConstraint("committed <= total", name="within_total"),
        CheckConstraint("released <= committed", name="released_within_committed"),
        CheckConstraint("paid <= released", name="paid_within_released"),
    )

    programme: Mapped[str] = mapped_column(String(40), default=POLICY, server_default=POLICY)
    item_no: Mapped[int]
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    total: Mapped[Decimal] = mapped_column(MoneyColumn())
    committed: Mapped[Decimal] = mapped_column(MoneyColumn(), default=ZERO, server_default="0")
    released: Mapped[Decimal] = mapped_column(MoneyColumn(), default=ZERO, server_default="0")
    paid: Mapped[Decimal] = mapped_column(MoneyColumn(), default=ZERO, server_default="0")

    @property
    def remaining(self) -> Decimal:
        return self.total - self.committed


class FundingReservation(IDMixin, TimestampMixin, Base):
    """Part of a budget line set aside for one subject, paid out tranche by tranche."""

    __tablename__ = "funding_reservation"
    __table_args__ = (
        Index("ix_funding_reservation_subject", "subject_type", "subject_id"),
        CheckConstraint("released <= amount", name="released_within_amount"),
        CheckConstraint("paid <= released", name="paid_within_released"),
    )

    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    released: Mapped[Decimal] = mapped_column(MoneyColumn(), default=ZERO, server_default="0")
    paid: Mapped[Decimal] = mapped_column(MoneyColumn(), default=ZERO, server_default="0")
    status: Mapped[ReservationStatus] = mapped_column(
        enum_type(ReservationStatus), default=ReservationStatus.OPEN
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    budget_line: Mapped[BudgetLine] = relationship(lazy="raise")
    tranches: Mapped[list[FundingTranche]] = relationship(
        back_populates="reservation", lazy="raise", order_by="FundingTranche.seq"
    )


class FundingTranche(IDMixin, TimestampMixin, Base):
    """One instalment of a reservation, released against one accepted milestone."""

    __tablename__ = "funding_tranche"
    __table_args__ = (UniqueConstraint("reservation_id", "seq"),)

    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("funding_reservation.id", ondelete="CASCADE")
    )
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    status: Mapped[TrancheStatus] = mapped_column(
        enum_type(TrancheStatus), default=TrancheStatus.PENDING
    )
    released_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    reservation: Mapped[FundingReservation] = relationship(back_populates="tranches", lazy="raise")


class LedgerEntry(IDMixin, Base):
    """One movement of money; append-only (an ORM update or delete raises)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_subject", "subject_type", "subject_id"),
        CheckConstraint("amount > 0", name="positive"),
    )

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[LedgerKind] = mapped_column(enum_type(LedgerKind))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    # A payment under a contract between two parties draws on no budget line.
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"), index=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_reservation.id"), index=True
    )
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("funding_tranche.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class LedgerIsAppendOnly(RuntimeError):
    """A ledger entry was changed or deleted: money history is only ever added to."""


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _refuse_change(mapper: object, connection: object, target: LedgerEntry) -> None:
    raise LedgerIsAppendOnly(f"ledger entry {target.id} cannot be changed or deleted")
