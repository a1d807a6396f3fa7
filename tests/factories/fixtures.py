"""Ready-made people of every role, and a helper to sign a client in."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Organization, User
from app.models.enums import OrgRole, Role
from tests.factories.accounts import PASSWORD, make_org, make_user


@pytest.fixture
def org(session: Session) -> Organization:
    return make_org(session, name="长春测试光电有限公司")


@pytest.fixture
def platform_admin(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN, name="平台管理员")


@pytest.fixture
def org_admin(session: Session, org: Organization) -> User:
    return make_user(session, org=org, org_role=OrgRole.ADMIN, name="机构管理员")


@pytest.fixture
def member(session: Session, org: Organization) -> User:
    return make_user(session, org=org, name="机构成员")


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, user: User, password: str = PASSWORD) -> None:
    """Sign in through the login page, as a person would."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def page_csrf(client: TestClient, path: str = "/") -> str:
    return csrf_from(client.get(path).text)
