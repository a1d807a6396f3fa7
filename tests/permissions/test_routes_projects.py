"""The routes of 项目管理 (programme calls, applications, the expert review, 立项公示 and
its objections, the project's reports), walked by every role (see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.pagination import Pagination
from app.core.permissions import Action
from app.models import Organization, ProjectApplication, User
from app.projects import service
from tests.factories.projects import Cast, call_data, established, make_cast, ranked, sent_in
from tests.factories.projects import draft as draft_of
from tests.permissions.test_matrix import ALLOWED, LISTING_ALLOWED, OWN_ALLOWED, ROLES
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    SIGNED_IN,
    Route,
    World,
    assert_lists_what_can_allows,
    assert_walk,
    build_world,
)
from tests.services.helpers import PDF

MANAGERS = ALLOWED[Action.PROJECT_MANAGE]
#: The applying organisation's people write it and report on the project.
EDITORS = LISTING_ALLOWED[Action.PROJECT_EDIT]
#: Who sees an application of the organisation; anyone else is told it does not exist.
VIEWERS = LISTING_ALLOWED[Action.PROJECT_VIEW]
SCORERS = OWN_ALLOWED[Action.PROJECT_SCORE]
UNIT = LISTING_ALLOWED[Action.PROJECT_UNIT_REVIEW]
CONFLICT = frozenset({409})
UNFINISHED = frozenset({409, 422})
MANAGE_REFUSED = "仅科技局工作人员（平台管理员）可以管理项目申报和立项"
EDIT_REFUSED = "仅申报单位的成员可以操作该项目"
APPLY_REFUSED = "加入已认证的机构后才能申报项目"
SCORE_REFUSED = "仅本指南评审专家组中未回避的专家可以评分"
REASONS = "该项目申报材料中的研发人员数与社保缴纳记录不符"
REPORT = "已完成芯片封装热应力仿真，工艺验证样品良率达到 96%"


@dataclass(frozen=True)
class ProjectsWorld(World):
    # A file attached to the organisation's draft application (``application``).
    attachment: int
    # A call in scoring whose panel the expert sits on, with the organisation's application
    # in the review.
    scoring_call: int
    scored: int
    # A ranked call: the organisation's project approved and in its 立项公示, with an open
    # objection of the other organisation; another enterprise's project ranked, undecided.
    public_call: int
    public: int
    objection: int
    undecided: int
    # The organisation's project under way (task book issued).
    running: int
    # Applications waiting for 单位审核: the organisation's, and another enterprise's.
    unit_waiting: int
    unit_elsewhere: int


def _with_target(cast: Cast, target: Organization, people: dict[str, User | None]) -> Cast:
    """The cast with the world's organisation as one more applicant."""
    member, owner = people["org_member"], people["org_admin"]
    assert member is not None and owner is not None
    cast.orgs.append(target)
    cast.members.append(member)
    cast.unit_admins.append(owner)
    return cast


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> ProjectsWorld:
    base = build_world(session, target, people)
    member, expert, other = people["org_member"], people["expert"], people["other_org_admin"]
    assert member is not None and expert is not None and other is not None
    draft = service.applications.get(session, member, base.application)
    attachment = service.applications.add_attachment(
        session, Actor(user=member), draft, filename="可行性研究报告.pdf", data=PDF
    )

    scoring = _with_target(make_cast(session, applicants=0, tag="评审"), target, people)
    (scored,) = sent_in(session, scoring)
    panel = [expert.id, *(e.id for e in scoring.experts[:2])]
    service.review.form_panel(session, scoring.staff, scoring.call, panel)
    scoring.call.closes_on = today() - timedelta(days=1)
    session.flush()
    service.review.open_scoring(session, scoring.staff, scoring.call)

    public = _with_target(make_cast(session, applicants=1, tag="公示"), target, people)
    undecided, ours = ranked(session, public)
    service.decisions.approve(session, public.staff, ours, Decimal("800000"))
    service.decisions.publicize(session, public.staff, public.call)
    objection = service.objections.file(session, Actor(user=other), ours.id, REASONS)

    running = _with_target(make_cast(session, applicants=0, tag="执行"), target, people)
    (under_way,) = ranked(session, running)
    established(session, running, under_way)

    unit = _with_target(make_cast(session, applicants=1, tag="单位"), target, people)
    waiting = [draft_of(session, unit, i) for i in range(2)]
    for i, application in enumerate(waiting):
        service.applications.submit(session, Actor(user=unit.members[i]), application)
    session.flush()
    return ProjectsWorld(
        **asdict(base),
        attachment=attachment.id,
        scoring_call=scoring.call.id,
        scored=scored.id,
        public_call=public.call.id,
        public=ours.id,
        objection=objection.id,
        undecided=undecided.id,
        running=under_way.id,
        unit_elsewhere=waiting[0].id,
        unit_waiting=waiting[1].id,
    )


