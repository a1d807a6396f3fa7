"""Search through the platform: the outbox feeds the index, the API and page answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import ServiceUnavailable
from app.core.indexing import SEARCH_TOPIC
from app.models import OutboxMessage, User
from app.models.enums import OrgStatus, OrgType
from app.orgs import service as org_service
from app.orgs.schemas import OrgUpdate
from app.search import engine
from app.search import service as search_service
from search import embedded_query
from search.base import SearchBackend
from search.factory import create_backend
from tests.factories.accounts import make_org


def _publish(session: Session, admin: User, **fields: object) -> int:
    org = make_org(session, status=OrgStatus.PENDING, **fields)  # type: ignore[arg-type]
    org.intro = "研发车载激光雷达与点云感知算法，服务智能网联汽车"
    org_service.verify(session, Actor(user=admin), org)
    session.commit()
    return org.id


class TestIndexingThroughOutbox:
    def test_verified_org_becomes_searchable_after_drain(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        org_id = _publish(session, platform_admin, name="长春光感科技有限公司")
        assert client.get("/api/v1/search", params={"q": "激光雷达"}).json()["total"] == 0
        assert outbox.drain(session_factory) >= 1
        body = client.get("/api/v1/search", params={"q": "激光雷达"}).json()
        assert body["total"] == 1
        item = body["items"][0]
        assert (item["type"], item["id"], item["title"]) == (
            "org",
            str(org_id),
            "长春光感科技有限公司",
        )
        assert "<mark>激光雷达</mark>" in item["snippet"]
        assert item["url"] == f"/orgs/{org_id}"
        assert set(item) >= {"type", "id", "title", "snippet", "score"}

    def test_suspended_org_leaves_the_index(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        org_id = _publish(session, platform_admin)
        outbox.drain(session_factory)
        org = org_service.get(session, org_id, platform_admin)
        org_service.suspend(session, Actor(user=platform_admin), org, "资料失实")
        session.commit()
        outbox.drain(session_factory)
        assert client.get("/api/v1/search", params={"q": "激光雷达"}).json()["total"] == 0

    def test_edit_is_reflected(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        org_id = _publish(session, platform_admin)
        org = org_service.get(session, org_id, platform_admin)
        org_service.update(
            session, Actor(user=platform_admin), org, OrgUpdate(intro="玉米深加工与秸秆综合利用")
        )
        session.commit()
        outbox.drain(session_factory)
        assert client.get("/api/v1/search", params={"q": "秸秆"}).json()["total"] == 1
        assert client.get("/api/v1/search", params={"q": "激光雷达"}).json()["total"] == 0

    def test_a_bad_message_in_a_batch_waits_alone(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        first = _publish(session, platform_admin, name="长春光感科技有限公司")
        outbox.enqueue(session, SEARCH_TOPIC, {"type": "spaceship", "id": "1"})
        second = _publish(session, platform_admin, name="吉林光电研究所有限公司")
        assert outbox.drain(session_factory, topics={SEARCH_TOPIC}) == 2
        found = client.get("/api/v1/search", params={"q": "激光雷达"}).json()["items"]
        assert {int(item["id"]) for item in found} == {first, second}
        waiting = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.processed_at.is_(None), OutboxMessage.topic == SEARCH_TOPIC
            )
        ).all()
        assert [m.payload["type"] for m in waiting] == ["spaceship"]
        assert waiting[0].attempts == 1 and "spaceship" in (waiting[0].last_error or "")


class TestEngineDown:
    def test_writes_succeed_and_the_index_catches_up(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
        search_backend: SearchBackend,
    ) -> None:
        # A real Elasticsearch client pointed at a port nobody listens on: connection refused.
        down = create_backend("elasticsearch", url="http://127.0.0.1:9", timeout=1.0)
        engine.install(down)
        org_id = _publish(session, platform_admin)
        assert outbox.drain(session_factory, topics={SEARCH_TOPIC}) == 0
        assert outbox.stats(session, topics={SEARCH_TOPIC}).pending == 1
        response = client.get("/api/v1/search", params={"q": "激光雷达"})
        assert response.status_code == 503
        assert response.json()["detail"].startswith("搜索服务暂时不可用")
        assert client.get("/").status_code == 200
        assert client.get(f"/api/v1/orgs/{org_id}").status_code == 200
        health = client.get("/api/v1/health").json()
        assert health["status"] == "degraded" and health["search"]["pending"] == 1

        engine.install(search_backend)  # the engine is back
        for message in session.scalars(select(OutboxMessage)):
            message.available_at = utcnow()  # skip the back-off wait
        session.commit()
        assert outbox.drain(session_factory) >= 1
        assert client.get("/api/v1/search", params={"q": "激光雷达"}).json()["total"] == 1
        assert client.get("/api/v1/health").json()["status"] == "ok"
        down.close()


class TestSearchApi:
    def test_facets_and_filters(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        _publish(session, platform_admin, region_code="220191")
        _publish(session, platform_admin, region_code="220173", org_type=OrgType.UNIVERSITY)
        outbox.drain(session_factory)
        body = client.get("/api/v1/search", params={"q": "激光雷达"}).json()
        assert body["total"] == 2
        regions = {f["value"]: f["count"] for f in body["facets"]["region"]}
        assert regions == {"长春新区": 1, "长春高新技术产业开发区": 1}
        filtered = client.get("/api/v1/search", params={"q": "激光雷达", "region": "长春新区"})
        assert filtered.json()["total"] == 1

    def test_unknown_filter_and_type_are_422(self, client: TestClient) -> None:
        response = client.get("/api/v1/search", params={"q": "x", "colour": "red"})
        assert response.status_code == 422
        assert response.json()["errors"]["colour"] == "不支持的筛选条件"
        wrong = client.get("/api/v1/search", params={"q": "x", "type": "spaceship"})
        assert wrong.status_code == 422 and "不支持的类型" in wrong.json()["errors"]["type"]

    def test_suggest(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        _publish(session, platform_admin, name="长春光感科技有限公司")
        outbox.drain(session_factory)
        body = client.get("/api/v1/search/suggest", params={"q": "长春光"}).json()
        assert "长春光感科技有限公司" in body["suggestions"]

    def test_health_reports_engine_and_lag(
        self, client: TestClient, search_backend: SearchBackend
    ) -> None:
        search = client.get("/api/v1/health").json()["search"]
        assert search["status"] == "ok" and search["backend"] == search_backend.name
        assert {"pending", "failed", "lag_seconds", "documents"} <= set(search)


class TestSearchPage:
    def test_results_facets_and_empty_state(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        _publish(session, platform_admin, name="长春光感科技有限公司")
        outbox.drain(session_factory)
        page = client.get("/search", params={"q": "激光雷达"})
        assert page.status_code == 200
        assert "找到 1 条结果" in page.text and "<mark>激光雷达</mark>" in page.text
        assert "机构类型" in page.text
        empty = client.get("/search", params={"q": "量子计算机"})
        assert "没有找到与“量子计算机”相关的结果" in empty.text and "试试" in empty.text

    def test_estimated_counts_say_so(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
        search_backend: SearchBackend,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        if search_backend.name != "embedded":
            pytest.skip("only the embedded backend estimates counts")
        _publish(session, platform_admin, name="长春光感科技有限公司")
        outbox.drain(session_factory)
        monkeypatch.setattr(embedded_query, "EXACT_LIMIT", 0)  # as if the word were in 20,000
        body = client.get("/api/v1/search", params={"q": "激光雷达"}).json()
        assert body["approximate"] is True and body["total"] == 1
        page = client.get("/search", params={"q": "激光雷达"})
        assert "找到约 1 条结果" in page.text and "估算" in page.text

    def test_engine_down_page_explains(self, client: TestClient) -> None:
        engine.install(None)
        page = client.get("/search", params={"q": "激光"})
        assert page.status_code == 503 and "搜索服务" in page.text


def test_service_unavailable_without_backend(session: Session) -> None:
    engine.install(None)
    try:
        search_service.search(session, "x")
    except ServiceUnavailable:
        pass
    else:
        raise AssertionError("expected ServiceUnavailable")


def test_a_query_too_long_or_of_too_many_words_is_bad_input_not_a_503(
    client: TestClient,
) -> None:
    page = client.get("/search", params={"q": "激光" * 150})
    assert page.status_code == 422
    assert "搜索词不能超过200个字符" in page.text
    many = " ".join(f"词{n}" for n in range(40))
    api = client.get("/api/v1/search", params={"q": many})
    assert api.status_code == 422
    assert api.json()["errors"]["q"] == "一次最多搜索32个词，请精简后再试"


def test_the_opensearch_setting_opens_an_opensearch_backend_on_its_address() -> None:
    from app.core.config import Settings

    backend = engine.open_backend(
        Settings(
            search_backend="opensearch",
            opensearch_url="http://127.0.0.1:9",
            opensearch_index_prefix="kc-site",
        )
    )
    try:
        health = backend.health()
        assert health.backend == "opensearch"
        assert not health.ok and "unreachable" in health.detail
        assert "port=9)" in health.detail
    finally:
        backend.close()


@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/achievements"])
def test_a_searched_list_takes_page_size_order_and_facets_in_one_shape(
    path: str, client: TestClient
) -> None:
    wrong = client.get(path, params={"sort": "oldest", "size": 1000})
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == {
        "sort": "取值应为以下之一：relevance、newest",
        "size": "不能大于100",
    }
    body = client.get(path, params={"sort": "newest", "region": "长春新区", "size": 5}).json()
    assert (body["page"], body["size"], body["total"]) == (1, 5, 0)
