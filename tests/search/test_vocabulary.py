"""Administrators extend the dictionary and synonyms at run time."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.core.audit import Actor
from app.models import User
from app.models.enums import OrgStatus
from app.orgs import service as org_service
from app.search import vocabulary
from search.analysis import default_analyzer
from tests.factories.accounts import make_org
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer


def _verified_org(session: Session, admin: User, intro: str) -> None:
    org = make_org(session, status=OrgStatus.PENDING)
    org.intro = intro
    org_service.verify(session, Actor(user=admin), org)
    session.commit()


class TestTerms:
    def test_added_term_segments_whole_and_rebuild_applies_it(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        _verified_org(session, platform_admin, "公司主营霁青光栅尺与精密位移测量")
        outbox.drain(session_factory)
        assert "霁青光栅尺" not in default_analyzer().query_tokens("霁青光栅尺")

        response = client.post(
            "/api/v1/search/vocabulary/terms",
            json={"terms": "霁青光栅尺，磁栅编码器"},
            headers=bearer(session, platform_admin),
        )
        assert response.status_code == 201, response.text
        assert [e["value"] for e in response.json()] == ["霁青光栅尺", "磁栅编码器"]
        vocabulary.sync(session, force=True)
        assert default_analyzer().query_tokens("霁青光栅尺") == ["霁青光栅尺"]

        assert (
            client.post(
                "/api/v1/search/rebuild", headers=bearer(session, platform_admin)
            ).status_code
            == 202
        )
        assert outbox.drain(session_factory, topics={vocabulary.REBUILD_TOPIC}) == 1
        body = client.get("/api/v1/search", params={"q": "霁青光栅尺"}).json()
        assert body["total"] == 1 and "<mark>霁青光栅尺</mark>" in body["items"][0]["snippet"]

    def test_duplicates_are_a_conflict(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        headers = bearer(session, platform_admin)
        response = client.post(
            "/api/v1/search/vocabulary/terms", json={"terms": "激光雷达"}, headers=headers
        )
        assert response.status_code == 409
        assert response.json()["detail"] == "这些术语已在词典中"

    def test_members_may_not_edit(self, client: TestClient, session: Session, member: User) -> None:
        response = client.post(
            "/api/v1/search/vocabulary/terms",
            json={"terms": "某词"},
            headers=bearer(session, member),
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "仅平台管理员可以维护搜索词典"


class TestSynonyms:
    def test_synonym_group_finds_each_other_without_rebuild(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        platform_admin: User,
    ) -> None:
        _verified_org(session, platform_admin, "提供青霉素发酵工艺放大服务")
        outbox.drain(session_factory)
        assert client.get("/api/v1/search", params={"q": "盘尼西林"}).json()["total"] == 0
        response = client.post(
            "/api/v1/search/vocabulary/synonyms",
            json={"words": "青霉素 盘尼西林"},
            headers=bearer(session, platform_admin),
        )
        assert response.status_code == 201, response.text
        vocabulary.sync(session, force=True)
        assert client.get("/api/v1/search", params={"q": "盘尼西林"}).json()["total"] == 1

    def test_group_needs_two_words(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        response = client.post(
            "/api/v1/search/vocabulary/synonyms",
            json={"words": "单独"},
            headers=bearer(session, platform_admin),
        )
        assert response.status_code == 422
        assert response.json()["errors"]["synonyms"] == "同义词组至少需要两个不同的词"


class TestAdminPage:
    def test_page_adds_and_lists(self, client: TestClient, platform_admin: User) -> None:
        login(client, platform_admin)
        page = client.get("/admin/search")
        assert page.status_code == 200 and "搜索词典与索引" in page.text
        response = client.post(
            "/admin/search/terms",
            data={"csrf_token": page_csrf(client, "/admin/search"), "terms": "钒液流储能"},
        )
        assert "已添加 1 个术语" in response.text and "钒液流储能" in response.text
        empty = client.post(
            "/admin/search/terms",
            data={"csrf_token": page_csrf(client, "/admin/search"), "terms": " "},
        )
        assert empty.status_code == 422 and "请至少填写一个术语" in empty.text
