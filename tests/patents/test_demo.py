"""The demo has patents of its organisations, linked to achievements, and the 查新 staff."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.seed import seed
from app.models import Patent, PatentAchievement, User
from app.models.enums import Role


def test_demo_patents_are_searchable_and_linked(session: Session, client: TestClient) -> None:
    assert seed(session)
    session.flush()
    assert session.scalar(select(func.count(Patent.id))) == 5
    assert session.scalar(select(func.count()).select_from(PatentAchievement)) == 5
    roles = set(session.scalars(select(User.role)))
    assert {Role.NOVELTY_SEARCHER, Role.NOVELTY_REVIEWER} <= roles
    body = client.get("/api/v1/patents", params={"q": "水下偏振成像探测"}).json()
    assert body["items"][0]["patent"]["title"] == "一种基于偏振成像的水下目标探测装置"
    html = client.get("/patents").text
    assert "专利查新" in html and "大口径碳化硅反射镜" in html
