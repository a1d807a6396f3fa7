"""Every query of the funding domain."""

from __future__ import annotations

from sqlalchemy import Select, select
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


def lines_stmt(programme: str | None, year: int | None) -> Select[BudgetLine]:
    stmt = select(BudgetLine)
    if programme:
        stmt = stmt.where(BudgetLine.programme == programme)
    if year is not None:
        stmt = stmt.where(BudgetLine.year == year)
    return stmt.order_by(BudgetLine.year.desc(), BudgetLine.programme, BudgetLine.item_no)


def entries_stmt(
    budget_line_id: int | None, subject_type: str | None, subject_id: int | None
) -> Select[LedgerEntry]:
    stmt = select(LedgerEntry)
    if budget_line_id is not None:
        stmt = stmt.where(LedgerEntry.budget_line_id == budget_line_id)
    if subject_type:
        stmt = stmt.where(LedgerEntry.subject_type == subject_type)
    if subject_id is not None:
        stmt = stmt.where(LedgerEntry.subject_id == subject_id)
    return stmt.order_by(LedgerEntry.id.desc())
