"""The page forms of 揭榜挂帅 (applying, an application's files, milestones, the review desk,
scoring, and a challenge's desk as a listing) sent by every role (see
test_route_coverage.py). On a connection of their own, as test_page_forms.py explains."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.deps import CSRF_HEADER
from app.core.permissions import Action
from app.models import Organization, User
from tests.factories.challenges import PROPOSAL
from tests.factories.fixtures import csrf_from
from tests.permissions.test_matrix import LISTING_ALLOWED, OWN_ALLOWED
from tests.permissions.test_routes_challenges import (
    CHALLENGE_MANAGERS,
    DOCUMENT,
    KEEPER,
    REPORT,
    REVIEWERS,
    SOLVER,
    UNPUBLISHED_SEEN_BY,
    ChallengesWorld,
    build_challenges_world,
)
from tests.permissions.world import IN_VERIFIED_ORG, Route, assert_walk, concrete, with_files

# The refusals the 揭榜挂帅 pages explain on the page the button was on.
MANAGE_REFUSED = "仅平台管理员或榜单所在区县的管理员可以组织评审"
EDIT_REFUSED = "仅揭榜单位的成员可以操作该申请"
SCORE_REFUSED = "仅本榜评审专家组中未回避的专家可以评分"

PROPOSAL_FORM = {k: str(v) for k, v in PROPOSAL.items() if k != "meets_requirements"} | {
    "meets_requirements": "on"
}
APPLICATION = "/challenges/{draft_challenge}/applications/{draft}"


@pytest.fixture(scope="module")
def world(
    session: Session, target: Organization, people: dict[str, User | None]
) -> ChallengesWorld:
    return build_challenges_world(session, target, people)


ROUTES: list[Route] = [
    # A new challenge: people of a verified organisation publish for it (ORG_PUBLISH on their
    # own organisation); the form says why the others may not.
    Route(
        "POST",
        "/challenges/new",
        IN_VERIFIED_ORG,
        {
            "title": "高寒地区氢燃料电池冷启动",
            "summary": "征集零下30度环境下氢燃料电池快速冷启动方案。",
            "field_code": "F1102",
            "reward": "50万",
            "application_deadline": (date.today() + timedelta(days=30)).isoformat(),
            "criteria-0-name": "技术先进性",
            "criteria-0-weight": "60",
            "criteria-1-name": "团队能力",
            "criteria-1-weight": "40",
            "action": "draft",
        },
    ),
    # 揭榜 and the application: the solver's organisation; the staff who see it are refused,
    # everyone else is told it does not exist.
    Route(
        "POST",
        "/challenges/{challenge}/apply",
        LISTING_ALLOWED[Action.CHALLENGE_APPLY],
        PROPOSAL_FORM,
    ),
    Route("POST", APPLICATION, SOLVER, PROPOSAL_FORM, seen_by=CHALLENGE_MANAGERS),
    Route(
        "POST",
        APPLICATION + "/attachments",
        SOLVER,
        seen_by=CHALLENGE_MANAGERS,
        refusal_flashed=EDIT_REFUSED,
    ),
    Route(
        "POST",
        APPLICATION + "/attachments/{application_file}/delete",
        SOLVER,
        seen_by=CHALLENGE_MANAGERS,
        refusal_flashed=EDIT_REFUSED,
    ),
    Route(
        "POST",
        "/challenges/{working}/milestones/1/submit",
        SOLVER,
        {"report": REPORT},
        refusal_flashed=EDIT_REFUSED,
    ),
    # The review desk: the staff who review the challenge.
    Route(
        "POST",
        "/challenges/{challenge}/review/panel",
        CHALLENGE_MANAGERS,
        lambda w: {"expert_ids": str(w.expert)},
        refusal_flashed=MANAGE_REFUSED,
    ),
    Route(
        "POST",
        "/challenges/{closed}/review/award",
        CHALLENGE_MANAGERS,
        lambda w: {
            "application_id": str(w.ranked),
            "reason": "专家组综合评分第一",
            "tranche_0": "30",
            "tranche_1": "30",
            "tranche_2": "40",
        },
        refusal_flashed=MANAGE_REFUSED,
    ),
    Route(
        "POST",
        "/challenges/{awarded}/review/milestones/1/accept",
        CHALLENGE_MANAGERS,
        refusal_flashed=MANAGE_REFUSED,
    ),
    Route(
        "POST",
        "/challenges/{awarded}/review/milestones/1/return",
        CHALLENGE_MANAGERS,
        {"reason": "请补充盐雾试验的原始记录"},
        refusal_flashed=MANAGE_REFUSED,
    ),
    # Scoring: the panel's experts; the others who see the application are refused, for the
    # rest it does not exist.
    Route(
        "POST",
        "/challenges/{scored_challenge}/scoring/{submitted}",
        OWN_ALLOWED[Action.CHALLENGE_SCORE],
        {"score_0": "80", "comment_0": "方案可行", "score_1": "70", "comment_1": "中试待扩产"},
        seen_by=SOLVER | CHALLENGE_MANAGERS,
        refusal_flashed=SCORE_REFUSED,
    ),
    # The challenge as a listing (the listings' pages, for the challenge kind).
    Route("POST", "/challenges/{challenge}/attachments", KEEPER, {"category": "document"}),
    Route("POST", "/challenges/{challenge}/attachments/{challenge_file}/delete", KEEPER),
    # Asking to see the confidential sections: see the API case.
    Route(
        "POST",
        "/challenges/{secret}/access-requests",
        IN_VERIFIED_ORG,
        {"message": "拟参与揭榜，申请查看技术指标"},
    ),
    Route("POST", "/challenges/{secret}/access-requests/{access}/grant", KEEPER),
    Route(
        "POST", "/challenges/{challenge}/close", KEEPER | REVIEWERS, {"reason_code": "withdrawn"}
    ),
    Route(
        "POST",
        "/challenges/{submitted_challenge}/return",
        REVIEWERS,
        {"reason_code": "incomplete", "reason_text": "请补充评价指标"},
        seen_by=UNPUBLISHED_SEEN_BY,
        anonymous=404,
    ),
]

UPLOADS = {
    ("POST", APPLICATION + "/attachments"),
    ("POST", "/challenges/{challenge}/attachments"),
}
FORMS = with_files(ROUTES, UPLOADS, DOCUMENT)


@pytest.mark.parametrize("route", FORMS, ids=[f"{r.method} {r.path}" for r in FORMS])
def test_challenge_forms_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ChallengesWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_an_empty_form_without_a_sign_in_asks_to_sign_in(
    route: Route, world: ChallengesWorld, session: Session, client: TestClient
) -> None:
    """Whatever a form is missing, a visitor is asked to sign in first (or told a hidden
    record is not there), never to fill in its fields."""
    nested = session.begin_nested()
    session.connection()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        concrete(route.path, world), headers={CSRF_HEADER: token}, follow_redirects=False
    )
    nested.rollback()
    assert response.status_code == route.anonymous
    assert route.anonymous != 401 or "登录" in response.text
