"""The trading pages as people use them: inquire on a listing, negotiate, sign, register."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Deal, TechContract
from app.models.enums import OrgRole, OrgType, Role
from app.trading import service
from app.trading.schemas import PaymentCreate
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract


def _post(client: TestClient, path: str, data: dict[str, str], page: str) -> str:
    data = {"csrf_token": page_csrf(client, page), **data}
    response = client.post(path, data=data)
    assert response.status_code == 200, response.text
    return response.text


def test_inquiry_negotiation_signing_and_registration(client: TestClient, session: Session) -> None:
    university = make_org(
        session, name="吉林页面大学", org_type=OrgType.UNIVERSITY, region_code="220104"
    )
    enterprise = make_org(session, name="长春页面汽车公司", region_code="220173")
    professor = make_user(session, org=university, org_role=OrgRole.ADMIN, name="李教授")
    buyer = make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="赵总")
    broker = make_user(session, role=Role.BROKER, name="孙经纪")
    admin = make_user(session, role=Role.PLATFORM_ADMIN, name="登记员")
    listing = make_listing(session, university, professor)
    page = f"/achievements/{listing.id}"

    login(client, buyer)
    assert "我要洽谈" in client.get(page).text
    html = _post(client, "/deals", {"listing_id": str(listing.id), "message": "希望受让"}, page)
    deal = session.query(Deal).filter_by(listing_id=listing.id).one()
    here = f"/deals/{deal.id}"
    assert "希望受让" in html and "意向" in html
    _post(client, f"{here}/broker", {"broker_id": str(broker.id)}, here)
    html = _post(client, f"{here}/offers", {"price": "80万", "terms": "两期付款"}, here)
    assert "80万元" in html and "洽谈" in html
    # Money that is not money is refused on the page, nothing lost.
    html = _post(client, f"{here}/offers", {"price": "八十万"}, here)
    assert "金额格式不正确" in html

    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, professor)
    offer_id = re.search(r'data-offer="(\d+)"', client.get(here).text)
    assert offer_id
    html = _post(client, f"{here}/offers/{offer_id.group(1)}/accept", {}, here)
    assert "已接受报价" in html

    form = client.get(f"/contracts/new?deal={deal.id}").text
    assert "80" in form and str(enterprise.id) in form
    data = {
        "title": "激光焊接头专利转让合同",
        "contract_type": "transfer",
        "signed_on": "2026-11-20",
        "tech_field": "03",
        "ip_type": "21",
        "total_amount": "800000",
        "tech_amount": "900000",
        "seller_org_id": str(university.id),
        "buyer_org_id": str(enterprise.id),
        "broker_id": str(broker.id),
        "milestones.0.name": "首付款",
        "milestones.0.amount": "300000",
        "milestones.1.name": "尾款",
        "milestones.1.amount": "500000",
    }
    token = page_csrf(client, f"/contracts/new?deal={deal.id}")
    response = client.post(f"/contracts/new?deal={deal.id}", data={"csrf_token": token, **data})
    assert response.status_code == 422 and "技术交易额不能超过合同总额" in response.text
    assert 'value="激光焊接头专利转让合同"' in response.text  # nothing typed is lost
    data["tech_amount"] = "780000"
    response = client.post(f"/contracts/new?deal={deal.id}", data={"csrf_token": token, **data})
    assert response.status_code == 200 and "合同已录入" in response.text
    contract = session.query(TechContract).filter_by(deal_id=deal.id).one()
    url = f"/contracts/{contract.id}"
    html = _post(client, f"{url}/submit", {}, url)
    assert "已提交认定登记" in html

    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, admin)
    assert contract.title in client.get("/admin/contracts").text
    html = _post(client, f"{url}/approve", {}, url)
    assert "认定登记完成" in html
    number = re.search(r'id="registration-no">(\d{16})<', html)
    assert number and number.group(1).startswith("220104")
    certificate = client.get(f"{url}/certificate").text
    assert "技术合同认定登记证明" in certificate and number.group(1) in certificate
    stats = client.get("/admin/contracts/statistics").text
    assert number.group(1) in stats and "2 技术转让" in stats
    assert client.get("/admin/contracts/statistics?start=bad").status_code == 422


def test_outsiders_do_not_see_a_deal(client: TestClient, session: Session) -> None:
    university = make_org(session, org_type=OrgType.UNIVERSITY)
    professor = make_user(session, org=university, org_role=OrgRole.ADMIN)
    buyer = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    listing = make_listing(session, university, professor)
    deal = Deal(
        listing_id=listing.id,
        title=listing.title,
        owner_org_id=university.id,
        inquirer_org_id=buyer.org_id,
        opened_by_id=buyer.id,
    )
    session.add(deal)
    session.flush()
    stranger = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    login(client, stranger)
    assert client.get(f"/deals/{deal.id}").status_code == 404
    assert "还没有洽谈" in client.get("/trading").text


def test_contract_page_shows_when_each_milestone_was_completed(
    client: TestClient, session: Session
) -> None:
    university = make_org(session, name="吉林页面大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="长春页面汽车公司")
    professor = make_user(session, org=university, org_role=OrgRole.ADMIN, name="李教授")
    contract = make_contract(session, professor, university, enterprise)
    first, _second = contract.milestones
    service.record_payment(
        session,
        Actor(user=professor),
        contract.id,
        PaymentCreate(milestone_id=first.id, amount="300000", paid_on=date(2026, 11, 25)),
    )
    login(client, professor)
    html = client.get(f"/contracts/{contract.id}").text
    assert "完成日期" in html
    assert 'data-completed-on="2026-11-25">2026-11-25<' in html
    assert 'data-completed-on="">未完成<' in html
