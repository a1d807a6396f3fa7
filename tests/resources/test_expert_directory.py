"""The expert directory: an expert's profile is listed on /experts only once staff reviewed it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, ExpertProfile, Notification
from app.models.enums import ResourceStatus, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import csrf_from, login


def _save_profile(client: TestClient, bio: str) -> None:
    form = client.get("/matching/profile")
    saved = client.post(
        "/matching/profile",
        data={
            "csrf_token": csrf_from(form.text),
            "title": "教授",
            "institution": "长春光机所",
            "field_codes": "F1102",
            "keywords": "激光焊接，焊接变形",
            "bio": bio,
            "region_code": "220104",
        },
    )
    assert "档案已保存" in saved.text


def test_profile_is_listed_after_review_and_filtered(client: TestClient, session: Session) -> None:
    org = make_org(session, name="中国科学院长春光学精密机械与物理研究所")
    expert = make_user(session, role=Role.EXPERT, name="韩研究员", org=org)
    login(client, expert)
    _save_profile(client, "长期从事激光焊接工艺研究")
    profile = session.scalars(select(ExpertProfile).where(ExpertProfile.user_id == expert.id)).one()
    assert profile.status == ResourceStatus.PENDING and profile.org_id == org.id
    assert "审核通过后列入" in client.get("/matching/profile").text
    # Waiting for review: not in the public directory, still visible to the expert.
    client.cookies.clear()
    assert "韩研究员" not in client.get("/experts").text
    assert client.get(f"/experts/{expert.id}").status_code == 404

    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    login(client, admin)
    desk = client.get("/admin/experts")
    assert desk.status_code == 200 and "韩研究员" in desk.text
    refused = client.post(
        f"/experts/{expert.id}/reject", data={"csrf_token": csrf_from(desk.text), "note": ""}
    )
    assert "退回时请写明" in refused.text
    client.post(f"/experts/{expert.id}/approve", data={"csrf_token": csrf_from(desk.text)})
    session.refresh(profile)
    assert profile.status == ResourceStatus.PUBLISHED and profile.reviewed_by_id == admin.id
    assert "暂无待审核的专家档案" in client.get("/admin/experts").text
    again = client.post(f"/experts/{expert.id}/approve", data={"csrf_token": csrf_from(desk.text)})
    assert "不能执行" in again.text
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("expert_profile.%"))
    ).all()
    assert "expert_profile.approve" in actions

    client.cookies.clear()
    listed = client.get("/experts")
    assert "韩研究员" in listed.text
    assert "韩研究员" in client.get("/experts", params={"q": "激光焊接"}).text
    assert "韩研究员" not in client.get("/experts", params={"q": "发酵"}).text
    assert "韩研究员" in client.get("/experts", params={"field": "F1102"}).text
    assert "韩研究员" in client.get("/experts", params={"region": "220104"}).text
    assert "韩研究员" not in client.get("/experts", params={"region": "220102"}).text

    # A change to the published profile is reviewed again before the directory shows it.
    login(client, expert)
    _save_profile(client, "长期从事激光焊接与增材制造研究")
    session.refresh(profile)
    assert profile.status == ResourceStatus.PENDING
    client.cookies.clear()
    assert "韩研究员" not in client.get("/experts").text


def test_only_staff_review_experts(client: TestClient, session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT, name="魏教授")
    session.add(ExpertProfile(user_id=expert.id, institution="吉林大学"))
    session.flush()
    other = make_user(session, role=Role.EXPERT, name="秦教授")
    login(client, other)
    assert client.get("/admin/experts").status_code == 403
    page = client.get("/matching/profile")
    client.post(f"/experts/{expert.id}/approve", data={"csrf_token": csrf_from(page.text)})
    profile = session.scalars(select(ExpertProfile).where(ExpertProfile.user_id == expert.id)).one()
    session.refresh(profile)
    assert profile.status == ResourceStatus.PENDING


def test_the_api_lists_reviewed_experts_only(client: TestClient, session: Session) -> None:
    from tests.orgs.test_endpoints import bearer

    listed = make_user(session, role=Role.EXPERT, name="金教授")
    waiting = make_user(session, role=Role.EXPERT, name="曹教授")
    session.add(
        ExpertProfile(user_id=listed.id, institution="吉林大学", status=ResourceStatus.PUBLISHED)
    )
    session.add(ExpertProfile(user_id=waiting.id, institution="东北师范大学"))
    session.flush()
    page = client.get("/api/v1/experts").json()
    assert [e["name"] for e in page["items"]] == ["金教授"] and page["total"] == 1
    assert client.get("/api/v1/experts/review").status_code == 401
    admin = bearer(session, make_user(session, role=Role.PLATFORM_ADMIN))
    queue = client.get("/api/v1/experts/review", headers=admin).json()
    assert [e["name"] for e in queue["items"]] == ["曹教授"]
    refused = client.post(f"/api/v1/experts/{waiting.id}/reject", json={}, headers=admin)
    assert refused.status_code == 422 and "退回时请写明" in refused.text
    done = client.post(
        f"/api/v1/experts/{waiting.id}/reject", json={"note": "请补充研究方向"}, headers=admin
    )
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    notice = session.scalars(select(Notification).where(Notification.user_id == waiting.id)).one()
    assert "退回修改" in notice.title and "请补充研究方向" in notice.body
    assert client.get("/api/v1/experts").json()["total"] == 1
