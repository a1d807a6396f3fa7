"""Ranking, explanations, disclosure, feedback and the pipeline interface."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput
from app.matching import service
from app.matching.pipeline import move, propose
from app.models import AuditEvent, ExpertProfile, Notification
from app.models.enums import ListingStatus, PipelineStage, ResourceStatus, Role
from app.search import service as search_service
from search.base import SearchBackend
from tests.factories.accounts import make_user
from tests.factories.listings import make_listing
from tests.matching.conftest import Market


class TestFindMatches:
    def test_demand_gets_the_fitting_achievement_first_with_reasons(
        self, session: Session, market: Market
    ) -> None:
        matches = service.find_matches(session, market.demand, kinds=["achievement"])
        assert matches[0].id == market.laser.id
        top = matches[0]
        assert top.kind == "achievement" and top.title == market.laser.title
        text = " ".join(top.reasons)
        assert "共同关键词" in text and "激光焊接" in text
        assert "领域一致" in text
        assert "成熟度满足要求" in text
        assert "报价" in text and "，在预算上限50万元以内" in text
        assert market.vaccine.id not in [m.id for m in matches]

    def test_rankings_computed_together_are_those_computed_one_by_one(
        self, session: Session, market: Market
    ) -> None:
        listings = [market.demand, market.challenge, market.laser, market.vaccine]
        together = service.find_matches_many(session, listings, viewer=market.broker)
        alone = [service.find_matches(session, row, viewer=market.broker) for row in listings]
        assert together == alone
        assert together[0][0].id == market.laser.id
        assert {m.kind for m in together[2]} >= {"demand", "organization"}

    def test_workbench_suggests_the_strong_pairs_of_the_latest_needs(
        self, session: Session, market: Market
    ) -> None:
        found = service.workbench_suggestions(session, Actor(market.broker))
        pairs = [(s.need.id, s.match.id) for s in found]
        assert (market.demand.id, market.laser.id) in pairs
        assert all(s.match.score >= 60 for s in found)

    def test_an_expert_sharing_only_function_words_is_not_suggested(
        self, session: Session, market: Market
    ) -> None:
        vet = make_user(session, role=Role.EXPERT, name="冯兽医")
        welder = make_user(session, role=Role.EXPERT, name="焊接专家")
        session.add_all(
            [
                ExpertProfile(
                    user_id=vet.id,
                    bio="希望在现有条件下完成计划，重点应用于产线验证。",
                    keywords=["猪圆环病毒"],
                    field_codes=["F0401"],
                    status=ResourceStatus.PUBLISHED,
                ),
                ExpertProfile(
                    user_id=welder.id,
                    bio="研究铝合金激光焊接变形控制。",
                    keywords=["激光焊接"],
                    field_codes=["F1102"],
                    status=ResourceStatus.PUBLISHED,
                ),
            ]
        )
        session.flush()
        found = service.find_matches(session, market.demand, kinds=["expert"], viewer=market.broker)
        assert [m.id for m in found] == [welder.id]
        assert "激光焊接" in found[0].reasons[0]

    def test_each_kind_is_ranked_in_its_own_list(self, session: Session, market: Market) -> None:
        matches = service.find_matches(session, market.demand, limit=1)
        kinds = [m.kind for m in matches]
        assert kinds[0] == "achievement" and matches[0].id == market.laser.id
        assert len(kinds) == len(set(kinds)), "at most one of each kind with limit=1"
        assert "organization" in kinds  # the university, listed apart, not instead

    def test_immature_and_dear_achievement_ranks_below_and_says_why(
        self, session: Session, market: Market
    ) -> None:
        matches = service.find_matches(session, market.demand, kinds=["achievement"])
        ids = [m.id for m in matches]
        assert ids.index(market.laser.id) < ids.index(market.early_laser.id)
        early = matches[ids.index(market.early_laser.id)]
        assert any("成熟度不足" in r for r in early.reasons)
        assert any("，超出预算上限" in r for r in early.reasons)

    def test_achievement_gets_demands_and_enterprises(
        self, session: Session, market: Market
    ) -> None:
        matches = service.find_matches(session, market.laser)
        kinds = {(m.kind, m.id) for m in matches}
        assert ("demand", market.demand.id) in kinds
        assert ("organization", market.enterprise.id) in kinds
        assert all(m.kind in ("demand", "challenge", "organization") for m in matches)
        org = next(m for m in matches if m.kind == "organization")
        assert org.title == "启明汽车零部件公司" and "相关技术需求" in org.reasons[0]

    def test_only_published_listings_are_matched(
        self, session: Session, market: Market, search_backend: SearchBackend
    ) -> None:
        draft = make_listing(
            session,
            market.university,
            market.scholar,
            status=ListingStatus.DRAFT,
            title="铝合金激光焊接变形控制新工艺",
            keywords=["激光焊接", "铝合金", "焊接变形"],
        )
        session.flush()
        search_service.reindex(session, search_backend)
        ids = [m.id for m in service.find_matches(session, market.demand, kinds=["achievement"])]
        assert draft.id not in ids

    def test_confidential_sections_do_not_drive_the_ranking(
        self, session: Session, market: Market
    ) -> None:
        market.demand.problem = "猪圆环病毒疫苗"
        market.demand.confidential = ["problem"]
        ids = [m.id for m in service.find_matches(session, market.demand, kinds=["achievement"])]
        assert market.vaccine.id not in ids

    def test_limit_and_kinds(self, session: Session, market: Market) -> None:
        matches = service.find_matches(session, market.demand, limit=1, kinds=["achievement"])
        assert len(matches) == 1


class TestFeedback:
    def test_not_relevant_pushes_a_match_down_and_is_kept(
        self, session: Session, market: Market
    ) -> None:
        actor = Actor(market.buyer)
        before = [m.id for m in service.find_matches(session, market.demand, kinds=["achievement"])]
        assert before[0] == market.laser.id
        row = service.record_feedback(
            session,
            actor,
            market.demand,
            target_kind="achievement",
            target_id=market.laser.id,
            relevant=False,
            reason_code="price",
        )
        assert row.rank == 1 and row.score is not None
        after = service.find_matches(session, market.demand, kinds=["achievement"])
        assert after[0].id != market.laser.id
        judged = next(m for m in after if m.id == market.laser.id)
        assert judged.reasons[0] == "已被标记为不相关：价格不合适"

    def test_not_relevant_needs_a_reason(self, session: Session, market: Market) -> None:
        with pytest.raises(InvalidInput):
            service.record_feedback(
                session,
                Actor(market.buyer),
                market.demand,
                target_kind="achievement",
                target_id=market.laser.id,
                relevant=False,
            )


class TestPipeline:
    def test_advance_creates_an_entry_without_broker_and_never_goes_back(
        self, session: Session, market: Market
    ) -> None:
        actor = Actor(label="对接活动")
        entry = service.advance_pipeline(
            session,
            demand_listing_id=market.demand.id,
            supply_listing_id=market.laser.id,
            stage="negotiating",
            actor=actor,
            note="对接会意向",
        )
        assert entry.stage == PipelineStage.NEGOTIATING and entry.broker_id is None
        # either order, an earlier stage: unchanged
        again = service.advance_pipeline(
            session,
            demand_listing_id=market.laser.id,
            supply_listing_id=market.demand.id,
            stage=PipelineStage.CONFIRMED,
            actor=actor,
        )
        assert again.id == entry.id and again.stage == PipelineStage.NEGOTIATING
        signed = service.advance_pipeline(
            session,
            demand_listing_id=market.demand.id,
            supply_listing_id=market.laser.id,
            stage="signed",
            actor=actor,
        )
        assert signed.stage == PipelineStage.SIGNED
        assert service.broker_for_pair(session, market.laser.id, market.demand.id) is None

    def test_broker_proposal_is_attributed_confirmed_by_both_and_closed_with_reason(
        self, session: Session, market: Market
    ) -> None:
        entry = propose(
            session,
            Actor(market.broker),
            demand_listing_id=market.demand.id,
            supply_listing_id=market.laser.id,
            note="两者高度契合",
        )
        assert entry.stage == PipelineStage.PROPOSED and entry.score is not None
        assert service.broker_for_pair(session, market.laser.id, market.demand.id) == market.broker
        assert service.broker_for_pair(session, market.demand.id, market.laser.id) == market.broker
        told = session.scalars(
            select(Notification.user_id).where(Notification.topic == "match.pipeline")
        ).all()
        assert {market.buyer.id, market.scholar.id} <= set(told)
        with pytest.raises(Conflict):
            propose(
                session,
                Actor(market.broker),
                demand_listing_id=market.demand.id,
                supply_listing_id=market.laser.id,
            )
        from app.matching.pipeline import confirm

        confirm(session, Actor(market.buyer), entry)
        assert entry.stage == PipelineStage.PROPOSED
        confirm(session, Actor(market.scholar), entry)
        assert entry.stage == PipelineStage.CONFIRMED
        service.advance_pipeline(
            session,
            demand_listing_id=market.demand.id,
            supply_listing_id=market.laser.id,
            stage="negotiating",
            actor=Actor(label="对接活动"),
        )
        assert entry.broker_id == market.broker.id
        with pytest.raises(InvalidInput):
            move(session, Actor(market.broker), entry, "close")
        move(session, Actor(market.broker), entry, "close", reason="企业预算调整")
        assert entry.stage == PipelineStage.CLOSED and entry.close_reason == "企业预算调整"
        actions = set(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.object_type == "match_pipeline")
            )
        )
        assert {"match.propose", "match.confirm", "match.advance", "match.close"} <= actions
