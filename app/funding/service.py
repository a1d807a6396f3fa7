"""Funding rules: budget lines, locked reservations, tranches released against milestones.

Every function takes the caller's session and flushes, never commits; the domain that owns the
subject (a challenge award, a reward claim, a call's grant) has already authorised the actor.
Each movement of money locks its budget line first (``SELECT … FOR UPDATE`` on PostgreSQL, the
write lock on SQLite), re-reads it, checks it, then adds one ledger entry and one audit event.
So two reservations made at the same time are checked one after the other and a line is never
over-committed; the database's check constraint is the last guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.money import CENT, exact_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.core.workflow import Transition, Workflow
from app.funding import repository
from app.models import BudgetLine, FundingReservation, FundingTranche, LedgerEntry
from app.models.enums import LedgerKind, ReservationStatus, TrancheStatus
from app.models.funding import POLICY, ZERO

__all__ = [
    "POLICY",
    "ZERO",
    "cancel",
    "entries_of",
    "line",
    "line_for_update",
    "lines",
    "page_of_entries",
    "page_of_lines",
    "pay",
    "record_payment",
    "release",
    "reservation_of",
    "reserve",
    "set_line",
    "split",
]

T = TrancheStatus
tranche_flow: Workflow[TrancheStatus] = Workflow(
    "该期资金",
    "status",
    [
        Transition("release", "下达资金", frozenset({T.PENDING}), T.RELEASED),
        Transition("pay", "确认支付", frozenset({T.RELEASED}), T.PAID),
        Transition("cancel", "取消", frozenset({T.PENDING}), T.CANCELLED),
    ],
    type="funding_tranche",
    summary=lambda t: f"第 {t.seq} 期“{t.name}”{exact_yuan(t.amount)}",
)
R = ReservationStatus
reservation_flow: Workflow[ReservationStatus] = Workflow(
    "该笔预算占用",
    "status",
    [
        Transition("close", "结清", frozenset({R.OPEN}), R.CLOSED),
        Transition("cancel", "取消占用", frozenset({R.OPEN}), R.CANCELLED),
    ],
    type="funding_reservation",
    summary=lambda r: f"{r.note or r.subject_type}{exact_yuan(r.amount)}",
)
# No transition carries a permission: the domain that owns the subject (a claim, an award,
# a grant) authorised the actor for the decision that moves the money.


def split(total: Decimal, percents: Sequence[int]) -> list[Decimal]:
    """``total`` in instalments by percent, exact to the fen; the last takes the rounding."""
    amounts = [(total * p / 100).quantize(CENT) for p in percents[:-1]]
    return [*amounts, total - sum(amounts, Decimal(0))]


def _label(line: BudgetLine) -> str:
    return line.title or f"{line.programme} {line.item_no} {line.year}年度"


# --- budget lines ---------------------------------------------------------------------------


def line(session: Session, programme: str, item_no: int, year: int) -> BudgetLine | None:
    return repository.line(session, programme, item_no, year)


def line_for_update(session: Session, programme: str, item_no: int, year: int) -> BudgetLine | None:
    """The line, locked until the transaction ends."""
    return repository.line(session, programme, item_no, year, for_update=True)


def lines(session: Session, programme: str, year: int | None = None) -> list[BudgetLine]:
    return repository.lines(session, programme, year)


def set_line(
    session: Session,
    actor: Actor,
    *,
    programme: str,
    item_no: int,
    year: int,
    total: Decimal,
    title: str = "",
    action: str = "budget_line.set",
    summary: str = "",
) -> BudgetLine:
    """Create a line or change its total; never below what is already committed."""
    found = line_for_update(session, programme, item_no, year)
    if found is None:
        found = BudgetLine(
            programme=programme,
            item_no=item_no,
            year=year,
            title=title,
            total=total,
            committed=ZERO,
            released=ZERO,
            paid=ZERO,
        )
        session.add(found)
        before: dict[str, object] | None = None
    else:
        if total < found.committed:
            raise InvalidInput(
                errors={"total": f"预算不能低于已核定的{exact_yuan(found.committed)}"}
            )
        before = audit.snapshot(found, ["total"])
        found.total = total
        if title:
            found.title = title
    session.flush()
    audit.record(
        session,
        actor,
        action,
        found,
        summary=summary or f"{_label(found)}预算{exact_yuan(total)}",
        before=before,
        after=audit.snapshot(found, ["total"]),
    )
    return found


# --- reservations ---------------------------------------------------------------------------


def _entry(
    session: Session,
    actor: Actor,
    kind: LedgerKind,
    amount: Decimal,
    *,
    subject_type: str,
    subject_id: int,
    line: BudgetLine | None = None,
    reservation: FundingReservation | None = None,
    tranche: FundingTranche | None = None,
    note: str = "",
) -> LedgerEntry:
    entry = LedgerEntry(
        kind=kind,
        amount=amount,
        budget_line_id=line.id if line is not None else None,
        reservation_id=reservation.id if reservation is not None else None,
        tranche_id=tranche.id if tranche is not None else None,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.user_id,
        note=note,
    )
    session.add(entry)
    return entry


def reserve(
    session: Session,
    actor: Actor,
    line: BudgetLine,
    *,
    subject_type: str,
    subject_id: int,
    amount: Decimal,
    tranches: Sequence[tuple[str, Decimal]] = (),
    note: str = "",
    refused: str = "",
    action: str = "budget_line.reserve",
    summary: str = "",
) -> FundingReservation:
    """Set ``amount`` aside on ``line`` for the subject, optionally in named tranches.

    Locks the line and re-reads it, so of two reservations at once the second sees the first.
    ``refused`` is the start of the 409's message when the line has too little left.
    """
    if amount <= 0:
        raise InvalidInput(errors={"amount": "金额应大于 0"})
    if tranches and sum((a for _, a in tranches), ZERO) != amount:
        raise InvalidInput(errors={"tranches": "各期金额之和应等于占用金额"})
    lock_row(line)
    if line.remaining < amount:
        raise Conflict(
            f"{refused or _label(line) + '余额不足'}：剩余{exact_yuan(line.remaining)}，"
            f"本次需要{exact_yuan(amount)}"
        )
    before = audit.snapshot(line, ["committed"])
    line.committed = line.committed + amount
    reservation = FundingReservation(
        budget_line=line,
        subject_type=subject_type,
        subject_id=subject_id,
        amount=amount,
        released=ZERO,
        paid=ZERO,
        status=R.OPEN,
        note=note,
        created_by_id=actor.user_id,
    )
    reservation.tranches = [
        FundingTranche(seq=seq, name=name, amount=part, status=T.PENDING)
        for seq, (name, part) in enumerate(tranches, start=1)
    ]
    session.add(reservation)
    session.flush()
    _entry(
        session,
        actor,
        LedgerKind.RESERVE,
        amount,
        subject_type=subject_type,
        subject_id=subject_id,
        line=line,
        reservation=reservation,
        note=note,
    )
    audit.record(
        session,
        actor,
        action,
        line,
        summary=summary or f"{_label(line)}预算占用{exact_yuan(amount)}",
        before=before,
        after=audit.snapshot(line, ["committed"]),
    )
    return reservation


def reservation_of(
    session: Session, subject_type: str, subject_id: int
) -> FundingReservation | None:
    """The subject's open or settled reservation (not a cancelled one), tranches loaded."""
    return repository.reservation_of(session, subject_type, subject_id)


