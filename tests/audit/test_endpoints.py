from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import User
from app.models.enums import OrgStatus, Role
from app.orgs import service as org_service
from tests.factories.accounts import make_org, make_user
from tests.orgs.test_endpoints import bearer


class TestAuditApi:
    def test_filters_by_action_and_object(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        first = make_org(session, status=OrgStatus.PENDING)
        second = make_org(session, status=OrgStatus.PENDING)
        org_service.verify(session, Actor(user=platform_admin), first)
        org_service.reject(session, Actor(user=platform_admin), second, "材料不全")
        headers = bearer(session, platform_admin)

        verified = client.get("/api/v1/audit", params={"action": "org.verify"}, headers=headers)
        assert [e["object_id"] for e in verified.json()["items"]] == [str(first.id)]
        by_object = client.get(
            "/api/v1/audit",
            headers=headers,
            params={"object_type": "organization", "object_id": str(second.id)},
        ).json()
        assert by_object["items"][0]["after"] == {"status": "rejected", "reason": "材料不全"}
        assert by_object["items"][0]["actor_label"].startswith(platform_admin.name)

    def test_date_range(self, client: TestClient, session: Session, platform_admin: User) -> None:
        headers = bearer(session, platform_admin)
        body = client.get(
            "/api/v1/audit", headers=headers, params={"since": "2000-01-01", "until": "2000-01-31"}
        ).json()
        assert body["total"] == 0

    def test_bad_date_is_422(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        response = client.get(
            "/api/v1/audit", headers=bearer(session, platform_admin), params={"since": "昨天"}
        )
        assert response.status_code == 422
        assert response.json()["errors"]["since"].startswith("应为日期")

    def test_members_are_refused(self, client: TestClient, session: Session, member: User) -> None:
        response = client.get("/api/v1/audit", headers=bearer(session, member))
        assert response.status_code == 403
        assert response.json()["detail"] == "仅管理员可以查看审计日志"


class TestAdminPages:
    def test_queue_verify_and_audit_page(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        from tests.factories.fixtures import login, page_csrf

        pending = make_org(session, name="长春待审核科技有限公司", status=OrgStatus.PENDING)
        login(client, platform_admin)
        queue = client.get("/admin/orgs")
        assert "长春待审核科技有限公司" in queue.text
        client.post(
            f"/admin/orgs/{pending.id}/verify",
            data={"csrf_token": page_csrf(client, "/admin/orgs"), "back": "/admin/orgs"},
        )
        assert (
            pending.status == OrgStatus.VERIFIED
            or client.get(f"/api/v1/orgs/{pending.id}").json()["status"] == "verified"
        )
        audit = client.get("/admin/audit", params={"action": "org.verify"})
        assert "通过认证：长春待审核科技有限公司" in audit.text

    def test_a_forged_back_address_stays_on_the_site(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        from tests.factories.fixtures import login, page_csrf

        pending = make_org(session, status=OrgStatus.PENDING)
        login(client, platform_admin)
        for back in ("https://evil.example/login", "//evil.example/login", "/\\evil.example"):
            response = client.post(
                f"/admin/orgs/{pending.id}/verify",
                data={"csrf_token": page_csrf(client, "/admin/orgs"), "back": back},
                follow_redirects=False,
            )
            assert response.status_code == 303
            assert response.headers["location"] == "/"

    def test_reject_without_reason_flashes_error(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        from tests.factories.fixtures import login, page_csrf

        pending = make_org(session, status=OrgStatus.PENDING)
        login(client, platform_admin)
        response = client.post(
            f"/admin/orgs/{pending.id}/reject",
            data={"csrf_token": page_csrf(client, "/admin/orgs")},
        )
        assert "请填写原因" in response.text

    def test_members_cannot_open_admin(self, client: TestClient, member: User) -> None:
        from tests.factories.fixtures import login

        login(client, member)
        response = client.get("/admin")
        assert response.status_code == 403
        assert "仅平台或区县管理员可以访问管理后台" in response.text
        assert member.name in response.text  # still shown as signed in on the error page

    def test_role_change_needs_region_for_district_admin(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        from tests.factories.fixtures import login, page_csrf

        target = make_user(session, name="候选区县管理员")
        login(client, platform_admin)
        token = page_csrf(client, "/admin/users")
        response = client.post(
            f"/admin/users/{target.id}/role", data={"csrf_token": token, "role": "district_admin"}
        )
        assert "必须指定所管辖的区县" in response.text
        client.post(
            f"/admin/users/{target.id}/role",
            data={"csrf_token": token, "role": "district_admin", "region_code": "220191"},
        )
        session.refresh(target)
        assert (target.role, target.region_code) == (Role.DISTRICT_ADMIN, "220191")
