"""An organisation's profile edited from an outdated version is refused, not overwritten."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Organization, User
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

STALE = (
    "机构资料已被他人修改（版本 1 → 2，修改人 平台管理员，修改了：机构简介、联系电话），"
    "请刷新后再编辑"
)


def _edited_by_the_platform(
    client: TestClient, session: Session, org: Organization, admin: User
) -> None:
    saved = client.patch(
        f"/api/v1/orgs/{org.id}",
        json={"intro": "平台核实后的简介", "contact_phone": "0431-81234567"},
        headers={**bearer(session, admin), "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"2"' and saved.json()["version"] == 2


class TestApi:
    def test_get_answers_the_version(
        self, client: TestClient, session: Session, org: Organization, org_admin: User
    ) -> None:
        got = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(session, org_admin))
        assert got.headers["ETag"] == '"1"' and got.json()["version"] == 1

    def test_stale_patch_is_refused_naming_what_changed(
        self,
        client: TestClient,
        session: Session,
        org: Organization,
        org_admin: User,
        platform_admin: User,
    ) -> None:
        _edited_by_the_platform(client, session, org, platform_admin)
        stale = client.patch(
            f"/api/v1/orgs/{org.id}",
            json={"intro": "机构管理员想写的简介"},
            headers={**bearer(session, org_admin), "If-Match": '"1"'},
        )
        assert stale.status_code == 409
        assert stale.headers["content-type"].startswith("application/problem+json")
        assert stale.json()["detail"] == STALE
        body = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(session, org_admin)).json()
        assert body["intro"] == "平台核实后的简介"

    def test_body_version_and_no_version(
        self,
        client: TestClient,
        session: Session,
        org: Organization,
        org_admin: User,
        platform_admin: User,
    ) -> None:
        _edited_by_the_platform(client, session, org, platform_admin)
        url, headers = f"/api/v1/orgs/{org.id}", bearer(session, org_admin)
        assert (
            client.patch(url, json={"address": "x路1号", "version": 1}, headers=headers).status_code
            == 409
        )
        later = client.patch(url, json={"address": "长春市卫星路1号"}, headers=headers)
        assert later.status_code == 200 and later.json()["version"] == 3


def test_stale_edit_page_keeps_the_input(
    client: TestClient,
    session: Session,
    org: Organization,
    org_admin: User,
    platform_admin: User,
) -> None:
    login(client, org_admin)
    form = client.get(f"/orgs/{org.id}/edit")
    assert 'name="version" value="1"' in form.text
    token = page_csrf(client, f"/orgs/{org.id}/edit")
    _edited_by_the_platform(client, session, org, platform_admin)
    stale = client.post(
        f"/orgs/{org.id}/edit",
        data={"csrf_token": token, "version": "1", "intro": "机构管理员在页面上写的简介"},
    )
    assert stale.status_code == 422
    assert STALE in stale.text
    assert "机构管理员在页面上写的简介" in stale.text
    assert 'name="version" value="2"' in stale.text
    session.expire_all()
    assert session.get(Organization, org.id).intro == "平台核实后的简介"  # type: ignore[union-attr]