def _locked(reservation: FundingReservation) -> BudgetLine:
    """Lock the line first, then the reservation: every path takes them in this order."""
    line = reservation.budget_line
    lock_row(line)
    lock_row(reservation)
    if reservation.status != R.OPEN:
        raise Conflict(f"该笔预算占用当前为“{reservation.status.label}”，不能再变动")
    return line


def release(
    session: Session, actor: Actor, reservation: FundingReservation, seq: int, *, note: str = ""
) -> FundingTranche:
    """Release tranche ``seq`` of the reservation for payment (its milestone was accepted)."""
    line = _locked(reservation)
    tranche = next((t for t in reservation.tranches if t.seq == seq), None)
    if tranche is None:
        raise Conflict(f"该笔预算占用没有第 {seq} 期")
    tranche_flow.run(session, actor, tranche, "release", note=note)
    tranche.released_at = utcnow()
    reservation.released = reservation.released + tranche.amount
    line.released = line.released + tranche.amount
    _entry(
        session,
        actor,
        LedgerKind.RELEASE,
        tranche.amount,
        subject_type=reservation.subject_type,
        subject_id=reservation.subject_id,
        line=line,
        reservation=reservation,
        tranche=tranche,
        note=note or f"第 {tranche.seq} 期“{tranche.name}”",
    )
    session.flush()
    return tranche


