"""The calculator, an organisation's rewards page and the bureau's desk, used as people would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import User
from app.models.enums import OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.factories.incentives import facts_between, make_budget, register


def quote_form(**changes: str) -> dict[str, str]:
    data = {
        "contract_type": "transfer",
        "contract_amount": "600万",
        "transaction_amount": "500万",
        "paid_in_year": "200万",
        "year": "2026",
        "registrant": "transferee",
        "transferor.name": "吉林测试大学",
        "transferor.org_type": "university",
        "transferor.local": "true",
        "transferee.name": "长春测试企业",
        "transferee.org_type": "enterprise",
        "transferee.local": "true",
        "broker.name": "王经纪",
        "transfer_institution.name": "长春技术转移中心",
        "transfer_institution.filed": "on",
    }
    data.update(changes)
    return data


class TestQuotePage:
    def test_anyone_can_work_out_a_contracts_rewards(self, client: TestClient) -> None:
        page = client.get("/incentives/quote")
        assert page.status_code == 200 and "政策奖补测算" in page.text
        response = client.post(
            "/incentives/quote",
            data={**quote_form(), "csrf_token": page_csrf(client, "/incentives/quote")},
        )
        assert response.status_code == 200
        html = response.text
        # 600万 × 3% = 180,000; × 15% = 900,000; 200万 × 20% = 400,000; 500万 × 1‰ and 1%.
        for rule, amount in [
            ("P15", "180000.00"),
            ("P16-1", "900000.00"),
            ("P16-2", "400000.00"),
            ("P18", "5000.00"),
            ("P19", "50000.00"),
            ("P9", "600.00"),
        ]:
            row = re.search(rf'data-rule="{rule}".*?</tr>', html, re.S)
            assert row and f'data-amount="{amount}"' in row.group(0), rule
        assert "需择优" in html and "技术合同金额6,000,000.00元 × 15% = 900,000.00元" in html
        # 180,000 + 900,000 + 5,000 + 50,000 + 600 (tier 2 needs selection).
        assert 'data-total="1135600.00"' in html

    def test_mistakes_are_shown_on_the_form_and_nothing_is_lost(self, client: TestClient) -> None:
        token = page_csrf(client, "/incentives/quote")
        response = client.post(
            "/incentives/quote",
            data={**quote_form(contract_amount="很多"), "csrf_token": token},
        )
        assert response.status_code == 422
        assert "金额格式不正确" in response.text
        assert 'value="很多"' in response.text and 'value="吉林测试大学"' in response.text


class TestMyRewards:
    def test_an_organisation_sees_what_it_may_claim_and_what_it_was_paid(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        admin = Actor(user=platform_admin)
        university = make_org(session, org_type=OrgType.UNIVERSITY)
        enterprise = make_org(session, org_type=OrgType.ENTERPRISE)
        from app.incentives import service
        from app.incentives.schemas import ClaimDecision

        make_budget(session, admin, 15, "1000000")
        paid = register(session, admin, facts_between(university, enterprise, "100万"))[0]
        service.approve(session, admin, paid.id, ClaimDecision())
        service.mark_paid(session, admin, paid.id)
        register(session, admin, facts_between(university, enterprise, "200万"))
        member = make_user(session, org=university)
        login(client, member)
        html = client.get("/incentives").text
        assert "我的奖补" in html
        assert 'data-total="2026-paid">30,000.00元' in html  # 1,000,000 × 3%, paid
        assert 'data-total="2026-pending">60,000.00元' in html  # 2,000,000 × 3%, to be decided
        assert html.count("data-claim=") == 2

    def test_empty_state(self, client: TestClient, session: Session) -> None:
        login(client, make_user(session, org=make_org(session)))
        assert "暂无奖补记录" in client.get("/incentives").text

    def test_sign_in_needed(self, client: TestClient) -> None:
        response = client.get("/incentives", follow_redirects=False)
        assert response.status_code in (401, 303)


class TestAdminDesk:
    def test_approve_adjust_reject_and_pay_from_the_claims_page(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        admin = Actor(user=platform_admin)
        university = make_org(session, org_type=OrgType.UNIVERSITY)
        enterprise = make_org(session, org_type=OrgType.ENTERPRISE)
        boss = make_user(session, org=university, org_role=OrgRole.ADMIN)
        claims = {
            c.rule_code: c for c in register(session, admin, facts_between(university, enterprise))
        }
        login(client, platform_admin)
        listing = client.get("/admin/incentives/claims")
        assert listing.status_code == 200 and f'data-claim="{claims["P15"].id}"' in listing.text
        token = page_csrf(client, "/admin/incentives/claims")

        no_budget = client.post(
            f"/admin/incentives/claims/{claims['P15'].id}/approve", data={"csrf_token": token}
        )
        assert "第15条2026年度预算尚未设置" in no_budget.text

        budget_page = client.post(
            "/admin/incentives/budgets",
            data={"item_no": "15", "year": "2026", "total": "100万", "csrf_token": token},
        )
        assert "已设置第15条2026年度预算" in budget_page.text
        assert 'data-budget="15-2026"' in budget_page.text

        adjusted = client.post(
            f"/admin/incentives/claims/{claims['P15'].id}/approve",
            data={"amount": "25000", "reason": "扣除未履行部分", "csrf_token": token},
        )
        assert "已核定" in adjusted.text
        rejected = client.post(
            f"/admin/incentives/claims/{claims['P18'].id}/reject",
            data={"reason": "", "csrf_token": token},
        )
        assert "请填写不予支持的原因" in rejected.text
        client.post(
            f"/admin/incentives/claims/{claims['P18'].id}/reject",
            data={"reason": "登记材料不全", "csrf_token": token},
        )
        client.post(f"/admin/incentives/claims/{claims['P15'].id}/pay", data={"csrf_token": token})
        budgets = client.get("/admin/incentives/budgets").text
        assert "25,000.00元" in budgets and "975,000.00元" in budgets

        client.cookies.clear()
        login(client, boss)
        mine = client.get("/incentives").text
        assert "已拨付" in mine and "扣除未履行部分" in mine
        client.cookies.clear()
        login(client, make_user(session, org=enterprise, org_role=OrgRole.ADMIN))
        theirs = client.get("/incentives").text
        assert "未通过" in theirs and "登记材料不全" in theirs

    def test_rules_page_shows_every_rule(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        login(client, platform_admin)
        html = client.get("/admin/incentives/rules").text
        for code in ["P9", "P14-1", "P14-2", "P15", "P16-1", "P16-2", "P16-3", "P18", "P19"]:
            assert f'data-rule="{code}-v1"' in html
        assert "按技术合同（协议）金额3%" in html and "现行" in html

    def test_members_and_district_admins_cannot_decide(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        claims = register(
            session,
            Actor(user=platform_admin),
            facts_between(make_org(session, org_type=OrgType.UNIVERSITY), make_org(session)),
        )
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        login(client, district)
        page = client.get("/admin/incentives/claims").text
        assert "核定</button>" not in page
        token = page_csrf(client, "/admin/incentives/claims")
        response = client.post(
            f"/admin/incentives/claims/{claims[0].id}/approve", data={"csrf_token": token}
        )
        assert response.status_code == 403
