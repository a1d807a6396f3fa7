"""A 查新委托 from request to numbered report over the API, with who may see and do what."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import NoveltyCommission, User
from app.models.enums import NoveltyPurpose, Role
from app.patents import commissions, report
from tests.factories.accounts import make_org, make_user
from tests.orgs.test_endpoints import bearer

POINTS = [
    "用回收的铝锭和边角废料加工业硅做原料，硅含量控制在一成左右",
    "熔炼时先电磁搅拌再用叉车搅拌，铝液到720度左右扒渣",
]


def _commission(
    client: TestClient, headers: dict[str, str], when: str = "2024-09-01"
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/patents/commissions",
        headers=headers,
        json={
            "project_name": "再生铝制备铝硅中间合金棒工艺",
            "purpose": "appraisal",
            "tech_points": "利用再生铝和废料在现有圆铸锭设备上生产铝硅合金棒，提高效率、节能。",
            "points": POINTS,
            "commission_date": when,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def requester(session: Session) -> User:
    org = make_org(session, name="长春铝业新材料有限公司")
    return make_user(session, org=org, name="委托人王工")


def test_request_to_numbered_report(
    client: TestClient,
    session: Session,
    patents: list[dict[str, Any]],
    requester: User,
    searcher: User,
    reviewer: User,
) -> None:
    as_req, as_searcher, as_reviewer = (
        bearer(session, requester),
        bearer(session, searcher),
        bearer(session, reviewer),
    )
    created = _commission(client, as_req)
    cid = created["id"]
    assert created["status"] == "commissioned" and [p["number"] for p in created["points"]] == [
        1,
        2,
    ]

    # The requester cannot run the search; the 查新员 can.
    denied = client.post(f"/api/v1/patents/commissions/{cid}/search", headers=as_req)
    assert denied.status_code == 403 and denied.headers["content-type"].startswith(
        "application/problem+json"
    )
    body = client.post(f"/api/v1/patents/commissions/{cid}/search", headers=as_searcher).json()
    first = body["points"][0]["hits"][0]
    assert first["title"] == "铝硅合金棒的生产方法"
    assert first["snippets"] and first["covers"]
    assert first["where"].startswith(("权利要求", "标题"))

    # 抵触申请: the source patent (filed 2024-06-01) lies within 18 months before 2024-09-01.
    conflicts = {h["title"] for h in body["conflicting"]}
    assert "铝硅合金棒的生产方法" in conflicts
    assert all(h["application_date"] >= "2023-03-01" for h in body["conflicting"])

    # Relevance feedback: a hit marked irrelevant leaves the point's list.
    second = body["points"][1]["hits"][1]["id"]
    marked = client.post(
        f"/api/v1/patents/commissions/{cid}/points/2/marks",
        headers=as_searcher,
        json={"patent_id": second, "relevant": False},
    ).json()
    assert second not in [h["id"] for h in marked["points"][1]["hits"]]

    drafted = client.put(
        f"/api/v1/patents/commissions/{cid}/draft",
        headers=as_searcher,
        json={"conclusions": {"2": "查新点2：已有公开。"}, "overall": "", "finish": True},
    ).json()
    assert drafted["status"] == "drafted"
    assert drafted["points"][0]["conclusion"].startswith("查新点1：")  # the suggested wording
    assert drafted["points"][1]["conclusion"] == "查新点2：已有公开。"

    assert (
        client.post(f"/api/v1/patents/commissions/{cid}/submit", headers=as_searcher).status_code
        == 200
    )
    # Only the 审核员 issues; twice is a 409.
    assert (
        client.post(f"/api/v1/patents/commissions/{cid}/issue", headers=as_searcher).status_code
        == 403
    )
    issued = client.post(f"/api/v1/patents/commissions/{cid}/issue", headers=as_reviewer).json()
    year = date.today().year
    assert re.fullmatch(rf"{year}220101\d{{4}}", issued["report_no"])
    again = client.post(f"/api/v1/patents/commissions/{cid}/issue", headers=as_reviewer)
    assert again.status_code == 409 and "出具报告" in again.json()["detail"]

    page = client.get(f"/patents/commissions/{cid}/report", headers=as_req)
    for heading in (
        "查新目的",
        "科学技术要点",
        "查新点与查新要求",
        "文献检索范围及检索策略",
        "检索结果",
        "查新结论",
        "声明",
        "附件清单",
    ):
        assert heading in page.text


def test_who_sees_commissions(
    client: TestClient, session: Session, requester: User, searcher: User, reviewer: User
) -> None:
    cid = _commission(client, bearer(session, requester))["id"]
    colleague = make_user(session, org=session.get(User, requester.id).org, name="同事")  # type: ignore[union-attr]
    stranger = make_user(session, org=make_org(session, name="别家公司"), name="外人")
    for user, visible in (
        (requester, True),
        (colleague, True),
        (searcher, True),
        (reviewer, True),
        (stranger, False),
    ):
        listed = client.get("/api/v1/patents/commissions", headers=bearer(session, user)).json()
        assert (cid in [c["id"] for c in listed["items"]]) is visible, user.name
        one = client.get(f"/api/v1/patents/commissions/{cid}", headers=bearer(session, user))
        assert one.status_code == (200 if visible else 404), user.name
    assert client.get("/api/v1/patents/commissions").status_code == 401


def test_bad_commission_is_problem_json(
    client: TestClient, session: Session, requester: User
) -> None:
    response = client.post(
        "/api/v1/patents/commissions",
        headers=bearer(session, requester),
        json={"project_name": "", "purpose": "报奖", "tech_points": "x", "points": []},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert session.scalar(select(NoveltyCommission)) is None


def test_conflict_window_is_eighteen_months() -> None:
    assert commissions.months_before(date(2024, 9, 1), 18) == date(2023, 3, 1)
    assert commissions.months_before(date(2024, 8, 31), 18) == date(2023, 2, 28)


def test_report_pdf_embeds_its_font(
    session: Session,
    patents: list[dict[str, Any]],
    requester: User,
    searcher: User,
    reviewer: User,
    tmp_path: Path,
) -> None:
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        pytest.fail("pdffonts not found (apt-get install poppler-utils)")
    c = commissions.create(
        session,
        Actor(user=requester),
        project_name="铝硅合金棒",
        purpose=NoveltyPurpose.AWARD,
        tech_points="再生铝生产铝硅合金棒",
        points=POINTS,
    )
    commissions.run_search(session, Actor(user=searcher), c)
    commissions.save_draft(session, Actor(user=searcher), c, {}, "", finish=True)
    commissions.submit(session, Actor(user=searcher), c)
    commissions.issue(session, Actor(user=reviewer), c)
    path = tmp_path / "report.pdf"
    path.write_bytes(report.pdf(c))
    out = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True)
    rows = [r.split() for r in out.stdout.splitlines()[2:]]
    assert rows
    for row in rows:
        assert (row[-5], row[-4], row[-3]) == ("yes", "yes", "yes"), " ".join(row)


def test_roles_have_chinese_labels() -> None:
    assert (Role.NOVELTY_SEARCHER.label, Role.NOVELTY_REVIEWER.label) == ("查新员", "审核员")
