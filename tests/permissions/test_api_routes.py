"""Every protected API route walked by every role with a real bearer token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges import service as challenge_service
from app.challenges.schemas import ApplicationFields
from app.core.audit import Actor
from app.core.permissions import Action
from app.events import service as event_service
from app.events.schemas import RequestIn
from app.models import Challenge, Organization, User
from app.models.enums import ListingKind, NoveltyPurpose, OrgRole, OrgType
from app.patents import commissions as novelty_service
from tests.factories.accounts import make_org, make_user
from tests.factories.challenges import PROPOSAL, make_expert
from tests.factories.events import event_payload, make_event, meetings_took_place
from tests.factories.events import register as register_for_event
from tests.factories.incentives import facts_between
from tests.factories.incentives import register as register_contract
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer
from tests.permissions.test_matrix import (
    ALLOWED,
    EVENT_ALLOWED,
    LISTING_ALLOWED,
    OWN_ALLOWED,
    PARTICIPANT_ALLOWED,
)


@dataclass(frozen=True)
class World:
    """The objects the API routes act on, as ids for their paths and bodies."""

    org: int
    # An event in region 220173, open for registration, organised by the expert; the org
    # member is registered (by the organisation), a colleague is not yet.
    event: int
    participant: int
    colleague: int
    colleague_email: str
    # A second such event whose schedule is published: the org member meets a stranger.
    scheduled_event: int
    scheduled_participant: int
    meeting: int
    # 揭榜挂帅 challenges of the organisation: one open with no applications, one open with the
    # other organisation's draft, one past its deadline with the other organisation's submitted
    # application in front of a scoring panel the expert sits on.
    challenge: int
    draft_challenge: int
    draft: int
    scored_challenge: int
    submitted: int
    expert: int
    # A pending reward claim for the organisation.
    claim: int
    # A 查新委托 the org member filed for the organisation, not searched yet.
    novelty: int


@dataclass(frozen=True)
class Route:
    """A protected API route and who may use it.

    The others are refused with 403 (401 without a sign-in), except on routes that hide the
    object from people who may not see it: there everyone outside ``seen_by`` is told it
    does not exist (404), and ``anonymous`` is what a request without a sign-in gets.
    """

    method: str
    path: str
    allowed: set[str]
    body: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    seen_by: set[str] | None = None
    anonymous: int = 401

    def expected(self, role: str) -> int | None:
        """None: allowed (any 2xx); otherwise the status the role is refused with."""
        if role in self.allowed:
            return None
        if role == "anonymous":
            return self.anonymous
        if self.seen_by is None or role in self.seen_by:
            return 403
        return 404

    def payload(self, world: World) -> dict[str, Any] | None:
        return self.body(world) if callable(self.body) else self.body


EVENT_MANAGERS = EVENT_ALLOWED[Action.EVENT_MANAGE]
CHALLENGE_MANAGERS = LISTING_ALLOWED[Action.CHALLENGE_MANAGE]
SCORE = {"items": [{"score": 80, "comment": "方案可行"}, {"score": 70, "comment": "中试待扩产"}]}

# Every protected API route, walked by every role with a real bearer token.
API_ROUTES: list[Route] = [
    Route("GET", "/api/v1/users", ALLOWED[Action.USER_MANAGE]),
    Route("GET", "/api/v1/audit", ALLOWED[Action.AUDIT_VIEW]),
    Route("GET", "/api/v1/search/vocabulary", ALLOWED[Action.SEARCH_MANAGE]),
    Route("GET", "/api/v1/orgs/{org}/members", ALLOWED[Action.ORG_VIEW_PRIVATE]),
    Route("PATCH", "/api/v1/orgs/{org}", ALLOWED[Action.ORG_UPDATE], {"intro": "更新简介"}),
    Route("POST", "/api/v1/orgs/{org}/suspend", ALLOWED[Action.ORG_VERIFY], {"reason": "核查中"}),
    # 活动与洽谈
    Route("POST", "/api/v1/events", ALLOWED[Action.EVENT_CREATE], lambda _w: event_payload()),
    Route("GET", "/api/v1/events/{event}/schedule", EVENT_MANAGERS),
    Route("GET", "/api/v1/events/{event}/report", EVENT_MANAGERS),
    Route("GET", "/api/v1/events/{event}/requests?scope=all", EVENT_MANAGERS),
    Route("POST", "/api/v1/events/{event}/transitions/close", EVENT_MANAGERS),
    Route(
        "POST",
        "/api/v1/events/{event}/organisers",
        EVENT_MANAGERS,
        lambda w: {"email": w.colleague_email},
    ),
    Route("POST", "/api/v1/events/{event}/proposals", EVENT_MANAGERS),
    # An organisation's administrator registers its people; the event's managers anyone.
    Route(
        "POST",
        "/api/v1/events/{event}/registrations",
        ALLOWED[Action.EVENT_REGISTER_OTHERS] | EVENT_MANAGERS,
        lambda w: {"user_id": w.colleague},
    ),
    # Acting for a participant: the person, their organisation's administrator, the managers.
    Route(
        "GET",
        "/api/v1/events/{event}/agenda?participant_id={participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "GET",
        "/api/v1/events/{event}/requests?participant_id={participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "DELETE",
        "/api/v1/events/{event}/registrations/{participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/schedule",
        EVENT_MANAGERS,
        {"time_limit": 1},
    ),
    # Check-in by name is the desk's job; the meeting's outcome and its cancellation belong
    # to its two sides (or whoever acts for them) and the managers.
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/checkins",
        EVENT_MANAGERS,
        lambda w: {"participant_id": w.scheduled_participant},
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/meetings/{meeting}/outcome",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
        {"outcome": "intent", "note": "有合作意向"},
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/meetings/{meeting}/cancel",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
        {"reason": "时间冲突"},
    ),
    # 资金台账
    Route("GET", "/api/v1/funding/lines", ALLOWED[Action.FUNDING_VIEW]),
    Route("GET", "/api/v1/funding/ledger", ALLOWED[Action.FUNDING_VIEW]),
    # 政策奖补
    Route("GET", "/api/v1/incentives/budgets", ALLOWED[Action.INCENTIVE_MANAGE]),
    Route(
        "PUT",
        "/api/v1/incentives/budgets",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"item_no": 15, "year": 2026, "total": "50万"},
    ),
    Route(
        "POST",
        "/api/v1/incentives/rules/P19/versions",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"effective_from": "2027-01-01", "cap": "40万", "note": "上限调整"},
    ),
    Route(
        "POST",
        "/api/v1/incentives/claims/{claim}/reject",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"reason": "材料不全"},
    ),
    # Someone else's claim does not exist for them.
    Route(
        "GET",
        "/api/v1/incentives/claims/{claim}",
        OWN_ALLOWED[Action.INCENTIVE_VIEW_CLAIM],
        seen_by=set(),
    ),
    # 揭榜挂帅
    Route(
        "POST",
        "/api/v1/challenges/{challenge}/applications",
        LISTING_ALLOWED[Action.CHALLENGE_APPLY],
        {"title": "耐候增透膜系设计方案"},
    ),
    Route(
        "PUT",
        "/api/v1/challenges/{challenge}/panel",
        CHALLENGE_MANAGERS,
        lambda w: {"expert_ids": [w.expert]},
    ),
    Route("GET", "/api/v1/challenges/{scored_challenge}/panel", CHALLENGE_MANAGERS),
    Route(
        "GET",
        "/api/v1/challenges/{scored_challenge}/scores",
        CHALLENGE_MANAGERS | OWN_ALLOWED[Action.CHALLENGE_SCORE],
    ),
    # An application is seen by its organisation, the reviewing staff and (once scoring
    # opened) the panel; it does not exist for anyone else. Here it is the other
    # organisation's, so only its administrator edits it.
    Route(
        "GET",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}",
        {"other_org_admin"} | CHALLENGE_MANAGERS,
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "PATCH",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}",
        {"other_org_admin"},
        {"team": "项目负责人：王教授；成员 8 人"},
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}/submit",
        {"other_org_admin"},
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    Route(
        "PUT",
        "/api/v1/challenges/{scored_challenge}/applications/{submitted}/score",
        OWN_ALLOWED[Action.CHALLENGE_SCORE],
        SCORE,
        seen_by={"other_org_admin"} | CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    # 专利查新: a commission is seen by the agency, its requester and their organisation
    # (everyone else is told it does not exist); only 查新员 search it.
    Route(
        "GET",
        "/api/v1/patents/commissions/{novelty}",
        OWN_ALLOWED[Action.NOVELTY_VIEW],
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
    ),
    Route(
        "POST",
        "/api/v1/patents/commissions/{novelty}/search",
        ALLOWED[Action.NOVELTY_SEARCH],
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
    ),
]


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> World:
    admin, expert = people["platform_admin"], people["expert"]
    owner, member, solver = people["org_admin"], people["org_member"], people["other_org_admin"]
    assert admin and expert and owner and member and solver
    staff = Actor(user=admin)
    event = make_event(session, admin)
    event_service.add_organiser(session, staff, event, expert.email)
    participant = register_for_event(session, event, member)
    colleague = make_user(session, org=target)
    scheduled = make_event(session, admin)
    event_service.add_organiser(session, staff, scheduled, expert.email)
    stranger = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    ours, theirs = (
        register_for_event(session, scheduled, member),
        register_for_event(session, scheduled, stranger),
    )
    asked = event_service.send_request(
        session, Actor(user=member), scheduled, ours, RequestIn(to_participant_id=theirs.id)
    )
    event_service.respond(session, Actor(user=stranger), asked, theirs, accept=True)
    event_service.transition(session, staff, scheduled, "close")
    event_service.build_schedule(session, staff, scheduled, time_limit=1.0)
    event_service.transition(session, staff, scheduled, "publish")
    (meeting,) = event_service.schedule_of(session, scheduled)
    meetings_took_place(session, scheduled)

    def challenge(**fields: Any) -> Challenge:
        listing = make_listing(session, target, owner, kind=ListingKind.CHALLENGE, **fields)
        assert isinstance(listing, Challenge)
        return listing

    as_solver = Actor(user=solver)
    open_challenge, draft_challenge, scored_challenge = challenge(), challenge(), challenge()
    draft = challenge_service.create_application(
        session, as_solver, draft_challenge, ApplicationFields(**PROPOSAL)
    )
    submitted = challenge_service.create_application(
        session, as_solver, scored_challenge, ApplicationFields(**PROPOSAL)
    )
    challenge_service.submit_application(session, as_solver, scored_challenge, submitted)
    panel = [expert, make_expert(session, name="专家乙"), make_expert(session, name="专家丙")]
    challenge_service.form_panel(session, staff, scored_challenge, [e.id for e in panel])
    scored_challenge.application_deadline = challenge_service.today() - timedelta(days=1)
    challenge_service.open_scoring(session, staff, scored_challenge)

    claims = register_contract(
        session, staff, facts_between(make_org(session, org_type=OrgType.UNIVERSITY), target)
    )
    claim = next(c for c in claims if c.beneficiary_org_id == target.id)
    novelty = novelty_service.create(
        session,
        Actor(user=member),
        project_name="车用电池包液冷板",
        purpose=NoveltyPurpose.PROJECT,
        tech_points="电池包底部的液冷板采用吹胀工艺成型",
        points=["吹胀成型的液冷板流道"],
    )
    session.flush()
    return World(
        org=target.id,
        event=event.id,
        participant=participant.id,
        colleague=colleague.id,
        colleague_email=colleague.email,
        scheduled_event=scheduled.id,
        scheduled_participant=ours.id,
        meeting=meeting.id,
        challenge=open_challenge.id,
        draft_challenge=draft_challenge.id,
        draft=draft.id,
        scored_challenge=scored_challenge.id,
        submitted=submitted.id,
        expert=expert.id,
        claim=claim.id,
        novelty=novelty.id,
    )


@pytest.mark.parametrize("route", API_ROUTES, ids=[f"{r.method} {r.path}" for r in API_ROUTES])
def test_api_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    path = route.path.format(**asdict(world))
    body = route.payload(world)
    wrong = []
    for role, user in people.items():
        if role == "deactivated_admin":
            continue  # its tokens are refused outright (401), covered in the account tests
        headers = bearer(session, user) if user is not None else {}
        nested = session.begin_nested()
        session.connection()  # emits the SAVEPOINT now, so the rollback undoes the request
        response = client.request(route.method, path, json=body, headers=headers)
        nested.rollback()
        session.expire_all()
        expected = route.expected(role)
        ok = response.status_code < 300 if expected is None else response.status_code == expected
        if not ok:
            wrong.append((role, expected or "2xx", response.status_code, response.text[:200]))
    assert wrong == []
