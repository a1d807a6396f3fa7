"""The bureau's pages: answering 差评 within 15 days and the versions of the R&D subsidy rates."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.models import AuditEvent, ServiceRating, User
from app.services import service
from app.services.schemas import CaseMove, RatingCreate
from tests.factories.fixtures import login, page_csrf
from tests.services.helpers import advance, enterprise, pool, voucher_case


def _bad_rating(session: Session, staff: Actor, comment: str) -> ServiceRating:
    _org, user = enterprise(session)
    case = advance(session, staff, user, voucher_case(session, user, "50000"))
    service.act(session, staff, case.id, "grant", CaseMove())
    return service.rate(session, Actor(user=user), case.id, RatingCreate(grade=1, comment=comment))


def test_staff_answer_a_bad_rating_on_the_follow_up_page(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    staff = Actor(user=platform_admin)
    pool(session, staff, today().year, "1000000")
    fresh = _bad_rating(session, staff, "窗口答复太慢")
    late = _bad_rating(session, staff, "材料退回三次")
    late.follow_up_due = today() - timedelta(days=1)
    session.flush()

    login(client, platform_admin)
    page = client.get("/admin/services/follow-ups")
    assert page.status_code == 200
    assert "窗口答复太慢" in page.text and "材料退回三次" in page.text
    assert fresh.follow_up_due is not None
    assert fresh.follow_up_due.isoformat() in page.text
    assert f'data-follow-up="{late.id}" data-overdue' in page.text
    assert f'data-follow-up="{fresh.id}" data-overdue' not in page.text
    assert "已超期" in page.text

    token = page_csrf(client, "/admin/services/follow-ups")
    blank = client.post(
        f"/admin/services/follow-ups/{fresh.id}/answer", data={"answer": "   ", "csrf_token": token}
    )
    assert blank.status_code == 422 and "请填写答复内容" in blank.text
    session.refresh(fresh)
    assert fresh.answered_at is None

    done = client.post(
        f"/admin/services/follow-ups/{fresh.id}/answer",
        data={"answer": "已约谈窗口负责人，限时三日办结", "csrf_token": token},
    )
    assert "差评已答复" in done.text and "窗口答复太慢" not in done.text
    session.refresh(fresh)
    assert fresh.answer == "已约谈窗口负责人，限时三日办结" and fresh.answered_at is not None
    assert session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "service_rating.answer", AuditEvent.object_id == str(fresh.id)
        )
    ).first()
    again = client.post(
        f"/admin/services/follow-ups/{fresh.id}/answer",
        data={"answer": "再答复一次", "csrf_token": token},
    )
    assert "这条差评已答复" in again.text

    client.post(
        f"/admin/services/follow-ups/{late.id}/answer",
        data={"answer": "已整改", "csrf_token": token},
    )
    assert "没有待答复的差评" in client.get("/admin/services/follow-ups").text


def test_an_enterprise_cannot_open_the_follow_up_page(client: TestClient, session: Session) -> None:
    _org, user = enterprise(session)
    login(client, user)
    assert client.get("/admin/services/follow-ups").status_code == 403
    assert client.get("/admin/services/rd-rates").status_code == 403


def test_staff_publish_a_new_version_of_the_rd_rates_on_a_page(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    login(client, platform_admin)
    page = client.get("/admin/services/rd-rates")
    assert page.status_code == 200
    assert 'data-rate-version="1"' in page.text and "5%" in page.text and "2026-01-01" in page.text
    token = page_csrf(client, "/admin/services/rd-rates")
    bad = client.post(
        "/admin/services/rd-rates",
        data={"base_rate": "5", "increment_rate": "", "cap": "1000000", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert "请修改以下问题" in bad.text and 'value="5"' in bad.text
    early = client.post(
        "/admin/services/rd-rates",
        data={
            "base_rate": "0.06",
            "increment_rate": "0.12",
            "cap": "1000000",
            "effective_from": "2025-06-01",
            "csrf_token": token,
        },
    )
    assert "应晚于当前版本的生效日期" in early.text
    assert 'data-rate-version="2"' not in early.text
    made = client.post(
        "/admin/services/rd-rates",
        data={
            "base_rate": "0.06",
            "increment_rate": "0.12",
            "cap": "1000000",
            "effective_from": "2099-01-01",
            "note": "市科技局2099年第1号通知",
            "csrf_token": token,
        },
    )
    assert "第2版已发布，自2099-01-01起生效" in made.text
    assert 'data-rate-version="2"' in made.text and "12%" in made.text
    assert "市科技局2099年第1号通知" in made.text
    listed = client.get("/api/v1/services/rd-rates").json()
    assert [r["version"] for r in listed["items"]] == [1, 2]
    assert listed["items"][0]["effective_to"] == "2099-01-01"