def _new_call(_w: World) -> dict[str, Any]:
    return call_data(title="2027年度光电信息产业关键技术攻关项目申报指南").model_dump(mode="json")


CALL_FORM = {
    "programme": "enterprise_rd",
    "title": "2027年度光电信息产业关键技术攻关项目申报指南",
    "year": str(today().year),
    "summary": "支持光电信息领域企业攻克关键核心技术",
    "eligibility": "本市注册的企业",
    "opens_on": today().isoformat(),
    "closes_on": (today() + timedelta(days=30)).isoformat(),
    "budget": "300万",
    "max_amount": "100万",
    "org_types": "enterprise",
    "criteria_text": "技术先进性 40\n实施基础 30\n预期效益 30",
    "form_text": "key_tech | 拟突破的关键核心技术 | 多行文本 | 必填",
    "tranche_percents": "40,30,30",
}
SCORE = {"items": [{"score": 85, "comment": "方案可行"}] * 3}
TASK_BOOK = {
    "task_goals": "完成芯片封装热应力仿真与工艺验证，良率达到 98%",
    "midterm_due": (today() + timedelta(days=180)).isoformat(),
    "final_due": (today() + timedelta(days=360)).isoformat(),
}

ROUTES: list[Route] = [
    # Calls: the bureau drafts, corrects and runs them.
    Route("POST", "/api/v1/projects/calls", MANAGERS, _new_call),
    # The draft form is refused (the 403 page) before it is read, complete or not.
    Route("POST", "/projects/calls/new", MANAGERS, CALL_FORM),
    Route("POST", "/projects/calls/new", MANAGERS, {"title": "光电指南"}, answers=frozenset({422})),
    Route("PATCH", "/api/v1/projects/calls/{call}", MANAGERS, {"summary": "支持汽车电子领域攻关"}),
    Route("GET", "/projects/calls/{call}/edit", MANAGERS),
    Route("POST", "/projects/calls/{call}/edit", MANAGERS, {"summary": "支持汽车电子领域攻关"}),
    Route(
        "PUT", "/api/v1/projects/calls/{call}/panel", MANAGERS, lambda w: {"expert_ids": [w.expert]}
    ),
    *(
        Route("POST", path, MANAGERS, body, refusal_flashed=MANAGE_REFUSED)
        for path, body in (
            ("/projects/calls/{call}/panel", lambda w: {"expert_ids": str(w.expert)}),
            ("/projects/calls/{call}/publish", None),
            ("/projects/calls/{scoring_call}/scoring/close", None),
            ("/projects/calls/{call}/scoring/open", None),
            ("/projects/calls/{public_call}/publicize", None),
        )
    ),
    # Applying: people of a verified organisation (the organisation's own draft exists, so
    # its people are refused on the merits; the other organisation's administrator applies).
    Route(
        "POST",
        "/api/v1/projects/calls/{call}/applications",
        IN_VERIFIED_ORG,
        {"title": "光电探测芯片关键技术攻关"},
        answers=CONFLICT,
    ),
    Route(
        "POST",
        "/projects/calls/{call}/apply",
        IN_VERIFIED_ORG,
        {"title": "光电探测芯片关键技术攻关"},
        refusal_flashed=APPLY_REFUSED,
    ),
    # The draft: its organisation's people write, attach and submit it; its files are read
    # by whoever sees it. The API does not tell anyone else (signed in or not) it exists.
    Route(
        "GET",
        "/api/v1/projects/applications/{application}/attachments/{attachment}",
        VIEWERS,
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "GET",
        "/projects/applications/{application}/files/{attachment}",
        VIEWERS,
        seen_by=set(),
    ),
    Route(
        "POST",
        "/projects/applications/{application}/edit",
        EDITORS,
        {
            "title": "车规级雷达芯片封装关键技术攻关（修改）",
            "summary": "围绕毫米波雷达芯片封装开展攻关",
        },
        seen_by=MANAGERS,
    ),
    Route(
        "POST",
        "/api/v1/projects/applications/{application}/submit",
        EDITORS,
        {},
        seen_by=MANAGERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/projects/applications/{application}/do/submit",
        EDITORS,
        {},
        seen_by=MANAGERS,
        refusal_flashed=EDIT_REFUSED,
    ),
    Route("GET", "/api/v1/projects/applications/unit-review", SIGNED_IN),
    # 单位审核: the organisation's administrator, who is asked for the reason of a return;
    # anyone else is refused before that.
    Route(
        "POST",
        "/api/v1/projects/applications/{unit_waiting}/unit_approve",
        UNIT,
        {"note": "同意报送"},
        seen_by=VIEWERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/projects/applications/{application}/unit_return",
        UNIT,
        {},
        seen_by=VIEWERS,
        anonymous=404,
        answers=UNFINISHED,
    ),
    Route(
        "POST",
        "/projects/applications/{application}/do/unit_return",
        UNIT,
        {},
        seen_by=VIEWERS,
        refusal_flashed="仅申报单位的机构管理员可以进行单位审核",
    ),
    # The blind review: the panel's experts score; the applicant and the bureau see the
    # application but do not score it.
    Route("GET", "/projects/calls/{scoring_call}/scoring", SCORERS),
    Route(
        "PUT",
        "/api/v1/projects/calls/{scoring_call}/applications/{scored}/score",
        SCORERS,
        SCORE,
        seen_by=VIEWERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/projects/calls/{scoring_call}/scoring/{scored}",
        SCORERS,
        {"score": ["85", "80", "75"], "comment": ["方案可行", "", ""]},
        seen_by=VIEWERS,
        refusal_flashed=SCORE_REFUSED,
    ),
    # An incomplete sheet: only the panel's experts are asked to complete it.
    Route(
        "POST",
        "/projects/calls/{scoring_call}/scoring/{scored}",
        SCORERS,
        {"score": "满分", "comment": ""},
        seen_by=VIEWERS,
        refusal_flashed=SCORE_REFUSED,
    ),
    # Decisions: the bureau approves a ranked project and issues the task book (not while
    # the publicity runs).
    Route(
        "POST",
        "/api/v1/projects/applications/{undecided}/approve",
        MANAGERS,
        {"amount": "800000"},
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/projects/applications/{public}/establish",
        MANAGERS,
        TASK_BOOK,
        seen_by=VIEWERS,
        anonymous=404,
        answers=CONFLICT,
    ),
    # 立项公示: anyone signed in objects; the bureau answers.
    Route(
        "POST",
        "/api/v1/projects/applications/{public}/objections",
        SIGNED_IN,
        {"reasons": REASONS},
    ),
    Route(
        "POST",
        "/projects/calls/{public_call}/publicity/{public}/objections",
        SIGNED_IN,
        {"reasons": REASONS},
    ),
    Route("GET", "/api/v1/projects/objections", MANAGERS),
    Route("GET", "/projects/objections", MANAGERS),
    Route(
        "POST",
        "/api/v1/projects/objections/{objection}/answer",
        MANAGERS,
        {"decision": "uphold", "reasons": "经核实，研发人员数填报无误"},
    ),
    Route(
        "POST",
        "/projects/objections/{objection}/answer",
        MANAGERS,
        {"decision": "uphold", "reasons": "经核实，研发人员数填报无误"},
        refusal_flashed=MANAGE_REFUSED,
    ),
    # The project under way: its organisation's people report (验收 only after the mid-term
    # check).
    Route(
        "POST",
        "/api/v1/projects/applications/{running}/midterm-report",
        EDITORS,
        {"report": REPORT},
        seen_by=MANAGERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/projects/applications/{running}/acceptance-request",
        EDITORS,
        {"report": REPORT},
        seen_by=MANAGERS,
        anonymous=404,
        answers=CONFLICT,
    ),
    Route(
        "POST",
        "/projects/applications/{running}/do/report_midterm",
        EDITORS,
        {"report": REPORT},
        seen_by=MANAGERS,
        refusal_flashed=EDIT_REFUSED,
    ),
]

