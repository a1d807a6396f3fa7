"""The JSON API: quotes for anyone, claims and budgets for the people they concern."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Organization, User
from app.models.enums import OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import facts_between, make_budget, register
from tests.orgs.test_endpoints import bearer

QUOTE = "/api/v1/incentives/quote"


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contract_type": "transfer",
        "contract_amount": "80万",
        "year": 2026,
        "transferor": {"name": "吉林测试大学", "org_type": "university", "local": True},
        "transferee": {"name": "长春测试企业", "org_type": "enterprise", "local": True},
        "broker": {"name": "王经纪"},
    }
    data.update(changes)
    return data


class TestQuote:
    def test_every_rule_answers_with_its_arithmetic(self, client: TestClient) -> None:
        response = client.post(QUOTE, json=body())
        assert response.status_code == 200, response.text
        data = response.json()
        items = {i["rule_code"]: i for i in data["items"]}
        assert set(items) == {
            "P9",
            "P14-1",
            "P14-2",
            "P15",
            "P16-1",
            "P16-2",
            "P16-3",
            "P18",
            "P19",
        }
        p15 = items["P15"]
        assert p15["applies"] and p15["amount"] == "24000.00"
        assert p15["clause"] == "第15条" and p15["beneficiary_label"] == "让与方（成果输出单位）"
        assert p15["base_amount"] == "800000.00" and p15["rate_text"] == "3%"
        assert p15["cap"] == "1000000.00" and p15["remaining_cap"] == "1000000.00"
        assert "技术合同金额800,000.00元 × 3% = 24,000.00元" in p15["explanation"]
        assert items["P9"]["applies"] is False
        assert items["P9"]["reasons"] == ["没有技术转移机构参与"]
        # 24,000 + 120,000 + 800 + 8,000: the rewards that need no selection decision.
        assert data["total"] == "152800.00"
        assert "四舍五入" in data["rounding"]

    def test_bad_input_is_explained_in_chinese(self, client: TestClient) -> None:
        response = client.post(
            QUOTE,
            json=body(contract_amount="十万", contract_type="lease", transaction_amount="90万"),
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        errors = response.json()["errors"]
        assert errors["contract_amount"].startswith("金额格式不正确")
        assert "取值应为以下之一" in errors["contract_type"]

    def test_transaction_amount_above_contract_amount(self, client: TestClient) -> None:
        response = client.post(QUOTE, json=body(transaction_amount="90万"))
        assert response.status_code == 422
        assert "技术交易额不能大于合同金额" in response.text

    def test_own_claims_count_for_members_not_for_strangers(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        university = make_org(session, org_type=OrgType.UNIVERSITY)
        enterprise = make_org(session, org_type=OrgType.ENTERPRISE)
        register(
            session, Actor(user=platform_admin), facts_between(university, enterprise, "30000000")
        )
        payload = body(
            transferor={"org_id": university.id, "org_type": "university", "local": True}
        )
        member = make_user(session, org=university)
        mine = client.post(QUOTE, json=payload, headers=bearer(session, member)).json()
        p15 = next(i for i in mine["items"] if i["rule_code"] == "P15")
        assert p15["claimed_this_year"] == "900000.00"  # the pending 30,000,000 × 3%
        assert p15["amount"] == "24000.00" and p15["remaining_cap"] == "100000.00"
        stranger = client.post(QUOTE, json=payload).json()
        p15 = next(i for i in stranger["items"] if i["rule_code"] == "P15")
        assert p15["claimed_this_year"] == "0.00"


class TestClaimsApi:
    def test_claimants_see_their_own_and_admins_decide(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        admin = Actor(user=platform_admin)
        university = make_org(session, org_type=OrgType.UNIVERSITY)
        enterprise = make_org(session, org_type=OrgType.ENTERPRISE)
        other = make_org(session, org_type=OrgType.INSTITUTE)
        register(session, admin, facts_between(university, enterprise))
        register(session, admin, facts_between(other, enterprise))
        make_budget(session, admin, 15, "500000")
        member = make_user(session, org=university, org_role=OrgRole.ADMIN)

        listed = client.get("/api/v1/incentives/claims", headers=bearer(session, member)).json()
        assert listed["total"] == 1 and listed["items"][0]["rule_code"] == "P15"
        claim_id = listed["items"][0]["id"]
        refused = client.post(
            f"/api/v1/incentives/claims/{claim_id}/approve",
            json={},
            headers=bearer(session, member),
        )
        assert refused.status_code == 403

        everyone = client.get(
            "/api/v1/incentives/claims", headers=bearer(session, platform_admin)
        ).json()
        assert everyone["total"] == 6  # P15, P16-1 (高校院所) and P18 for each contract
        approved = client.post(
            f"/api/v1/incentives/claims/{claim_id}/approve",
            json={"amount": "2.5万", "reason": "按实际到账金额核定"},
            headers=bearer(session, platform_admin),
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["approved_amount"] == "25000.00"
        budgets = client.get(
            "/api/v1/incentives/budgets", headers=bearer(session, platform_admin)
        ).json()["items"]
        assert budgets == [
            {
                "id": budgets[0]["id"],
                "item_no": 15,
                "year": 2026,
                "total": "500000.00",
                "committed": "25000.00",
                "remaining": "475000.00",
            }
        ]
        again = client.post(
            f"/api/v1/incentives/claims/{claim_id}/approve",
            json={},
            headers=bearer(session, platform_admin),
        )
        assert again.status_code == 409
        assert "当前状态为“已核定”" in again.json()["detail"]

    def test_someone_elses_claim_is_not_found(
        self, client: TestClient, session: Session, platform_admin: User, org: Organization
    ) -> None:
        university = make_org(session, org_type=OrgType.UNIVERSITY)
        claims = register(
            session, Actor(user=platform_admin), facts_between(university, make_org(session))
        )
        outsider = make_user(session, org=org)
        response = client.get(
            f"/api/v1/incentives/claims/{claims[0].id}", headers=bearer(session, outsider)
        )
        assert response.status_code == 404

    def test_rules_are_listed_and_revised_by_admins_only(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        rules = client.get("/api/v1/incentives/rules").json()["items"]
        assert [r["code"] for r in rules if r["item_no"] == 16] == ["P16-1", "P16-2", "P16-3"]
        broker = make_user(session, role=Role.BROKER)
        revision = {"effective_from": "2027-01-01", "cap": "40万", "note": "上限调整"}
        denied = client.post(
            "/api/v1/incentives/rules/P19/versions", json=revision, headers=bearer(session, broker)
        )
        assert denied.status_code == 403
        created = client.post(
            "/api/v1/incentives/rules/P19/versions",
            json=revision,
            headers=bearer(session, platform_admin),
        )
        assert created.status_code == 201, created.text
        assert created.json()["version"] == 2 and created.json()["cap"] == "400000.00"
        versions = [
            r for r in client.get("/api/v1/incentives/rules").json()["items"] if r["code"] == "P19"
        ]
        assert [(v["version"], v["effective_to"]) for v in versions] == [
            (1, "2027-01-01"),
            (2, None),
        ]
