"""Demo rewards: this year's budgets and the claims four registered contracts gave rise to.

Idempotent: once the budgets of the demo year exist nothing is added again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ClaimDecision, ContractFacts
from app.models import IncentiveBudget, Organization, User

YEAR = 2026
BUDGETS = {
    9: "1000000",
    14: "10000000",
    15: "5000000",
    16: "20000000",
    18: "3000000",
    19: "2000000",
}

# (label, type, transferor, transferee, contract, technology, paid this year, broker?, institution?)
CONTRACTS: list[tuple[str, str, str, str, str, str | None, str | None, bool, bool]] = [
    (
        "车规级毫米波雷达信号处理技术转让合同",
        "transfer",
        "吉林大学",
        "长春启明星汽车电子有限公司",
        "8000000",
        "6000000",
        "3000000",
        True,
        True,
    ),
    (
        "高精度非球面光学元件加工工艺许可合同",
        "license",
        "长春理工大学",
        "吉林省光谷精密光学有限公司",
        "1200000",
        None,
        None,
        False,
        False,
    ),
    (
        "空间相机轻量化主镜联合开发合同",
        "development",
        "中国科学院长春光学精密机械与物理研究所",
        "吉林省光谷精密光学有限公司",
        "30000000",
        "28000000",
        "12000000",
        False,
        True,
    ),
    (
        "可降解聚乳酸改性技术作价入股协议",
        "equity",
        "中国科学院长春应用化学研究所",
        "长春北方新材料科技有限公司",
        "450000",
        None,
        None,
        True,
        False,
    ),
]


def _party(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "org_id": org.id,
        "org_type": org.org_type.value,
        "local": org.region_code != "220199",
    }


def load_incentives(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    """Budgets for the demo year, claims for four contracts, a few of them decided."""
    if session.scalar(select(IncentiveBudget.id).where(IncentiveBudget.year == YEAR)):
        return False
    admin = session.scalar(select(User).where(User.email == "admin@demo.kechuang.cn"))
    if admin is None:
        return False
    actor = Actor(user=admin, label="演示数据")
    orgs = {o.name: o for o in session.scalars(select(Organization))}
    broker = session.scalar(select(User).where(User.email == "broker@demo.kechuang.cn"))
    institution = orgs.get("长春科技成果转化服务中心")
    for item_no, total in BUDGETS.items():
        incentive_service.set_budget(
            session, actor, BudgetSet(item_no=item_no, year=YEAR, total=Decimal(total))
        )
    created = []
    for label, kind, seller, buyer, amount, tech, paid, brokered, filed in CONTRACTS:
        if seller not in orgs or buyer not in orgs:
            continue
        data: dict[str, Any] = {
            "contract_type": kind,
            "contract_amount": amount,
            "transaction_amount": tech,
            "paid_in_year": paid,
            "year": YEAR,
            "transferor": _party(orgs[seller]),
            "transferee": _party(orgs[buyer]),
        }
        if brokered and broker is not None:
            data["broker"] = {"name": broker.name, "user_id": broker.id}
        if filed and institution is not None:
            data["transfer_institution"] = {
                "name": institution.name,
                "org_id": institution.id,
                "filed": True,
            }
        created.append(
            incentive_service.create_claims(
                session,
                actor,
                ContractFacts.model_validate(data),
                contract_id=None,
                contract_label=f"{label}（演示）",
            )
        )
    # The licence's output reward approved and paid; the broker's reward approved.
    if len(created) >= 2:
        licence = {c.rule_code: c for c in created[1]}
        if "P15" in licence:
            incentive_service.approve(session, actor, licence["P15"].id, ClaimDecision())
            incentive_service.mark_paid(session, actor, licence["P15"].id)
        first = {c.rule_code: c for c in created[0]}
        if "P19" in first:
            incentive_service.approve(session, actor, first["P19"].id, ClaimDecision())
    progress(f"政策奖补：{len(BUDGETS)} 项年度预算，{sum(len(c) for c in created)} 项申领")
    return True
