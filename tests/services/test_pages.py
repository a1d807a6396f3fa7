"""The hall's pages: catalogue, guide, applying, the progress page and the bureau's desk."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today
from app.models import ServiceCase, User
from tests.factories.fixtures import login, page_csrf
from tests.services.helpers import enterprise


def test_catalogue_and_guide_are_public(client: TestClient) -> None:
    page = client.get("/services")
    assert page.status_code == 200 and "科技创新券申领" in page.text
    guide = client.get("/services/items/KJCXQ")
    assert "申请材料" in guide.text and "到现场次数" in guide.text and "不收费" in guide.text


def test_an_enterprise_applies_submits_and_staff_see_it(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    _org, user = enterprise(session)
    login(client, user)
    token = page_csrf(client, "/services/items/KJCXQ")
    bad = client.post("/services/items/KJCXQ/apply", data={"amount": "abc", "csrf_token": token})
    assert bad.status_code == 422 and "金额" in bad.text
    applied = client.post(
        "/services/items/KJCXQ/apply",
        data={"amount": "50000", "mode": "redeem", "purpose": "委托检测", "csrf_token": token},
    )
    assert "申请已保存为草稿" in applied.text
    case = session.scalars(select(ServiceCase).where(ServiceCase.org_id == user.org_id)).one()
    submitted = client.post(f"/services/cases/{case.id}/submit", data={"csrf_token": token})
    assert "已提交，流水号 KC" in submitted.text
    assert "形式审查" in submitted.text  # the step now due, with its department
    assert "我的办件" in client.get("/services/mine").text

    client.cookies.clear()
    login(client, platform_admin)
    desk = client.get("/admin/services")
    session.refresh(case)
    assert case.serial_no is not None
    assert desk.status_code == 200 and case.serial_no in desk.text
    token = page_csrf(client, f"/services/cases/{case.id}")
    moved = client.post(
        f"/admin/services/cases/{case.id}/correct", data={"reason": "", "csrf_token": token}
    )
    assert "须说明理由" in moved.text


def test_the_recommendation_page_lists_eligible_and_ineligible_items(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session)
    login(client, user)
    page = client.get("/services/recommend")
    assert page.status_code == 200
    assert 'data-eligible="KJCXQ"' in page.text and 'data-ineligible="ZSPTJL"' in page.text
    assert "平台资源名录中没有本机构已发布的已纳入市级备案的中试平台" in page.text
    assert 'href="/policies/clauses/23"' in page.text
    guide = client.get("/services/items/YFTRBZ")
    assert "允许扣除的研发费用合计" in guide.text and "政策第二十一条" in guide.text
    linked = client.get("/services/items/JSHTDJ")
    assert 'href="/contracts/new"' in linked.text
    assert "技术合同登记与奖补申领" in client.get("/services/mine").text


def test_an_rd_application_made_on_the_page_shows_its_computation(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session, tag=None)
    login(client, user)
    token = page_csrf(client, "/services/items/YFTRBZ")
    year = str(today().year - 1)
    bad = client.post(
        "/services/items/YFTRBZ/apply",
        data={"rd_year": year, "rd_expense": "abc", "csrf_token": token},
    )
    assert bad.status_code == 422 and "金额" in bad.text
    made = client.post(
        "/services/items/YFTRBZ/apply",
        data={
            "rd_year": year,
            "rd_expense": "8000000",
            "rd_expense_last": "6000000",
            "surveyed": "true",
            "csrf_token": token,
        },
    )
    assert "申请已保存为草稿" in made.text
    assert "基础补助" in made.text and "600,000.00元" in made.text
