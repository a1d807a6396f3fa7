"""Page sessions end on the server: a copy of the cookie stops working with the session."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import LoginSession, User
from tests.factories.accounts import PASSWORD
from tests.factories.fixtures import csrf_from, login, page_csrf


def copy_of(app: FastAPI, client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s cookies (a stolen cookie)."""
    thief = TestClient(app, raise_server_exceptions=False)
    thief.cookies.update(dict(client.cookies))
    return thief


class TestLogout:
    def test_a_copied_cookie_is_anonymous_after_logout(
        self, app: FastAPI, client: TestClient, member: User
    ) -> None:
        login(client, member)
        thief = copy_of(app, client)
        assert thief.get("/api/v1/me").json()["email"] == member.email

        client.post("/logout", data={"csrf_token": page_csrf(client)})

        assert thief.get("/api/v1/me").status_code == 401
        assert thief.get("/me").status_code == 401
        assert member.name not in thief.get("/").text

    def test_logout_ends_only_that_session(
        self, app: FastAPI, client: TestClient, member: User
    ) -> None:
        other = TestClient(app, raise_server_exceptions=False)
        login(other, member)
        login(client, member)
        client.post("/logout", data={"csrf_token": page_csrf(client)})
        assert other.get("/me").status_code == 200


class TestEveryoneSignedOut:
    def test_password_change_ends_copies_of_the_changing_browser_too(
        self, app: FastAPI, client: TestClient, member: User
    ) -> None:
        login(client, member)
        thief = copy_of(app, client)
        client.post(
            "/me/password",
            data={
                "current_password": PASSWORD,
                "new_password": "Songhua-River#88",
                "csrf_token": page_csrf(client, "/me"),
            },
        )
        assert client.get("/me").status_code == 200  # the browser that changed it goes on
        assert thief.get("/me").status_code == 401

    def test_api_password_change_ends_every_page_session(
        self, app: FastAPI, client: TestClient, member: User
    ) -> None:
        login(client, member)
        token = client.post(
            "/api/v1/auth/tokens", json={"email": member.email, "password": PASSWORD, "name": "x"}
        ).json()["token"]
        response = client.post(
            "/api/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "Songhua-River#88"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 204, response.text
        assert client.get("/me").status_code == 401

    def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
        self, app: FastAPI, client: TestClient, member: User, platform_admin: User
    ) -> None:
        login(client, member)
        admin = TestClient(app, raise_server_exceptions=False)
        login(admin, platform_admin)
        headers = {"X-CSRF-Token": page_csrf(admin, "/me")}
        assert (
            admin.post(f"/api/v1/users/{member.id}/deactivate", headers=headers).status_code == 200
        )
        assert client.get("/me").status_code == 401
        assert admin.post(f"/api/v1/users/{member.id}/activate", headers=headers).status_code == 200
        assert client.get("/me").status_code == 401


class TestOwnSessions:
    def test_other_device_listed_on_me_and_ended_there(
        self, app: FastAPI, client: TestClient, member: User, session: Session
    ) -> None:
        phone = TestClient(
            app, raise_server_exceptions=False, headers={"User-Agent": "MiBrowser/17"}
        )
        login(phone, member)
        login(client, member)
        page = client.get("/me").text
        assert "MiBrowser/17" in page and "当前设备" in page
        ended = re.search(r"/me/sessions/(\d+)/revoke", page)
        assert ended
        response = client.post(ended.group(0), data={"csrf_token": csrf_from(page)})
        assert "该登录会话已结束" in response.text
        assert phone.get("/me").status_code == 401
        assert client.get("/me").status_code == 200
        row = session.get(LoginSession, int(ended.group(1)))
        assert row is not None and row.revoked_at is not None

    def test_api_lists_and_ends_sessions_of_the_caller_only(
        self, app: FastAPI, client: TestClient, member: User, org_admin: User, session: Session
    ) -> None:
        stranger = TestClient(app, raise_server_exceptions=False)
        login(stranger, org_admin)
        login(client, member)
        token = client.post(
            "/api/v1/auth/tokens", json={"email": member.email, "password": PASSWORD, "name": "x"}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        listed = client.get("/api/v1/me/sessions", headers=headers).json()["items"]
        assert len(listed) == 1 and listed[0]["ip"] == "testclient"
        theirs = session.scalars(
            select(LoginSession.id).where(LoginSession.user_id == org_admin.id)
        ).one()
        assert client.delete(f"/api/v1/me/sessions/{theirs}", headers=headers).status_code == 404
        assert stranger.get("/me").status_code == 200
        mine = listed[0]["id"]
        assert client.delete(f"/api/v1/me/sessions/{mine}", headers=headers).status_code == 204
        assert client.get("/me").status_code == 401
