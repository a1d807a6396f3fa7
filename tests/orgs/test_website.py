"""An organisation's website is an http(s) address, and the org page never links to anything else."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.urls import safe_href
from app.models import Organization, User
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

SCRIPT_URLS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "ftp://files.example.cn/",
    "www.example.cn",
]


class TestStoring:
    @pytest.mark.parametrize("website", SCRIPT_URLS)
    def test_api_refuses_other_schemes(
        self, client: TestClient, session: Session, org: Organization, org_admin: User, website: str
    ) -> None:
        response = client.patch(
            f"/api/v1/orgs/{org.id}", json={"website": website}, headers=bearer(session, org_admin)
        )
        assert response.status_code == 422
        assert response.json()["errors"]["website"] == "网址须以 http:// 或 https:// 开头"
        session.refresh(org)
        assert org.website == ""

    def test_api_keeps_a_web_address_and_clears_with_empty(
        self, client: TestClient, session: Session, org: Organization, org_admin: User
    ) -> None:
        headers = bearer(session, org_admin)
        url = f"/api/v1/orgs/{org.id}"
        response = client.patch(url, json={"website": " https://www.jlu.edu.cn/ "}, headers=headers)
        assert (
            response.status_code == 200 and response.json()["website"] == "https://www.jlu.edu.cn/"
        )
        response = client.patch(url, json={"website": ""}, headers=headers)
        assert response.status_code == 200 and response.json()["website"] == ""

    def test_edit_form_shows_the_message(
        self, client: TestClient, session: Session, org: Organization, org_admin: User
    ) -> None:
        login(client, org_admin)
        path = f"/orgs/{org.id}/edit"
        response = client.post(
            path,
            data={
                "csrf_token": page_csrf(client, path),
                "name": org.name,
                "website": "javascript:alert(1)",
            },
        )
        assert response.status_code == 422
        assert "网址须以 http:// 或 https:// 开头" in response.text
        session.refresh(org)
        assert org.website == ""


class TestRendering:
    def test_a_stored_script_address_is_text_not_a_link(
        self, client: TestClient, session: Session, org: Organization, platform_admin: User
    ) -> None:
        # A value stored before the check existed (or written around the schemas).
        org.website = "javascript:alert(document.cookie)"
        session.flush()
        login(client, platform_admin)
        html = client.get(f"/orgs/{org.id}").text
        assert "javascript:alert(document.cookie)" in html  # still visible to fix
        assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE)

    def test_a_web_address_is_a_link(
        self, client: TestClient, session: Session, org: Organization
    ) -> None:
        org.website = "https://www.jlu.edu.cn/"
        session.flush()
        html = client.get(f"/orgs/{org.id}").text
        assert '<a href="https://www.jlu.edu.cn/" rel="noopener nofollow">' in html


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("https://a.example.cn/x?y=1", "https://a.example.cn/x?y=1"),
        ("http://a.example.cn", "http://a.example.cn"),
        ("/achievements/3", "/achievements/3"),
        ("/matching/pipeline/7#offers", "/matching/pipeline/7#offers"),
        *((url, "") for url in SCRIPT_URLS),
        ("/\\evil.example", ""),
        ("https://", ""),
        (None, ""),
    ],
)
def test_href_filter(value: object, href: str) -> None:
    assert safe_href(value) == href
