"""Every protected page walked by every role: the sign-in page, the 403 page or the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.permissions import Action
from app.models import User
from tests.permissions.test_matrix import (
    ALLOWED,
    CONTRACT_ALLOWED,
    DEAL_ALLOWED,
    EVENT_ALLOWED,
    LISTING_ALLOWED,
    OWN_ALLOWED,
    PARTICIPANT_ALLOWED,
)
from tests.permissions.world import LISTING_KINDS, SIGNED_IN, Route, World, assert_walk

STAFF = ALLOWED[Action.ADMIN_ACCESS]
EVENT_MANAGERS = EVENT_ALLOWED[Action.EVENT_MANAGE]
CHALLENGE_MANAGERS = LISTING_ALLOWED[Action.CHALLENGE_MANAGE]
MANAGE_REFUSED = "仅平台管理员或榜单所在区县的管理员可以组织评审"
EDIT_REFUSED = "仅揭榜单位的成员可以操作该申请"
#: Signed in, but of no verified organisation.
UNATTACHED = {"broker", "expert", "pending_member", "novelty_searcher", "novelty_reviewer"}

PAGE_ROUTES: list[Route] = [
    # One's own things: anyone signed in; the lists show only their rows (test_lists.py).
    *(
        Route("GET", path, SIGNED_IN)
        for path in (
            "/me",
            "/me/listings",
            "/me/favourites",
            "/me/challenge-applications",
            "/me/reviews",
            "/me/resources",
            "/me/bookings",
            "/me/notifications",
            "/notifications",
            "/trading",
            "/incentives",
            "/projects/mine",
            "/services/mine",
            "/patents/commissions",
            "/matching/pipeline",
            "/matching/subscriptions",
            # Forms open for anyone signed in and say why one cannot publish yet; sending
            # them is where the rule applies (ORG_PUBLISH).
            "/me/import",
            "/achievements/new",
            "/demands/new",
            "/challenges/new",
            "/resources/new",
            "/contracts/new",
        )
    ),
    # 互动交流: people of a verified organisation (conversations.service.member), and the
    # staff who moderate.
    Route("GET", "/messages", SIGNED_IN - UNATTACHED),
    # The administration
    Route("GET", "/admin", STAFF),
    Route("GET", "/admin/orgs", STAFF),
    Route("GET", "/admin/listings", STAFF),
    Route("GET", "/admin/resources", STAFF),
    Route("GET", "/admin/contracts", STAFF),
    Route("GET", "/admin/contracts/statistics", ALLOWED[Action.CONTRACT_EXPORT]),
    Route("GET", "/admin/experts", STAFF),
    # Bulk import for every organisation: the bureau.
    Route("GET", "/admin/import", {"platform_admin"}),
    Route("GET", "/admin/users", ALLOWED[Action.USER_MANAGE]),
    Route("GET", "/admin/audit", ALLOWED[Action.AUDIT_VIEW]),
    Route("GET", "/admin/search", ALLOWED[Action.SEARCH_MANAGE]),
    Route("GET", "/dashboard", ALLOWED[Action.STATISTICS_VIEW_ALL]),
    # Claims are seen by all staff (INCENTIVE_VIEW_CLAIM); the bureau decides and keeps the
    # budgets (INCENTIVE_MANAGE).
    *(
        Route("GET", path, OWN_ALLOWED[Action.INCENTIVE_VIEW_CLAIM] & STAFF)
        for path in ("/admin/incentives", "/admin/incentives/claims", "/admin/incentives/rules")
    ),
    Route("GET", "/admin/incentives/budgets", ALLOWED[Action.INCENTIVE_MANAGE]),
    *(
        Route("GET", path, ALLOWED[Action.SERVICE_HANDLE])
        for path in ("/admin/services", "/admin/services/follow-ups", "/admin/services/rd-rates")
    ),
    # 信息发布: staff write about their district; a draft does not exist for anyone else.
    Route("GET", "/admin/content", ALLOWED[Action.CONTENT_WRITE] | STAFF),
    Route("GET", "/admin/content/new", ALLOWED[Action.CONTENT_WRITE] | STAFF),
    Route("GET", "/admin/content/{draft_content}", ALLOWED[Action.CONTENT_WRITE], seen_by=set()),
    # Organisations and their listings
    Route("GET", "/orgs/{org}/edit", ALLOWED[Action.ORG_UPDATE]),
    # A listing's buttons: its keeper edits and submits, its reviewers publish; a draft does not
    # exist for anyone else.
    *(
        case
        for kind, published, draft in LISTING_KINDS
        for case in (
            Route(
                "GET",
                f"/{kind}/{{{draft}}}/edit",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
            ),
            Route(
                "POST",
                f"/{kind}/{{{draft}}}/edit",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                answers=frozenset({422}),
            ),
            Route(
                "POST",
                f"/{kind}/{{{draft}}}/submit",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                anonymous=404,
            ),
            Route(
                "POST",
                f"/{kind}/{{{draft}}}/publish",
                LISTING_ALLOWED[Action.LISTING_REVIEW],
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                anonymous=404,
            ),
            Route("POST", f"/{kind}/{{{published}}}/renew", LISTING_ALLOWED[Action.LISTING_EDIT]),
            Route("POST", f"/{kind}/{{{published}}}/favourite", SIGNED_IN),
        )
    ),
    # 信息发布 forms: a draft does not exist for those who may not write it.
    Route(
        "POST",
        "/admin/content/new",
        ALLOWED[Action.CONTENT_WRITE] | STAFF,
        answers=frozenset({422}),
    ),
    Route(
        "POST",
        "/admin/content/{draft_content}",
        ALLOWED[Action.CONTENT_WRITE],
        seen_by=set(),
        anonymous=404,
        answers=frozenset({422}),
    ),
    Route(
        "POST",
        "/admin/content/{draft_content}/do/submit",
        ALLOWED[Action.CONTENT_WRITE],
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "POST",
        "/admin/content/{draft_content}/do/approve",
        ALLOWED[Action.CONTENT_REVIEW],
        seen_by=ALLOWED[Action.CONTENT_WRITE],
        anonymous=404,
    ),
    # Resources and bookings
    Route(
        "POST",
        "/resources/{draft_resource}/submit",
        LISTING_ALLOWED[Action.RESOURCE_EDIT],
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
    ),
    Route(
        "POST",
        "/resources/{draft_resource}/approve",
        LISTING_ALLOWED[Action.RESOURCE_REVIEW],
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
    ),
    Route("POST", "/resources/{resource}/withdraw", LISTING_ALLOWED[Action.RESOURCE_EDIT]),
    Route(
        "POST",
        "/bookings/{booking}/approve",
        LISTING_ALLOWED[Action.BOOKING_DECIDE],
        seen_by={"org_member"} | STAFF,
    ),
    Route(
        "POST",
        "/bookings/{booking}/cancel",
        {"org_member"} | LISTING_ALLOWED[Action.BOOKING_DECIDE],
        seen_by=STAFF,
    ),
    # Organisations and people
    Route("POST", "/orgs/{org}/edit", ALLOWED[Action.ORG_UPDATE], answers=frozenset({422})),
    Route("POST", "/admin/orgs/{org}/suspend", ALLOWED[Action.ORG_VERIFY], {"reason": "核查中"}),
    Route("POST", "/admin/users/{colleague}/role", ALLOWED[Action.USER_MANAGE], {"role": "broker"}),
    Route("POST", "/admin/users/{colleague}/active", ALLOWED[Action.USER_MANAGE]),
    # 揭榜挂帅
    Route("GET", "/challenges/{challenge}/apply", LISTING_ALLOWED[Action.CHALLENGE_APPLY]),
    Route(
        "GET",
        "/challenges/{draft_challenge}/applications/{draft}",
        {"other_org_admin"} | CHALLENGE_MANAGERS,
        seen_by=set(),
    ),
    Route("GET", "/challenges/{scored_challenge}/review", CHALLENGE_MANAGERS),
    Route("GET", "/challenges/{scored_challenge}/scoring", OWN_ALLOWED[Action.CHALLENGE_SCORE]),
    # The review desk explains a refused button on the page it came from.
    *(
        Route("POST", path, CHALLENGE_MANAGERS, refusal_flashed=MANAGE_REFUSED)
        for path in (
            "/challenges/{challenge}/review/open",
            "/challenges/{scored_challenge}/review/close",
        )
    ),
    Route(
        "POST",
        "/challenges/{draft_challenge}/applications/{draft}/withdraw",
        {"other_org_admin"},
        seen_by=CHALLENGE_MANAGERS,
        refusal_flashed=EDIT_REFUSED,
    ),
    # Matching
    Route("GET", "/matching/workbench", ALLOWED[Action.MATCH_PROPOSE]),
    Route("GET", "/matching/profile", OWN_ALLOWED[Action.EXPERT_PROFILE_EDIT] | {"broker"}),
    # Trading
    Route("GET", "/deals/{deal}", DEAL_ALLOWED[Action.DEAL_VIEW], seen_by=set()),
    Route("GET", "/contracts/{contract}", CONTRACT_ALLOWED[Action.CONTRACT_VIEW]),
    # 专利查新
    Route("GET", "/patents/import", ALLOWED[Action.PATENT_RECORDS]),
    Route("GET", "/patents/literature/import", ALLOWED[Action.PATENT_RECORDS]),
    Route(
        "GET",
        "/patents/commissions/{novelty}",
        OWN_ALLOWED[Action.NOVELTY_VIEW],
        seen_by=set(),
    ),
    # 项目管理, events
    Route("GET", "/projects/calls/new", ALLOWED[Action.PROJECT_MANAGE]),
    Route(
        "GET",
        "/projects/applications/{application}",
        LISTING_ALLOWED[Action.PROJECT_VIEW],
        seen_by=set(),
    ),
    Route("GET", "/events/new", ALLOWED[Action.EVENT_CREATE]),
    Route("GET", "/events/{event}/manage", EVENT_MANAGERS),
    Route("GET", "/events/{event}/report", EVENT_MANAGERS),
    # Acting for a participant: the person, their organisation's administrator, the managers.
    *(
        Route(
            "GET",
            f"/events/{{event}}/{part}?participant_id={{participant}}",
            PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
        )
        for part in ("agenda", "agenda.ics", "requests")
    ),
]


# Forms are walked in test_page_forms.py, on a connection of their own: page requests leave
# nested-transaction records on the module's shared connection, which SQLAlchemy unwinds
# recursively when the module ends, and one module of them all outgrew Python's recursion limit.
PAGES = [r for r in PAGE_ROUTES if r.method == "GET"]


@pytest.mark.parametrize("route", PAGES, ids=[f"{r.method} {r.path}" for r in PAGES])
def test_pages_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
