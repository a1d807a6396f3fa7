"""The hall's pages: catalogue, guide, applying, the progress page and the bureau's desk."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.models import ServiceCase, User
from app.models.enums import Role
from app.services import service
from app.services.schemas import CaseCreate, PanelSet
from tests.factories.accounts import make_user
from tests.factories.fixtures import login, page_csrf
from tests.services.helpers import advance, enterprise, fill_materials, pilot_platform


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
    fill_materials(session, user, case)
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


def test_experts_score_an_award_on_its_page_and_staff_see_the_mean(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    staff = Actor(user=platform_admin)
    _org, user = pilot_platform(session, filed=True)
    case = advance(
        session, staff, user, service.create(session, Actor(user=user), CaseCreate(item="ZSPTJL"))
    )
    expert = make_user(session, role=Role.EXPERT, name="中试评审专家")
    service.form_panel(session, staff, case.id, PanelSet(expert_ids=[expert.id]))
    login(client, expert)
    page = client.get(f"/services/cases/{case.id}")
    assert page.status_code == 200 and "提交评分" in page.text and "开放服务情况" in page.text
    token = page_csrf(client, f"/services/cases/{case.id}")
    bad = client.post(
        f"/services/cases/{case.id}/scores",
        data={"score": ["90", "abc", "80"], "comment": ["", "", ""], "csrf_token": token},
    )
    assert "0—100 的整数分" in bad.text
    saved = client.post(
        f"/services/cases/{case.id}/scores",
        data={"score": ["90", "80", "70"], "comment": ["服务面广", "", ""], "csrf_token": token},
    )
    assert "评分已保存" in saved.text

    client.cookies.clear()
    login(client, platform_admin)
    desk = client.get(f"/services/cases/{case.id}")
    assert "平均得分" in desk.text and "81.50" in desk.text and "组建评审专家组" in desk.text
    token = page_csrf(client, f"/services/cases/{case.id}")
    over = client.post(
        f"/admin/services/cases/{case.id}/grant",
        data={"amount": "2500000", "reason": "", "csrf_token": token},
    )
    assert "不能超过本事项上限" in over.text
