"""Fielded patent search over real patents; a claim hit names the claim that matched."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Patent, PatentClaim
from app.patents import search


def _titles(client: TestClient, **params: Any) -> list[str]:
    body = client.get("/api/v1/patents", params=params).json()
    return [item["patent"]["title"] for item in body["items"]]


class TestFieldedSearch:
    def test_text_finds_the_patent_described(
        self, client: TestClient, patents: list[dict[str, Any]]
    ) -> None:
        titles = _titles(client, q="再生铝锭和工业硅熔炼后电磁搅拌扒渣铸造合金棒")
        assert titles[0] == "铝硅合金棒的生产方法"

    def test_applicant_ipc_status_and_dates_filter(
        self, client: TestClient, patents: list[dict[str, Any]]
    ) -> None:
        body = client.get(
            "/api/v1/patents",
            params={"applicant": "吉林大学", "ipc": "c22c", "filed_from": "2021-01-01", "size": 50},
        ).json()
        expected = {
            r["title"]
            for r in patents
            if r["applicants"] == "吉林大学"
            and r["ipc"].startswith("C22C")
            and r["application_date"] >= "2021-01-01"
        }
        assert {i["patent"]["title"] for i in body["items"]} == expected and expected
        granted = client.get(
            "/api/v1/patents", params={"legal_status": "granted", "size": 100}
        ).json()
        assert granted["total"] == sum(1 for r in patents if r["legal_status"] == "granted")

    def test_claims_field_names_the_claim(
        self, client: TestClient, session: Session, patents: list[dict[str, Any]]
    ) -> None:
        patent = session.scalar(select(Patent).where(Patent.title == "铝硅合金棒的生产方法"))
        assert patent is not None
        claim = session.scalar(
            select(PatentClaim).where(PatentClaim.patent_id == patent.id, PatentClaim.number == 2)
        )
        assert claim is not None
        body = client.get(
            "/api/v1/patents", params={"q": claim.text[10:70], "field": "claims"}
        ).json()
        top = body["items"][0]
        assert top["patent"]["id"] == patent.id
        assert top["claim"] >= 1 and top["where"] == f"权利要求{top['claim']}"
        assert top["snippets"] and top["snippets"][0]["terms"]

    def test_inventor_filter_without_text(
        self, client: TestClient, patents: list[dict[str, Any]]
    ) -> None:
        assert _titles(client, inventor="发明人7") == [patents[7]["title"]]

    def test_page_shows_where_it_matched(
        self, client: TestClient, patents: list[dict[str, Any]]
    ) -> None:
        html = client.get("/patents", params={"q": "电磁搅拌 扒渣", "field": "claims"}).text
        assert "铝硅合金棒的生产方法" in html and "权利要求" in html
        empty = client.get(
            "/patents", params={"q": "量子纠缠光子芯片", "applicant": "不存在的单位"}
        ).text
        assert "没有找到符合条件的专利" in empty

    def test_index_follows_the_table(self, session: Session, patents: list[dict[str, Any]]) -> None:
        first = search.index_for(session)
        assert search.index_for(session) is first
        session.add(Patent(application_no="CN-NEW", title="一种新的测试专利"))
        session.flush()
        assert search.index_for(session) is not first


class TestProblems:
    def test_bad_parameters_are_problem_json(self, client: TestClient) -> None:
        response = client.get("/api/v1/patents", params={"filed_from": "昨天", "field": "颜色"})
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")

    def test_missing_patent_is_404_problem(self, client: TestClient) -> None:
        response = client.get("/api/v1/patents/999999")
        assert response.status_code == 404
        assert response.json()["detail"] == "专利不存在"
