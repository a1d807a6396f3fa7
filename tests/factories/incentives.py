"""Factories for the rewards domain: a contract's facts between real organisations, budgets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ContractFacts
from app.models import BudgetLine, IncentiveClaim, Organization, TechContract, User


def facts_between(
    transferor: Organization,
    transferee: Organization,
    amount: str = "1000000",
    *,
    year: int = 2026,
    broker: User | None = None,
    institution: Organization | None = None,
    **changes: Any,
) -> ContractFacts:
    data: dict[str, Any] = {
        "contract_type": "transfer",
        "contract_amount": amount,
        "year": year,
        "transferor": {
            "name": transferor.name,
            "org_id": transferor.id,
            "org_type": transferor.org_type.value,
            "local": transferor.region_code != "220199",
        },
        "transferee": {
            "name": transferee.name,
            "org_id": transferee.id,
            "org_type": transferee.org_type.value,
            "local": transferee.region_code != "220199",
        },
        "registrant": "transferee",
    }
    if broker is not None:
        data["broker"] = {"name": broker.name, "user_id": broker.id}
    if institution is not None:
        data["transfer_institution"] = {
            "name": institution.name,
            "org_id": institution.id,
            "filed": True,
        }
    data.update(changes)
    return ContractFacts.model_validate(data)


def contract_row(session: Session, facts: ContractFacts, label: str = "") -> TechContract:
    """A bare contract row for claims to point at (the rewards tests need only its id)."""
    contract = TechContract(
        title=label or "奖补测试合同",
        contract_type=facts.contract_type,
        total_amount=facts.contract_amount,
        tech_amount=facts.contract_amount,
        signed_on=date(facts.year, 1, 15),
        tech_field="03",
        ip_type="21",
    )
    session.add(contract)
    session.flush()
    return contract


def register(
    session: Session, actor: Actor, facts: ContractFacts, label: str = ""
) -> list[IncentiveClaim]:
    """What registering a contract with these facts creates."""
    contract = contract_row(session, facts, label)
    return incentive_service.create_claims(
        session, actor, facts, contract_id=contract.id, contract_label=label or f"合同{contract.id}"
    )


def make_budget(
    session: Session, actor: Actor, item_no: int, total: str, year: int = 2026
) -> BudgetLine:
    return incentive_service.set_budget(
        session, actor, BudgetSet(item_no=item_no, year=year, total=Decimal(total))
    )
