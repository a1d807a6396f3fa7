"""The world the route walks act on, and how one route is walked by every role.

``World`` holds the ids of real objects built through the services (tests/factories); a
``Route`` names a route with those ids in its path and says who may use it, as the matrix
(test_matrix.py) has it. ``walk`` sends the request as every role, each inside a savepoint
rolled back afterwards, and returns what answered otherwise than expected.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges import service as challenge_service
from app.challenges.schemas import ApplicationFields
from app.core.audit import Actor
from app.core.deps import CSRF_HEADER
from app.core.permissions import Action, can
from app.events import service as event_service
from app.events.schemas import RequestIn
from app.models import Challenge, Deal, Organization, User
from app.models.enums import ListingKind, ListingStatus, NoveltyPurpose, OrgRole, OrgType
from app.patents import commissions as novelty_service
from app.projects import service as project_service
from app.projects.schemas import ApplicationFields as ProjectFields
from tests.factories.accounts import make_org, make_user
from tests.factories.challenges import PROPOSAL, make_expert
from tests.factories.content import make_draft, make_published
from tests.factories.events import make_event, meetings_took_place
from tests.factories.events import register as register_for_event
from tests.factories.fixtures import csrf_from
from tests.factories.incentives import facts_between
from tests.factories.incentives import register as register_contract
from tests.factories.listings import make_listing
from tests.factories.projects import ANSWERS
from tests.factories.projects import make_cast as make_call_cast
from tests.factories.resources import make_booking, make_resource
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer
from tests.permissions.test_matrix import ROLES

#: Everyone who is signed in (a deactivated account's token is refused outright).
SIGNED_IN = set(ROLES) - {"anonymous", "deactivated_admin"}
#: People of a verified organisation.
IN_VERIFIED_ORG = {"org_admin", "org_member", "other_org_admin"}
#: Each kind of listing, with the World fields of its published record and its draft.
LISTING_KINDS = (
    ("achievements", "listing", "draft_listing"),
    ("demands", "demand", "draft_demand"),
    ("challenges", "challenge", "challenge_draft"),
)
#: Everyone, signed in or not.
EVERYONE = SIGNED_IN | {"anonymous"}


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
    # Listings of the organisation kept by its org_admin: a published achievement and a draft.
    listing: int
    draft_listing: int
    # The same for a demand, and a draft challenge (``challenge`` is its published one).
    demand: int
    draft_demand: int
    challenge_draft: int
    # A published instrument of the organisation kept by its org_admin, with a booking the
    # org member asked for; and a draft resource entry.
    resource: int
    draft_resource: int
    booking: int
    # A draft news item the district's administrator wrote about 220173, and a published one.
    draft_content: int
    content: int
    # A contract the organisation (seller) signed with the other organisation, brokered by
    # the broker; and a deal about the published listing opened by the other organisation.
    contract: int
    deal: int
    # A published call of the bureau, with a draft application of the organisation by the
    # org member.
    call: int
    application: int


@dataclass(frozen=True)
class Route:
    """A protected route (API or page) and who may use it.

    Allowed roles get a 2xx answer (a page also a redirect), or one of ``answers`` when the
    request itself is refused on its merits (a state that does not allow the step: 409; an
    incomplete form: 422), never 401/403/404. The others are refused with 403 (401 without a sign-in), except on routes that hide the
    object from people who may not see it: there everyone outside ``seen_by`` is told it
    does not exist (404), and ``anonymous`` is what a request without a sign-in gets.
    """

    method: str
    path: str
    allowed: set[str]
    # A JSON object (or list, for an API route that takes one), or one made from the world.
    body: dict[str, Any] | list[Any] | Callable[[World], dict[str, Any]] | None = None
    seen_by: set[str] | None = None
    anonymous: int = 401
    answers: frozenset[int] = frozenset()
    # Files sent with the request (multipart): field name → (file name, content, type).
    files: dict[str, tuple[str, bytes, str]] | None = None
    # A page button whose refusal (403) is explained on the page it came from, by a redirect
    # back that flashes this text, rather than by the 403 page (the 揭榜挂帅 desk does this).
    refusal_flashed: str = ""

    def expected(self, role: str) -> int | None:
        """None: allowed (any 2xx); otherwise the status the role is refused with."""
        if role in self.allowed:
            return None
        if role == "anonymous":
            return self.anonymous
        if self.seen_by is None or role in self.seen_by:
            return 403
        return 404

    def payload(self, world: World) -> dict[str, Any] | list[Any] | None:
        return self.body(world) if callable(self.body) else self.body


def build_world(session: Session, target: Organization, people: dict[str, User | None]) -> World:
    """The objects of ``World``, built once per module."""
    admin, expert = people["platform_admin"], people["expert"]
    owner, member, solver = people["org_admin"], people["org_member"], people["other_org_admin"]
    broker = people["broker"]
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
    listing = make_listing(session, target, owner)
    draft_listing = make_listing(session, target, owner, status=ListingStatus.DRAFT)
    demand = make_listing(session, target, owner, kind=ListingKind.DEMAND)
    draft_demand = make_listing(
        session, target, owner, kind=ListingKind.DEMAND, status=ListingStatus.DRAFT
    )
    challenge_draft = challenge(status=ListingStatus.DRAFT)
    resource = make_resource(session, owner)
    draft_resource = make_resource(session, owner, publish=False, name="高通量测序仪")
    booking = make_booking(session, member, resource)
    district = people["district_admin_here"]
    assert district is not None
    draft_content = make_draft(session, district)
    content = make_published(session)
    assert solver.org is not None and broker is not None
    contract = make_contract(session, owner, target, solver.org, broker_id=broker.id)
    contract.registrant_org_id = target.id
    deal = Deal(
        listing_id=listing.id,
        title=listing.title,
        owner_org_id=target.id,
        inquirer_org_id=solver.org.id,
        opened_by_id=solver.id,
        broker_id=broker.id,
    )
    session.add(deal)
    call = make_call_cast(session, applicants=0, tag="巡检").call
    application = project_service.applications.create(
        session,
        Actor(user=member),
        call,
        ProjectFields(
            title="车规级雷达芯片封装关键技术攻关",
            summary="围绕毫米波雷达芯片封装开展攻关",
            requested_amount=Decimal("800000"),
            answers=ANSWERS,
        ),
    )
    session.flush()
    _TOKENS[session] = {u.id: bearer(session, u) for u in people.values() if u is not None}
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
        listing=listing.id,
        draft_listing=draft_listing.id,
        demand=demand.id,
        draft_demand=draft_demand.id,
        challenge_draft=challenge_draft.id,
        resource=resource.id,
        draft_resource=draft_resource.id,
        booking=booking.id,
        draft_content=draft_content.id,
        content=content.id,
        contract=contract.id,
        deal=deal.id,
        call=call.id,
        application=application.id,
    )


def with_files(
    routes: list[Route], uploads: set[tuple[str, str]], files: dict[str, tuple[str, bytes, str]]
) -> list[Route]:
    """``routes``, those named in ``uploads`` (method, path) sending ``files``."""
    return [replace(r, files=files) if (r.method, r.path) in uploads else r for r in routes]


def assert_lists_what_can_allows(
    user: User, action: Action, listed: Sequence[Any], rows: Sequence[Any]
) -> set[int]:
    """A list ``user`` was shown holds, of ``rows``, exactly those ``can(user, action, row)``
    allows, and nothing it does not allow; the ids of ``rows`` it showed."""
    assert all(can(user, action, row) for row in listed)
    ours = {row.id for row in rows}
    shown = {row.id for row in listed if row.id in ours}
    assert shown == {row.id for row in rows if can(user, action, row)}
    return shown


def concrete(path: str, world: World) -> str:
    return path.format(**asdict(world))


def walk(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
    headers: dict[str, str] | None = None,
) -> list[tuple[str, object, int]]:
    """Send ``route`` as every role; what answered otherwise than ``route.expected`` says.

    Pages are also read: a sign-in request is the Chinese 401 page, a refusal the Chinese
    403 page."""
    path = concrete(route.path, world)
    body = route.payload(world)
    page = not path.startswith("/api/")
    sent_by_form = page and route.method != "GET"
    token = _csrf_token(client, session) if sent_by_form else ""
    wrong: list[tuple[str, object, int]] = []
    for role, user in people.items():
        if role == "deactivated_admin":
            continue  # its tokens are refused outright (401), covered in the account tests
        sent = dict(headers or {})
        if sent_by_form:
            sent[CSRF_HEADER] = token
        if user is not None:
            sent |= _bearer(session, user)
        nested = session.begin_nested()
        session.connection()  # emits the SAVEPOINT now, so the rollback undoes the request
        cookies = httpx.Cookies(client.cookies)  # a form that signs in anew must not stay signed in
        if sent_by_form or route.files:
            assert not isinstance(body, list), "a form sends fields, not a list"
            response = client.request(
                route.method,
                path,
                data=body,
                files=route.files,
                headers=sent,
                follow_redirects=False,
            )
        else:
            response = client.request(
                route.method, path, json=body, headers=sent, follow_redirects=False
            )
        status, expected = response.status_code, route.expected(role)
        flashed = ""
        if route.refusal_flashed and status == 303:
            flashed = client.get(response.headers["location"], headers=sent).text
        nested.rollback()
        session.expire_all()
        client.cookies = cookies
        if expected is None:
            ok = status < (400 if page else 300) or status in route.answers
            ok = ok and not (route.refusal_flashed and route.refusal_flashed in flashed)
        elif expected == 403 and route.refusal_flashed:
            ok = status == 303 and route.refusal_flashed in flashed
        else:
            ok = status == expected
        if ok and page and status in (401, 403):
            ok = _explains(response.text, status)
        if not ok:
            wrong.append((role, expected or "allowed", status))
    return wrong


#: One API token per person for the whole module, made with its world (outside the savepoints
#: each test is rolled back in).
_TOKENS: weakref.WeakKeyDictionary[Session, dict[int, dict[str, str]]] = weakref.WeakKeyDictionary()


def _bearer(session: Session, user: User) -> dict[str, str]:
    return _TOKENS.get(session, {}).get(user.id) or bearer(session, user)


def _csrf_token(client: TestClient, session: Session) -> str:
    """The CSRF token of the client's page session (asked for inside a savepoint, as every
    request of the walk)."""
    nested = session.begin_nested()
    session.connection()
    token = csrf_from(client.get("/login").text)
    nested.rollback()
    return token


def assert_walk(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    wrong = walk(route, people, world, session, client)
    assert not wrong, f"answered otherwise than the matrix (role, expected, got): {wrong}"


_CJK = re.compile("[\u4e00-\u9fff]")


def _explains(html: str, status: int) -> bool:
    """A refusal page in Chinese: the 401 one offers to sign in."""
    return bool(_CJK.search(html)) and (status != 401 or "登录" in html)
