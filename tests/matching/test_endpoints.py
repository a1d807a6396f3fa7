"""The matching API through real HTTP: matches with filters, feedback, pipeline, subscriptions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.matching import experts
from app.models.enums import Role
from tests.factories.accounts import make_user
from tests.matching.conftest import Market
from tests.orgs.test_endpoints import bearer


class TestMatches:
    def test_demand_matches_carry_id_type_title_score_reasons(
        self, client: TestClient, market: Market
    ) -> None:
        response = client.get(f"/api/v1/demands/{market.demand.id}/matches", params={"limit": 5})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["listing_id"] == market.demand.id and body["listing_type"] == "demand"
        first = body["items"][0]
        assert first["type"] == "achievement" and first["id"] == market.laser.id
        assert first["title"] == market.laser.title and 0 < first["score"] <= 100
        assert any("共同关键词" in r for r in first["reasons"])
        assert len(body["items"]) <= 5
        # experts are for signed-in people only
        assert all(item["type"] != "expert" for item in body["items"])

    def test_filters(self, client: TestClient, market: Market) -> None:
        url = f"/api/v1/demands/{market.demand.id}/matches"
        only = client.get(url, params={"type": "organization"}).json()["items"]
        assert only and all(i["type"] == "organization" for i in only)
        field = client.get(url, params={"type": "achievement", "field": "F02"}).json()["items"]
        assert [i["id"] for i in field] == [market.welding_robot.id]
        strong = client.get(url, params={"type": "achievement", "min_score": 80}).json()["items"]
        assert [i["id"] for i in strong] == [market.laser.id]
        region = client.get(url, params={"type": "achievement", "region": "220102"}).json()["items"]
        assert region == []

    def test_achievement_and_challenge_routes(self, client: TestClient, market: Market) -> None:
        body = client.get(f"/api/v1/achievements/{market.laser.id}/matches").json()
        assert {"type": "demand", "id": market.demand.id}.items() <= body["items"][
            0
        ].items() or any(
            i["id"] == market.demand.id and i["type"] == "demand" for i in body["items"]
        )
        assert client.get(f"/api/v1/challenges/{market.challenge.id}/matches").status_code == 200

    def test_bad_input_is_a_chinese_422_and_unknown_listing_404(
        self, client: TestClient, market: Market
    ) -> None:
        response = client.get(
            f"/api/v1/demands/{market.demand.id}/matches", params={"limit": 0, "type": "x"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "limit" in response.text and "不支持的类型" in response.text
        assert client.get("/api/v1/demands/999999/matches").status_code == 404
        # the demand route does not answer for an achievement
        assert client.get(f"/api/v1/demands/{market.laser.id}/matches").status_code == 404


class TestFeedbackAndPipeline:
    def test_owner_feedback_then_broker_proposal_and_confirmations(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        buyer = bearer(session, market.buyer)
        url = f"/api/v1/demands/{market.demand.id}/matches/feedback"
        response = client.post(
            url,
            json={"target_type": "achievement", "target_id": market.laser.id, "relevant": True},
            headers=buyer,
        )
        assert response.status_code == 201, response.text
        assert response.json()["rank"] == 1
        denied = client.post(
            url, json={"target_type": "achievement", "target_id": market.laser.id, "relevant": True}
        )
        assert denied.status_code == 401
        outsider = bearer(session, make_user(session))
        assert (
            client.post(
                url,
                json={"target_type": "achievement", "target_id": market.laser.id, "relevant": True},
                headers=outsider,
            ).status_code
            == 403
        )

        broker = bearer(session, market.broker)
        proposal = {
            "demand_listing_id": market.demand.id,
            "supply_listing_id": market.laser.id,
            "note": "建议尽快对接",
        }
        assert (
            client.post("/api/v1/matching/pipeline", json=proposal, headers=buyer).status_code
            == 403
        )
        created = client.post("/api/v1/matching/pipeline", json=proposal, headers=broker)
        assert created.status_code == 201, created.text
        entry = created.json()
        assert (
            entry["stage"] == "proposed"
            and entry["stage_label"] == "推荐"
            and entry["broker_id"] == market.broker.id
        )
        again = client.post("/api/v1/matching/pipeline", json=proposal, headers=broker)
        assert again.status_code == 409 and "不能重复推荐" in again.text
        pid = entry["id"]
        assert (
            client.post(f"/api/v1/matching/pipeline/{pid}/confirm", headers=buyer).json()["stage"]
            == "proposed"
        )
        scholar = bearer(session, market.scholar)
        assert (
            client.post(f"/api/v1/matching/pipeline/{pid}/confirm", headers=scholar).json()["stage"]
            == "confirmed"
        )
        assert (
            client.post(f"/api/v1/matching/pipeline/{pid}/negotiate", headers=broker).json()[
                "stage"
            ]
            == "negotiating"
        )
        closing = client.post(
            f"/api/v1/matching/pipeline/{pid}/close", json={"reason": ""}, headers=broker
        )
        assert closing.status_code == 422
        assert client.get(f"/api/v1/matching/pipeline/{pid}", headers=outsider).status_code == 404
        mine = client.get("/api/v1/matching/pipeline", headers=scholar).json()
        assert mine["total"] == 1 and mine["items"][0]["id"] == pid


class TestSubscriptionsAndProfiles:
    def test_subscription_crud(self, client: TestClient, session: Session, market: Market) -> None:
        headers = bearer(session, market.buyer)
        empty = client.post("/api/v1/matching/subscriptions", json={}, headers=headers)
        assert empty.status_code == 422 and "请填写关键词" in empty.text
        created = client.post(
            "/api/v1/matching/subscriptions",
            json={"query": "激光焊接", "kinds": ["achievement"]},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        sid = created.json()["id"]
        assert client.get("/api/v1/matching/subscriptions", headers=headers).json()["total"] == 1
        other = bearer(session, market.scholar)
        assert (
            client.delete(f"/api/v1/matching/subscriptions/{sid}", headers=other).status_code == 404
        )
        assert (
            client.delete(f"/api/v1/matching/subscriptions/{sid}", headers=headers).status_code
            == 204
        )

    def test_expert_profile_makes_the_expert_matchable(
        self, client: TestClient, session: Session, market: Market
    ) -> None:
        expert = make_user(session, role=Role.EXPERT, name="郑研究员")
        headers = bearer(session, expert)
        bad = client.put(
            "/api/v1/matching/expert-profile",
            json={"field_codes": [], "keywords": []},
            headers=headers,
        )
        assert bad.status_code == 422
        saved = client.put(
            "/api/v1/matching/expert-profile",
            json={
                "title": "研究员",
                "institution": "长春光机所",
                "field_codes": ["F1102"],
                "keywords": ["激光焊接", "铝合金焊接变形"],
            },
            headers=headers,
        )
        assert saved.status_code == 200, saved.text
        assert (
            client.put(
                "/api/v1/matching/expert-profile",
                json={"field_codes": ["F1102"], "keywords": ["x"]},
                headers=bearer(session, market.buyer),
            ).status_code
            == 403
        )
        matches = f"/api/v1/demands/{market.demand.id}/matches"
        waiting = client.get(matches, params={"type": "expert"}, headers=headers).json()["items"]
        assert expert.id not in {item["id"] for item in waiting}  # not reviewed yet
        admin = make_user(session, role=Role.PLATFORM_ADMIN, name="专家库审核员")
        session.flush()
        experts.review(session, Actor(user=admin), expert.id, "approve")
        session.flush()
        items = client.get(matches, params={"type": "expert"}, headers=headers).json()["items"]
        assert items[0]["id"] == expert.id and items[0]["title"] == "郑研究员"
        assert any("研究方向相符" in r and "激光焊接" in r for r in items[0]["reasons"])
