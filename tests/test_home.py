from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models.enums import OrgStatus
from tests.factories.accounts import make_org


def test_home_shows_latest_verified_orgs_and_figures(client: TestClient, session: Session) -> None:
    make_org(session, name="长春首页展示有限公司")
    make_org(session, name="长春待审核不展示公司", status=OrgStatus.PENDING)
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "长春首页展示有限公司" in response.text
    assert "长春待审核不展示公司" not in response.text
    assert "认证机构" in response.text


def test_navigation_shows_only_built_sections(client: TestClient) -> None:
    html = client.get("/").text
    assert 'href="/orgs"' in html
    assert 'href="/patents"' not in html


def test_health_reports_database_and_outbox(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert set(body["outbox"]) == {"pending", "failed", "lag_seconds"}


def test_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert client.get("/static/css/site.css").status_code == 200
