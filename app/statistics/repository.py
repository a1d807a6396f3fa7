"""The aggregate queries behind the statistics: one GROUP BY each, on either engine."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, distinct, func, select
from sqlalchemy.orm import Session

from app.core.clock import LOCAL_TZ
from app.models import (
    Achievement,
    BudgetLine,
    ContractParty,
    Deal,
    Event,
    IncentiveClaim,
    InstrumentBooking,
    Listing,
    MatchPipeline,
    Meeting,
    StatCounter,
    TechContract,
)
from app.models.enums import (
    ClaimStatus,
    ContractStatus,
    EventStatus,
    ListingKind,
    MeetingStatus,
    PipelineStage,
    UsagePayment,
)
from app.models.funding import POLICY
from app.statistics import aggregates

Rows = list[tuple[Any, ...]]
#: Listings that were published at some point (closed and expired ones still count).
ONCE_PUBLISHED = Listing.published_at.is_not(None)
ACHIEVEMENT: Table = Achievement.__table__  # type: ignore[assignment]


def local_month(session: Session, column: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of a stored UTC time in the city's time zone."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(str(LOCAL_TZ), column), "YYYY-MM")
    # SQLite stores "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00"; Beijing time has no daylight saving.
    return func.strftime("%Y-%m", column, "+8 hours")


def _within(stmt: Any, column: Any, span: tuple[datetime, datetime] | None) -> Any:
    if span is None:
        return stmt
    return stmt.where(column >= span[0], column < span[1])


def listing_cube(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> Rows:
    """(kind, field, region, month, count) of published listings: one scan, one GROUP BY.

    The tables by field, region and month are sums over this cube, so a fresh computation
    reads the listing table once (grouping by an indexed column alone makes SQLite walk the
    index and fetch every row by id, several times slower).
    """
    month = local_month(session, Listing.published_at)
    stmt = select(Listing.kind, Listing.field_code, Listing.region_code, month, func.count()).where(
        ONCE_PUBLISHED
    )
    stmt = _within(stmt, Listing.published_at, span)
    if region:
        stmt = stmt.where(Listing.region_code == region)
    stmt = stmt.group_by(Listing.kind, Listing.field_code, Listing.region_code, month)
    return [tuple(r) for r in session.execute(stmt)]


def listings_by_maturity(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> Rows:
    """(maturity, count) of published achievements."""
    key = ACHIEVEMENT.c.maturity
    stmt = (
        select(key, func.count())
        .select_from(Listing.__table__.join(ACHIEVEMENT, ACHIEVEMENT.c.id == Listing.id))
        .where(ONCE_PUBLISHED)
    )
    stmt = _within(stmt, Listing.published_at, span)
    if region:
        stmt = stmt.where(Listing.region_code == region)
    return [tuple(r) for r in session.execute(stmt.group_by(key))]


def demands_answered(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> tuple[int, int, int]:
    """(published demands, with a proposed match, with a deal opened)."""
    base = select(Listing.id).where(ONCE_PUBLISHED, Listing.kind == ListingKind.DEMAND)
    base = _within(base, Listing.published_at, span)
    if region:
        base = base.where(Listing.region_code == region)
    ids = base.subquery()
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    matched = session.scalar(
        select(func.count(distinct(MatchPipeline.demand_listing_id))).where(
            MatchPipeline.demand_listing_id.in_(select(ids.c.id))
        )
    )
    dealt = session.scalar(
        select(func.count(distinct(Deal.listing_id))).where(Deal.listing_id.in_(select(ids.c.id)))
    )
    return total, matched or 0, dealt or 0


def funnel(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> list[int]:
    """Listings published, matched, in a confirmed pipeline, in a deal, under a registered contract."""
    base = select(Listing.id).where(ONCE_PUBLISHED)
    base = _within(base, Listing.published_at, span)
    if region:
        base = base.where(Listing.region_code == region)
    ids = select(base.subquery().c.id)
    published = session.scalar(select(func.count()).select_from(base.subquery())) or 0

    def in_pipeline(stages: tuple[PipelineStage, ...] | None) -> int:
        counts = 0
        seen: set[int] = set()
        for column in (MatchPipeline.demand_listing_id, MatchPipeline.supply_listing_id):
            stmt = select(column).where(column.in_(ids)).distinct()
            if stages is not None:
                stmt = stmt.where(MatchPipeline.stage.in_(stages))
            seen.update(session.scalars(stmt))
        counts = len(seen)
        return counts

    matched = in_pipeline(None)
    confirmed = in_pipeline(
        (PipelineStage.CONFIRMED, PipelineStage.NEGOTIATING, PipelineStage.SIGNED)
    )
    dealt = session.scalar(
        select(func.count(distinct(Deal.listing_id))).where(Deal.listing_id.in_(ids))
    )
    registered = session.scalar(
        select(func.count(distinct(Deal.listing_id)))
        .join(TechContract, TechContract.deal_id == Deal.id)
        .where(Deal.listing_id.in_(ids), TechContract.status == ContractStatus.REGISTERED)
    )
    return [published, matched, confirmed, dealt or 0, registered or 0]


def contract_cube(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> Rows:
    """(type, field, registrant's region, month, count, 合同金额, 技术交易额) of registered
    contracts, in one GROUP BY; the tables by each dimension are sums over it."""
    month = local_month(session, TechContract.registered_at)
    registrant = (
        select(ContractParty.contract_id, func.min(ContractParty.region_code).label("region_code"))
        .join(TechContract, TechContract.id == ContractParty.contract_id)
        .where(ContractParty.org_id == TechContract.registrant_org_id)
        .group_by(ContractParty.contract_id)
        .subquery()
    )
    stmt = (
        select(
            TechContract.contract_type,
            TechContract.tech_field,
            registrant.c.region_code,
            month,
            func.count(),
            func.sum(TechContract.total_amount),
            func.sum(TechContract.tech_amount),
        )
        .outerjoin(registrant, registrant.c.contract_id == TechContract.id)
        .where(TechContract.status == ContractStatus.REGISTERED)
    )
    stmt = _within(stmt, TechContract.registered_at, span)
    if region:
        stmt = stmt.where(registrant.c.region_code == region)
    stmt = stmt.group_by(
        TechContract.contract_type, TechContract.tech_field, registrant.c.region_code, month
    )
    return [tuple(r) for r in session.execute(stmt)]


def events_held(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> Rows:
    """(kind, events finished, meetings held, contracts signed at them, amount signed)."""
    events = select(Event.kind, func.count()).where(Event.status == EventStatus.FINISHED)
    events = _within(events, Event.starts_at, span)
    meetings = (
        select(
            Event.kind,
            func.count(),
            func.count(Meeting.amount),
            func.coalesce(func.sum(Meeting.amount), 0),
        )
        .join(Event, Event.id == Meeting.event_id)
        .where(Meeting.status == MeetingStatus.HELD)
    )
    meetings = _within(meetings, Event.starts_at, span)
    if region:
        events = events.where(Event.region_code == region)
        meetings = meetings.where(Event.region_code == region)
    held: dict[Any, int] = {r[0]: r[1] for r in session.execute(events.group_by(Event.kind))}
    met = {r[0]: r[1:] for r in session.execute(meetings.group_by(Event.kind))}
    return [
        (kind, held.get(kind, 0), *met.get(kind, (0, 0, Decimal("0"))))
        for kind in sorted(set(held) | set(met))
    ]


def meeting_outcomes(
    session: Session, span: tuple[datetime, datetime] | None, region: str | None
) -> Rows:
    stmt = (
        select(Meeting.outcome, func.count())
        .join(Event, Event.id == Meeting.event_id)
        .where(Meeting.status == MeetingStatus.HELD, Meeting.outcome.is_not(None))
    )
    stmt = _within(stmt, Event.starts_at, span)
    if region:
        stmt = stmt.where(Event.region_code == region)
    return [tuple(r) for r in session.execute(stmt.group_by(Meeting.outcome))]


def rewards(session: Session, year: int | None) -> Rows:
    """(item, budget, committed, paid) by policy item for a year (all years summed)."""
    budgets = select(
        BudgetLine.item_no,
        func.sum(BudgetLine.total),
        func.sum(BudgetLine.committed),
    ).where(BudgetLine.programme == POLICY)
    paid = select(IncentiveClaim.item_no, func.sum(IncentiveClaim.approved_amount)).where(
        IncentiveClaim.status == ClaimStatus.PAID
    )
    if year is not None:
        budgets = budgets.where(BudgetLine.year == year)
        paid = paid.where(IncentiveClaim.year == year)
    by_item = {r[0]: [r[1], r[2]] for r in session.execute(budgets.group_by(BudgetLine.item_no))}
    paid_by: dict[Any, Any] = {
        r[0]: r[1] for r in session.execute(paid.group_by(IncentiveClaim.item_no))
    }
    zero = Decimal("0.00")
    return [
        (item, *(by_item.get(item) or [zero, zero]), paid_by.get(item) or zero)
        for item in sorted(set(by_item) | set(paid_by))
    ]


def voucher_usage(session: Session, span: tuple[datetime, datetime] | None) -> Rows:
    """(payment state, uses, fees) of instrument use marked for an innovation voucher."""
    stmt = select(
        InstrumentBooking.payment, func.count(), func.coalesce(func.sum(InstrumentBooking.fee), 0)
    ).where(
        InstrumentBooking.payment.in_((UsagePayment.VOUCHER_PENDING, UsagePayment.VOUCHER_PAID))
    )
    stmt = _within(stmt, InstrumentBooking.starts_at, span)
    return [tuple(r) for r in session.execute(stmt.group_by(InstrumentBooking.payment))]


# -- the maintained counters (app/statistics/aggregates.py) -------------------------------


def counters_built(session: Session) -> bool:
    """Whether ``stat_counter`` has been built on this database (else figures are counted live)."""
    return aggregates.is_built(session.connection())


def _cells(metric: str, year: int | None, region: str | None, *columns: Any) -> Any:
    stmt = select(*columns).where(StatCounter.metric == metric)
    if year is not None:
        stmt = stmt.where(StatCounter.month >= f"{year}-01", StatCounter.month <= f"{year}-12")
    if region:
        stmt = stmt.where(StatCounter.region == region)
    return stmt


def _none(value: str) -> str | None:
    return value or None


#: The counter column of each position of a cube's rows (kind, field, region, month).
_DIMENSIONS = {
    0: StatCounter.kind,
    1: StatCounter.code,
    2: StatCounter.region,
    3: StatCounter.month,
}


def _margin(
    session: Session, metric: str, year: int | None, region: str | None, position: int
) -> Rows:
    """One cube's sums by kind and one dimension (in SQL: integer sums, exact); rows in the
    shape of the live cubes, ``(kind, field, region, month, count, 合同金额, 技术交易额)``,
    with the dimensions summed over left empty and the amounts in yuan."""
    c = StatCounter
    dims = [c.kind] if position == 0 else [c.kind, _DIMENSIONS[position]]
    total = func.sum(c.n)
    sums = (total, func.sum(c.amount_fen), func.sum(c.tech_amount_fen))
    stmt = _cells(metric, year, region, *dims, *sums).group_by(*dims).having(total != 0)
    out = []
    for found in session.execute(stmt):
        row: list[Any] = [found[0], None, None, None]
        if position:
            row[position] = _none(found[1])
        n, fen, tech_fen = found[-3:]
        out.append((*row, int(n), Decimal(int(fen or 0)) / 100, Decimal(int(tech_fen or 0)) / 100))
    return out


def counted_listing_margins(
    session: Session, year: int | None, region: str | None
) -> dict[int, Rows]:
    """``listing_cube`` summed for its field (1), region (2) and month (3) tables."""
    return {
        1: [r[:5] for r in _margin(session, aggregates.LISTING, year, region, 1)],
        2: [r[:5] for r in _margin(session, "listing_rm", year, region, 2)],
        3: [r[:5] for r in _margin(session, "listing_rm", year, region, 3)],
    }


def counted_contract_margins(
    session: Session, year: int | None, region: str | None
) -> dict[int, Rows]:
    """``contract_cube`` summed for its type (0), field (1), region (2) and month (3) tables."""
    return {
        0: _margin(session, "contract_t", year, region, 0),
        1: _margin(session, "contract_f", year, region, 1),
        2: _margin(session, "contract_rm", year, region, 2),
        3: _margin(session, "contract_rm", year, region, 3),
    }


def counted_maturity(session: Session, year: int | None, region: str | None) -> Rows:
    """``listings_by_maturity`` from the counters."""
    total = func.sum(StatCounter.n)
    stmt = _cells("maturity", year, region, StatCounter.kind, total).group_by(StatCounter.kind)
    return [(_none(kind), int(n)) for kind, n in session.execute(stmt.having(total != 0))]


def counted_stages(session: Session, year: int | None, region: str | None) -> dict[str, int]:
    """Listings published (``published``, and per kind ``published:<kind>``) and listings that
    reached each funnel stage (``<stage>``, ``<stage>:<kind>``)."""
    out: dict[str, int] = defaultdict(int)
    c = StatCounter
    published = _cells("listing_rm", year, region, c.kind, func.sum(c.n)).group_by(c.kind)
    for kind, n in session.execute(published):
        out["published"] += int(n)
        out[f"published:{kind}"] += int(n)
    stages = _cells("stage", year, region, c.kind, c.code, func.sum(c.n)).group_by(c.kind, c.code)
    for stage, kind, n in session.execute(stages):
        out[stage] += int(n)
        out[f"{stage}:{kind}"] += int(n)
    return out
