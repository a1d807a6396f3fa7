"""Pre-event matchmaking from the attached listings' matches, and outcomes feeding the broker
pipeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import app.registry  # noqa: F401  (search sources, outbox handlers)
from app.core.audit import Actor
from app.events import service
from app.events.schemas import OutcomeIn
from app.models import Notification
from app.models.enums import (
    ListingKind,
    MaturityStage,
    MeetingRequestStatus,
    OrgRole,
    OrgType,
    Role,
)
from app.search import service as search_service
from search.base import SearchBackend
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event, meetings_took_place, register
from tests.factories.listings import make_listing

pytest.importorskip("app.matching.service")


def test_suggestions_from_matches_then_outcome_feeds_the_pipeline(
    session: Session, search_backend: SearchBackend
) -> None:
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    university = make_org(session, name="长春光机大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="启明汽车零部件公司")
    farm = make_org(session, name="德惠农业公司")
    scholar = make_user(session, org=university, org_role=OrgRole.ADMIN, name="周教授")
    buyer = make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="钱经理")
    farmer = make_user(session, org=farm, org_role=OrgRole.ADMIN, name="孙场长")
    laser = make_listing(
        session,
        university,
        scholar,
        title="铝合金电池托盘激光焊接变形控制技术",
        summary="通过双光束摆动激光焊接与焊接路径规划，控制铝合金电池托盘焊接变形，平面度优于0.5mm。",
        keywords=["激光焊接", "铝合金", "电池托盘", "焊接变形"],
        field_code="F1102",
        maturity=MaturityStage.PILOT,
        trl=7,
        price=Decimal(400000),
    )
    demand = make_listing(
        session,
        enterprise,
        buyer,
        kind=ListingKind.DEMAND,
        title="电池托盘铝合金激光焊接变形控制",
        summary="我公司生产6系铝合金电池托盘，激光焊接后变形超差，寻求可在产线应用的变形控制技术。",
        keywords=["激光焊接", "铝合金", "焊接变形"],
        budget_max=Decimal(500000),
    )
    feed = make_listing(
        session,
        farm,
        farmer,
        kind=ListingKind.DEMAND,
        title="玉米秸秆青贮饲料发酵工艺",
        summary="寻求提高玉米秸秆青贮饲料发酵品质、降低霉变的工艺和菌剂。",
        keywords=["青贮", "饲料", "发酵"],
        field_code="F0501",
        region_code="220183",
    )
    session.flush()
    search_service.reindex(session, search_backend)

    event = make_event(session, admin)
    a = register(session, event, scholar, listing_ids=[laser.id])
    b = register(session, event, buyer, listing_ids=[demand.id])
    register(session, event, farmer, listing_ids=[feed.id])
    created = service.propose(session, Actor(user=admin), event)
    assert created == 1
    (suggestion,) = service.requests_of(session, event, a)
    assert suggestion.status == MeetingRequestStatus.SUGGESTED
    assert {suggestion.party_a_id, suggestion.party_b_id} == {a.id, b.id}
    assert suggestion.demand_listing_id == demand.id and suggestion.supply_listing_id == laser.id
    assert 0 < suggestion.score <= 100 and len(suggestion.reasons) >= 2
    assert session.query(Notification).filter_by(user_id=buyer.id, topic="event.suggested").count()
    # Proposing again adds nothing new.
    assert service.propose(session, Actor(user=admin), event) == 0

    # The suggestion is scheduled (lowest weight), held, and a contract moves the pair on.
    actor = Actor(user=admin)
    service.transition(session, actor, event, "close")
    service.build_schedule(session, actor, event, time_limit=1)
    service.transition(session, actor, event, "publish")
    (meeting,) = service.schedule_of(session, event)
    meetings_took_place(session, event)
    service.record_outcome(
        session,
        Actor(user=buyer),
        event,
        meeting,
        OutcomeIn.model_validate({"outcome": "contract", "amount": "40万"}),
    )
    from app.models import MatchPipeline

    entry = (
        session.query(MatchPipeline)
        .filter_by(demand_listing_id=demand.id, supply_listing_id=laser.id)
        .one()
    )
    assert entry.stage.value == "signed"
