"""The routes of one's own account, notifications, organisations' tags and members, and the
search vocabulary, walked by every role (see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.permissions import Action
from app.models import Organization, OrgTag, User
from app.models.enums import MembershipStatus, OrgTagKind
from app.notifications import service as notifications
from app.search import vocabulary
from tests.factories.accounts import PASSWORD, make_user
from tests.permissions.test_matrix import ALLOWED
from tests.permissions.world import SIGNED_IN, Route, World, assert_walk, build_world

#: What an allowed person may get when the request is refused on its merits: the record is in
#: a state that does not allow it (409) or the form is incomplete (422).
ON_ITS_MERITS = frozenset({409, 422})
#: A record of the org member's own account: nobody else is told it exists.
OWNER = {"org_member"}


@dataclass(frozen=True)
class AccountsWorld(World):
    # The org member's API token, browser login session and one notification.
    token: int
    login_session: int
    notification: int
    # A recognition tag of the organisation, a person waiting to join it, and an added
    # search vocabulary entry.
    tag: int
    applicant: int
    entry: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> AccountsWorld:
    base = build_world(session, target, people)
    member, admin = people["org_member"], people["platform_admin"]
    assert member is not None and admin is not None
    token, _raw = accounts.create_token(
        session, Actor(user=member), member, TokenCreate(name="数据同步脚本")
    )
    accounts.start_session(session, member, ip="127.0.0.1", user_agent="pytest")
    (login_session,) = accounts.list_sessions(session, member)
    note = notifications.notify(session, member, topic="account", title="您的机构认证已通过")
    tag = OrgTag(org_id=target.id, kind=OrgTagKind.HIGH_TECH, certificate_no="GR202422000123")
    session.add(tag)
    applicant = make_user(session, org=target, membership=MembershipStatus.PENDING)
    (entry, *_) = vocabulary.add_terms(session, Actor(user=admin), "氮化镓同质外延片")
    session.flush()
    return AccountsWorld(
        **asdict(base),
        token=token.id,
        login_session=login_session.id,
        notification=note.id,
        tag=tag.id,
        applicant=applicant.id,
        entry=entry.id,
    )


PASSWORD_CHANGE = {"current_password": PASSWORD, "new_password": "Xin-Mima-2026!"}
TAG = {"kind": "tech_sme", "certificate_no": "202422010500001"}
TAG_EDITORS = ALLOWED[Action.ORG_UPDATE]
MEMBER_DECIDERS = ALLOWED[Action.ORG_MANAGE_MEMBERS]
SEARCH_MANAGERS = ALLOWED[Action.SEARCH_MANAGE]

ROUTES: list[Route] = [
    # One's own account: anyone signed in changes their own profile and password, joins an
    # organisation (409 once they belong to one) and keeps their own tokens and sessions.
    Route("PATCH", "/api/v1/me", SIGNED_IN, {"phone": "0431-85000000"}),
    Route("POST", "/me/profile", SIGNED_IN, {"name": "王晓明", "phone": "0431-85000000"}),
    Route(
        "POST",
        "/api/v1/me/org",
        SIGNED_IN,
        {"org_mode": "existing", "credit_code": "91220101MA0000000X"},
        answers=ON_ITS_MERITS | {404},
    ),
    Route(
        "POST",
        "/me/org",
        SIGNED_IN,
        {"org_mode": "existing", "credit_code": "91220101MA0000000X"},
        answers=ON_ITS_MERITS | {404},
    ),
    Route("POST", "/api/v1/me/password", SIGNED_IN, PASSWORD_CHANGE),
    Route(
        "POST",
        "/me/password",
        SIGNED_IN,
        PASSWORD_CHANGE | {"new_password_confirm": PASSWORD_CHANGE["new_password"]},
    ),
    Route("POST", "/me/tokens", SIGNED_IN, {"name": "数据同步脚本", "expires_in_days": "90"}),
    Route("DELETE", "/api/v1/me/tokens/{token}", OWNER, seen_by=set()),
    Route("POST", "/me/tokens/{token}/revoke", OWNER, seen_by=set()),
    Route("DELETE", "/api/v1/me/sessions/{login_session}", OWNER, seen_by=set()),
    Route("POST", "/me/sessions/{login_session}/revoke", OWNER, seen_by=set()),
    # Notifications: one's own; another person's is not there.
    Route("POST", "/api/v1/notifications/read-all", SIGNED_IN),
    Route("POST", "/api/v1/notifications/{notification}/read", OWNER, seen_by=set()),
    Route(
        "PUT",
        "/api/v1/notifications/preferences",
        SIGNED_IN,
        [{"kind": "listing.published", "in_app": True, "mail": False}],
    ),
    Route("POST", "/notifications/preferences", SIGNED_IN, {}),
    # An organisation's recognition tags: its administrator and the staff of its region.
    Route("PUT", "/api/v1/orgs/{org}/tags", TAG_EDITORS, TAG),
    Route("POST", "/orgs/{org}/tags", TAG_EDITORS, TAG),
    Route("DELETE", "/api/v1/orgs/{org}/tags/{tag}", TAG_EDITORS),
    Route("POST", "/orgs/{org}/tags/{tag}/delete", TAG_EDITORS),
    # Someone asking to join: the organisation's administrator (and the platform) decides.
    Route("POST", "/api/v1/orgs/{org}/members/{applicant}/approve", MEMBER_DECIDERS),
    Route("POST", "/orgs/{org}/members/{applicant}/reject", MEMBER_DECIDERS),
    # The search vocabulary and the index rebuild: the platform administrator.
    Route("DELETE", "/api/v1/search/vocabulary/{entry}", SEARCH_MANAGERS),
    Route("POST", "/api/v1/search/rebuild", SEARCH_MANAGERS),
    Route("POST", "/admin/search/terms", SEARCH_MANAGERS, {"terms": "碳化硅外延片"}),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_account_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: AccountsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
