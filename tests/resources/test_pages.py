"""The resource pages: the directory, an instrument's calendar and booking, the desks."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import local
from app.core.db import utcnow
from app.models import InstrumentBooking, Resource, User
from app.models.enums import BookingStatus, ResourceKind, ResourceStatus, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import csrf_from, login
from tests.factories.resources import make_booking, make_resource


def test_directory_tabs_filters_and_empty_state(
    client: TestClient, session: Session, org_admin: User
) -> None:
    make_resource(session, org_admin, name="X射线衍射仪")
    make_resource(
        session, org_admin, kind=ResourceKind.INCUBATOR, name="长春高新创业孵化器", level="国家级"
    )
    page = client.get("/resources")
    assert page.status_code == 200
    assert "X射线衍射仪" in page.text and "长春高新创业孵化器" in page.text
    incubators = client.get("/resources", params={"kind": "incubator"})
    assert "X射线衍射仪" not in incubators.text and "国家级" in incubators.text
    empty = client.get("/resources", params={"q": "不存在的设备"})
    assert "暂无符合条件的资源" in empty.text
    assert "资源整合" in page.text and 'href="/resources"' in page.text


def test_booking_through_the_pages(client: TestClient, session: Session, org_admin: User) -> None:
    instrument = make_resource(session, org_admin)
    requester = make_user(session, org=make_org(session), name="预约人")
    login(client, requester)
    page = client.get(f"/resources/{instrument.id}")
    assert "申请预约" in page.text and "SU8010" in page.text
    start = local(utcnow() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = client.post(
        f"/resources/{instrument.id}/bookings",
        data={
            "csrf_token": csrf_from(page.text),
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "purpose": "锂电池隔膜形貌观察",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200 and "预约申请已提交" in response.text
    booking = session.scalars(
        select(InstrumentBooking).where(InstrumentBooking.resource_id == instrument.id)
    ).one()
    assert local(booking.starts_at).hour == 9
    mine = client.get("/me/bookings")
    assert "待审批" in mine.text


def test_the_keeper_approves_on_the_calendar(
    client: TestClient, session: Session, org_admin: User
) -> None:
    instrument = make_resource(session, org_admin)
    booking = make_booking(session, make_user(session), instrument, in_days=2)
    login(client, org_admin)
    start = local(booking.starts_at).date().isoformat()
    page = client.get(f"/resources/{instrument.id}", params={"start": start})
    assert "电池正极材料形貌表征" in page.text
    done = client.post(
        f"/bookings/{booking.id}/approve",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "已批准预约" in done.text
    session.refresh(booking)
    assert booking.status == BookingStatus.APPROVED


def test_register_submit_and_review(client: TestClient, session: Session, org_admin: User) -> None:
    login(client, org_admin)
    form = client.get("/resources/new")
    created = client.post(
        "/resources/new",
        data={
            "csrf_token": csrf_from(form.text),
            "kind": "service_provider",
            "name": "吉林省检验检测服务中心",
            "region_code": "220104",
            "services": ["testing", "pilot_scale"],
            "booking_access": "public",
        },
        follow_redirects=True,
    )
    assert created.status_code == 200, created.text
    entry = session.scalars(select(Resource).where(Resource.name == "吉林省检验检测服务中心")).one()
    assert entry.services == ["testing"] and entry.accepts_vouchers
    mine = client.get("/me/resources")
    client.post(f"/resources/{entry.id}/submit", data={"csrf_token": csrf_from(mine.text)})
    session.refresh(entry)
    assert entry.status == ResourceStatus.PENDING
    bad = client.post(
        "/resources/new",
        data={"csrf_token": csrf_from(form.text), "kind": "lab", "name": "", "region_code": ""},
    )
    assert bad.status_code == 422 and re.search("名称|区县", bad.text)

    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    login(client, admin)
    desk = client.get("/admin/resources")
    assert "吉林省检验检测服务中心" in desk.text
    client.post(f"/resources/{entry.id}/approve", data={"csrf_token": csrf_from(desk.text)})
    session.refresh(entry)
    assert entry.status == ResourceStatus.PUBLISHED


def test_expert_directory(client: TestClient, session: Session) -> None:
    from app.models import ExpertProfile

    expert = make_user(session, role=Role.EXPERT, name="周教授")
    session.add(
        ExpertProfile(
            user_id=expert.id,
            institution="吉林大学",
            bio="长期从事激光雷达研究",
            status=ResourceStatus.PUBLISHED,
        )
    )
    session.flush()
    page = client.get("/experts")
    assert page.status_code == 200 and "周教授" in page.text
    assert "周教授" not in client.get("/experts", params={"q": "发酵"}).text
    assert "周教授" in client.get("/experts", params={"q": "激光雷达"}).text
