"""Technical contracts and deals, valid unless a test overrides a field."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Organization, TechContract, User
from app.models.enums import ContractType, PartyRole
from app.trading import service
from app.trading.schemas import ContractCreate


def contract_data(
    seller: Organization,
    buyer: Organization,
    *,
    contract_type: ContractType = ContractType.TRANSFER,
    total: str = "800000",
    **fields: Any,
) -> ContractCreate:
    roles = {
        ContractType.TRANSFER: (PartyRole.ASSIGNOR, PartyRole.ASSIGNEE),
        ContractType.LICENSE: (PartyRole.LICENSOR, PartyRole.LICENSEE),
        ContractType.DEVELOPMENT: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
        ContractType.SERVICE: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
        ContractType.CONSULTING: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
        ContractType.EQUITY: (PartyRole.CONTRIBUTOR, PartyRole.INVESTEE),
    }[contract_type]
    payload: dict[str, Any] = {
        "title": "高功率光纤激光焊接头专利权转让",
        "contract_type": contract_type,
        "total_amount": total,
        "signed_on": date(2026, 11, 20),
        "tech_field": "03",
        "ip_type": "21",
        "parties": [
            {"role": roles[0], "org_id": seller.id},
            {"role": roles[1], "org_id": buyer.id},
        ],
        "milestones": [
            {"name": "合同生效后首付款", "amount": "300000"},
            {"name": "技术交付验收后尾款", "amount": "500000"},
        ]
        if total == "800000"
        else [],
    }
    payload.update(fields)
    return ContractCreate.model_validate(payload)


def make_contract(
    session: Session,
    user: User,
    seller: Organization,
    buyer: Organization,
    **fields: Any,
) -> TechContract:
    return service.create_contract(
        session, Actor(user=user), contract_data(seller, buyer, **fields)
    )
