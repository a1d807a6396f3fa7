"""The issue's journey over the JSON API: an enterprise and a university negotiate through a
deal introduced by a broker, sign a 技术转让 contract, register it, and the export shows it."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.models import Notification, Organization, User
from app.models.enums import ListingKind, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer


@pytest.fixture
def university(session: Session) -> Organization:
    return make_org(session, name="吉林光电大学", org_type=OrgType.UNIVERSITY, region_code="220104")


@pytest.fixture
def enterprise(session: Session) -> Organization:
    return make_org(session, name="长春新能源汽车部件有限公司", region_code="220173")


@pytest.fixture
def professor(session: Session, university: Organization) -> User:
    return make_user(session, org=university, org_role=OrgRole.ADMIN, name="李教授")


@pytest.fixture
def buyer(session: Session, enterprise: Organization) -> User:
    return make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="赵总")


@pytest.fixture
def broker(session: Session) -> User:
    return make_user(session, role=Role.BROKER, name="孙经纪")


def test_deal_to_registered_transfer_contract(
    client: TestClient,
    session: Session,
    university: Organization,
    enterprise: Organization,
    professor: User,
    buyer: User,
    broker: User,
) -> None:
    listing = make_listing(session, university, professor, kind=ListingKind.ACHIEVEMENT)
    as_buyer, as_seller = bearer(session, buyer), bearer(session, professor)
    as_broker = bearer(session, broker)
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    as_admin = bearer(session, admin)

    # The enterprise inquires; the broker who introduced them is named on the deal.
    r = client.post(
        "/api/v1/deals",
        json={
            "listing_id": listing.id,
            "message": "我司希望受让该专利，请报价",
            "broker_id": broker.id,
        },
        headers=as_buyer,
    )
    assert r.status_code == 201, r.text
    deal = r.json()
    assert (deal["status"], deal["broker_id"]) == ("intent", broker.id)
    deal_url = f"/api/v1/deals/{deal['id']}"
    assert client.get(deal_url, headers=as_broker).status_code == 200
    outsider = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    assert client.get(deal_url, headers=bearer(session, outsider)).status_code == 404

    # Offer, counter-offer, acceptance: exact money throughout.
    r = client.post(
        f"{deal_url}/offers", json={"price": "100万", "terms": "一次性付清"}, headers=as_seller
    )
    assert r.status_code == 201 and r.json()["price"] == "1000000.00"
    first = r.json()["id"]
    assert client.get(deal_url, headers=as_buyer).json()["status"] == "negotiating"
    r = client.post(f"{deal_url}/offers/{first}/accept", headers=as_seller)
    assert r.status_code == 403  # an offer is answered by the other side
    r = client.post(
        f"{deal_url}/offers", json={"price": "80万", "terms": "分两期支付"}, headers=as_buyer
    )
    counter = r.json()["id"]
    r = client.post(f"{deal_url}/offers/{counter}/accept", headers=as_seller)
    assert r.status_code == 200, r.text
    body = client.get(deal_url, headers=as_buyer).json()
    assert body["agreed_price"] == "800000.00"
    assert [o["status"] for o in body["offers"]] == ["superseded", "accepted"]

    # Signing: a 技术转让 contract from the deal.
    contract_in = {
        "title": "高功率光纤激光焊接头发明专利权转让合同",
        "contract_type": "transfer",
        "total_amount": "800000",
        "tech_amount": "780000",
        "signed_on": "2026-11-20",
        "tech_field": "03",
        "ip_type": "21",
        "broker_id": broker.id,
        "deal_id": deal["id"],
        "achievement_ids": [listing.id],
        "patents": [{"number": "ZL202310123456.7", "title": "一种光纤激光焊接头", "kind": "发明"}],
        "parties": [
            {"role": "assignor", "org_id": university.id},
            {"role": "assignee", "org_id": enterprise.id},
        ],
        "milestones": [
            {"name": "首付款", "amount": "300000", "due_on": "2026-12-31"},
            {"name": "尾款", "amount": "500000", "due_on": "2027-06-30"},
        ],
    }
    r = client.post("/api/v1/contracts", json=contract_in, headers=as_buyer)
    assert r.status_code == 201, r.text
    contract = r.json()
    assert contract["status"] == "draft" and contract["tech_amount"] == "780000.00"
    assert client.get(deal_url, headers=as_buyer).json()["status"] == "signed"
    url = f"/api/v1/contracts/{contract['id']}"

    # Registration: the university submits, the administrator returns, then registers.
    assert client.post(f"{url}/approve", headers=as_admin).status_code == 409
    r = client.post(f"{url}/submit", json={"org_id": university.id}, headers=as_seller)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    queue = client.get("/api/v1/contracts/registrations", headers=as_admin).json()
    assert contract["id"] in [c["id"] for c in queue["items"]]
    assert client.post(f"{url}/approve", headers=as_seller).status_code == 403
    r = client.post(f"{url}/return", json={"reason": "请补充专利证书"}, headers=as_admin)
    assert r.json()["status"] == "returned"
    client.post(f"{url}/submit", json={"org_id": university.id}, headers=as_seller)
    r = client.post(f"{url}/approve", headers=as_admin)
    assert r.status_code == 200, r.text
    registered = r.json()
    assert registered["registration_no"].startswith("220104")
    assert len(registered["registration_no"]) == 16
    assert registered["rules_version"] == "吉林省技术合同认定登记实施细则（2025）"
    assert client.get(deal_url, headers=as_buyer).json()["status"] == "registered"
    session.expire_all()
    titles = [n.title for n in session.query(Notification).filter_by(user_id=broker.id)]
    assert any("完成认定登记" in t for t in titles)

    pdf = client.get(f"{url}/certificate.pdf", headers=as_seller)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Payments against milestones; the deal moves to 履约.
    first_ms = registered["milestones"][0]["id"]
    r = client.post(
        f"{url}/payments",
        json={"milestone_id": first_ms, "amount": "300000.01", "paid_on": "2026-11-25"},
        headers=as_seller,
    )
    assert r.status_code == 422 and "尚余 300,000.00元" in r.text
    r = client.post(
        f"{url}/payments",
        json={"milestone_id": first_ms, "amount": "300000", "paid_on": "2026-11-25"},
        headers=as_seller,
    )
    assert r.status_code == 201
    assert client.get(deal_url, headers=as_buyer).json()["status"] == "performing"

    # Statistics export: codes with labels.
    assert client.get("/api/v1/contracts/export", headers=as_seller).status_code == 403
    r = client.get("/api/v1/contracts/export", params={"format": "csv"}, headers=as_admin)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    row = next(x for x in rows if x["登记号"] == registered["registration_no"])
    assert (row["合同类别代码"], row["合同类别"]) == ("2", "技术转让")
    assert (row["技术领域代码"], row["知识产权类型"]) == ("03", "发明专利")
    assert (row["卖方行政区划代码"], row["卖方法人类型代码"]) == ("220104", "22")
    assert (row["买方行政区划代码"], row["买方法人类型"]) == ("220173", "企业法人（内资企业）")
    assert (row["技术交易额（元）"], row["已到账金额（元）"], row["技术经纪人"]) == (
        "780000.00",
        "300000.00",
        "孙经纪",
    )
    r = client.get("/api/v1/contracts/export", headers=as_admin)
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    values = {
        header[i]: c.value
        for row in sheet.iter_rows(min_row=2)
        for i, c in enumerate(row)
        if row[0].value == registered["registration_no"]
    }
    assert values["合同类别"] == "技术转让" and values["技术领域代码"] == "03"


def test_terminated_with_a_reason(
    client: TestClient, session: Session, university: Organization, professor: User, buyer: User
) -> None:
    listing = make_listing(session, university, professor)
    r = client.post(
        "/api/v1/deals",
        json={"listing_id": listing.id, "message": "想了解许可方式"},
        headers=bearer(session, buyer),
    )
    url = f"/api/v1/deals/{r.json()['id']}"
    r = client.post(f"{url}/terminate", json={"reason": ""}, headers=bearer(session, professor))
    assert r.status_code == 422
    r = client.post(
        f"{url}/terminate", json={"reason": "双方价格差距过大"}, headers=bearer(session, professor)
    )
    assert r.json()["status"] == "terminated" and r.json()["terminate_reason"] == "双方价格差距过大"
    r = client.post(f"{url}/messages", json={"body": "再谈谈？"}, headers=bearer(session, buyer))
    assert r.status_code == 409


def test_own_listing_and_duplicates_are_refused(
    client: TestClient, session: Session, university: Organization, professor: User, buyer: User
) -> None:
    listing = make_listing(session, university, professor)
    payload = {"listing_id": listing.id, "message": "请联系我们"}
    assert (
        client.post("/api/v1/deals", json=payload, headers=bearer(session, professor)).status_code
        == 409
    )
    headers = bearer(session, buyer)
    assert client.post("/api/v1/deals", json=payload, headers=headers).status_code == 201
    r = client.post("/api/v1/deals", json=payload, headers=headers)
    assert r.status_code == 409 and "原洽谈" in r.json()["detail"]


def test_code_tables_are_public(client: TestClient) -> None:
    body = client.get("/api/v1/contracts/codes").json()
    assert {"code": "04", "label": "生物、医药和医疗器械"} in body["tech_fields"]
    assert {"value": "equity", "code": "6", "label": "技术入股"} in body["contract_types"]


def test_broker_who_matched_the_pair_is_on_the_deal(
    client: TestClient,
    session: Session,
    university: Organization,
    enterprise: Organization,
    professor: User,
    buyer: User,
    broker: User,
) -> None:
    from app.core.audit import Actor
    from app.matching import pipeline
    from app.models import MatchPipeline
    from app.models.enums import PipelineStage

    achievement = make_listing(session, university, professor)
    demand = make_listing(session, enterprise, buyer, kind=ListingKind.DEMAND)
    pipeline.propose(
        session, Actor(user=broker), demand_listing_id=demand.id, supply_listing_id=achievement.id
    )
    r = client.post(
        "/api/v1/deals",
        json={"listing_id": achievement.id, "message": "经孙经纪介绍，希望洽谈"},
        headers=bearer(session, buyer),
    )
    assert r.status_code == 201, r.text
    assert r.json()["broker_id"] == broker.id
    entry = session.query(MatchPipeline).filter_by(supply_listing_id=achievement.id).one()
    session.refresh(entry)
    assert entry.stage == PipelineStage.NEGOTIATING


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buyer_org_id": 999999}, "parties.1.org_id"),
        ({"total_amount": "十万"}, "total_amount"),
        ({"signed_on": "2026-13-40"}, "signed_on"),
        ({"contract_type": "gift"}, "contract_type"),
        ({"achievement_ids": [999999]}, "achievement_ids"),
    ],
)
def test_bad_contract_input_is_a_chinese_422(
    client: TestClient,
    session: Session,
    university: Organization,
    enterprise: Organization,
    professor: User,
    change: dict[str, object],
    field: str,
) -> None:
    payload: dict[str, object] = {
        "title": "测试合同",
        "contract_type": "transfer",
        "total_amount": "100000",
        "signed_on": "2026-11-20",
        "tech_field": "03",
        "parties": [
            {"role": "assignor", "org_id": university.id},
            {"role": "assignee", "org_id": enterprise.id},
        ],
    } | change
    if "buyer_org_id" in payload:
        payload["parties"] = [
            {"role": "assignor", "org_id": university.id},
            {"role": "assignee", "org_id": payload.pop("buyer_org_id")},
        ]
    r = client.post("/api/v1/contracts", json=payload, headers=bearer(session, professor))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(key.startswith(field) for key in r.json().get("errors", {})), r.json()


def test_deal_attachment_is_checked_by_content(
    client: TestClient, session: Session, university: Organization, professor: User, buyer: User
) -> None:
    listing = make_listing(session, university, professor)
    headers = bearer(session, buyer)
    deal = client.post(
        "/api/v1/deals", json={"listing_id": listing.id, "message": "请看附件"}, headers=headers
    ).json()
    url = f"/api/v1/deals/{deal['id']}/attachments"
    r = client.post(
        url, files={"file": ("方案.pdf", b"not a pdf", "application/pdf")}, headers=headers
    )
    assert r.status_code == 422 and "PDF" in r.text
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    r = client.post(url, files={"file": ("方案.pdf", pdf, "application/pdf")}, headers=headers)
    assert r.status_code == 201, r.text
    got = client.get(f"{url}/{r.json()['id']}", headers=bearer(session, professor))
    assert got.status_code == 200 and got.content == pdf
