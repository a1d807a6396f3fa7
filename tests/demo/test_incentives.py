"""Demo rewards: the demo contracts' claims follow the policy; budgets and decisions agree."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.incentives import load_incentives
from app.demo.seed import seed
from app.models import BudgetLine, IncentiveClaim, TechContract
from app.models.enums import ClaimStatus, ContractStatus

CENT = Decimal("0.01")


def test_demo_rewards_load_once_and_follow_the_policy(session: Session) -> None:
    assert seed(session)
    assert not load_incentives(session)  # already there
    claims = list(session.scalars(select(IncentiveClaim).order_by(IncentiveClaim.id)))
    registered = session.scalars(
        select(TechContract).where(TechContract.status == ContractStatus.REGISTERED)
    ).all()
    assert claims and {c.contract_id for c in claims} <= {c.id for c in registered}
    first = session.get(TechContract, claims[0].contract_id)
    assert first is not None
    by_code = {c.rule_code: c for c in claims if c.contract_id == first.id}
    # The output unit's reward is 3% of the contract amount, approved and paid.
    p15 = by_code["P15"]
    assert p15.computed_amount == (first.total_amount * Decimal("0.03")).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    assert p15.status == ClaimStatus.PAID
    # The broker's is 1% of the technology amount; item 16's approved at 80% with a reason.
    p19 = by_code["P19"]
    assert p19.approved_amount == (first.tech_amount * Decimal("0.01")).quantize(CENT)
    assert by_code["P16-1"].decision_reason and by_code["P16-1"].approved_amount == (
        by_code["P16-1"].computed_amount * Decimal("0.8")
    ).quantize(CENT)
    for budget in session.scalars(select(BudgetLine).where(BudgetLine.programme == "policy")):
        approved = session.scalar(
            select(func.coalesce(func.sum(IncentiveClaim.approved_amount), 0)).where(
                IncentiveClaim.item_no == budget.item_no,
                IncentiveClaim.year == budget.year,
                IncentiveClaim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PAID]),
            )
        )
        assert budget.committed == Decimal(approved).quantize(CENT) <= budget.total
