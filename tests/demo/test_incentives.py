"""Demo rewards: budgets for the year and registered contracts whose claims follow the policy."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.incentives import CONTRACTS, load_incentives
from app.demo.seed import seed
from app.models import IncentiveBudget, IncentiveClaim, TechContract
from app.models.enums import ClaimStatus, ContractStatus


def test_demo_rewards_load_once_and_follow_the_policy(session: Session) -> None:
    assert seed(session)
    assert not load_incentives(session)  # already there
    titles = [t[0] for t in CONTRACTS]
    contracts = list(session.scalars(select(TechContract).where(TechContract.title.in_(titles))))
    assert [c.status for c in contracts] == [ContractStatus.REGISTERED] * 4
    claims = {
        (c.contract_label[:4], c.rule_code): c for c in session.scalars(select(IncentiveClaim))
    }
    # 车规级…转让 8,000,000 (technology 6,000,000, 3,000,000 paid this year), broker, institution
    assert claims[("车规级毫", "P15")].computed_amount == Decimal("240000.00")  # 8,000,000 × 3%
    assert claims[("车规级毫", "P16-1")].computed_amount == Decimal("1000000.00")  # the cap
    assert claims[("车规级毫", "P16-2")].computed_amount == Decimal("600000.00")  # 3,000,000 × 20%
    assert claims[("车规级毫", "P19")].status == ClaimStatus.APPROVED
    assert claims[("车规级毫", "P19")].approved_amount == Decimal("60000.00")  # 6,000,000 × 1%
    assert claims[("车规级毫", "P9")].computed_amount == Decimal("800.00")  # 8,000,000 × 0.01%
    # the licence's output reward: 1,200,000 × 3% = 36,000, approved and paid
    assert claims[("高精度非", "P15")].status == ClaimStatus.PAID
    assert ("稀土掺杂", "P16-1") not in claims  # 450,000 is not more than 500,000
    budget = session.scalars(select(IncentiveBudget).where(IncentiveBudget.item_no == 15)).one()
    assert budget.committed == Decimal("36000.00")
