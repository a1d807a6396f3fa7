"""One's profile saved from an outdated window is refused, not overwritten."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import User
from tests.factories.accounts import make_user
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

STALE = (
    "个人资料已在其他页面或设备上被修改（版本 1 → 2，修改人 赵六，修改了：手机号），请刷新后再编辑"
)


def test_stale_patch_of_me_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session, name="赵六")
    headers = bearer(session, user)
    got = client.get("/api/v1/me", headers=headers)
    assert got.headers["ETag"] == '"1"' and got.json()["version"] == 1
    saved = client.patch(
        "/api/v1/me", json={"phone": "13900000000"}, headers={**headers, "If-Match": '"1"'}
    )
    assert saved.status_code == 200 and saved.headers["ETag"] == '"2"'
    stale = client.patch("/api/v1/me", json={"name": "赵小六", "version": 1}, headers=headers)
    assert stale.status_code == 409 and stale.json()["detail"] == STALE
    assert client.get("/api/v1/me", headers=headers).json()["name"] == "赵六"
    # Without a version the change is still accepted.
    assert client.patch("/api/v1/me", json={"name": "赵小六"}, headers=headers).json() == (
        client.get("/api/v1/me", headers=headers).json()
    )


def test_logins_leave_the_profile_version_alone(client: TestClient, session: Session) -> None:
    user = make_user(session, name="赵六")
    login(client, user)
    session.expire_all()
    assert session.get(User, user.id).version == 1  # type: ignore[union-attr]


def test_stale_profile_form_keeps_the_input(client: TestClient, session: Session) -> None:
    user = make_user(session, name="赵六")
    login(client, user)
    assert 'name="version" value="1"' in client.get("/me").text
    token = page_csrf(client, "/me")
    client.patch("/api/v1/me", json={"phone": "13900000000"}, headers=bearer(session, user))
    stale = client.post(
        "/me/profile",
        data={"csrf_token": token, "version": "1", "name": "赵六", "phone": "13811112222"},
    )
    assert stale.status_code == 422
    assert STALE in stale.text and "13811112222" in stale.text
    assert 'name="version" value="2"' in stale.text
    session.expire_all()
    assert session.get(User, user.id).phone == "13900000000"  # type: ignore[union-attr]
