"""The demo deals and contracts: every state shows up, and loading again adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.seed import seed
from app.demo.trading import load_trading
from app.models import Deal, TechContract
from app.models.enums import ContractStatus, DealStatus

TITLES = {
    "激光测距模组光学系统设计技术许可合同",
    "可降解聚乳酸改性技术作价入股协议",
    "新能源汽车铝合金电池托盘焊接变形控制技术开发合同",
    "细胞治疗产品质量体系建设技术咨询合同",
}


def test_demo_trading_covers_each_state(session: Session) -> None:
    assert seed(session)
    deals = Counter(session.scalars(select(Deal.status)))
    assert {DealStatus.PERFORMING, DealStatus.NEGOTIATING, DealStatus.INTENT} <= set(deals)
    contracts = list(session.scalars(select(TechContract).order_by(TechContract.id)))
    mine = [c for c in contracts if c.title in TITLES or c.deal_id is not None]
    assert Counter(c.status for c in mine) == {
        ContractStatus.REGISTERED: 3,
        ContractStatus.SUBMITTED: 1,
        ContractStatus.RETURNED: 1,
    }
    numbers = [c.registration_no for c in contracts if c.registration_no]
    assert len(set(numbers)) == len(numbers)
    by_region = Counter(n[:10] for n in numbers)  # region + year
    for prefix, count in by_region.items():
        tails = sorted(int(n[-6:]) for n in numbers if n.startswith(prefix))
        assert tails == list(range(1, count + 1))
    load_trading(session)
    assert session.scalar(select(func.count()).select_from(TechContract)) == len(contracts)
