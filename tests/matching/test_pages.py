"""The matching pages as people use them: the panel, feedback, proposals, confirmations,
the broker workbench, subscriptions and the expert profile."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MatchFeedback, MatchPipeline
from app.models.enums import PipelineStage, Role
from tests.factories.accounts import make_user
from tests.factories.fixtures import csrf_from, login
from tests.matching.conftest import Market


class TestListingPanel:
    def test_public_sees_matches_with_reasons_but_no_buttons(
        self, client: TestClient, market: Market
    ) -> None:
        html = client.get(f"/demands/{market.demand.id}").text
        assert "匹配推荐" in html and market.laser.title in html
        assert "共同关键词" in html and "领域一致" in html
        assert "推荐对接" not in html and "不相关的原因" not in html

    def test_owner_marks_a_match_not_relevant_and_it_drops(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        login(client, market.buyer)
        page = client.get(f"/demands/{market.demand.id}")
        assert "不相关的原因" in page.text
        token = csrf_from(page.text)
        data = {
            "csrf_token": token,
            "listing_id": str(market.demand.id),
            "target_kind": "achievement",
            "target_id": str(market.laser.id),
            "relevant": "0",
        }
        missing = client.post("/matching/feedback", data=data)
        assert "标记为不相关时请选择原因" in missing.text
        done = client.post("/matching/feedback", data={**data, "reason_code": "price"})
        assert "已记录您的评价" in done.text
        assert "您已标记为不相关" in done.text and "已被标记为不相关：价格不合适" in done.text
        assert session.scalars(select(MatchFeedback)).one().reason_code == "price"


class TestBrokerFlow:
    def test_broker_proposes_from_workbench_then_both_parties_confirm(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        login(client, market.broker)
        bench = client.get("/matching/workbench")
        assert bench.status_code == 200 and "新的高分匹配" in bench.text
        assert market.laser.title in bench.text and market.demand.title in bench.text
        token = csrf_from(bench.text)
        created = client.post(
            "/matching/propose",
            data={
                "csrf_token": token,
                "demand_listing_id": str(market.demand.id),
                "supply_listing_id": str(market.laser.id),
                "note": "报价在预算内",
            },
        )
        assert "已推荐给供需双方" in created.text and "推荐经纪人" in created.text
        entry = session.scalars(select(MatchPipeline)).one()
        assert entry.broker_id == market.broker.id
        # the pair is no longer suggested
        pair = (
            f'name="demand_listing_id" value="{market.demand.id}">'
            f'<input type="hidden" name="supply_listing_id" value="{market.laser.id}">'
        )
        assert pair in bench.text and pair not in client.get("/matching/workbench").text
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})

        for party in (market.buyer, market.scholar):
            login(client, party)
            detail = client.get(f"/matching/pipeline/{entry.id}")
            assert "确认愿意对接" in detail.text
            client.post(
                f"/matching/pipeline/{entry.id}/confirm",
                data={"csrf_token": csrf_from(detail.text)},
            )
            client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
        session.refresh(entry)
        assert entry.stage == PipelineStage.CONFIRMED

        login(client, market.buyer)
        detail = client.get(f"/matching/pipeline/{entry.id}")
        token = csrf_from(detail.text)
        refused = client.post(
            f"/matching/pipeline/{entry.id}/close", data={"csrf_token": token, "reason": ""}
        )
        assert "关闭对接时请说明原因" in refused.text
        client.post(f"/matching/pipeline/{entry.id}/negotiate", data={"csrf_token": token})
        session.refresh(entry)
        assert entry.stage == PipelineStage.NEGOTIATING
        listing_page = client.get(f"/demands/{market.demand.id}")
        assert "对接进展" in listing_page.text and "洽谈" in listing_page.text

    def test_workbench_is_for_brokers_and_pipeline_of_others_is_hidden(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        login(client, market.buyer)
        assert client.get("/matching/workbench").status_code == 403
        assert client.get("/matching/pipeline/999999").status_code == 404
        assert "暂无对接记录" in client.get("/matching/pipeline").text


class TestSubscriptionsAndProfile:
    def test_subscribe_pause_delete(self, client: TestClient, market: Market) -> None:
        login(client, market.buyer)
        page = client.get("/matching/subscriptions")
        assert "还没有订阅" in page.text and market.demand.title in page.text
        token = csrf_from(page.text)
        bad = client.post("/matching/subscriptions", data={"csrf_token": token, "min_score": "abc"})
        assert bad.status_code == 422 and "0到100" in bad.text
        empty = client.post("/matching/subscriptions", data={"csrf_token": token})
        assert empty.status_code == 422 and "请填写关键词" in empty.text
        saved = client.post(
            "/matching/subscriptions",
            data={
                "csrf_token": token,
                "query": "激光焊接",
                "kinds": "achievement",
                "field_code": "F11",
            },
        )
        assert "订阅已保存" in saved.text and "关键词：激光焊接" in saved.text
        assert "还没有新的匹配内容" in saved.text

    def test_expert_keeps_a_profile_shown_publicly(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        expert = make_user(session, role=Role.EXPERT, name="冯研究员")
        login(client, expert)
        form = client.get("/matching/profile")
        assert form.status_code == 200 and "研究方向关键词" in form.text
        token = csrf_from(form.text)
        bad = client.post("/matching/profile", data={"csrf_token": token, "title": "研究员"})
        assert (
            bad.status_code == 422
            and "请至少选择一个技术领域" in bad.text
            and 'value="研究员"' in bad.text
        )
        ok = client.post(
            "/matching/profile",
            data={
                "csrf_token": token,
                "title": "研究员",
                "field_codes": "F1102",
                "keywords": "激光焊接，焊接变形",
            },
        )
        assert "档案已保存" in ok.text
        public = client.get(f"/experts/{expert.id}").text
        assert "冯研究员" in public and "激光焊接、焊接变形" in public
        # demands now show the expert to signed-in people
        assert "冯研究员" in client.get(f"/demands/{market.demand.id}").text


def test_pipeline_log_shows_local_time(
    client: TestClient, session: Session, market: Market
) -> None:
    from datetime import datetime

    from app.core.audit import Actor
    from app.core.clock import local
    from app.matching import pipeline

    entry = pipeline.propose(
        session,
        Actor(user=market.broker),
        demand_listing_id=market.demand.id,
        supply_listing_id=market.laser.id,
    )
    at = datetime.fromisoformat(entry.history[0]["at"])
    login(client, market.broker)
    html = client.get(f"/matching/pipeline/{entry.id}").text
    assert f"<li>{local(at):%Y-%m-%d %H:%M} · {market.broker.name}" in html
    assert f"{at:%Y-%m-%d %H:%M}" not in html
