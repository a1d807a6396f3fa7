"""The funding API: budget lines and the ledger, read by platform administrators."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.funding import service
from app.models.enums import Role
from tests.factories.accounts import make_user
from tests.orgs.test_endpoints import bearer


def test_lines_and_ledger_page_by_page(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.PLATFORM_ADMIN, name="台账管理员")
    actor = Actor(user=admin)
    line = service.set_line(
        session,
        actor,
        programme="api-call",
        item_no=3,
        year=2027,
        total=Decimal("90000"),
        title="2027年度成果转化项目经费",
    )
    for n in range(3):
        service.reserve(
            session,
            actor,
            line,
            subject_type="api_project",
            subject_id=n + 1,
            amount=Decimal("10000.50"),
        )
    session.flush()
    headers = bearer(session, admin)

    response = client.get(
        "/api/v1/funding/lines", params={"programme": "api-call"}, headers=headers
    )
    assert response.status_code == 200, response.text
    [row] = response.json()["items"]
    assert (row["total"], row["committed"], row["remaining"]) == (
        "90000.00",
        "30001.50",
        "59998.50",
    )

    page = client.get(
        "/api/v1/funding/ledger",
        params={"budget_line_id": line.id, "size": 2},
        headers=headers,
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert [e["subject_id"] for e in page["items"]] == [3, 2]  # newest first
    assert page["items"][0]["kind"] == "reserve" and page["items"][0]["amount"] == "10000.50"


def test_others_are_refused(client: TestClient, session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT)
    response = client.get("/api/v1/funding/ledger", headers=bearer(session, expert))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "资金" in response.json()["detail"]
    assert client.get("/api/v1/funding/lines").status_code == 401
