from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from app.core.clock import today
from app.models import Organization, User
from app.models.enums import ListingKind, MembershipStatus, OrgStatus
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event
from tests.factories.listings import make_listing


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
    menu = html.split('id="site-nav"', 1)[1].split("</ul>", 1)[0]
    labels = re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', menu)
    assert labels == [
        "首页",
        "搜索",
        "信息发布",
        "成果展示",
        "技术需求",
        "揭榜挂帅",
        "对接活动",
        "技术交易",
        "专利查新",
        "资源整合",
        "项目管理",
        "企业办事",
        "数据中心",
    ]
    assert 'href="/resources"' in menu and 'href="/statistics"' in menu
    assert 'href="/patents"' in menu and 'href="/services"' in menu
    assert 'href="/projects"' in menu


def test_labels_of_equal_values_in_different_enums() -> None:
    assert (OrgStatus.PENDING.label, MembershipStatus.PENDING.label) == ("待审核", "待机构审核")
    assert (OrgStatus.REJECTED.label, MembershipStatus.REJECTED.label) == ("未通过", "已拒绝")


def test_health_reports_database_and_outbox(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert set(body["outbox"]) == {"pending", "failed", "lag_seconds"}


def test_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    # Links may lead elsewhere (the record numbers' official lookups); what loads may not.
    assets = re.findall(r'<(?:script|img|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert client.get("/static/css/site.css").status_code == 200


def test_favicon_is_served(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"


def test_home_reads_the_same_few_statements_however_many_listings_it_shows(
    client: TestClient, session: Session, connection: Connection
) -> None:
    org = make_org(session, name="长春首页成果机构")
    owner = make_user(session, org=org)

    def statements_for_home() -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(connection, "before_cursor_execute", count)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(connection, "before_cursor_execute", count)
        return len(seen)

    make_listing(session, org, owner, kind=ListingKind.DEMAND)
    make_listing(session, org, owner, kind=ListingKind.ACHIEVEMENT)
    session.flush()
    one_each = statements_for_home()
    for kind in [ListingKind.DEMAND, ListingKind.ACHIEVEMENT] * 3:
        make_listing(session, org, owner, kind=kind)
    session.flush()
    assert statements_for_home() == one_each


def test_home_shows_open_calls_and_upcoming_events_only(
    client: TestClient, session: Session, org: Organization, member: User, platform_admin: User
) -> None:
    make_listing(
        session,
        org,
        member,
        kind=ListingKind.CHALLENGE,
        title="氢燃料电池双极板涂层揭榜",
        application_deadline=today() + timedelta(days=10),
    )
    make_listing(
        session,
        org,
        member,
        kind=ListingKind.CHALLENGE,
        title="已截止的镀膜工艺揭榜",
        application_deadline=today() - timedelta(days=1),
    )
    make_event(session, platform_admin, title="汽车电子技术对接会（报名中）")
    make_event(session, platform_admin, open_now=False, title="尚在筹备的路演")
    session.commit()
    html = client.get("/").text
    calls = html.split('id="h-challenges"', 1)[1].split("</section>", 1)[0]
    assert "氢燃料电池双极板涂层揭榜" in calls and "还剩 10 天" in calls
    assert "已截止的镀膜工艺揭榜" not in calls
    events = html.split('id="h-events"', 1)[1].split("</section>", 1)[0]
    assert "汽车电子技术对接会（报名中）" in events and "报名中" in events
    assert "尚在筹备的路演" not in html
