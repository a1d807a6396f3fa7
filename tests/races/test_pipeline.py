"""A broker clicking 洽谈 several times at once moves the pipeline once and opens one deal."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.db import session_scope, utcnow
from app.models import Deal, MatchPipeline
from app.models.enums import ListingKind, OrgRole, OrgType, PipelineStage, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.races.conftest import RaceServer, statuses


def test_negotiate_at_once_opens_one_deal(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        university = make_org(s, org_type=OrgType.UNIVERSITY)
        scholar = make_user(s, org=university, org_role=OrgRole.ADMIN, name="成果方")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        buyer = make_user(s, org=enterprise, org_role=OrgRole.ADMIN, name="需求方")
        broker = make_user(s, role=Role.BROKER, name="经纪人")
        supply = make_listing(s, university, scholar, title="激光焊接变形控制技术")
        demand = make_listing(s, enterprise, buyer, kind=ListingKind.DEMAND, title="焊接变形难题")
        now = utcnow()
        entry = MatchPipeline(
            demand_listing_id=demand.id,
            supply_listing_id=supply.id,
            demand_org_id=enterprise.id,
            supply_org_id=university.id,
            broker_id=broker.id,
            stage=PipelineStage.CONFIRMED,
            source="broker",
            reasons=[],
            note="",
            history=[],
            demand_confirmed_at=now,
            supply_confirmed_at=now,
        )
        s.add(entry)
        s.flush()
        entry_id, supply_id, token = entry.id, supply.id, race_server.token(s, broker)

    path = f"/api/v1/matching/pipeline/{entry_id}/negotiate"
    responses = race_server.at_once([(token, "POST", path, None)] * 6)

    assert statuses(responses) == [200] + [409] * 5, [r.text for r in responses]
    refused = [r for r in responses if r.status_code == 409]
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    with session_scope(race_server.factory) as s:
        assert s.get(MatchPipeline, entry_id).stage == PipelineStage.NEGOTIATING  # type: ignore[union-attr]
        deals = s.scalar(select(func.count()).select_from(Deal).where(Deal.listing_id == supply_id))
        assert deals == 1
