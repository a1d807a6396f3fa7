"""Approvals running at the same time on separate connections never overspend a budget.

Each thread approves a different claim in its own session and transaction, as separate
requests or workers would. The budget row is locked before it is read (FOR UPDATE on
PostgreSQL; SQLite's write lock taken at BEGIN), so the checks run one after another.
Run against PostgreSQL with KC_TEST_DATABASE_URL set (scripts/postgres.sh start).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine, delete, func, select

from app.core.audit import Actor
from app.core.db import build_sessionmaker
from app.core.errors import Conflict
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ClaimDecision
from app.models import (
    AuditEvent,
    BudgetLine,
    FundingReservation,
    IncentiveClaim,
    LedgerEntry,
    Notification,
    Organization,
    OutboxMessage,
    TechContract,
    User,
)
from app.models.enums import ClaimStatus, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import contract_row, facts_between

YEAR = 2099  # a year no other test uses: this test commits for real
THREADS = 10


@pytest.fixture
def committed(engine: Engine) -> Iterator[dict[str, list[int]]]:
    """Rows this test commits, removed again afterwards."""
    factory = build_sessionmaker(engine)
    with factory() as s:
        marks = {
            "audit": s.scalar(select(func.max(AuditEvent.id))) or 0,
            "outbox": s.scalar(select(func.max(OutboxMessage.id))) or 0,
        }
    ids: dict[str, list[int]] = {"orgs": [], "users": [], "claims": [], "contracts": []}
    yield ids
    with factory() as s, s.begin():
        s.execute(delete(IncentiveClaim).where(IncentiveClaim.year == YEAR))
        s.execute(delete(TechContract).where(TechContract.id.in_(ids["contracts"])))
        lines = select(BudgetLine.id).where(BudgetLine.year == YEAR)
        s.execute(delete(LedgerEntry).where(LedgerEntry.budget_line_id.in_(lines)))
        s.execute(delete(FundingReservation).where(FundingReservation.budget_line_id.in_(lines)))
        s.execute(delete(BudgetLine).where(BudgetLine.year == YEAR))
        s.execute(delete(Notification).where(Notification.user_id.in_(ids["users"])))
        s.execute(delete(AuditEvent).where(AuditEvent.id > marks["audit"]))
        s.execute(delete(OutboxMessage).where(OutboxMessage.id > marks["outbox"]))
        s.execute(delete(User).where(User.id.in_(ids["users"])))
        s.execute(delete(Organization).where(Organization.id.in_(ids["orgs"])))


def test_concurrent_approvals_cannot_overspend(
    patient_engine: Engine, committed: dict[str, list[int]]
) -> None:
    factory = build_sessionmaker(patient_engine)
    with factory() as s, s.begin():
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="并发审核管理员")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        committed["users"].append(admin.id)
        committed["orgs"].append(enterprise.id)
        actor = Actor(user=admin)
        # Ten universities, one 1000万 contract each: item 15 gives each 300,000 (3%).
        for n in range(THREADS):
            university = make_org(s, org_type=OrgType.UNIVERSITY)
            committed["orgs"].append(university.id)
            facts = facts_between(university, enterprise, "10000000", year=YEAR)
            contract = contract_row(s, facts, f"并发合同{n}")
            committed["contracts"].append(contract.id)
            claims = incentive_service.create_claims(
                s, actor, facts, contract_id=contract.id, contract_label=f"并发合同{n}"
            )
            committed["claims"] += [c.id for c in claims if c.rule_code == "P15"]
        # Room for three of them: 3 × 300,000 = 900,000 ≤ 1,000,000 < 4 × 300,000.
        incentive_service.set_budget(
            s, actor, BudgetSet(item_no=15, year=YEAR, total=Decimal("1000000"))
        )
    admin_id = admin.id
    assert len(committed["claims"]) == THREADS

    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(claim_id: int) -> None:
        with factory() as s:
            user = s.get(User, admin_id)
            s.commit()  # the approval starts a transaction of its own, as a request does
            barrier.wait()
            try:
                incentive_service.approve(s, Actor(user=user), claim_id, ClaimDecision())
                s.commit()
                result = "approved"
            except Conflict as exc:
                s.rollback()
                result = f"refused: {exc.detail}"
            except Exception as exc:  # shown in the assertion below, never lost with the thread
                s.rollback()
                result = f"failed: {exc!r}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(cid,)) for cid in committed["claims"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)

    assert len(outcomes) == THREADS, outcomes
    assert outcomes.count("approved") == 3, outcomes
    assert all("预算余额不足" in o for o in outcomes if o != "approved")
    with factory() as s:
        budget = s.scalars(
            select(BudgetLine).where(BudgetLine.item_no == 15, BudgetLine.year == YEAR)
        ).one()
        approved = s.scalar(
            select(func.sum(IncentiveClaim.approved_amount)).where(
                IncentiveClaim.year == YEAR, IncentiveClaim.status == ClaimStatus.APPROVED
            )
        )
        assert budget.committed == approved == Decimal("900000.00")
        assert budget.committed <= budget.total