def pay(
    session: Session, actor: Actor, reservation: FundingReservation, *, note: str = ""
) -> FundingReservation:
    """Pay out what the reservation holds and settle it.

    Released tranches are paid; a reservation without tranches is released and paid whole.
    """
    line = _locked(reservation)
    parts: list[tuple[FundingTranche | None, Decimal]]
    if reservation.tranches:
        parts = [(t, t.amount) for t in reservation.tranches if t.status == T.RELEASED]
        if not parts:
            raise Conflict("没有已下达待支付的资金")
    else:
        parts = [(None, reservation.amount - reservation.released)]
        reservation.released = reservation.amount
        line.released = line.released + parts[0][1]
        _entry(
            session,
            actor,
            LedgerKind.RELEASE,
            parts[0][1],
            subject_type=reservation.subject_type,
            subject_id=reservation.subject_id,
            line=line,
            reservation=reservation,
            note=note,
        )
    for tranche, amount in parts:
        if tranche is not None:
            tranche_flow.run(session, actor, tranche, "pay", note=note)
            tranche.paid_at = utcnow()
        reservation.paid = reservation.paid + amount
        line.paid = line.paid + amount
        _entry(
            session,
            actor,
            LedgerKind.PAY,
            amount,
            subject_type=reservation.subject_type,
            subject_id=reservation.subject_id,
            line=line,
            reservation=reservation,
            tranche=tranche,
            note=note,
        )
    if reservation.paid == reservation.amount:
        reservation_flow.run(session, actor, reservation, "close", note=note)
    session.flush()
    return reservation


def cancel(
    session: Session, actor: Actor, reservation: FundingReservation, *, note: str = ""
) -> FundingReservation:
    """Give back to the line what the reservation holds and has not released."""
    line = _locked(reservation)
    back = reservation.amount - reservation.released
    for tranche in reservation.tranches:
        if tranche.status == T.PENDING:
            tranche_flow.run(session, actor, tranche, "cancel", note=note)
    reservation_flow.run(session, actor, reservation, "cancel", note=note)
    if back > 0:
        line.committed = line.committed - back
        _entry(
            session,
            actor,
            LedgerKind.CANCEL,
            back,
            subject_type=reservation.subject_type,
            subject_id=reservation.subject_id,
            line=line,
            reservation=reservation,
            note=note,
        )
    session.flush()
    return reservation


def record_payment(
    session: Session,
    actor: Actor,
    *,
    subject_type: str,
    subject_id: int,
    amount: Decimal,
    note: str = "",
) -> LedgerEntry:
    """Money paid between parties (a contract's payment), on the ledger without a budget line."""
    entry = _entry(
        session,
        actor,
        LedgerKind.PAY,
        amount,
        subject_type=subject_type,
        subject_id=subject_id,
        note=note,
    )
    session.flush()
    return entry


def entries_of(session: Session, subject_type: str, subject_id: int) -> list[LedgerEntry]:
    """The subject's ledger, oldest first."""
    return repository.entries(session, subject_type, subject_id)


# --- reading --------------------------------------------------------------------------------


def page_of_lines(
    session: Session,
    actor: Actor,
    pagination: Pagination,
    *,
    programme: str | None = None,
    year: int | None = None,
) -> Paged:
    """Budget lines, newest year first (platform administrators)."""
    authorize(actor.user, Action.FUNDING_VIEW)
    return paginate(session, repository.lines_stmt(programme, year), pagination)


def page_of_entries(
    session: Session,
    actor: Actor,
    pagination: Pagination,
    *,
    budget_line_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
) -> Paged:
    """The ledger, newest entry first, filtered by line or subject (platform administrators)."""
    authorize(actor.user, Action.FUNDING_VIEW)
    stmt = repository.entries_stmt(budget_line_id, subject_type, subject_id)
    return paginate(session, stmt, pagination)
