"""Demo rewards: this year's budgets, and four technical contracts registered through the
trading service so their claims arise as they would for real; some are decided.

Idempotent: once the budgets of the current year exist nothing is added again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ClaimDecision
from app.models import IncentiveBudget, Organization, User
from app.models.enums import CONTRACT_ROLES, ContractType
from app.trading import service as trading_service
from app.trading.schemas import ContractCreate, PaymentCreate

BUDGETS = {
    9: "1000000",
    14: "10000000",
    15: "5000000",
    16: "20000000",
    18: "3000000",
    19: "2000000",
}

# (title, type, seller, seller's admin, buyer, contract, technology, paid so far, broker, institution)
CONTRACTS: list[
    tuple[str, ContractType, str, str, str, str, str | None, str | None, bool, bool]
] = [
    (
        "车规级毫米波雷达信号处理技术转让合同",
        ContractType.TRANSFER,
        "吉林大学",
        "jlu@demo.kechuang.cn",
        "长春启明星汽车电子有限公司",
        "8000000",
        "6000000",
        "3000000",
        True,
        True,
    ),
    (
        "高精度非球面光学元件加工工艺许可合同",
        ContractType.LICENSE,
        "长春理工大学",
        "cust@demo.kechuang.cn",
        "吉林省光谷精密光学有限公司",
        "1200000",
        None,
        None,
        False,
        False,
    ),
    (
        "空间相机轻量化主镜联合开发合同",
        ContractType.DEVELOPMENT,
        "中国科学院长春光学精密机械与物理研究所",
        "ciomp@demo.kechuang.cn",
        "吉林省光谷精密光学有限公司",
        "30000000",
        "28000000",
        "12000000",
        False,
        True,
    ),
    (
        "稀土掺杂白光LED荧光粉制备技术转让合同",
        ContractType.TRANSFER,
        "中国科学院长春应用化学研究所",
        "ciac@demo.kechuang.cn",
        "长春北方新材料科技有限公司",
        "450000",
        None,
        None,
        True,
        False,
    ),
]


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def load_incentives(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    """Budgets for this year, four registered contracts and their claims, a few decided."""
    admin = _user(session, "admin@demo.kechuang.cn")
    if admin is None:
        return False
    actor = Actor(user=admin, label="演示数据")
    year = trading_service.local_year()
    if session.scalar(select(IncentiveBudget.id).where(IncentiveBudget.year == year)):
        return False
    for item_no, total in BUDGETS.items():
        incentive_service.set_budget(
            session, actor, BudgetSet(item_no=item_no, year=year, total=Decimal(total))
        )
    orgs = {o.name: o for o in session.scalars(select(Organization))}
    broker = _user(session, "broker@demo.kechuang.cn")
    institution = orgs.get("长春科技成果转化服务中心")
    claims = []
    for title, kind, seller, seller_email, buyer, total, tech, paid, brokered, filed in CONTRACTS:
        seller_admin = _user(session, seller_email)
        if seller not in orgs or buyer not in orgs or seller_admin is None:
            continue
        roles = CONTRACT_ROLES[kind]
        data = ContractCreate.model_validate(
            {
                "title": title,
                "contract_type": kind,
                "total_amount": total,
                "tech_amount": tech,
                "signed_on": date(year, 3, 18),
                "tech_field": "03",
                "broker_id": broker.id if brokered and broker is not None else None,
                "transfer_org_id": institution.id if filed and institution is not None else None,
                "parties": [
                    {"role": roles[0], "org_id": orgs[seller].id},
                    {"role": roles[1], "org_id": orgs[buyer].id},
                ],
            }
        )
        contract = trading_service.create_contract(session, actor, data)
        session.flush()
        trading_service.submit_registration(session, Actor(user=seller_admin), contract)
        trading_service.approve_registration(session, actor, contract)
        if paid is not None:
            trading_service.record_payment(
                session,
                Actor(user=seller_admin),
                contract.id,
                PaymentCreate(amount=Decimal(paid), paid_on=date(year, 6, 30), note="首期款"),
            )
        claims.append(
            {c.rule_code: c for c in incentive_service.claims_for_contract(session, contract.id)}
        )
    # The licence's output reward approved and paid; the radar contract's broker reward approved.
    if len(claims) >= 2 and "P15" in claims[1]:
        incentive_service.approve(session, actor, claims[1]["P15"].id, ClaimDecision())
        incentive_service.mark_paid(session, actor, claims[1]["P15"].id)
    if claims and "P19" in claims[0]:
        incentive_service.approve(session, actor, claims[0]["P19"].id, ClaimDecision())
    progress(
        f"政策奖补：{len(BUDGETS)} 项年度预算，{len(claims)} 份已登记合同的 "
        f"{sum(len(c) for c in claims)} 项申领"
    )
    return True
