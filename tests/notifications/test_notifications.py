"""Typed notifications: templates, per-kind preferences, the daily digest, the API and page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.mail import TOPIC as MAIL
from app.listings import notices
from app.listings import service as listings
from app.models import Listing, Notification, Organization, OutboxMessage, User
from app.models.enums import ListingStatus, OrgRole, Role
from app.notifications import service
from app.notifications.kinds import Kind
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer


@pytest.fixture
def org(session: Session) -> Organization:
    return make_org(session, name="长春示范大学", region_code="220104")


@pytest.fixture
def owner(session: Session, org: Organization) -> User:
    return make_user(session, org=org, org_role=OrgRole.MEMBER, name="李老师")


@pytest.fixture
def reviewer(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN, name="审核员")


def submitted(session: Session, org: Organization, owner: User) -> Listing:
    return make_listing(session, org, owner, status=ListingStatus.SUBMITTED, title="激光焊接头")


def mails_to(session: Session, user: User) -> list[dict[str, str]]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == MAIL))
    return [m.payload for m in rows if m.payload["to"] == user.email]


def test_a_kind_fills_its_template_and_writes_money_exactly() -> None:
    paid = Kind("test.paid", "测试付款", title="已付款 {amount}", body="合同 {code}")
    assert paid.render({"amount": Decimal("680000"), "code": "JS-1"}) == (
        "已付款 680,000.00元",
        "合同 JS-1",
    )


def test_publication_notifies_the_owner_in_app_and_by_mail(
    session: Session, org: Organization, owner: User, reviewer: User
) -> None:
    listings.publish(session, Actor(user=reviewer), submitted(session, org, owner))
    note = session.scalars(select(Notification).where(Notification.user_id == owner.id)).one()
    assert note.topic == "listing.published"
    assert note.title == "您的科技成果“激光焊接头”已审核通过并发布"
    assert "有效期至" in note.body
    assert [m["subject"] for m in mails_to(session, owner)] == [f"【科创一网通】{note.title}"]


def test_preferences_choose_centre_mail_and_digest_per_kind(
    session: Session, org: Organization, owner: User, reviewer: User
) -> None:
    choice = service.Preference("listing.published", "", False, False, True)
    service.set_preferences(session, owner, [choice])
    listings.publish(session, Actor(user=reviewer), submitted(session, org, owner))
    assert service.unread_count(session, owner) == 0  # not in the centre
    assert mails_to(session, owner) == []  # no mail at once
    assert service.send_digests(session) == 1
    (digest,) = mails_to(session, owner)
    assert digest["subject"] == "【科创一网通】每日通知汇总（1 条）"
    assert "激光焊接头" in digest["body"]
    assert service.send_digests(session) == 0  # a digest carries a message once


def test_unknown_kind_is_refused(session: Session, owner: User) -> None:
    with pytest.raises(Exception, match="没有这种通知"):
        service.set_preferences(session, owner, [service.Preference("nope", "", True, True, True)])


def test_api_lists_pages_marks_read_and_stores_preferences(
    client: TestClient, session: Session, owner: User, reviewer: User
) -> None:
    for i in range(3):
        service.send(session, owner, notices.ACCESS_DECIDED, title=f"成果{i}", decision="通过")
    other = make_user(session, name="别人")
    foreign = service.send(session, other, notices.ACCESS_DECIDED, title="x", decision="通过")
    session.flush()
    headers = bearer(session, owner)
    page = client.get("/api/v1/notifications", params={"size": 2}, headers=headers).json()
    assert (page["total"], len(page["items"]), page["page"]) == (3, 2, 1)
    assert page["items"][0]["title"] == "“成果2”的保密内容申请已通过"
    first = page["items"][0]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read_at"]
    assert foreign is not None
    missing = client.post(f"/api/v1/notifications/{foreign.id}/read", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    unread = client.get("/api/v1/notifications", params={"unread": "true"}, headers=headers)
    assert unread.json()["total"] == 2
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"marked": 2}

    prefs = client.get(
        "/api/v1/notifications/preferences", params={"size": 100}, headers=headers
    ).json()["items"]
    assert {"kind": "listing.published", "label": "信息审核通过", "in_app": True}.items() <= next(
        p for p in prefs if p["kind"] == "listing.published"
    ).items()
    put = client.put(
        "/api/v1/notifications/preferences",
        json=[{"kind": "listing.published", "in_app": True, "mail": False, "digest": True}],
        headers=headers,
    )
    chosen = next(p for p in put.json() if p["kind"] == "listing.published")
    assert (chosen["mail"], chosen["digest"]) == (False, True)
    bad = client.put("/api/v1/notifications/preferences", json=[{"kind": "nope"}], headers=headers)
    assert bad.status_code == 422
    assert client.get("/api/v1/notifications").status_code == 401


def test_centre_page_shows_messages_and_saves_preferences(
    client: TestClient, session: Session, owner: User
) -> None:
    service.send(session, owner, notices.ACCESS_DECIDED, title="激光焊接头", decision="被拒绝")
    session.flush()
    login(client, owner)
    html = client.get("/notifications").text
    assert "“激光焊接头”的保密内容申请已被拒绝" in html
    assert "接收方式" in html and "信息审核通过" in html
    token = page_csrf(client, "/notifications")
    response = client.post(
        "/notifications/preferences",
        data={"csrf_token": token, "listing.published.in_app": "on"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    chosen = service.preference(session, owner, notices.PUBLISHED)
    assert (chosen.in_app, chosen.mail, chosen.digest) == (True, False, False)
    assert "保存" in client.get("/notifications").text
