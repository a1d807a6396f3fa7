"""The API routes of 揭榜挂帅 (a challenge as a listing, its applications' files and its
milestones) walked by every role (see test_route_coverage.py); the lists of applications
compared with ``can()``. The page forms are in test_routes_challenges_pages.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges import service as challenges
from app.challenges.schemas import ApplicationFields, AwardIn, ScoreIn
from app.core import attachments
from app.core.audit import Actor
from app.core.permissions import Action
from app.listings import service as listings
from app.models import Challenge, ChallengeApplication, Organization, User
from app.models.enums import ListingKind, ListingStatus, OrgRole
from tests.factories.accounts import make_org, make_user
from tests.factories.challenges import PDF, PROPOSAL, make_expert
from tests.factories.listings import make_listing
from tests.permissions.test_matrix import LISTING_ALLOWED, OWN_ALLOWED, ROLES
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    Route,
    World,
    assert_lists_what_can_allows,
    assert_walk,
    build_world,
    with_files,
)

CHALLENGE_MANAGERS = LISTING_ALLOWED[Action.CHALLENGE_MANAGE]
KEEPER = LISTING_ALLOWED[Action.LISTING_EDIT]
REVIEWERS = LISTING_ALLOWED[Action.LISTING_REVIEW]
UNPUBLISHED_SEEN_BY = LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED]
#: The solver (the other organisation) works on its application and, once it won, its stages.
SOLVER = {"other_org_admin"}
CONFLICT = frozenset({409})
#: A file sent with a request (as a multipart form); the attachment store checks its content.
DOCUMENT = {"file": ("技术方案.pdf", PDF, "application/pdf")}
REPORT = "完成膜系设计与首轮镀膜试验，盐雾 480 小时后透过率 98.2%"


@dataclass(frozen=True)
class ChallengesWorld(World):
    # A document of the solver's draft application (``draft`` on ``draft_challenge``), and
    # one of its application in front of the panel (``submitted`` on ``scored_challenge``).
    application_file: int
    scored_file: int
    # A document attached to the published challenge ``challenge``.
    challenge_file: int
    # A published challenge with confidential sections; a third organisation asked to see them.
    secret: int
    access: int
    # A challenge of the organisation sent for review, not decided yet.
    submitted_challenge: int
    # Challenges whose review is over: ``closed`` ranked the solver's submitted ``ranked``
    # (a third organisation's draft beside it) and awaits the award; the solver won ``awarded``
    # and reported its first stage, and won ``working``, whose first stage is still to report.
    closed: int
    ranked: int
    awarded: int
    working: int


def build_challenges_world(
    session: Session, target: Organization, people: dict[str, User | None]
) -> ChallengesWorld:
    base = build_world(session, target, people)
    admin, owner, solver = people["platform_admin"], people["org_admin"], people["other_org_admin"]
    assert admin and owner and solver
    staff, as_solver = Actor(user=admin), Actor(user=solver)
    third = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    panel = [make_expert(session, name=f"评审专家{n}") for n in range(1, 4)]

    def challenge(**fields: Any) -> Challenge:
        listing = make_listing(session, target, owner, kind=ListingKind.CHALLENGE, **fields)
        assert isinstance(listing, Challenge)
        return listing

    def reviewed(item: Challenge, *, beside: User | None = None) -> ChallengeApplication:
        """The solver applies, the panel scores it and the review closes."""
        application = challenges.create_application(
            session, as_solver, item, ApplicationFields(**PROPOSAL)
        )
        challenges.submit_application(session, as_solver, item, application)
        if beside is not None:
            challenges.create_application(
                session, Actor(user=beside), item, ApplicationFields(**PROPOSAL)
            )
        challenges.form_panel(session, staff, item, [e.id for e in panel])
        item.application_deadline = challenges.today() - timedelta(days=1)
        challenges.open_scoring(session, staff, item)
        items = [{"score": 85, "comment": "方案可行"}, {"score": 80, "comment": "中试线完备"}]
        for expert in panel:
            challenges.score(
                session,
                Actor(user=expert),
                item,
                application,
                ScoreIn.model_validate({"items": items}),
            )
        challenges.close_scoring(session, staff, item)
        return application

    def won(item: Challenge) -> None:
        application = reviewed(item)
        challenges.award(
            session,
            staff,
            item,
            AwardIn(application_id=application.id, reason="专家组综合评分第一"),
        )

    draft_challenge = session.get(Challenge, base.draft_challenge)
    draft = session.get(ChallengeApplication, base.draft)
    published = session.get(Challenge, base.challenge)
    assert draft_challenge and draft and published
    application_file = challenges.add_attachment(
        session, as_solver, draft_challenge, draft, filename="技术方案.pdf", data=PDF
    )
    # Its deadline has passed: the file is kept as one attached before it.
    scored_file = attachments.store(
        session,
        as_solver,
        owner_type=challenges.ATTACHMENT_OWNER,
        owner_id=base.submitted,
        category="document",
        filename="中试报告.pdf",
        data=PDF,
    )
    challenge_file = listings.add_attachment(
        session,
        Actor(user=owner),
        published,
        category="document",
        filename="榜单说明.pdf",
        data=PDF,
    )
    secret = challenge(confidential=["indicators", "requirements"])
    access = listings.request_access(session, Actor(user=third), secret, "拟参与揭榜，申请查看指标")
    submitted_challenge = challenge(status=ListingStatus.SUBMITTED)
    closed, awarded, working = challenge(), challenge(), challenge()
    ranked = reviewed(closed, beside=third)
    won(awarded)
    challenges.submit_milestone(session, as_solver, awarded, 1, REPORT)
    won(working)
    session.flush()
    return ChallengesWorld(
        **asdict(base),
        application_file=application_file.id,
        scored_file=scored_file.id,
        challenge_file=challenge_file.id,
        secret=secret.id,
        access=access.id,
        submitted_challenge=submitted_challenge.id,
        closed=closed.id,
        ranked=ranked.id,
        awarded=awarded.id,
        working=working.id,
    )


@pytest.fixture(scope="module")
def world(
    session: Session, target: Organization, people: dict[str, User | None]
) -> ChallengesWorld:
    return build_challenges_world(session, target, people)


#: The application's files: its organisation; the reviewing staff and the panel see it too.
APPLICATION_FILES = "/api/v1/challenges/{draft_challenge}/applications/{draft}/attachments"
#: A challenge's own desk (the listings' routes, for the challenge kind).
CHALLENGE = "/api/v1/challenges/{challenge}"

ROUTES: list[Route] = [
    # A new challenge: people of a verified organisation publish for it (ORG_PUBLISH on their
    # own organisation, the other one's administrator included).
    Route(
        "POST",
        "/api/v1/challenges",
        IN_VERIFIED_ORG,
        {
            "title": "高寒地区氢燃料电池冷启动",
            "summary": "征集零下30度环境下氢燃料电池快速冷启动方案。",
            "reward": "50万",
            "application_deadline": "2099-01-01",
        },
    ),
    # An application's files: its organisation adds and removes them until the deadline; the
    # reviewing staff read them; for everyone else the application does not exist (also
    # without a sign-in, as the application itself: test_api_routes.py).
    Route("POST", APPLICATION_FILES, SOLVER, seen_by=CHALLENGE_MANAGERS, anonymous=404),
    Route(
        "GET",
        APPLICATION_FILES + "/{application_file}",
        SOLVER | CHALLENGE_MANAGERS,
        seen_by=set(),
        anonymous=404,
    ),
    # Once scoring opened, the panel's experts read the files of the applications they score.
    Route(
        "GET",
        "/api/v1/challenges/{scored_challenge}/applications/{submitted}/attachments/{scored_file}",
        SOLVER | CHALLENGE_MANAGERS | OWN_ALLOWED[Action.CHALLENGE_SCORE],
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "DELETE",
        APPLICATION_FILES + "/{application_file}",
        SOLVER,
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    # The stages of an awarded challenge: the winner and the staff see them (nobody else is
    # told there are any); the winner reports a stage, the staff accept or return it.
    Route(
        "GET", "/api/v1/challenges/{working}/milestones", SOLVER | CHALLENGE_MANAGERS, seen_by=set()
    ),
    Route("POST", "/api/v1/challenges/{working}/milestones/1/submit", SOLVER, {"report": REPORT}),
    Route("POST", "/api/v1/challenges/{awarded}/milestones/1/accept", CHALLENGE_MANAGERS),
    Route(
        "POST",
        "/api/v1/challenges/{awarded}/milestones/1/return",
        CHALLENGE_MANAGERS,
        {"reason": "请补充盐雾试验的原始记录"},
    ),
    # The challenge as a listing: its keeper's desk, its history, its files.
    Route("GET", CHALLENGE + "/access-requests", KEEPER),
    Route("GET", CHALLENGE + "/contact-views", KEEPER),
    Route("GET", CHALLENGE + "/versions", UNPUBLISHED_SEEN_BY),
    Route("POST", CHALLENGE + "/attachments", KEEPER, {"category": "document"}),
    Route(
        "GET",
        CHALLENGE + "/attachments/{challenge_file}",
        LISTING_ALLOWED[Action.LISTING_SEE_DETAIL],
    ),
    Route("DELETE", CHALLENGE + "/attachments/{challenge_file}", KEEPER),
    # Asking to see the confidential sections: people of another verified organisation; one's
    # own organisation has nothing to ask for (409); nobody without an organisation may ask.
    Route(
        "POST",
        "/api/v1/challenges/{secret}/access-requests",
        IN_VERIFIED_ORG,
        {"message": "拟参与揭榜，申请查看技术指标"},
        answers=CONFLICT,
    ),
    Route("POST", "/api/v1/challenges/{secret}/access-requests/{access}/grant", KEEPER),
    # Closing: its keeper or its reviewers; sending it back: its reviewers (a challenge sent
    # for review does not exist for the others).
    Route("POST", CHALLENGE + "/close", KEEPER | REVIEWERS, {"reason_code": "withdrawn"}),
    Route(
        "POST",
        "/api/v1/challenges/{submitted_challenge}/return",
        REVIEWERS,
        {"reason_code": "incomplete", "reason_text": "请补充评价指标"},
        seen_by=UNPUBLISHED_SEEN_BY,
        anonymous=404,
    ),
    # Judging a match of the challenge (an achievement of the organisation).
    Route(
        "POST",
        CHALLENGE + "/matches/feedback",
        LISTING_ALLOWED[Action.MATCH_FEEDBACK],
        lambda w: {"target_type": "achievement", "target_id": w.listing, "relevant": True},
    ),
]

UPLOADS = {("POST", APPLICATION_FILES), ("POST", CHALLENGE + "/attachments")}
ROUTES = with_files(ROUTES, UPLOADS, DOCUMENT)


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_challenge_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ChallengesWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "deactivated_admin"])
def test_the_applications_a_person_sees_are_those_can_allows(
    role: str, people: dict[str, User | None], world: ChallengesWorld, session: Session
) -> None:
    """A challenge's list of applications: each one the person may see (its organisation's
    people, the reviewing staff, the panel once scoring opened); "my applications": those
    the person works on."""
    user = people[role]
    every: list[ChallengeApplication] = []
    for challenge_id in (
        world.draft_challenge,
        world.scored_challenge,
        world.closed,
        world.awarded,
    ):
        challenge = challenges.get_challenge(session, challenge_id)
        rows = challenges.applications(session, people["platform_admin"], challenge)
        every += rows
        listed = {a.id for a in challenges.applications(session, user, challenge)}
        assert listed == {a.id for a in rows if challenges.may_see(session, user, challenge, a)}
    if user is None:
        return
    mine = challenges.mine(session, user)
    assert_lists_what_can_allows(user, Action.CHALLENGE_APPLICATION_EDIT, mine, every)
