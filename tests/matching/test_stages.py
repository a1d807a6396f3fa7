"""Pipeline stages follow what really happened: 洽谈 after both confirmed opens the deal,
签约 needs a contract the two organisations signed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict
from app.matching import pipeline
from app.models import Deal, MatchPipeline
from app.models.enums import ContractType, DealStatus, PipelineStage
from app.trading import deals
from app.trading import service as trading_service
from app.trading.schemas import DealOpen
from tests.factories.trading import contract_data
from tests.matching.conftest import Market
from tests.orgs.test_endpoints import bearer


def _proposed(session: Session, market: Market) -> MatchPipeline:
    return pipeline.propose(
        session,
        Actor(user=market.broker),
        demand_listing_id=market.demand.id,
        supply_listing_id=market.laser.id,
    )


def _confirmed(session: Session, market: Market) -> MatchPipeline:
    entry = _proposed(session, market)
    pipeline.confirm(session, Actor(user=market.buyer), entry)
    pipeline.confirm(session, Actor(user=market.scholar), entry)
    assert entry.stage == PipelineStage.CONFIRMED
    return entry


class TestNegotiate:
    def test_refused_until_both_parties_confirmed(self, session: Session, market: Market) -> None:
        entry = _proposed(session, market)
        pipeline.confirm(session, Actor(user=market.buyer), entry)
        with pytest.raises(Conflict, match="供需双方都确认后才能进入洽谈，目前还在等待成果方确认"):
            pipeline.move(session, Actor(user=market.broker), entry, "negotiate")
        assert entry.stage == PipelineStage.PROPOSED
        assert session.scalars(select(Deal)).first() is None

    def test_opens_the_deal_between_the_two_organisations(
        self, session: Session, market: Market
    ) -> None:
        entry = _confirmed(session, market)
        pipeline.move(session, Actor(user=market.broker), entry, "negotiate")
        assert entry.stage == PipelineStage.NEGOTIATING
        deal = session.scalars(select(Deal)).one()
        assert (deal.listing_id, deal.owner_org_id, deal.inquirer_org_id) == (
            market.laser.id,
            market.university.id,
            market.enterprise.id,
        )
        assert deal.status == DealStatus.NEGOTIATING and deal.broker_id == market.broker.id
        assert pipeline.deal_of(session, entry) is deal
        assert entry.history[-1]["note"] == f"已开启洽谈 /deals/{deal.id}"

    def test_links_a_deal_already_running(self, session: Session, market: Market) -> None:
        running = deals.open_deal(
            session,
            Actor(user=market.buyer),
            DealOpen(listing_id=market.laser.id, message="想了解许可条件"),
        )
        entry = _confirmed(session, market)
        pipeline.move(session, Actor(user=market.broker), entry, "negotiate")
        assert pipeline.deal_of(session, entry) is running
        assert len(session.scalars(select(Deal)).all()) == 1
        assert entry.history[-1]["note"] == f"关联已有洽谈 /deals/{running.id}"

    def test_an_inquiry_moves_a_confirmed_pair_to_negotiating(
        self, session: Session, market: Market
    ) -> None:
        entry = _confirmed(session, market)
        deals.open_deal(
            session,
            Actor(user=market.buyer),
            DealOpen(listing_id=market.laser.id, message="想了解许可条件"),
        )
        assert entry.stage == PipelineStage.NEGOTIATING


class TestSign:
    def test_refused_without_a_contract(self, session: Session, market: Market) -> None:
        entry = _confirmed(session, market)
        pipeline.move(session, Actor(user=market.broker), entry, "negotiate")
        with pytest.raises(Conflict, match="签约需要双方已签订的技术合同"):
            pipeline.move(session, Actor(user=market.broker), entry, "sign")
        assert entry.stage == PipelineStage.NEGOTIATING

    def test_refused_before_both_confirmed(self, session: Session, market: Market) -> None:
        entry = _proposed(session, market)
        with pytest.raises(Conflict, match="供需双方都确认后才能签约"):
            pipeline.move(session, Actor(user=market.broker), entry, "sign")

    def test_a_contract_signed_outside_a_deal_lets_the_pair_be_marked_signed(
        self, session: Session, market: Market
    ) -> None:
        entry = _confirmed(session, market)
        data = contract_data(
            market.university,
            market.enterprise,
            contract_type=ContractType.LICENSE,
            achievement_ids=[market.laser.id],
        )
        trading_service.create_contract(session, Actor(user=market.scholar), data)
        pipeline.move(session, Actor(user=market.broker), entry, "sign")
        assert entry.stage == PipelineStage.SIGNED


def test_api_answers_a_skipped_stage_with_a_chinese_409(
    client: TestClient, session: Session, market: Market
) -> None:
    entry = _proposed(session, market)
    response = client.post(
        f"/api/v1/matching/pipeline/{entry.id}/negotiate", headers=bearer(session, market.broker)
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "供需双方都确认后才能进入洽谈" in response.json()["detail"]


def test_page_offers_sign_only_with_a_contract(
    client: TestClient, session: Session, market: Market
) -> None:
    from tests.factories.fixtures import login

    entry = _confirmed(session, market)
    login(client, market.broker)
    html = client.get(f"/matching/pipeline/{entry.id}").text
    assert f'action="/matching/pipeline/{entry.id}/negotiate"' in html
    assert f'action="/matching/pipeline/{entry.id}/sign"' not in html
    assert "录入签订的技术合同后，对接自动进入签约" in html
