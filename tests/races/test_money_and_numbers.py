"""A reward, a registration number and a payment under many clients at once.

Each test first makes the same request once, alone, on a twin record: what one request does
(audit events, notifications, outbox messages, budget) is then the yardstick for what twenty
requests at once on the other record may do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import session_scope
from app.incentives import service as incentive_service
from app.models import (
    AuditEvent,
    BudgetLine,
    ContractPayment,
    IncentiveClaim,
    Notification,
    OutboxMessage,
    RegistrationCounter,
    TechContract,
)
from app.models.enums import ClaimStatus, ContractStatus, OrgRole, OrgType, Role
from app.trading import service as trading_service
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import contract_row, facts_between, make_budget
from tests.factories.trading import make_contract
from tests.races.conftest import RaceServer, statuses


@dataclass(frozen=True)
class Effects:
    audit: int
    notifications: int
    outbox: int


def _effects(session: Session, object_type: str, object_id: int) -> Effects:
    audit = session.scalar(
        select(func.count()).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)
        )
    )
    return Effects(
        audit=audit or 0,
        notifications=session.scalar(select(func.count()).select_from(Notification)) or 0,
        outbox=session.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
    )


def _grew(before: Effects, after: Effects) -> Effects:
    return Effects(
        after.audit - before.audit,
        after.notifications - before.notifications,
        after.outbox - before.outbox,
    )


def _claims(server: RaceServer, year: int) -> tuple[str, list[int]]:
    """Two pending item-15 claims of 3,000 each and a budget; the reviewer's token."""
    with session_scope(server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="奖补审核员")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        actor = Actor(user=admin)
        ids = []
        for n in range(2):
            university = make_org(s, org_type=OrgType.UNIVERSITY)
            make_user(s, org=university, org_role=OrgRole.ADMIN, name=f"高校管理员{n}")
            facts = facts_between(university, enterprise, "100000", year=year)
            contract = contract_row(s, facts, f"并发奖补合同{year}-{n}")
            claims = incentive_service.create_claims(
                s, actor, facts, contract_id=contract.id, contract_label=contract.title
            )
            ids += [c.id for c in claims if c.rule_code == "P15"]
        make_budget(s, actor, 15, "1000000", year=year)
        return server.token(s, admin), ids


def test_a_claim_approved_by_twenty_reviewers_at_once_is_approved_once(
    race_server: RaceServer,
) -> None:
    token, (alone, raced) = _claims(race_server, 2031)
    approve = "/api/v1/incentives/claims/{}/approve"
    with race_server.factory() as s:
        before = _effects(s, "incentive_claim", alone)
    [single] = race_server.at_once([(token, "POST", approve.format(alone), {})])
    assert single.status_code == 200, single.text
    with race_server.factory() as s:
        one_request = _grew(before, _effects(s, "incentive_claim", alone))
        before = _effects(s, "incentive_claim", raced)

    responses = race_server.at_once([(token, "POST", approve.format(raced), {})] * 20)

    assert statuses(responses) == [200] + [409] * 19
    refused = [r.json() for r in responses if r.status_code == 409]
    assert all("当前状态为“已核定”" in body["detail"] for body in refused), refused[0]
    assert all(
        r.headers["content-type"].startswith("application/problem+json")
        for r in responses
        if r.status_code == 409
    )
    with race_server.factory() as s:
        assert _grew(before, _effects(s, "incentive_claim", raced)) == one_request
        claim = s.get(IncentiveClaim, raced)
        assert claim is not None and claim.status == ClaimStatus.APPROVED
        budget = s.scalars(
            select(BudgetLine).where(BudgetLine.item_no == 15, BudgetLine.year == 2031)
        ).one()
        assert budget.committed == Decimal("6000.00")  # two claims of 3,000, once each
        commits = s.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "budget_line",
                AuditEvent.object_id == str(budget.id),
                AuditEvent.action == "budget_line.reserve",
            )
        )
        assert commits == 2


def test_a_contract_registered_by_ten_clerks_at_once_gets_one_number(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="登记员")
        seller = make_org(s, org_type=OrgType.UNIVERSITY)
        buyer = make_org(s, org_type=OrgType.ENTERPRISE)
        clerk = make_user(s, org=seller, org_role=OrgRole.ADMIN, name="合同经办人")
        make_user(s, org=buyer, org_role=OrgRole.ADMIN, name="受让方管理员")
        ids = []
        for n in range(2):
            contract = make_contract(s, clerk, seller, buyer, title=f"并发登记合同{n}")
            trading_service.submit_registration(s, Actor(user=clerk), contract)
            ids.append(contract.id)
        token = race_server.token(s, admin)
    alone, raced = ids
    approve = "/api/v1/contracts/{}/approve"
    with race_server.factory() as s:
        before = _effects(s, "tech_contract", alone)
    [single] = race_server.at_once([(token, "POST", approve.format(alone), None)])
    assert single.status_code == 200, single.text
    with race_server.factory() as s:
        one_request = _grew(before, _effects(s, "tech_contract", alone))
        before = _effects(s, "tech_contract", raced)
        counters_before = s.scalar(select(func.sum(RegistrationCounter.last_value)))

    responses = race_server.at_once([(token, "POST", approve.format(raced), None)] * 10)

    assert statuses(responses) == [200] + [409] * 9
    [winner] = [r.json() for r in responses if r.status_code == 200]
    with race_server.factory() as s:
        assert _grew(before, _effects(s, "tech_contract", raced)) == one_request
        contract = s.get(TechContract, raced)
        assert contract is not None and contract.status == ContractStatus.REGISTERED
        assert contract.registration_no == winner["registration_no"]
        # One number taken: the counter moved by one, so the next contract leaves no gap.
        assert s.scalar(select(func.sum(RegistrationCounter.last_value))) == counters_before + 1


def test_payments_sent_at_once_never_exceed_the_milestone(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="登记员")
        seller = make_org(s, org_type=OrgType.UNIVERSITY)
        buyer = make_org(s, org_type=OrgType.ENTERPRISE)
        clerk = make_user(s, org=seller, org_role=OrgRole.ADMIN, name="财务")
        contract = make_contract(s, clerk, seller, buyer, title="并发到账合同")
        trading_service.submit_registration(s, Actor(user=clerk), contract)
        trading_service.approve_registration(s, Actor(user=admin), contract)
        first = min(contract.milestones, key=lambda m: m.id)  # 300,000
        token = race_server.token(s, clerk)
        contract_id, milestone_id = contract.id, first.id
    body = {"milestone_id": milestone_id, "amount": "100000", "paid_on": str(date(2026, 11, 25))}

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/contracts/{contract_id}/payments", body)] * 6
    )

    codes = statuses(responses)
    assert codes.count(201) == 3, [r.text for r in responses]
    assert all(code in (409, 422) for code in codes if code != 201)
    with race_server.factory() as s:
        paid = s.scalar(
            select(func.sum(ContractPayment.amount)).where(
                ContractPayment.milestone_id == milestone_id
            )
        )
        assert paid == Decimal("300000.00")
