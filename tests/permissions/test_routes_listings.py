"""The routes of achievements and demands (drafting, review, confidential access, attachments,
match feedback) and of the questions asked on a listing, walked by every role (see
test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.conversations import questions
from app.core.audit import Actor
from app.core.permissions import Action
from app.listings import service as listings
from app.models import Listing, Organization, User
from app.models.enums import ListingKind, ListingStatus
from tests.factories.challenges import PDF
from tests.factories.listings import make_listing
from tests.permissions.test_matrix import LISTING_ALLOWED
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    LISTING_KINDS,
    SIGNED_IN,
    Route,
    World,
    assert_walk,
    build_world,
)

EDITORS = LISTING_ALLOWED[Action.LISTING_EDIT]
REVIEWERS = LISTING_ALLOWED[Action.LISTING_REVIEW]
SEE_UNPUBLISHED = LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED]
SEE_DETAIL = LISTING_ALLOWED[Action.LISTING_SEE_DETAIL]
CONFLICT = frozenset({409})
#: Asking to see confidential sections is for people of another organisation: staff, brokers
#: and experts belong to none (403); the listing's own organisation needs not ask (409).
ASKERS = IN_VERIFIED_ORG
#: The kinds walked here, with the World fields of each one's records.
KINDS = (
    (
        "achievements",
        "listing",
        "secret",
        "access",
        "attachment",
        "submitted_achievement",
        "demand",
    ),
    (
        "demands",
        "demand",
        "secret_demand",
        "demand_access",
        "demand_attachment",
        "submitted_demand",
        "listing",
    ),
)


@dataclass(frozen=True)
class ListingsWorld(World):
    # Published listings of the organisation with a confidential section, each with a request
    # of the other organisation to see it.
    secret: int
    secret_demand: int
    access: int
    demand_access: int
    # A document attached to the published achievement and to the published demand.
    attachment: int
    demand_attachment: int
    # An achievement and a demand waiting for review.
    submitted_achievement: int
    submitted_demand: int
    # A question the other organisation asked on the published achievement, not answered yet.
    question: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> ListingsWorld:
    base = build_world(session, target, people)
    owner, solver = people["org_admin"], people["other_org_admin"]
    assert owner is not None and solver is not None
    as_owner, as_solver = Actor(user=owner), Actor(user=solver)

    def listing(kind: ListingKind, **fields: Any) -> Listing:
        return make_listing(session, target, owner, kind=kind, **fields)

    secret = listing(ListingKind.ACHIEVEMENT, confidential=["description"])
    secret_demand = listing(ListingKind.DEMAND, confidential=["description"])
    session.flush()
    access = listings.request_access(session, as_solver, secret, "拟开展产业化合作")
    demand_access = listings.request_access(session, as_solver, secret_demand, "可提供解决方案")
    attachments = [
        listings.add_attachment(
            session,
            as_owner,
            session.get_one(Listing, listing_id),
            category="document",
            filename="技术说明.pdf",
            data=PDF,
        )
        for listing_id in (base.listing, base.demand)
    ]
    submitted = listing(ListingKind.ACHIEVEMENT, status=ListingStatus.SUBMITTED)
    submitted_demand = listing(ListingKind.DEMAND, status=ListingStatus.SUBMITTED)
    session.flush()
    question = questions.ask(session, as_solver, base.listing, "请问焊接头的最大功率是多少？")
    session.flush()
    return ListingsWorld(
        **asdict(base),
        secret=secret.id,
        secret_demand=secret_demand.id,
        access=access.id,
        demand_access=demand_access.id,
        attachment=attachments[0].id,
        demand_attachment=attachments[1].id,
        submitted_achievement=submitted.id,
        submitted_demand=submitted_demand.id,
        question=question.id,
    )


def uploading(
    *args: Any,
    file: tuple[str, bytes, str] = ("技术说明.pdf", PDF, "application/pdf"),
    **kwargs: Any,
) -> Route:
    """A route that takes a file in the ``file`` field, sent with the body's fields."""
    return Route(*args, files={"file": file}, **kwargs)


ACHIEVEMENT = {"title": "低温等离子体杀菌技术", "summary": "利用低温等离子体在常温下快速杀菌。"}
DEMAND = {"title": "电池托盘焊接变形控制", "summary": "需要解决铝合金电池托盘焊接变形超差的问题。"}
CLOSE = {"reason_code": "solved"}
RETURN = {"reason_code": "price", "reason_text": "请说明定价依据"}


