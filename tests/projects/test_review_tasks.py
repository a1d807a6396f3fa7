"""An expert's review tasks: every panel they sit on, pending first, with the scoring link."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models.enums import Role
from app.projects import service
from app.projects.schemas import ScoreIn
from app.services import service as hall
from app.services.schemas import CaseCreate, MarkIn, PanelSet, ScoreCreate
from tests.factories.accounts import make_user
from tests.factories.fixtures import login
from tests.factories.projects import CRITERIA, make_cast, sent_in
from tests.orgs.test_endpoints import bearer
from tests.services.helpers import advance, pilot_platform


def test_an_expert_sees_each_review_pending_first_and_done_after(
    client: TestClient, session: Session
) -> None:
    cast = make_cast(session, applicants=2)
    apps = sent_in(session, cast)
    service.review.form_panel(session, cast.staff, cast.call, [e.id for e in cast.experts])
    expert = cast.experts[0]
    mine = bearer(session, expert)

    _org, user = pilot_platform(session, filed=True)
    case = hall.create(session, Actor(user=user), CaseCreate(item="ZSPTJL", amount=Decimal("1e6")))
    advance(session, cast.staff, user, case)
    hall.form_panel(session, cast.staff, case.id, PanelSet(expert_ids=[expert.id]))

    listed = client.get("/api/v1/reviews/mine", headers=mine).json()
    assert listed["total"] == 2
    first, second = listed["items"]
    # The award waits for a score now; the call's scoring has not opened yet.
    assert first["subject_type"] == "service_case" and first["pending"]
    assert first["status_label"] == "待评分" and first["deadline"] is not None
    assert first["url"] == f"/services/cases/{case.id}"
    assert second["subject_type"] == "project_call" and not second["pending"]
    assert second["status_label"].startswith("待开始评审")

    cast.call.closes_on = cast.call.closes_on.replace(year=cast.call.closes_on.year - 1)
    session.flush()
    service.review.open_scoring(session, cast.staff, cast.call)
    hall.score(
        session,
        Actor(user=expert),
        case.id,
        ScoreCreate(items=[MarkIn(score=80, comment="材料翔实")] * 3),
    )
    call_task = client.get("/api/v1/reviews/mine", headers=mine).json()["items"][0]
    assert call_task["subject_type"] == "project_call" and call_task["pending"]
    assert call_task["status_label"] == "评分中：已评 0/2"
    assert call_task["url"] == f"/projects/calls/{cast.call.id}/scoring"

    marks = ScoreIn.model_validate({"items": [{"score": 85, "comment": "可行"} for _ in CRITERIA]})
    service.review.score(session, Actor(user=expert), cast.call, apps[0], marks)
    login(client, expert)
    page = client.get("/me/review-tasks")
    assert page.status_code == 200 and "评分中：已评 1/2" in page.text
    assert page.text.index("项目申报评审") < page.text.index("奖补事项评审")
    assert "已评分，办结前可修改" in page.text and "去评分" in page.text

    nobody = make_user(session, role=Role.EXPERT, name="未受邀专家")
    client.cookies.clear()
    login(client, nobody)
    assert "暂无评审任务" in client.get("/me/review-tasks").text
    client.cookies.clear()
    assert client.get("/api/v1/reviews/mine").status_code == 401
