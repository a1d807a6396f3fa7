"""Correcting a published call (申报指南): what may change, what is refused and who hears of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.models import AuditEvent, Notification
from app.projects import service
from app.projects.schemas import CallRevise
from tests.factories.fixtures import login, page_csrf
from tests.factories.projects import draft, make_cast
from tests.orgs.test_endpoints import bearer

WEIGHTS = [
    {"name": "技术先进性", "weight": 50},
    {"name": "实施基础", "weight": 30},
    {"name": "预期效益", "weight": 20},
]


class TestRevise:
    def test_dates_texts_and_budget_upward_are_audited_and_told_to_drafters(
        self, session: Session
    ) -> None:
        cast = make_cast(session, applicants=2)
        first = draft(session, cast, 0)
        later = today() + timedelta(days=60)
        data = CallRevise(closes_on=later, budget=Decimal("5000000"), summary="更正后的支持方向")
        service.calls.revise(session, cast.staff, cast.call, data)
        assert cast.call.closes_on == later and cast.call.budget == Decimal("5000000")
        line = service.calls.line(session, cast.call)
        assert line is not None and line.total == Decimal("5000000")
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "project_call.revise")
        ).one()
        assert event.after["closes_on"] == later.isoformat()
        assert event.before is not None and "closes_on" in event.before
        assert "申报截止日期" in event.summary and "资金总额" in event.summary
        told = session.scalars(
            select(Notification).where(Notification.user_id == first.created_by_id)
        ).all()
        assert any("已更正" in n.title for n in told)
        other = session.scalars(
            select(Notification).where(Notification.user_id == cast.members[1].id)
        ).all()
        assert not any("已更正" in n.title for n in other)  # no draft, no notice

    def test_what_may_not_change_is_refused_with_the_reason(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        with pytest.raises(InvalidInput, match="只能调增"):
            service.calls.revise(session, cast.staff, cast.call, CallRevise(budget=Decimal("1")))
        with pytest.raises(InvalidInput, match="不能修改单个项目最高资助"):
            service.calls.revise(
                session, cast.staff, cast.call, CallRevise(max_amount=Decimal("2000000"))
            )
        with pytest.raises(InvalidInput, match="截止日期不能早于今天"):
            service.calls.revise(
                session, cast.staff, cast.call, CallRevise(closes_on=today() - timedelta(days=1))
            )
        with pytest.raises(PermissionDenied):
            service.calls.revise(
                session, Actor(user=cast.members[0]), cast.call, CallRevise(summary="改")
            )

    def test_weights_change_only_while_nothing_is_submitted(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        service.calls.revise(session, cast.staff, cast.call, CallRevise(criteria=WEIGHTS))
        assert cast.call.criteria == WEIGHTS
        application = draft(session, cast, 0)
        service.applications.submit(session, Actor(user=cast.members[0]), application)
        with pytest.raises(Conflict, match="已有 1 份申报书提交"):
            service.calls.revise(session, cast.staff, cast.call, CallRevise(criteria=WEIGHTS[::-1]))
        service.calls.revise(session, cast.staff, cast.call, CallRevise(eligibility="更正条件"))


def test_staff_correct_a_call_over_the_api_and_the_page(
    client: TestClient, session: Session
) -> None:
    cast = make_cast(session, applicants=1)
    url = f"/api/v1/projects/calls/{cast.call.id}"
    staff = bearer(session, cast.admin)
    ok = client.patch(url, json={"title": "2026年企业关键核心技术攻关项目（更正）"}, headers=staff)
    assert ok.status_code == 200 and ok.json()["title"].endswith("（更正）")
    fixed = client.patch(url, json={"tranche_percents": [50, 25, 25]}, headers=staff)
    assert fixed.status_code == 422 and "三期拨款比例" in fixed.json()["detail"]
    assert fixed.headers["content-type"].startswith("application/problem+json")
    member = bearer(session, cast.members[0])
    assert client.patch(url, json={"summary": "改"}, headers=member).status_code == 403

    login(client, cast.admin)
    page = f"/projects/calls/{cast.call.id}/edit"
    form = client.get(page)
    assert form.status_code == 200 and "更正申报指南" in form.text
    token = page_csrf(client, page)
    low = client.post(page, data={"budget": "1", "summary": "保留的文字", "csrf_token": token})
    assert low.status_code == 422 and "只能调增" in low.text and "保留的文字" in low.text
    done = client.post(
        page, data={"summary": "支持方向更正：增加车规级芯片方向", "csrf_token": token}
    )
    assert "申报指南已更正" in done.text and "增加车规级芯片方向" in done.text


def test_odd_corrections_are_refused_in_chinese_never_a_500(
    client: TestClient, session: Session
) -> None:
    cast = make_cast(session, applicants=1)
    url = f"/api/v1/projects/calls/{cast.call.id}"
    staff = bearer(session, cast.admin)
    for body, words in [
        ({"criteria": []}, "至少设置一项评价指标"),
        ({"title": None}, "没有需要更正的内容"),
        ({}, "没有需要更正的内容"),
        ({"opens_on": (today() + timedelta(days=400)).isoformat()}, "截止日期不能早于开始日期"),
        ({"criteria": [{"name": "技术先进性", "weight": 90}]}, "权重之和应为 100%"),
        ({"year": 2030, "form": []}, "年度、申报书字段"),
    ]:
        answer = client.patch(url, json=body, headers=staff)
        assert answer.status_code == 422 and words in answer.json()["detail"], (body, answer.text)
    assert client.patch("/api/v1/projects/calls/999999", json={}, headers=staff).status_code == 404
