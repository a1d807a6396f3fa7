"""Demo rewards: budgets for the year and claims whose amounts follow the policy."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.incentives import load_incentives
from app.demo.seed import seed
from app.models import IncentiveBudget, IncentiveClaim
from app.models.enums import ClaimStatus


def test_demo_rewards_load_once_and_follow_the_policy(session: Session) -> None:
    assert seed(session)
    assert not load_incentives(session)  # already there
    claims = list(session.scalars(select(IncentiveClaim).order_by(IncentiveClaim.id)))
    by_label = {(c.contract_label[:4], c.rule_code): c for c in claims}
    # 车规级…转让 8,000,000 (technology 6,000,000, 3,000,000 paid this year), broker, institution
    assert by_label[("车规级毫", "P15")].computed_amount == Decimal("240000.00")  # 8,000,000 × 3%
    assert by_label[("车规级毫", "P16-1")].computed_amount == Decimal("1000000.00")  # cap
    assert by_label[("车规级毫", "P16-2")].computed_amount == Decimal(
        "600000.00"
    )  # 3,000,000 × 20%
    assert by_label[("车规级毫", "P19")].status == ClaimStatus.APPROVED  # 6,000,000 × 1%
    assert by_label[("车规级毫", "P19")].approved_amount == Decimal("60000.00")
    # the licence's output reward: 1,200,000 × 3% = 36,000, approved and paid
    assert by_label[("高精度非", "P15")].status == ClaimStatus.PAID
    assert ("可降解聚", "P16-1") not in by_label  # 450,000 is not more than 500,000
    budget = session.scalars(
        select(IncentiveBudget).where(IncentiveBudget.item_no == 15, IncentiveBudget.year == 2026)
    ).one()
    assert budget.committed == Decimal("36000.00")