#: Files attached to the draft, sent with a PDF as the form's ``file``.
ATTACHMENT = {"file": ("可行性报告.pdf", PDF, "application/pdf")}
UPLOADS: list[Route] = [
    Route(
        "POST",
        "/api/v1/projects/applications/{application}/attachments",
        EDITORS,
        {},
        seen_by=MANAGERS,
        anonymous=404,
        files=ATTACHMENT,
    ),
    Route(
        "POST",
        "/projects/applications/{application}/files",
        EDITORS,
        {},
        seen_by=MANAGERS,
        refusal_flashed=EDIT_REFUSED,
        files=ATTACHMENT,
    ),
]
ROUTES += UPLOADS


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_project_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ProjectsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "deactivated_admin")])
def test_the_unit_queue_shows_what_can_allows(
    role: str, people: dict[str, User | None], world: ProjectsWorld, session: Session
) -> None:
    """GET /api/v1/projects/applications/unit-review: what PROJECT_UNIT_REVIEW lets one vouch for."""
    user = people[role]
    assert user is not None
    listed = service.unit_queue(session, user, Pagination(page=1, size=100)).items
    rows = [session.get(ProjectApplication, i) for i in (world.unit_waiting, world.unit_elsewhere)]
    shown = assert_lists_what_can_allows(user, Action.PROJECT_UNIT_REVIEW, listed, rows)
    assert shown or role != "org_admin"
