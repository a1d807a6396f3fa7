"""研发投入补助 (policy item 21): base + increment from 允许扣除的研发费用合计, cap 100万.

The rates are the bureau's data (``rd_subsidy_rate``), one version at a time, each with the day
it takes effect; an application is computed under the version in force on the day it is made
and keeps its number in the explanation. The enterprise's figures are recorded facts
(``org_rd_expense``, one row a year) that 精准推送 reads as well.

    base      = this year's deductible R&D expenses × base rate
    increment = max(0, this year's − last year's) × increment rate
    amount    = min(base + increment, cap), each product rounded half-up to the fen
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.money import CENT, exact_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.models import OrgRdExpense, RdSubsidyRate


@dataclass(frozen=True)
class RdQuote:
    year: int
    this_year: Decimal
    last_year: Decimal
    base: Decimal
    increment: Decimal
    amount: Decimal
    version: int
    explanation: str


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def rates(session: Session) -> list[RdSubsidyRate]:
    return list(session.scalars(select(RdSubsidyRate).order_by(RdSubsidyRate.version)))


def rates_page(session: Session, pagination: Pagination) -> Paged:
    return paginate(session, select(RdSubsidyRate).order_by(RdSubsidyRate.version), pagination)


def rate_on(session: Session, on: date) -> RdSubsidyRate:
    found = session.scalars(
        select(RdSubsidyRate)
        .where(RdSubsidyRate.effective_from <= on)
        .order_by(RdSubsidyRate.effective_from.desc(), RdSubsidyRate.version.desc())
    ).first()
    if found is None:
        raise Conflict(f"{on}尚无生效的研发投入补助比例，请先由市科技局设置")
    return found


def _latest(session: Session) -> RdSubsidyRate | None:
    return session.scalars(select(RdSubsidyRate).order_by(RdSubsidyRate.version.desc())).first()


def revise_rates(
    session: Session,
    actor: Actor,
    *,
    base_rate: Decimal,
    increment_rate: Decimal,
    cap: Decimal,
    effective_from: date,
    note: str = "",
) -> RdSubsidyRate:
    """A new version of the rates from ``effective_from`` on; earlier applications keep theirs."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    for name, rate in (("base_rate", base_rate), ("increment_rate", increment_rate)):
        if not Decimal(0) <= rate <= Decimal(1):
            raise InvalidInput(errors={name: "比例应在 0 与 1 之间（如 0.05 表示 5%）"})
    current = _latest(session)
    # A version published while this request waited for the lock is the one to follow.
    while current is not None:
        lock_row(current)
        newest = _latest(session)
        if newest is None or newest.id == current.id:
            break
        current = newest
    if current is not None:
        if effective_from <= current.effective_from:
            raise InvalidInput(
                errors={
                    "effective_from": f"新版本的生效日期应晚于当前版本的生效日期 {current.effective_from}"
                }
            )
        current.effective_to = effective_from
    row = RdSubsidyRate(
        version=(current.version + 1) if current else 1,
        base_rate=base_rate,
        increment_rate=increment_rate,
        cap=cap,
        effective_from=effective_from,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "rd_subsidy_rate.revise",
        row,
        summary=f"研发投入补助比例第{row.version}版自{effective_from}起生效："
        f"基础{_pct(base_rate)}，增量{_pct(increment_rate)}，上限{exact_yuan(cap)}",
    )
    return row


def expenses(session: Session, org_id: int) -> dict[int, OrgRdExpense]:
    rows = session.scalars(select(OrgRdExpense).where(OrgRdExpense.org_id == org_id))
    return {r.year: r for r in rows}


def record_expense(
    session: Session, actor: Actor, org_id: int, year: int, amount: Decimal, surveyed: bool
) -> OrgRdExpense:
    """Record (or correct) the enterprise's 允许扣除的研发费用合计 of ``year``."""
    row = session.scalars(
        select(OrgRdExpense).where(OrgRdExpense.org_id == org_id, OrgRdExpense.year == year)
    ).one_or_none()
    before = {"amount": str(row.amount), "surveyed": row.surveyed} if row else None
    if row is None:
        row = OrgRdExpense(org_id=org_id, year=year, amount=amount, surveyed=surveyed)
        session.add(row)
    else:
        row.amount, row.surveyed = amount, surveyed
    session.flush()
    audit.record(
        session,
        actor,
        "org_rd_expense.record",
        row,
        summary=f"{year}年度允许扣除的研发费用合计{exact_yuan(amount)}",
        before=before,
        after={"amount": str(amount), "surveyed": surveyed},
    )
    return row


def compute(rate: RdSubsidyRate, year: int, this_year: Decimal, last_year: Decimal) -> RdQuote:
    """The subsidy for ``year`` from the two years' figures, with its arithmetic in Chinese."""
    base = (this_year * rate.base_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    growth = max(this_year - last_year, Decimal(0))
    increment = (growth * rate.increment_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    total = base + increment
    amount = min(total, rate.cap)
    text = (
        f"基础补助：{year}年度允许扣除的研发费用合计{exact_yuan(this_year)} × {_pct(rate.base_rate)}"
        f" = {exact_yuan(base)}；增量奖励：比{year - 1}年度（{exact_yuan(last_year)}）增加"
        f"{exact_yuan(growth)} × {_pct(rate.increment_rate)} = {exact_yuan(increment)}；"
        f"合计{exact_yuan(total)}"
    )
    if amount < total:
        text += f"，超过上限，按上限{exact_yuan(rate.cap)}"
    text += f"（补助比例第{rate.version}版）"
    return RdQuote(year, this_year, last_year, base, increment, amount, rate.version, text)


def quote_for(session: Session, org_id: int, year: int, on: date) -> RdQuote:
    """The subsidy for ``year`` from the enterprise's recorded figures of that year and the last."""
    facts = expenses(session, org_id)
    if year not in facts:
        raise NotFound(f"尚未填报{year}年度允许扣除的研发费用合计")
    if not facts[year].surveyed:
        raise Conflict(f"{year}年度未纳入国家科技统计调查，不能申请研发投入补助")
    last = facts[year - 1].amount if year - 1 in facts else Decimal("0.00")
    return compute(rate_on(session, on), year, facts[year].amount, last)
