"""The JSON API of 信息发布 and its place in full-text search."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.content import service
from app.core import outbox
from app.core.audit import Actor
from app.models import ContentItem
from app.models.enums import ContentKind, Role
from tests.factories.accounts import make_user
from tests.factories.content import make_draft, make_published
from tests.orgs.test_endpoints import bearer


class TestApi:
    def test_write_review_and_publish(self, client: TestClient, session: Session) -> None:
        author = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        reviewer = make_user(session, role=Role.PLATFORM_ADMIN)
        created = client.post(
            "/api/v1/content",
            json={
                "kind": "call",
                "title": "长春新区2026年度孵化器认定申报指南",
                "summary": "请符合条件的孵化器申报。",
                "body_html": '<p>申报材料</p><img src="https://evil.example/x.png">',
                "closes_on": "2027-03-31",
            },
            headers=bearer(session, author),
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["status"] == "draft" and body["region_code"] == "220191"
        assert body["body_html"] == "<p>申报材料</p><img>"
        item_id = body["id"]
        assert client.get(f"/api/v1/content/{item_id}").status_code == 404
        submit = client.post(f"/api/v1/content/{item_id}/submit", headers=bearer(session, author))
        assert submit.json()["status"] == "in_review"
        refused = client.post(
            f"/api/v1/content/{item_id}/approve", json={}, headers=bearer(session, author)
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        approved = client.post(
            f"/api/v1/content/{item_id}/approve",
            json={"note": "同意"},
            headers=bearer(session, reviewer),
        )
        assert approved.json()["status"] == "published"
        listed = client.get("/api/v1/content", params={"kind": "call"}).json()
        assert [i["id"] for i in listed["items"]] == [item_id]
        assert listed["items"][0]["url"] == f"/calls/{item_id}"
        versions = client.get(
            f"/api/v1/content/{item_id}/versions", headers=bearer(session, author)
        ).json()
        assert versions["total"] == 3
        assert [v["version"] for v in versions["items"]] == [3, 2, 1]

    def test_bad_input_is_a_chinese_problem(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        response = client.post(
            "/api/v1/content",
            json={"kind": "news", "title": "新闻", "region_code": "999999"},
            headers=bearer(session, admin),
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "区县" in response.text

    def test_anonymous_cannot_write(self, client: TestClient) -> None:
        response = client.post("/api/v1/content", json={"kind": "news", "title": "匿名新闻"})
        assert response.status_code == 401

    def test_policy_clauses_in_the_api(self, client: TestClient, session: Session) -> None:
        item = service.load_seed_policy(session)
        detail = client.get(f"/api/v1/content/{item.id}").json()
        assert len(detail["clauses"]) == 30
        assert detail["clauses"][14]["url"] == f"/policies/{item.id}#item-15"
        clause = client.get("/api/v1/content/clauses/15").json()
        assert clause["heading"] == "鼓励科技成果输出单位"
        assert client.get("/api/v1/content/clauses/40").status_code == 404

    def test_staff_list_is_scoped_to_the_district(
        self, client: TestClient, session: Session
    ) -> None:
        here = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        there = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        make_draft(session, here, title="新区草稿")
        make_draft(session, there, title="高新区草稿")
        titles = [
            i["title"]
            for i in client.get("/api/v1/content/manage", headers=bearer(session, here)).json()[
                "items"
            ]
        ]
        assert titles == ["新区草稿"]
        ordinary = client.get("/api/v1/content/manage", headers=bearer(session, make_user(session)))
        assert ordinary.status_code == 403


@pytest.fixture
def indexed_policy(session: Session, session_factory: sessionmaker[Session]) -> ContentItem:
    """The bureau's policy, published and in the search index with its clauses."""
    policy = service.load_seed_policy(session)
    session.commit()
    outbox.drain(session_factory)
    return policy


class TestSearch:
    def test_news_and_policies_are_searchable_with_facets(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
    ) -> None:
        make_published(
            session,
            title="长春新区激光雷达产业园开园",
            body_html="<p>园区聚焦车载激光雷达与点云感知。</p>",
            region_code="220191",
            topics=["光电信息"],
        )
        service.load_seed_policy(session)
        draft_author = make_user(session, role=Role.PLATFORM_ADMIN)
        make_draft(session, draft_author, title="激光雷达草稿不应被搜到")
        session.commit()
        outbox.drain(session_factory)
        body = client.get("/api/v1/search", params={"q": "激光雷达", "type": ["news"]}).json()
        assert [i["title"] for i in body["items"]] == ["长春新区激光雷达产业园开园"]
        assert body["items"][0]["url"].startswith("/news/")
        facets = {f: {c["value"] for c in counts} for f, counts in body["facets"].items()}
        assert "长春新区" in facets.get("region", set())
        assert any(v.endswith("年") for v in facets.get("year", set()))
        policy_hits = client.get(
            "/api/v1/search", params={"q": "技术转移机构 成交额", "type": ["policy"]}
        ).json()
        assert policy_hits["total"] == 1
        assert policy_hits["items"][0]["type"] == ContentKind.POLICY.value

    def test_a_search_lands_on_the_clause_with_its_text_as_snippet(
        self, client: TestClient, indexed_policy: ContentItem
    ) -> None:
        policy = indexed_policy
        body = client.get(
            "/api/v1/search", params={"q": "技术转移机构 备案 补助", "type": ["policy_clause"]}
        ).json()
        first = body["items"][0]
        assert first["url"] == f"/policies/{policy.id}#item-9"
        assert first["title"].startswith("第9条 发展市场化、专业化技术转移机构")
        assert "对纳入市级<mark>备案</mark>" in first["snippet"]
        facets = {f: {c["value"] for c in counts} for f, counts in body["facets"].items()}
        assert "policy_clause" in facets["type"]
        assert "全市" in facets["region"] and any(v.endswith("年") for v in facets["year"])
        # the clause page itself holds the anchor the hit points to
        assert 'id="item-9"' in client.get(first["url"].split("#")[0]).text

    def test_a_withdrawn_policy_takes_its_clauses_out_of_search(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        indexed_policy: ContentItem,
    ) -> None:
        policy = indexed_policy
        params = {"q": "技术合同认定登记", "type": ["policy_clause"]}
        assert client.get("/api/v1/search", params=params).json()["total"] >= 1
        reviewer = make_user(session, role=Role.PLATFORM_ADMIN)
        service.withdraw(session, Actor(user=reviewer), service.get(session, reviewer, policy.id))
        session.commit()
        outbox.drain(session_factory)
        assert client.get("/api/v1/search", params=params).json()["total"] == 0
