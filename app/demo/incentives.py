"""Demo rewards: budgets for the year, and decisions on the claims the demo contracts gave.

The demo contracts (``app.demo.trading``) are registered through the trading service, which
creates their reward claims as it would for real; this module sets the year's budgets and
decides a few claims so every state shows: the output reward approved and paid, the broker's
approved, item 16's approved at an adjusted amount with its reason, the rest pending.
Idempotent: once the budgets of the year exist nothing is added again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ClaimDecision
from app.models import BudgetLine, IncentiveClaim, User

BUDGETS = {
    9: "1000000",
    14: "10000000",
    15: "5000000",
    16: "20000000",
    18: "3000000",
    19: "2000000",
}


def load_incentives(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    """Budgets for the years the demo claims fall in; a few claims decided."""
    admin = session.scalar(select(User).where(User.email == "admin@demo.kechuang.cn"))
    if admin is None:
        return False
    actor = Actor(user=admin, label="演示数据")
    claims = list(session.scalars(select(IncentiveClaim).order_by(IncentiveClaim.id)))
    years = {c.year for c in claims} | {local(utcnow()).year}
    if session.scalar(
        select(BudgetLine.id).where(BudgetLine.programme == "policy", BudgetLine.year.in_(years))
    ):
        return False
    for year in sorted(years):
        for item_no, total in BUDGETS.items():
            incentive_service.set_budget(
                session, actor, BudgetSet(item_no=item_no, year=year, total=Decimal(total))
            )
    decided = 0
    if claims:
        first = claims[0].contract_id
        of_first = {c.rule_code: c for c in claims if c.contract_id == first}
        if "P15" in of_first:
            incentive_service.approve(session, actor, of_first["P15"].id, ClaimDecision())
            incentive_service.mark_paid(session, actor, of_first["P15"].id)
            decided += 1
        if "P19" in of_first:
            incentive_service.approve(session, actor, of_first["P19"].id, ClaimDecision())
            decided += 1
        tier1 = of_first.get("P16-1")
        if tier1 is not None:
            adjusted = (tier1.computed_amount * Decimal("0.8")).quantize(Decimal("0.01"))
            incentive_service.approve(
                session,
                actor,
                tier1.id,
                ClaimDecision(amount=adjusted, reason="扣除合同中非技术性支出（设备款）后核定"),
            )
            decided += 1
    progress(f"政策奖补：{len(years)} 个年度的预算，{len(claims)} 项申领，其中 {decided} 项已审核")
    return True
