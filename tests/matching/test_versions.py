"""An expert profile saved from an outdated version is refused, not overwritten."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import ExpertProfile
from app.models.enums import Role
from tests.factories.accounts import make_user
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

PROFILE = {"title": "研究员", "field_codes": ["F1102"], "keywords": ["激光焊接"]}


def test_stale_save_is_refused(client: TestClient, session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT, name="郑研究员")
    headers = bearer(session, expert)
    url = "/api/v1/matching/expert-profile"
    created = client.put(url, json={**PROFILE, "version": 0}, headers=headers)
    assert created.status_code == 200 and created.headers["ETag"] == '"1"'
    # A second window that also saw no profile yet.
    again = client.put(url, json={**PROFILE, "version": 0}, headers=headers)
    assert again.status_code == 409
    changed = client.put(
        url,
        json={**PROFILE, "keywords": ["激光焊接", "焊接变形"]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.put(
        url, json={**PROFILE, "bio": "旧窗口里写的简介"}, headers={**headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert stale.json()["detail"] == (
        "专家档案已在其他页面或设备上被修改（版本 1 → 2，修改人 郑研究员，修改了：研究方向关键词），"
        "请刷新后再编辑"
    )
    assert client.get(url, headers=headers).json()["bio"] == ""


def test_stale_profile_form_keeps_the_input(client: TestClient, session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT, name="冯研究员")
    login(client, expert)
    assert 'name="version" value="0"' in client.get("/matching/profile").text
    token = page_csrf(client, "/matching/profile")
    client.put("/api/v1/matching/expert-profile", json=PROFILE, headers=bearer(session, expert))
    stale = client.post(
        "/matching/profile",
        data={
            "csrf_token": token,
            "version": "0",
            "title": "教授",
            "field_codes": "F1102",
            "keywords": "铝合金焊接",
        },
    )
    assert stale.status_code == 422
    assert "专家档案已在其他页面或设备上被修改（版本 0 → 1，修改人 冯研究员" in stale.text
    assert "铝合金焊接" in stale.text and 'name="version" value="1"' in stale.text
    session.expire_all()
    profile = session.query(ExpertProfile).filter_by(user_id=expert.id).one()
    assert profile.keywords == ["激光焊接"]
