"""异议 during the 立项公示: filed while it is open, answered one by one, the task book waits."""

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
from app.funding import service as funding_service
from app.models import AuditEvent, Notification, ProjectApplication
from app.models.enums import ObjectionStatus, ProjectStatus
from app.projects import service
from app.projects.flows import FUNDING_SUBJECT
from app.projects.schemas import EstablishIn
from tests.factories.accounts import make_user
from tests.factories.fixtures import login, page_csrf
from tests.factories.projects import Cast, make_cast, ranked
from tests.orgs.test_endpoints import bearer

REASONS = "该项目申报材料中的核心专利权属存在争议，请核实"
BOOK = EstablishIn(
    task_goals="完成关键工艺验证并形成样机",
    midterm_due=today() + timedelta(days=100),
    final_due=today() + timedelta(days=200),
)


def publicized(session: Session, amount: str = "600000") -> tuple[Cast, ProjectApplication]:
    cast = make_cast(session, applicants=1)
    (only,) = ranked(session, cast)
    service.decisions.approve(session, cast.staff, only, Decimal(amount))
    service.decisions.publicize(session, cast.staff, cast.call)
    return cast, only


def end_publicity(session: Session, application: ProjectApplication) -> None:
    application.publicity_ends_on = today() - timedelta(days=1)
    session.flush()


class TestFiling:
    def test_anyone_signed_in_objects_while_the_publicity_is_open(self, session: Session) -> None:
        _cast, only = publicized(session)
        citizen = make_user(session, name="公众用户")
        row = service.objections.file(session, Actor(user=citizen), only.id, REASONS)
        assert row.status == ObjectionStatus.OPEN
        told = session.scalars(
            select(Notification).where(Notification.user_id == only.created_by_id)
        ).all()
        assert any("收到异议" in n.title for n in told)
        with pytest.raises(InvalidInput, match="不少于 10 个字"):
            service.objections.file(session, Actor(user=citizen), only.id, "有问题")

        end_publicity(session, only)
        with pytest.raises(Conflict, match="不在立项公示期内"):
            service.objections.file(session, Actor(user=citizen), only.id, REASONS)

    def test_the_task_book_waits_for_every_answer(self, session: Session) -> None:
        cast, only = publicized(session)
        citizen = make_user(session, name="公众用户")
        row = service.objections.file(session, Actor(user=citizen), only.id, REASONS)
        end_publicity(session, only)
        with pytest.raises(Conflict, match="1 条异议尚未答复"):
            service.decisions.establish(session, cast.staff, only, BOOK)

        with pytest.raises(PermissionDenied):
            service.objections.answer(session, Actor(user=citizen), row.id, "uphold", "经核实")
        with pytest.raises(InvalidInput, match="须说明理由"):
            service.objections.answer(session, cast.staff, row.id, "uphold", " ")
        service.objections.answer(
            session, cast.staff, row.id, "uphold", "经核实专利权属清晰，维持立项"
        )
        with pytest.raises(Conflict, match="当前状态为“维持立项”"):
            service.objections.answer(session, cast.staff, row.id, "revoke", "再议")
        service.decisions.establish(session, cast.staff, only, BOOK)
        assert only.status == ProjectStatus.IN_PROGRESS
        told = session.scalars(select(Notification).where(Notification.user_id == citizen.id))
        assert any("维持立项" in n.title for n in told)

    def test_revoking_the_project_gives_its_money_back_to_the_line(self, session: Session) -> None:
        cast, only = publicized(session, "600000")
        line = service.calls.line(session, cast.call)
        assert line is not None
        committed = line.committed
        row = service.objections.file(session, Actor(user=make_user(session)), only.id, REASONS)
        service.objections.answer(session, cast.staff, row.id, "revoke", "核心专利权属存在争议")
        assert only.status == ProjectStatus.REVOKED
        assert line.committed == committed - Decimal("600000")
        # no open reservation is left for it
        assert funding_service.reservation_of(session, FUNDING_SUBJECT, only.id) is None
        actions = set(
            session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.action.in_(["project_objection.revoke", "project.revoke"])
                )
            )
        )
        assert actions == {"project_objection.revoke", "project.revoke"}
        end_publicity(session, only)
        with pytest.raises(Conflict, match="当前状态为“已撤销立项”"):
            service.decisions.establish(session, cast.staff, only, BOOK)


def test_objections_over_the_api_and_the_pages(client: TestClient, session: Session) -> None:
    cast, only = publicized(session)
    citizen = make_user(session, name="公众用户")
    filed = client.post(
        f"/api/v1/projects/applications/{only.id}/objections",
        json={"reasons": REASONS},
        headers=bearer(session, citizen),
    )
    assert filed.status_code == 201, filed.text
    assert client.post(
        f"/api/v1/projects/applications/{only.id}/objections", json={"reasons": REASONS}
    ).status_code in (401, 403)
    staff = bearer(session, cast.admin)
    listed = client.get("/api/v1/projects/objections", headers=staff).json()
    assert listed["total"] == 1 and listed["items"][0]["status_label"] == "待答复"
    refused = client.get("/api/v1/projects/objections", headers=bearer(session, citizen))
    assert refused.status_code == 403

    login(client, citizen)
    url = f"/projects/calls/{cast.call.id}/publicity"
    token = page_csrf(client, url)
    short = client.post(
        f"{url}/{only.id}/objections", data={"reasons": "不同意", "csrf_token": token}
    )
    assert short.status_code == 422 and "不同意</textarea>" in short.text  # the text is kept
    sent = client.post(
        f"{url}/{only.id}/objections", data={"reasons": REASONS, "csrf_token": token}
    )
    assert "异议已提交" in sent.text

    client.cookies.clear()
    login(client, cast.admin)
    desk = client.get("/projects/objections")
    assert desk.status_code == 200 and desk.text.count("data-objection=") == 2
    first = listed["items"][0]["id"]
    token = page_csrf(client, "/projects/objections")
    done = client.post(
        f"/projects/objections/{first}/answer",
        data={"decision": "uphold", "reasons": "经核实不属实", "csrf_token": token},
    )
    assert "已答复：维持立项" in done.text and done.text.count("data-objection=") == 1
    project = client.get(f"/projects/applications/{only.id}")
    assert 'id="objections"' in project.text and "维持立项：经核实不属实" in project.text
    end_publicity(session, only)
    late = client.post(
        f"/api/v1/projects/applications/{only.id}/establish",
        json=BOOK.model_dump(mode="json"),
        headers=staff,
    )
    assert late.status_code == 409 and "1 条异议尚未答复" in late.json()["detail"]
