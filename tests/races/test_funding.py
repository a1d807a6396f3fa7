"""A budget line under many reviewers at once: it is never over-committed.

Twelve different reward claims of 3,000 each are approved by twelve reviewers at the same
moment against a budget of 20,000: six fit, six are refused with the remaining balance, and the
ledger holds exactly one reservation entry per approved claim, adding up to what the line says
is committed. A released challenge tranche clicked by many at once is released once.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.db import session_scope
from app.incentives import service as incentive_service
from app.models import BudgetLine, FundingReservation, IncentiveClaim, LedgerEntry
from app.models.enums import ClaimStatus, LedgerKind, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import contract_row, facts_between, make_budget
from tests.races.conftest import RaceServer, statuses

YEAR = 2033


def test_twelve_claims_approved_at_once_never_overspend_the_line(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="预算并发审核员")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        actor = Actor(user=admin)
        ids: list[int] = []
        for n in range(12):
            university = make_org(s, org_type=OrgType.UNIVERSITY)
            make_user(s, org=university, org_role=OrgRole.ADMIN, name=f"预算高校管理员{n}")
            facts = facts_between(university, enterprise, "100000", year=YEAR)
            contract = contract_row(s, facts, f"预算并发合同{n}")
            claims = incentive_service.create_claims(
                s, actor, facts, contract_id=contract.id, contract_label=contract.title
            )
            ids += [c.id for c in claims if c.rule_code == "P15"]
        make_budget(s, actor, 15, "20000", year=YEAR)
        token = race_server.token(s, admin)
    assert len(ids) == 12

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/incentives/claims/{i}/approve", {}) for i in ids]
    )

    assert statuses(responses) == [200] * 6 + [409] * 6, [r.text for r in responses]
    refused = [r.json()["detail"] for r in responses if r.status_code == 409]
    assert all("预算余额不足" in detail for detail in refused), refused
    assert all("剩余" in detail for detail in refused)
    with race_server.factory() as s:
        line = s.scalars(
            select(BudgetLine).where(
                BudgetLine.programme == "policy", BudgetLine.item_no == 15, BudgetLine.year == YEAR
            )
        ).one()
        assert line.committed == Decimal("18000.00") <= line.total
        approved = s.scalars(
            select(IncentiveClaim).where(
                IncentiveClaim.id.in_(ids), IncentiveClaim.status == ClaimStatus.APPROVED
            )
        ).all()
        assert len(approved) == 6
        entries = s.scalars(
            select(LedgerEntry).where(
                LedgerEntry.budget_line_id == line.id, LedgerEntry.kind == LedgerKind.RESERVE
            )
        ).all()
        # One reservation and one ledger entry per approved claim, none for a refused one.
        assert sorted(e.subject_id for e in entries) == sorted(c.id for c in approved)
        assert sum((e.amount for e in entries), Decimal(0)) == line.committed
        reservations = s.scalar(
            select(func.count())
            .select_from(FundingReservation)
            .where(FundingReservation.budget_line_id == line.id)
        )
        assert reservations == 6


def test_a_reward_paid_by_ten_clicks_at_once_is_paid_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="拨付并发管理员")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        university = make_org(s, org_type=OrgType.UNIVERSITY)
        make_user(s, org=university, org_role=OrgRole.ADMIN, name="拨付高校管理员")
        actor = Actor(user=admin)
        facts = facts_between(university, enterprise, "100000", year=YEAR + 1)
        contract = contract_row(s, facts, "拨付并发合同")
        [claim] = [
            c
            for c in incentive_service.create_claims(
                s, actor, facts, contract_id=contract.id, contract_label=contract.title
            )
            if c.rule_code == "P15"
        ]
        make_budget(s, actor, 15, "10000", year=YEAR + 1)
        token = race_server.token(s, admin)
    [approved] = race_server.at_once(
        [(token, "POST", f"/api/v1/incentives/claims/{claim.id}/approve", {})]
    )
    assert approved.status_code == 200, approved.text

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/incentives/claims/{claim.id}/pay", {})] * 10
    )

    assert statuses(responses) == [200] + [409] * 9, [r.text for r in responses]
    with race_server.factory() as s:
        kinds = s.scalars(
            select(LedgerEntry.kind)
            .where(
                LedgerEntry.subject_type == "incentive_claim", LedgerEntry.subject_id == claim.id
            )
            .order_by(LedgerEntry.id)
        ).all()
        assert kinds == [LedgerKind.RESERVE, LedgerKind.RELEASE, LedgerKind.PAY]
        line = s.scalars(
            select(BudgetLine).where(
                BudgetLine.programme == "policy",
                BudgetLine.item_no == 15,
                BudgetLine.year == YEAR + 1,
            )
        ).one()
        assert line.committed == line.released == line.paid == Decimal("3000.00")
