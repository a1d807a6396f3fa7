"""Every query of the funding domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import BudgetLine, FundingReservation, LedgerEntry
from app.models.enums import ReservationStatus


def line(
    session: Session, programme: str, item_no: int, year: int, *, for_update: bool = False
) -> BudgetLine | None:
    stmt = select(BudgetLine).where(
        BudgetLine.programme == programme, BudgetLine.item_no == item_no, BudgetLine.year == year
    )
    if for_update:
        # FOR UPDATE on PostgreSQL; SQLite holds the write lock from BEGIN IMMEDIATE.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.scalars(stmt).first()


def lines(session: Session, programme: str, year: int | None = None) -> list[BudgetLine]:
    stmt = select(BudgetLine).where(BudgetLine.programme == programme)
    if year is not None:
        stmt = stmt.where(BudgetLine.year == year)
    return list(session.scalars(stmt.order_by(BudgetLine.year.desc(), BudgetLine.item_no)))


def reservation_of(
    session: Session, subject_type: str, subject_id: int
) -> FundingReservation | None:
    stmt = (
        select(FundingReservation)
        .where(
            FundingReservation.subject_type == subject_type,
            FundingReservation.subject_id == subject_id,
            FundingReservation.status != ReservationStatus.CANCELLED,
        )
        .options(
            selectinload(FundingReservation.budget_line),
            selectinload(FundingReservation.tranches),
        )
        .order_by(FundingReservation.id.desc())
    )
    return session.scalars(stmt).first()


def entries(session: Session, subject_type: str, subject_id: int) -> list[LedgerEntry]:
    stmt = (
        select(LedgerEntry)
        .where(LedgerEntry.subject_type == subject_type, LedgerEntry.subject_id == subject_id)
        .order_by(LedgerEntry.id)
    )
    return list(session.scalars(stmt))
