"""Claims created at registration, decided by administrators within caps and budgets."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.incentives import service as incentive_service
from app.incentives.schemas import BudgetSet, ClaimDecision, RuleRevision
from app.models import AuditEvent, IncentiveClaim, Notification, Organization, User
from app.models.enums import ClaimStatus, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import contract_row, facts_between, make_budget, register

D = Decimal


@pytest.fixture
def admin(platform_admin: User) -> Actor:
    return Actor(user=platform_admin)


@pytest.fixture
def university(session: Session) -> Organization:
    return make_org(session, name="长春理工测试大学", org_type=OrgType.UNIVERSITY)


@pytest.fixture
def enterprise(session: Session) -> Organization:
    return make_org(session, name="长春光电测试有限公司", org_type=OrgType.ENTERPRISE)


@pytest.fixture
def broker(session: Session) -> User:
    return make_user(session, role=Role.BROKER, name="李经纪")


def by_code(claims: list[IncentiveClaim]) -> dict[str, IncentiveClaim]:
    return {c.rule_code: c for c in claims}


class TestCreateClaims:
    def test_registration_creates_the_applicable_claims(
        self,
        session: Session,
        admin: Actor,
        university: Organization,
        enterprise: Organization,
        broker: User,
    ) -> None:
        university_admin = make_user(session, org=university, org_role=OrgRole.ADMIN)
        claims = register(
            session, admin, facts_between(university, enterprise, "800000", broker=broker)
        )
        found = {c.rule_code: c.computed_amount for c in claims}
        assert found == {
            "P15": D("24000.00"),  # 800,000 × 3%
            "P16-1": D("120000.00"),  # 800,000 × 15% (more than 50万)
            "P18": D("800.00"),  # 800,000 × 1‰, to the registering enterprise
            "P19": D("8000.00"),  # 800,000 × 1%, to the broker
        }
        assert all(c.status == ClaimStatus.PENDING for c in claims)
        p15 = by_code(claims)["P15"]
        assert p15.beneficiary_org_id == university.id
        assert by_code(claims)["P19"].beneficiary_user_id == broker.id
        note = session.scalars(
            select(Notification).where(Notification.user_id == university_admin.id)
        ).one()
        assert "第15条" in note.title and "24,000.00元" in note.body
        assert session.scalars(select(Notification).where(Notification.user_id == broker.id)).one()
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "incentive_claim.create")
        ).all()
        assert len(events) == 4

    def test_registering_twice_adds_nothing(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        facts = facts_between(university, enterprise, "800000")
        contract = contract_row(session, facts, "合同42")
        first = incentive_service.create_claims(
            session, admin, facts, contract_id=contract.id, contract_label="合同42"
        )
        again = incentive_service.create_claims(
            session, admin, facts, contract_id=contract.id, contract_label="合同42"
        )
        assert first and again == []

    def test_annual_cap_adds_up_across_the_years_contracts(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        # Item 15: 3% of each 1500万 contract = 450,000; the university's 2026 cap is 1,000,000.
        amounts = []
        for _ in range(4):
            claims = by_code(
                register(session, admin, facts_between(university, enterprise, "15000000"))
            )
            amounts.append(claims["P15"].computed_amount if "P15" in claims else None)
        # 450,000 + 450,000 + 100,000 (what is left) and then nothing to claim.
        assert amounts == [D("450000.00"), D("450000.00"), D("100000.00"), None]
        next_year = by_code(
            register(session, admin, facts_between(university, enterprise, "15000000", year=2027))
        )
        assert next_year["P15"].computed_amount == D("450000.00")  # a new year, a new cap

    def test_a_rejected_claim_frees_its_share_of_the_cap(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        first = by_code(register(session, admin, facts_between(university, enterprise, "30000000")))
        assert first["P15"].computed_amount == D("900000.00")  # 30,000,000 × 3%
        incentive_service.reject(session, admin, first["P15"].id, ClaimDecision(reason="材料不全"))
        second = by_code(
            register(session, admin, facts_between(university, enterprise, "30000000"))
        )
        assert second["P15"].computed_amount == D("900000.00")


class TestApprove:
    def test_approve_commits_the_budget_and_tells_the_claimant(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        boss = make_user(session, org=university, org_role=OrgRole.ADMIN)
        budget = make_budget(session, admin, 15, "1000000")
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        incentive_service.approve(session, admin, claim.id, ClaimDecision())
        assert claim.status == ClaimStatus.APPROVED
        assert claim.approved_amount == D("30000.00")
        assert budget.committed == D("30000.00") and budget.remaining == D("970000.00")
        titles = session.scalars(
            select(Notification.title).where(Notification.user_id == boss.id)
        ).all()
        assert any("已核定" in t and "30,000.00元" in t for t in titles)
        actions = session.scalars(select(AuditEvent.action)).all()
        assert "incentive_claim.approve" in actions and "budget_line.reserve" in actions

    def test_no_budget_no_approval(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        with pytest.raises(Conflict, match="第15条2026年度预算尚未设置"):
            incentive_service.approve(session, admin, claim.id, ClaimDecision())

    def test_budget_is_never_overspent(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        budget = make_budget(session, admin, 15, "50000")
        first = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        other = make_org(session, org_type=OrgType.INSTITUTE)
        second = by_code(register(session, admin, facts_between(other, enterprise)))["P15"]
        incentive_service.approve(session, admin, first.id, ClaimDecision())  # 30,000
        with pytest.raises(
            Conflict, match=re.escape("预算余额不足：剩余20,000.00元，本次核定30,000.00元")
        ):
            incentive_service.approve(session, admin, second.id, ClaimDecision())
        assert second.status == ClaimStatus.PENDING
        incentive_service.approve(
            session, admin, second.id, ClaimDecision(amount=D("20000"), reason="年度预算余额")
        )
        assert budget.committed == budget.total == D("50000.00")

    def test_adjusting_needs_a_reason_and_stays_within_the_rule(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        make_budget(session, admin, 15, "1000000")
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        with pytest.raises(InvalidInput) as missing:
            incentive_service.approve(session, admin, claim.id, ClaimDecision(amount=D("20000")))
        assert missing.value.errors == {"reason": "调整金额时请说明原因"}
        with pytest.raises(InvalidInput, match=re.escape("超过本项最多可核定的30,000.00元")):
            incentive_service.approve(
                session, admin, claim.id, ClaimDecision(amount=D("30000.01"), reason="多给")
            )
        incentive_service.approve(
            session, admin, claim.id, ClaimDecision(amount=D("20000"), reason="部分合同未履行")
        )
        assert claim.approved_amount == D("20000.00")
        assert claim.decision_reason == "部分合同未履行"
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "incentive_claim.adjust")
        ).one()
        assert "原30,000.00元" in event.summary

    def test_annual_cap_holds_at_approval(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        make_budget(session, admin, 15, "5000000")
        first = by_code(register(session, admin, facts_between(university, enterprise, "30000000")))
        incentive_service.approve(session, admin, first["P15"].id, ClaimDecision())  # 900,000
        second = by_code(
            register(session, admin, facts_between(university, enterprise, "30000000"))
        )
        assert second["P15"].computed_amount == D("100000.00")  # only 100,000 left this year
        with pytest.raises(InvalidInput, match=re.escape("年度剩余额度100,000.00元")):
            incentive_service.approve(
                session, admin, second["P15"].id, ClaimDecision(amount=D("150000"), reason="补足")
            )

    def test_selection_rules_need_the_decided_amount(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        make_budget(session, admin, 16, "20000000")
        facts = facts_between(university, enterprise, "2000000", award_winning=True)
        claims = by_code(register(session, admin, facts))
        award = claims["P16-3"]
        assert award.requires_selection and award.computed_amount == D("5000000.00")
        with pytest.raises(InvalidInput, match="择优评审核定的金额"):
            incentive_service.approve(session, admin, award.id, ClaimDecision())
        incentive_service.approve(
            session, admin, award.id, ClaimDecision(amount=D("2000000"), reason="专家评审结果")
        )
        # Item 16's tiers are alternatives: tier 1 for the same contract is now refused.
        with pytest.raises(Conflict, match="各档只能享受其一"):
            incentive_service.approve(session, admin, claims["P16-1"].id, ClaimDecision())

    def test_only_platform_admins_decide(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        with pytest.raises(PermissionDenied):
            incentive_service.approve(session, Actor(user=district), claim.id, ClaimDecision())


class TestRejectAndPay:
    def test_reject_needs_a_reason(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        with pytest.raises(InvalidInput):
            incentive_service.reject(session, admin, claim.id, ClaimDecision())
        incentive_service.reject(session, admin, claim.id, ClaimDecision(reason="非本地企业"))
        assert claim.status == ClaimStatus.REJECTED
        with pytest.raises(Conflict, match="当前状态为“未通过”，不能执行“核定”"):
            incentive_service.approve(session, admin, claim.id, ClaimDecision())

    def test_pay_after_approval_only(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        make_budget(session, admin, 15, "1000000")
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        with pytest.raises(Conflict, match="不能执行“确认拨付”"):
            incentive_service.mark_paid(session, admin, claim.id)
        incentive_service.approve(session, admin, claim.id, ClaimDecision())
        incentive_service.mark_paid(session, admin, claim.id)
        assert claim.status == ClaimStatus.PAID and claim.paid_at is not None


class TestBudgetsAndRules:
    def test_budget_cannot_drop_below_what_is_committed(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        make_budget(session, admin, 15, "100000")
        claim = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        incentive_service.approve(session, admin, claim.id, ClaimDecision())
        with pytest.raises(InvalidInput, match=re.escape("不能低于已核定的30,000.00元")):
            incentive_service.set_budget(
                session, admin, BudgetSet(item_no=15, year=2026, total=D("29999.99"))
            )
        raised = incentive_service.set_budget(
            session, admin, BudgetSet(item_no=15, year=2026, total=D("200000"))
        )
        assert raised.remaining == D("170000.00")

    def test_a_revised_rule_applies_from_its_date_and_history_stays(
        self, session: Session, admin: Actor, university: Organization, enterprise: Organization
    ) -> None:
        old = by_code(register(session, admin, facts_between(university, enterprise)))["P15"]
        revised = incentive_service.revise_rule(
            session,
            admin,
            "P15",
            RuleRevision(effective_from="2027-01-01", rate=D("0.04"), note="提高至4%"),
        )
        assert revised.version == 2
        in_2026 = by_code(register(session, admin, facts_between(university, enterprise)))
        in_2027 = by_code(
            register(session, admin, facts_between(university, enterprise, year=2027))
        )
        assert in_2026["P15"].computed_amount == D("30000.00")  # still 3%
        assert in_2027["P15"].computed_amount == D("40000.00")  # 1,000,000 × 4%
        assert old.rule_id == in_2026["P15"].rule_id != in_2027["P15"].rule_id
        with pytest.raises(InvalidInput):
            incentive_service.revise_rule(
                session, admin, "P15", RuleRevision(effective_from="2026-06-01")
            )
