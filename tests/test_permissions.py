"""Every role walked through every protected action: the permission matrix."""

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
from app.core.errors import NotAuthenticated, PermissionDenied
from app.core.permissions import Action, authorize, can
from app.events import service as event_service
from app.events.schemas import RequestIn
from app.models import (
    Challenge,
    ChallengePanelMember,
    Deal,
    Event,
    EventOrganiser,
    EventParticipant,
    Listing,
    Organization,
    TechContract,
    User,
)
from app.models.enums import (
    ListingKind,
    MembershipStatus,
    OrgRole,
    OrgStatus,
    OrgType,
    PanelMemberStatus,
    Role,
)
from tests.factories.accounts import make_org, make_user
from tests.factories.challenges import PROPOSAL, make_expert
from tests.factories.events import event_payload, make_event, meetings_took_place
from tests.factories.events import register as register_for_event
from tests.factories.incentives import facts_between
from tests.factories.incentives import register as register_contract
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer

ROLES = [
    "anonymous",
    "platform_admin",
    "district_admin_here",
    "district_admin_elsewhere",
    "broker",
    "expert",
    "org_admin",
    "org_member",
    "pending_member",
    "other_org_admin",
    "deactivated_admin",
]

# action → roles that may perform it on a verified organisation in region 220173.
ALLOWED: dict[Action, set[str]] = {
    Action.ADMIN_ACCESS: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.AUDIT_VIEW: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.USER_MANAGE: {"platform_admin"},
    Action.ORG_VIEW_PRIVATE: {"platform_admin", "district_admin_here", "org_admin", "org_member"},
    Action.ORG_UPDATE: {"platform_admin", "district_admin_here", "org_admin"},
    Action.ORG_VERIFY: {"platform_admin", "district_admin_here"},
    Action.ORG_MANAGE_MEMBERS: {"platform_admin", "org_admin"},
    Action.ORG_PUBLISH: {"org_admin", "org_member"},
    Action.SEARCH_MANAGE: {"platform_admin"},
    Action.MATCH_PROPOSE: {"platform_admin", "broker"},
    Action.PIPELINE_LIST: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "expert",
        "org_admin",
        "org_member",
        "pending_member",
        "other_org_admin",
    },
    Action.CONTRACT_EXPORT: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.INCENTIVE_MANAGE: {"platform_admin"},
    Action.EVENT_CREATE: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.EVENT_REGISTER_OTHERS: {"platform_admin", "org_admin"},
}

# action → roles that may perform it on an event in region 220173 organised by the expert.
EVENT_ALLOWED: dict[Action, set[str]] = {
    Action.EVENT_MANAGE: {"platform_admin", "district_admin_here", "expert"},
}

# action → roles that may act for a participant: the org_member registered by the target org.
PARTICIPANT_ALLOWED: dict[Action, set[str]] = {
    Action.EVENT_ACT_FOR: {"org_admin", "org_member"},
}

# action → roles that may perform it on a published listing of that organisation, owned by
# its org_admin. (district admins review listings in their own region.)
LISTING_ALLOWED: dict[Action, set[str]] = {
    Action.LISTING_EDIT: {"org_admin"},
    Action.LISTING_VIEW_UNPUBLISHED: {
        "platform_admin",
        "district_admin_here",
        "org_admin",
        "org_member",
    },
    Action.LISTING_REVIEW: {"platform_admin", "district_admin_here"},
    Action.LISTING_SEE_DETAIL: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "expert",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.LISTING_SEE_CONFIDENTIAL: {
        "platform_admin",
        "district_admin_here",
        "org_admin",
        "org_member",
    },
    Action.MATCH_FEEDBACK: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
    },
    # 揭榜挂帅 on a challenge of that organisation (an application has an org_id as well).
    Action.CHALLENGE_APPLY: {"other_org_admin"},
    Action.CHALLENGE_APPLICATION_EDIT: {"org_admin", "org_member"},
    Action.CHALLENGE_MANAGE: {"platform_admin", "district_admin_here"},
}

# action → roles that may perform it on the action's own kind of object (see ``own_object``):
# a pipeline entry between the organisation and a third one, introduced by the broker; the
# expert's own profile; the org member's subscription.
OWN_ALLOWED: dict[Action, set[str]] = {
    Action.PIPELINE_VIEW: {"platform_admin", "broker", "org_admin", "org_member"},
    Action.PIPELINE_ADVANCE: {"platform_admin", "broker", "org_admin", "org_member"},
    Action.PIPELINE_CONFIRM: {"org_admin", "org_member"},
    Action.EXPERT_PROFILE_EDIT: {"platform_admin", "expert"},
    Action.SUBSCRIPTION_MANAGE: {"org_member"},
    # a reward claim whose beneficiary is the target organisation
    Action.INCENTIVE_VIEW_CLAIM: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "org_admin",
        "org_member",
    },
    # A seat on a 揭榜挂帅 panel held by the expert, not excluded for a conflict.
    Action.CHALLENGE_SCORE: {"expert"},
}


# action → roles that may perform it on a deal about that organisation's listing, opened by
# the other organisation, with "broker" as its broker.
DEAL_ALLOWED: dict[Action, set[str]] = {
    Action.DEAL_VIEW: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.DEAL_PARTICIPATE: {"broker", "org_admin", "org_member", "other_org_admin"},
}

# action → roles that may perform it on a contract that organisation (seller, registrant)
# signed with the other organisation, introduced by "broker".
CONTRACT_ALLOWED: dict[Action, set[str]] = {
    Action.CONTRACT_VIEW: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.CONTRACT_EDIT: {"platform_admin", "org_admin", "org_member", "other_org_admin"},
    Action.CONTRACT_REGISTER: {"platform_admin", "district_admin_here"},
}

