"""The demo deals and contracts: every state shows up once, and loading again adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.seed import seed
from app.demo.trading import load_trading
from app.models import Deal, TechContract
from app.models.enums import ContractStatus, DealStatus


def test_demo_trading_covers_each_state_once(session: Session) -> None:
    assert seed(session)
    deals = Counter(session.scalars(select(Deal.status)))
    assert deals == {DealStatus.PERFORMING: 1, DealStatus.NEGOTIATING: 1, DealStatus.INTENT: 1}
    contracts = list(session.scalars(select(TechContract).order_by(TechContract.id)))
    assert Counter(c.status for c in contracts) == {
        ContractStatus.REGISTERED: 3,
        ContractStatus.SUBMITTED: 1,
        ContractStatus.RETURNED: 1,
    }
    numbers = sorted(c.registration_no for c in contracts if c.registration_no)
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    load_trading(session)
    assert session.scalar(select(func.count()).select_from(TechContract)) == len(contracts)
