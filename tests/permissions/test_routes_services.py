"""The routes of the service hall (企业办事) and of one's review tasks, walked by every role
(see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.pagination import Pagination
from app.core.permissions import Action
from app.models import Organization, OrgTag, ServiceCase, User
from app.models.enums import OrgTagKind, ResourceKind
from app.services import service
from app.services.schemas import CaseCreate, CaseMove, PanelSet, RatingCreate
from tests.factories.resources import make_resource
from tests.permissions.test_matrix import ALLOWED, ROLES
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    SIGNED_IN,
    Route,
    World,
    assert_lists_what_can_allows,
    assert_walk,
    build_world,
)
from tests.services.helpers import PDF, fill_materials, pool, provider, voucher_case

#: The bureau's window: the only one who handles cases.
HALL = ALLOWED[Action.SERVICE_HANDLE]
#: A case of the organisation is seen by its people and the bureau; nobody else is told it
#: exists (service.get_case).
CASE_SEERS = HALL | {"org_admin", "org_member"}
#: Only the applying organisation's people act on their case (service.own).
APPLICANTS = {"org_admin", "org_member"}
CONFLICT = frozenset({409})
UNFINISHED = frozenset({409, 422})
RATES = {
    "base_rate": "0.05",
    "increment_rate": "0.1",
    "cap": "100万",
    "effective_from": (today() + timedelta(days=30)).isoformat(),
    "note": "按新修订的政策第二十一条执行",
}


@dataclass(frozen=True)
class ServicesWorld(World):
    # 创新券 cases of the organisation filed by the org member: a draft with its materials
    # uploaded (one of them ``material``), one submitted, one granted, and one granted with a
    # 差评 (``rating``) the bureau has to answer.
    case_draft: int
    material: int
    case_sent: int
    case_granted: int
    rating: int
    # A draft of the other organisation (its administrator's).
    case_elsewhere: int
    # A listed voucher service provider, and an award (中试平台奖励) being processed whose
    # panel the expert sits on.
    provider: int
    case_award: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> ServicesWorld:
    base = build_world(session, target, people)
    admin, member, owner = people["platform_admin"], people["org_member"], people["org_admin"]
    expert, solver = people["expert"], people["other_org_admin"]
    assert admin and member and owner and expert
    staff, applicant = Actor(user=admin), Actor(user=member)
    session.add(OrgTag(org_id=target.id, kind=OrgTagKind.HIGH_TECH, certificate_no="GR2026220"))
    make_resource(
        session,
        owner,
        kind=ResourceKind.PILOT_PLATFORM,
        name="长春汽车电子中试基地",
        summary="提供汽车电子控制器中试熟化与环境可靠性试验",
        filing_no="CCZS2025-007",
    )
    pool(session, staff, today().year, "1000000")

    def moved(case: Any, *actions: str) -> Any:
        fill_materials(session, member, case)
        service.submit(session, applicant, case.id)
        for action in actions:
            service.act(session, staff, case.id, action, CaseMove())
        return case

    draft = voucher_case(session, member)
    fill_materials(session, member, draft)
    material = service.materials(session, draft)[0]
    sent = moved(voucher_case(session, member))
    granted = moved(voucher_case(session, member), "review", "accept", "process", "grant")
    rated = moved(voucher_case(session, member), "review", "accept", "process", "grant")
    rating = service.rate(session, applicant, rated.id, RatingCreate(grade=1, comment="办理太慢"))
    assert solver is not None and solver.org_id is not None
    session.add(OrgTag(org_id=solver.org_id, kind=OrgTagKind.TECH_SME, certificate_no="202622010"))
    elsewhere = voucher_case(session, solver)
    award = service.create(session, applicant, CaseCreate(item="ZSPTJL"))
    moved(award, "review", "accept", "process")
    service.form_panel(session, staff, award.id, PanelSet(expert_ids=[expert.id]))
    session.flush()
    return ServicesWorld(
        **asdict(base),
        case_draft=draft.id,
        material=material.id,
        case_sent=sent.id,
        case_granted=granted.id,
        rating=rating.id,
        case_elsewhere=elsewhere.id,
        provider=provider(session).id,
        case_award=award.id,
    )


def _order(w: World) -> dict[str, Any]:
    assert isinstance(w, ServicesWorld)
    return {"provider_org_id": w.provider, "category": "testing", "amount": "100000"}


#: The award's panel: the expert sits on it and scores.
SCORERS = {"expert"}
AWARD_SEERS = CASE_SEERS | SCORERS
MARKS = {"items": [{"score": 85, "comment": "开放服务情况良好"}] * 3}

ROUTES: list[Route] = [
    # One's own review tasks (project calls' and award cases' panels): anyone signed in.
    Route("GET", "/api/v1/reviews/mine", SIGNED_IN),
    Route("GET", "/me/review-tasks", SIGNED_IN),
    # A case, its materials and its page: its organisation's people and the bureau.
    Route("GET", "/api/v1/services/cases/{case_draft}", CASE_SEERS, seen_by=set()),
    Route("GET", "/services/cases/{case_draft}", CASE_SEERS, seen_by=set()),
    Route("GET", "/services/cases/{case_award}", AWARD_SEERS, seen_by=set()),
    Route(
        "GET",
        "/api/v1/services/cases/{case_draft}/materials/{material}",
        CASE_SEERS,
        seen_by=set(),
    ),
    # What one's organisation may apply for, its linked cases; the bureau's 差评 list.
    Route("GET", "/api/v1/services/recommendations", IN_VERIFIED_ORG),
    Route("GET", "/services/recommend", IN_VERIFIED_ORG),
    Route("GET", "/api/v1/services/linked", SIGNED_IN),
    Route("GET", "/api/v1/services/follow-ups", HALL),
    # Applying: people of a verified organisation (both hold a recognition 创新券 asks for).
    Route(
        "POST",
        "/api/v1/services/cases",
        IN_VERIFIED_ORG,
        {"item": "KJCXQ", "amount": "8万", "purpose": "委托检测"},
    ),
    Route(
        "POST",
        "/services/items/KJCXQ/apply",
        IN_VERIFIED_ORG,
        {"amount": "80000", "mode": "general", "purpose": "委托检测"},
    ),
    Route(
        "POST",
        "/services/items/KJCXQ/apply",
        IN_VERIFIED_ORG,
        {"amount": "很多"},
        answers=frozenset({422}),
    ),
    Route(
        "PUT",
        "/api/v1/services/rd-expenses",
        IN_VERIFIED_ORG,
        {"year": today().year - 1, "amount": "500万"},
    ),
    # The applicant's own steps; the bureau sees the case but does not act for them.
    Route(
        "POST",
        "/api/v1/services/cases/{case_draft}/submit",
        APPLICANTS,
        seen_by=HALL,
    ),
    Route("POST", "/services/cases/{case_draft}/submit", APPLICANTS, seen_by=HALL),
    Route(
        "POST",
        "/api/v1/services/cases/{case_granted}/rating",
        APPLICANTS,
        {"grade": 5, "comment": "办理高效"},
        seen_by=HALL,
    ),
    Route(
        "POST",
        "/services/cases/{case_granted}/rating",
        APPLICANTS,
        {"grade": "5", "comment": "办理高效"},
        seen_by=HALL,
    ),
    Route(
        "POST",
        "/api/v1/services/cases/{case_granted}/order",
        APPLICANTS,
        _order,
        seen_by=HALL,
    ),
    # The bureau's moves, decided before the case is looked up.
    Route("POST", "/api/v1/services/cases/{case_sent}/review", HALL, {}),
    Route("POST", "/admin/services/cases/{case_sent}/review", HALL, {}),
    Route("POST", "/api/v1/services/cases/{case_sent}/disburse", HALL, answers=CONFLICT),
    Route("POST", "/admin/services/cases/{case_sent}/disburse", HALL),
    Route("POST", "/api/v1/services/cases/{case_sent}/pay", HALL, answers=CONFLICT),
    Route(
        "POST",
        "/api/v1/services/cases/{case_award}/panel",
        HALL,
        lambda w: {"expert_ids": [w.expert]},
    ),
    # Complete or not, the bureau's forms are refused to anyone else before they are read.
    *(
        Route("POST", "/admin/services/cases/{case_award}/panel", HALL, body)
        for body in ({"expert_ids": "专家甲"}, lambda w: {"expert_ids": str(w.expert)})
    ),
    Route("POST", "/admin/services/cases/{case_sent}/review", HALL, {"amount": "很多"}),
    Route(
        "POST",
        "/api/v1/services/follow-ups/{rating}/answer",
        HALL,
        {"answer": "已督促窗口压缩办理时限"},
    ),
    Route(
        "POST",
        "/admin/services/follow-ups/{rating}/answer",
        HALL,
        {"answer": "已督促窗口压缩办理时限"},
    ),
    Route("POST", "/api/v1/services/rd-rates", HALL, RATES),
    Route("POST", "/admin/services/rd-rates", HALL, RATES),
    Route(
        "PUT",
        "/api/v1/services/budgets",
        HALL,
        {"item_no": 21, "year": today().year, "total": "500万"},
    ),
    Route("PUT", "/api/v1/services/voucher-pool", HALL, {"year": today().year, "total": "300万"}),
    # An award's scores: the experts of its panel; its other readers are refused.
    Route(
        "POST",
        "/api/v1/services/cases/{case_award}/scores",
        SCORERS,
        MARKS,
        seen_by=CASE_SEERS,
    ),
    Route(
        "POST",
        "/services/cases/{case_award}/scores",
        SCORERS,
        {"score": ["85", "80", "75"], "comment": ["开放服务情况良好", "", ""]},
        seen_by=CASE_SEERS,
    ),
    # An incomplete form does not tell anyone a hidden case exists.
    Route(
        "POST",
        "/services/cases/{case_award}/scores",
        SCORERS,
        {"score": "满分"},
        seen_by=CASE_SEERS,
    ),
    Route("POST", "/services/cases/{case_granted}/rating", APPLICANTS, {}, seen_by=HALL),
]


#: Uploads of a material to the draft, sent with a PDF as the form's ``file``.
MATERIAL = {"file": ("创新券申领表.pdf", PDF, "application/pdf")}
UPLOADS: list[Route] = [
    Route(
        "POST",
        "/api/v1/services/cases/{case_draft}/materials",
        APPLICANTS,
        {"material_no": "0"},
        seen_by=HALL,
        files=MATERIAL,
    ),
    Route(
        "POST",
        "/services/cases/{case_draft}/materials/0",
        APPLICANTS,
        {},
        seen_by=HALL,
        files=MATERIAL,
    ),
]
ROUTES += UPLOADS


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_service_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ServicesWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)


def _cases(world: ServicesWorld) -> list[int]:
    return [
        world.case_draft,
        world.case_sent,
        world.case_granted,
        world.case_award,
        world.case_elsewhere,
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "deactivated_admin")])
def test_the_case_list_shows_what_can_allows(
    role: str, people: dict[str, User | None], world: ServicesWorld, session: Session
) -> None:
    """GET /api/v1/services/cases: the cases ``SERVICE_CASE_VIEW`` lets each role see."""
    user = people[role]
    assert user is not None
    listed = service.list_cases(session, user, Pagination(page=1, size=100)).items
    rows = [session.get(ServiceCase, i) for i in _cases(world)]
    shown = assert_lists_what_can_allows(user, Action.SERVICE_CASE_VIEW, listed, rows)
    assert shown or role not in ("org_admin", "other_org_admin", "platform_admin")