def _kind_routes(
    kind: str,
    published: str,
    secret: str,
    access: str,
    attachment: str,
    submitted: str,
    counterpart: str,
) -> list[Route]:
    api, page = f"/api/v1/{kind}/{{{published}}}", f"/{kind}/{{{published}}}"
    fields = ACHIEVEMENT if kind == "achievements" else DEMAND
    feedback_on = "demand" if kind == "achievements" else "achievement"
    return [
        # A draft of one's verified organisation (IN_VERIFIED_ORG: ORG_PUBLISH on one's own).
        Route("POST", f"/api/v1/{kind}", IN_VERIFIED_ORG, fields),
        Route("POST", f"/{kind}/new", IN_VERIFIED_ORG, fields),
        # Its keeper or its reviewers close it; reviewers return a submitted one, which does
        # not exist for anyone else.
        Route("POST", f"{api}/close", EDITORS | REVIEWERS, CLOSE),
        Route("POST", f"{page}/close", EDITORS | REVIEWERS, CLOSE),
        *(
            Route(
                "POST",
                f"{prefix}/{{{submitted}}}/return",
                REVIEWERS,
                RETURN,
                seen_by=SEE_UNPUBLISHED,
                anonymous=404,
            )
            for prefix in (f"/api/v1/{kind}", f"/{kind}")
        ),
        # Confidential sections: others ask, the keeper decides and sees who asked and who
        # saw the contacts; the history is for whoever sees it unpublished.
        *(
            Route("POST", f"{prefix}/{{{secret}}}/access-requests", ASKERS, {}, answers=CONFLICT)
            for prefix in (f"/api/v1/{kind}", f"/{kind}")
        ),
        *(
            Route("POST", f"{prefix}/{{{secret}}}/access-requests/{{{access}}}/{decision}", EDITORS)
            for prefix, decision in ((f"/api/v1/{kind}", "grant"), (f"/{kind}", "deny"))
        ),
        Route("GET", f"{api}/access-requests", EDITORS),
        Route("GET", f"{api}/contact-views", EDITORS),
        Route("GET", f"{api}/versions", SEE_UNPUBLISHED),
        # Documents: the keeper adds and removes them; they are read with the details.
        uploading("POST", f"{api}/attachments", EDITORS, {"category": "document"}),
        uploading("POST", f"{page}/attachments", EDITORS, {"category": "document"}),
        # Without a file only the keeper is asked to choose one; the others are refused.
        Route("POST", f"{page}/attachments", EDITORS, {"category": "document"}),
        Route("GET", f"{api}/attachments/{{{attachment}}}", SEE_DETAIL),
        Route("DELETE", f"{api}/attachments/{{{attachment}}}", EDITORS),
        Route("POST", f"{page}/attachments/{{{attachment}}}/delete", EDITORS),
        Route(
            "POST",
            f"{api}/matches/feedback",
            LISTING_ALLOWED[Action.MATCH_FEEDBACK],
            lambda w: {
                "target_type": feedback_on,
                "target_id": getattr(w, counterpart),
                "relevant": True,
            },
        ),
    ]


def _draft_routes(kind: str, draft: str) -> list[Route]:
    """A draft's desk: the same rules, and nobody else is told it exists."""
    api, page = f"/api/v1/{kind}/{{{draft}}}", f"/{kind}/{{{draft}}}"
    hidden: dict[str, Any] = {"seen_by": SEE_UNPUBLISHED, "anonymous": 404}
    return [
        Route("POST", f"{api}/close", EDITORS | REVIEWERS, CLOSE, **hidden),
        Route("POST", f"{page}/close", EDITORS | REVIEWERS, CLOSE, **hidden),
        Route("GET", f"{api}/versions", SEE_UNPUBLISHED, **hidden),
        Route("GET", f"{api}/access-requests", EDITORS, **hidden),
        Route("GET", f"{api}/contact-views", EDITORS, **hidden),
        uploading("POST", f"{api}/attachments", EDITORS, {"category": "document"}, **hidden),
        uploading("POST", f"{page}/attachments", EDITORS, {"category": "document"}, **hidden),
    ]


QUESTION = {"body": "请问焊接头的最大功率是多少？"}
ANSWER = {"answer": "最大功率为 6 千瓦。"}

ROUTES: list[Route] = [
    *(case for kind in KINDS for case in _kind_routes(*kind)),
    *(
        case
        for kind, _published, draft in LISTING_KINDS
        if kind != "challenges"
        for case in _draft_routes(kind, draft)
    ),
    # Questions on a published listing: anyone signed in asks, except its keeper (409); the
    # keeper answers, the reviewers hide one.
    Route("POST", "/api/v1/listings/{listing}/questions", SIGNED_IN, QUESTION, answers=CONFLICT),
    Route("POST", "/listing-questions/{listing}", SIGNED_IN, QUESTION),
    Route("POST", "/api/v1/listings/{listing}/questions/{question}/answer", EDITORS, ANSWER),
    Route("POST", "/listing-questions/{listing}/{question}/answer", EDITORS, ANSWER),
    Route("POST", "/api/v1/listings/{listing}/questions/{question}/hide", REVIEWERS, {}),
    Route("POST", "/listing-questions/{listing}/{question}/hide", REVIEWERS, {}),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_listing_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ListingsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
