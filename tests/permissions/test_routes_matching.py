"""Matching (供需对接): the broker pipeline, subscriptions, feedback and expert profiles,
walked by every role (see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.permissions import Action
from app.matching import experts, subscriptions
from app.models import MatchPipeline, Organization, User
from app.models.enums import ListingKind, PipelineStage
from tests.factories.listings import make_listing
from tests.permissions.test_matrix import ALLOWED, LISTING_ALLOWED
from tests.permissions.world import SIGNED_IN, Route, World, assert_walk, build_world

#: The pipeline entry's broker, the people of its two organisations (the target supplies,
#: the other organisation asked), and the platform administrator.
PIPELINE_VIEWERS = {"platform_admin", "broker", "org_admin", "org_member", "other_org_admin"}
PARTIES = {"org_admin", "org_member", "other_org_admin"}
PROPOSERS = ALLOWED[Action.MATCH_PROPOSE]
#: Staff, brokers and the listing's own organisation judge its matches.
JUDGES = LISTING_ALLOWED[Action.MATCH_FEEDBACK]
#: Experts and brokers keep their own profile (the platform administrator any).
REVIEWERS = LISTING_ALLOWED[Action.LISTING_REVIEW]
PROFILE_KEEPERS = {"platform_admin", "expert", "broker"}
ON_ITS_MERITS = frozenset({409, 422})
PROFILE = {"title": "教授", "field_codes": ["F1102"], "keywords": ["机器视觉", "缺陷检测"]}


@dataclass(frozen=True)
class MatchingWorld(World):
    # The broker proposed the target's achievement for the other organisation's demand;
    # a second demand of theirs is not proposed yet.
    entry: int
    their_demand: int
    unproposed_demand: int
    # The org member's subscription, and the expert's profile waiting for review.
    subscription: int
    expert_user: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> MatchingWorld:
    base = build_world(session, target, people)
    broker, member, expert = people["broker"], people["org_member"], people["expert"]
    other = people["other_org_admin"]
    assert broker and member and expert and other and other.org
    demand, unproposed = (
        make_listing(session, other.org, other, kind=ListingKind.DEMAND, title=title)
        for title in ("绝缘子破损自动识别", "焊缝缺陷在线检测")
    )
    entry = MatchPipeline(
        demand_listing_id=demand.id,
        supply_listing_id=base.listing,
        demand_org_id=other.org.id,
        supply_org_id=target.id,
        broker_id=broker.id,
        stage=PipelineStage.PROPOSED,
    )
    session.add(entry)
    session.flush()
    sub = subscriptions.create(
        session, Actor(user=member), name="机器视觉", query="缺陷检测", kinds=["achievement"]
    )
    experts.save(session, Actor(user=expert), expert, region_code="220173", **PROFILE)  # type: ignore[arg-type]
    session.flush()
    return MatchingWorld(
        **asdict(base),
        entry=entry.id,
        their_demand=demand.id,
        unproposed_demand=unproposed.id,
        subscription=sub.id,
        expert_user=expert.id,
    )


ROUTES: list[Route] = [
    # The pipeline: its broker, its two sides and the platform see and move it; only the
    # sides confirm it. Everyone else is told it does not exist.
    Route("GET", "/api/v1/matching/pipeline/{entry}", PIPELINE_VIEWERS, seen_by=set()),
    Route("GET", "/matching/pipeline/{entry}", PIPELINE_VIEWERS, seen_by=set()),
    Route(
        "POST",
        "/api/v1/matching/pipeline/{entry}/confirm",
        PARTIES,
        seen_by=PIPELINE_VIEWERS,
        answers=ON_ITS_MERITS,
    ),
    Route("POST", "/matching/pipeline/{entry}/confirm", PARTIES, seen_by=PIPELINE_VIEWERS),
    Route(
        "POST",
        "/api/v1/matching/pipeline/{entry}/close",
        PIPELINE_VIEWERS,
        {"reason": "需求方已自行解决"},
        seen_by=set(),
    ),
    Route(
        "POST",
        "/matching/pipeline/{entry}/close",
        PIPELINE_VIEWERS,
        {"reason": "需求方已自行解决"},
        seen_by=set(),
    ),
    # Proposing a pair: brokers (and the platform administrator).
    Route(
        "POST",
        "/api/v1/matching/pipeline",
        PROPOSERS,
        lambda w: {"demand_listing_id": w.unproposed_demand, "supply_listing_id": w.listing},  # type: ignore[attr-defined]
    ),
    Route(
        "POST",
        "/matching/propose",
        PROPOSERS,
        lambda w: {
            "demand_listing_id": str(w.unproposed_demand),  # type: ignore[attr-defined]
            "supply_listing_id": str(w.listing),
            "note": "需求方的缺陷识别与该成果的视觉检测相符",
        },
    ),
    # Judging a listing's matches: its organisation, brokers and staff.
    Route(
        "POST",
        "/matching/feedback",
        JUDGES,
        lambda w: {
            "listing_id": str(w.listing),
            "target_kind": "demand",
            "target_id": str(w.their_demand),  # type: ignore[attr-defined]
            "relevant": "1",
        },
    ),
    # Subscriptions: anyone signed in keeps their own.
    Route(
        "POST",
        "/api/v1/matching/subscriptions",
        SIGNED_IN,
        {"name": "激光焊接", "query": "激光焊接", "kinds": ["achievement"]},
    ),
    Route(
        "POST",
        "/matching/subscriptions",
        SIGNED_IN,
        {"name": "激光焊接", "query": "激光焊接", "kinds": "achievement"},
    ),
    Route("DELETE", "/api/v1/matching/subscriptions/{subscription}", {"org_member"}, seen_by=set()),
    Route("POST", "/matching/subscriptions/{subscription}/pause", {"org_member"}, seen_by=set()),
    # One's own expert profile: experts and brokers.
    Route("PUT", "/api/v1/matching/expert-profile", PROFILE_KEEPERS, PROFILE),
    Route(
        "POST",
        "/matching/profile",
        PROFILE_KEEPERS,
        {"field_codes": "F1102", "keywords": "机器视觉，缺陷检测", "version": "0"},
        answers=ON_ITS_MERITS,
    ),
    # Reviewing an expert's entry in the directory (in 220173): the platform and the
    # district's administrator, as a resource's review.
    Route("POST", "/api/v1/experts/{expert_user}/approve", REVIEWERS, {"note": ""}),
    Route("POST", "/experts/{expert_user}/approve", REVIEWERS),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_matching_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: MatchingWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
