from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.models import Organization, User
from app.models.enums import OrgStatus
from tests.factories.accounts import make_org


def bearer(session: Session, user: User) -> dict[str, str]:
    _, raw = account_service.create_token(session, Actor(user=user), user, TokenCreate(name="t"))
    return {"Authorization": f"Bearer {raw}"}


class TestDirectory:
    def test_filters_and_pagination(self, client: TestClient, session: Session) -> None:
        for i in range(3):
            make_org(session, name=f"德惠农业公司{i}", region_code="220183")
        make_org(session, name="净月软件公司", region_code="220172")
        body = client.get("/api/v1/orgs", params={"region_code": "220183", "size": 2}).json()
        assert body["total"] == 3 and len(body["items"]) == 2 and body["size"] == 2
        assert all(item["region"] == "德惠市" for item in body["items"])
        second = client.get("/api/v1/orgs", params={"region_code": "220183", "size": 2, "page": 2})
        assert len(second.json()["items"]) == 1

    def test_page_size_limit_is_a_422(self, client: TestClient) -> None:
        response = client.get("/api/v1/orgs", params={"size": 1000})
        assert response.status_code == 422
        assert response.json()["errors"]["size"] == "不能大于100"

    def test_public_detail_hides_contacts(self, client: TestClient, org: Organization) -> None:
        body = client.get(f"/api/v1/orgs/{org.id}").json()
        assert "credit_code" not in body and "contact_phone" not in body

    def test_member_sees_contacts(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        body = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(session, member)).json()
        assert body["credit_code"] == org.credit_code

    def test_pending_org_is_404_for_public(self, client: TestClient, session: Session) -> None:
        pending = make_org(session, status=OrgStatus.PENDING)
        response = client.get(f"/api/v1/orgs/{pending.id}")
        assert response.status_code == 404
        assert response.json()["detail"] == "机构不存在或尚未通过认证"


class TestVerification:
    def test_admin_verifies_through_api(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        pending = make_org(session, status=OrgStatus.PENDING)
        response = client.post(
            f"/api/v1/orgs/{pending.id}/verify", headers=bearer(session, platform_admin)
        )
        assert response.status_code == 200 and response.json()["status"] == "verified"

    def test_reject_without_reason_is_422(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        pending = make_org(session, status=OrgStatus.PENDING)
        response = client.post(
            f"/api/v1/orgs/{pending.id}/reject",
            json={"reason": ""},
            headers=bearer(session, platform_admin),
        )
        assert response.status_code == 422
        assert response.json()["errors"]["reason"] == "请填写原因，机构将看到这段说明"

    def test_member_gets_403(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        response = client.post(
            f"/api/v1/orgs/{org.id}/suspend", json={"reason": "x"}, headers=bearer(session, member)
        )
        assert response.status_code == 403
        assert response.json()["title"] == "没有权限"


class TestTaxonomy:
    def test_regions_and_types(self, client: TestClient) -> None:
        regions = client.get("/api/v1/taxonomy/regions").json()["items"]
        assert {"code": "220191", "name": "长春新区"} in regions
        types = [t["name"] for t in client.get("/api/v1/taxonomy/org-types").json()["items"]]
        assert types == [
            "高校",
            "科研院所",
            "新型研发机构",
            "企业",
            "技术转移机构",
            "服务机构",
            "政府部门",
        ]
