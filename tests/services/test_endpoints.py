"""/api/v1/services: the catalogue, an application through the hall, problem+json refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.models import User
from app.services import service
from tests.orgs.test_endpoints import bearer
from tests.services.helpers import PDF, enterprise, fill_materials, pool


def test_catalogue_lists_items_with_their_guide(client: TestClient) -> None:
    items = client.get("/api/v1/services/items").json()["items"]
    voucher = next(i for i in items if i["code"] == "KJCXQ")
    assert voucher["title"] == "科技创新券申领"
    assert voucher["guide"]["visits"] == 0
    assert client.get("/api/v1/services/items/NOPE").status_code == 404


def test_an_application_from_draft_to_granted_with_its_progress(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    _org, user = enterprise(session)
    pool(session, Actor(user=platform_admin), today().year, "1000000")
    mine, staff = bearer(session, user), bearer(session, platform_admin)

    created = client.post(
        "/api/v1/services/cases", json={"item": "KJCXQ", "amount": "8万"}, headers=mine
    )
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["status_label"] == "草稿" and case["requested_amount"] == "80000.00"
    url = f"/api/v1/services/cases/{case['id']}"
    early = client.post(f"{url}/submit", headers=mine)
    assert early.status_code == 422
    assert early.headers["content-type"].startswith("application/problem+json")
    assert early.json()["errors"] == {
        "materials.0": "请上传“创新券申领表（加盖公章）”",
        "materials.2": "请上传“拟购买科技服务的说明”",
    }
    for n in (0, 2):  # the certificate copy is 选填
        filled = client.post(
            f"{url}/materials",
            data={"material_no": str(n)},
            files={"file": (f"材料{n}.pdf", PDF, "application/pdf")},
            headers=mine,
        )
        assert filled.status_code == 201, filled.text
    submitted = client.post(f"{url}/submit", headers=mine).json()
    assert submitted["serial_no"].startswith(f"KC{today().year}")

    refused = client.post(f"/api/v1/services/cases/{case['id']}/review", json={}, headers=mine)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    for action in ("review", "accept", "process", "grant"):
        moved = client.post(f"/api/v1/services/cases/{case['id']}/{action}", json={}, headers=staff)
        assert moved.status_code == 200, moved.text
    again = client.post(f"/api/v1/services/cases/{case['id']}/grant", json={}, headers=staff)
    assert again.status_code == 409
    assert "当前状态为“办结（准予）”" in again.json()["detail"]

    progress = client.get(f"/api/v1/services/cases/{case['id']}", headers=mine).json()
    assert progress["case"]["granted_amount"] == "80000.00"
    assert [s["label"] for s in progress["steps"]][-1] == "办结（准予）"
    assert progress["steps"][0]["department"] == "市科技局政务服务窗口"
    listed = client.get("/api/v1/services/cases", headers=mine).json()
    assert listed["total"] == 1

    rated = client.post(
        f"/api/v1/services/cases/{case['id']}/rating", json={"grade": 1}, headers=mine
    )
    assert rated.status_code == 201 and rated.json()["follow_up_due"]
    follow = client.get("/api/v1/services/follow-ups", headers=staff).json()
    assert rated.json()["id"] in [r["id"] for r in follow["items"]]


def test_an_enterprise_without_recognition_is_told_why(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session, tag=None)
    refused = client.post(
        "/api/v1/services/cases",
        json={"item": "KJCXQ", "amount": "1000"},
        headers=bearer(session, user),
    )
    assert refused.status_code == 409
    assert "高新技术企业和科技型中小企业" in refused.json()["detail"]


def test_materials_are_checked_by_content_and_closed_after_submission(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session)
    mine = bearer(session, user)
    case = client.post(
        "/api/v1/services/cases", json={"item": "KJCXQ", "amount": "1000"}, headers=mine
    ).json()
    url = f"/api/v1/services/cases/{case['id']}/materials"
    fake = client.post(
        url, files={"file": ("申领表.pdf", b"not a pdf", "application/pdf")}, headers=mine
    )
    assert fake.status_code == 422
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    uploaded = client.post(
        url, files={"file": ("申领表.pdf", pdf, "application/pdf")}, headers=mine
    )
    assert uploaded.status_code == 201, uploaded.text
    progress = client.get(f"/api/v1/services/cases/{case['id']}", headers=mine).json()
    assert [m["filename"] for m in progress["materials"]] == ["申领表.pdf"]
    got = client.get(f"{url}/{uploaded.json()['id']}", headers=mine)
    assert got.content == pdf
    fill_materials(session, user, service.get_case(session, user, case["id"]))
    submitted = client.post(f"/api/v1/services/cases/{case['id']}/submit", headers=mine)
    assert submitted.status_code == 200, submitted.text
    late = client.post(url, files={"file": ("补充.pdf", pdf, "application/pdf")}, headers=mine)
    assert late.status_code == 409 and "不能再上传材料" in late.json()["detail"]


def test_recommendations_say_what_an_enterprise_may_apply_for_and_why(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session)
    found = client.get("/api/v1/services/recommendations", headers=bearer(session, user))
    assert found.status_code == 200, found.text
    body = found.json()
    by_code = {i["item_code"]: i for i in body["items"]}
    assert by_code["KJCXQ"]["eligible"] and by_code["KJCXQ"]["estimate"] == "200000.00"
    assert by_code["KJCXQ"]["clause_url"] == "/policies/clauses/23"
    assert not by_code["YFTRBZ"]["eligible"] and "尚未填报" in by_code["YFTRBZ"]["reasons"][0]
    recorded = client.put(
        "/api/v1/services/rd-expenses",
        json={"year": today().year - 1, "amount": "500万"},
        headers=bearer(session, user),
    )
    assert recorded.status_code == 200, recorded.text
    again = client.get("/api/v1/services/recommendations", headers=bearer(session, user)).json()
    rd_item = next(i for i in again["items"] if i["item_code"] == "YFTRBZ")
    assert rd_item["eligible"] and rd_item["estimate"] == "750000.00"  # 25万 base + 50万 growth
    assert client.get("/api/v1/services/recommendations").status_code == 401


def test_rates_are_listed_by_version_and_only_staff_revise_them(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    page = client.get("/api/v1/services/rd-rates").json()
    assert page["total"] >= 1 and page["items"][0]["base_rate"] == "0.050000"
    _org, user = enterprise(session)
    body = {
        "base_rate": "0.06",
        "increment_rate": "0.1",
        "cap": "1000000",
        "effective_from": "2099-01-01",
    }
    refused = client.post("/api/v1/services/rd-rates", json=body, headers=bearer(session, user))
    assert refused.status_code == 403
    made = client.post(
        "/api/v1/services/rd-rates", json=body, headers=bearer(session, platform_admin)
    )
    assert made.status_code == 201 and made.json()["version"] == 2