OBJECT_MATRICES = [
    LISTING_ALLOWED,
    DEAL_ALLOWED,
    CONTRACT_ALLOWED,
    EVENT_ALLOWED,
    PARTICIPANT_ALLOWED,
]


def test_matrix_covers_every_action() -> None:
    covered = [set(ALLOWED), set(OWN_ALLOWED), *(set(m) for m in OBJECT_MATRICES)]
    assert set().union(*covered) == set(Action)
    assert sum(len(c) for c in covered) == len(Action)


def own_object(
    session: Session, action: Action, target: Organization, people: dict[str, User | None]
) -> object:
    from types import SimpleNamespace

    broker, expert, member = people["broker"], people["expert"], people["org_member"]
    assert broker is not None and expert is not None and member is not None
    if action == Action.EXPERT_PROFILE_EDIT:
        return expert
    if action == Action.SUBSCRIPTION_MANAGE:
        return SimpleNamespace(user_id=member.id)
    if action == Action.INCENTIVE_VIEW_CLAIM:
        return SimpleNamespace(beneficiary_org_id=target.id, beneficiary_user_id=None)
    if action == Action.CHALLENGE_SCORE:
        return ChallengePanelMember(expert_id=expert.id, status=PanelMemberStatus.ELIGIBLE)
    third = make_org(session, region_code="220104")
    return SimpleNamespace(broker_id=broker.id, demand_org_id=target.id, supply_org_id=third.id)
    covered = [set(ALLOWED), *(set(m) for m in OBJECT_MATRICES)]
    assert set().union(*covered) == set(Action)
    assert sum(len(c) for c in covered) == len(Action)


@pytest.fixture
def target(session: Session) -> Organization:
    return make_org(session, region_code="220173")


@pytest.fixture
def people(session: Session, target: Organization) -> dict[str, User | None]:
    other = make_org(session, region_code="220191")
    deactivated = make_user(session, role=Role.PLATFORM_ADMIN)
    deactivated.is_active = False
    return {
        "anonymous": None,
        "platform_admin": make_user(session, role=Role.PLATFORM_ADMIN),
        "district_admin_here": make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173"),
        "district_admin_elsewhere": make_user(
            session, role=Role.DISTRICT_ADMIN, region_code="220191"
        ),
        "broker": make_user(session, role=Role.BROKER),
        "expert": make_user(session, role=Role.EXPERT),
        "org_admin": make_user(session, org=target, org_role=OrgRole.ADMIN),
        "org_member": make_user(session, org=target),
        "pending_member": make_user(session, org=target, membership=MembershipStatus.PENDING),
        "other_org_admin": make_user(session, org=other, org_role=OrgRole.ADMIN),
        "deactivated_admin": deactivated,
    }


@pytest.fixture
def listing(session: Session, target: Organization, people: dict[str, User | None]) -> Listing:
    owner = people["org_admin"]
    assert owner is not None
    return make_listing(session, target, owner)


@pytest.fixture
def deal(session: Session, listing: Listing, people: dict[str, User | None]) -> Deal:
    other, broker = people["other_org_admin"], people["broker"]
    assert other is not None and other.org_id is not None and broker is not None
    deal = Deal(
        listing_id=listing.id,
        title=listing.title,
        owner_org_id=listing.org_id,
        inquirer_org_id=other.org_id,
        opened_by_id=other.id,
        broker_id=broker.id,
    )
    session.add(deal)
    session.flush()
    return deal


@pytest.fixture
def contract(
    session: Session, target: Organization, people: dict[str, User | None]
) -> TechContract:
    owner, other, broker = people["org_admin"], people["other_org_admin"], people["broker"]
    assert owner is not None and other is not None and other.org is not None and broker
    contract = make_contract(session, owner, target, other.org, broker_id=broker.id)
    contract.registrant_org_id = target.id
    return contract


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    role: str,
    action: Action,
    people: dict[str, User | None],
    target: Organization,
    listing: Listing,
    session: Session,
    deal: Deal,
    contract: TechContract,
) -> None:
    user = people[role]
    event = Event(region_code="220173", organisers=[EventOrganiser(user_id=_id(people["expert"]))])
    participant = EventParticipant(user_id=_id(people["org_member"]), org_id=target.id)
    obj: object = target
    allowed = ALLOWED.get(action, set())
    candidates = (listing, deal, contract, event, participant)
    for matrix, candidate in zip(OBJECT_MATRICES, candidates, strict=True):
        if action in matrix:
            obj, allowed = candidate, matrix[action]
    if action in OWN_ALLOWED:
        obj, allowed = own_object(session, action, target, people), OWN_ALLOWED[action]
    expected = role in allowed
    assert can(user, action, obj) is expected
    if expected:
        authorize(user, action, obj)
    else:
        error = NotAuthenticated if user is None else PermissionDenied
        with pytest.raises(error):
            authorize(user, action, obj)


def _id(user: User | None) -> int:
    assert user is not None
    return user.id


def test_excluded_expert_cannot_score(session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT)
    seat = ChallengePanelMember(expert_id=expert.id, status=PanelMemberStatus.EXCLUDED)
    assert not can(expert, Action.CHALLENGE_SCORE, seat)
    assert not can(expert, Action.CHALLENGE_SCORE, None)


def test_unverified_org_cannot_publish(session: Session) -> None:
    pending = make_org(session, status=OrgStatus.PENDING)
    admin = make_user(session, org=pending, org_role=OrgRole.ADMIN)
    assert not can(admin, Action.ORG_PUBLISH, pending)
    with pytest.raises(PermissionDenied, match="机构通过认证后"):
        authorize(admin, Action.ORG_PUBLISH, pending)


# -- the real API routes --------------------------------------------------------------------


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
]


@pytest.fixture
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
