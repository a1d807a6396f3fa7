from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.models import Organization, User
from app.models.enums import ListingStatus, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer

ACHIEVEMENT = {
    "title": "红外硫系玻璃模压镜头",
    "summary": "用于车载夜视与测温的红外硫系玻璃精密模压镜头，成本低。",
    "field_code": "F1101",
    "maturity": "中试",
    "trl": 6,
    "transfer_modes": ["许可"],
    "price": "120万",
    "advantages": "成本比锗镜头低60%",
    "contact_name": "周老师",
    "contact_phone": "0431-85550000",
    "keywords": ["红外镜头", "硫系玻璃"],
}


def test_publish_journey_through_the_api(
    client: TestClient, session: Session, session_factory: sessionmaker[Session]
) -> None:
    university = make_org(session, org_type=OrgType.UNIVERSITY, region_code="220104")
    author = make_user(session, org=university, org_role=OrgRole.ADMIN)
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    as_author, as_admin = bearer(session, author), bearer(session, admin)

    created = client.post("/api/v1/achievements", json=ACHIEVEMENT, headers=as_author)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft" and body["data"]["price"] == "1200000.00"
    listing_id = body["id"]
    assert client.get(f"/api/v1/achievements/{listing_id}").status_code == 404

    assert (
        client.post(f"/api/v1/achievements/{listing_id}/submit", headers=as_author).json()["status"]
        == "submitted"
    )
    queue = client.get("/api/v1/achievements/review-queue", headers=as_admin).json()
    assert [item["id"] for item in queue["items"]] == [listing_id]
    returned = client.post(
        f"/api/v1/achievements/{listing_id}/return",
        json={"reason_code": "price", "reason_text": "请说明定价依据"},
        headers=as_admin,
    )
    assert returned.json()["status"] == "returned"
    client.patch(f"/api/v1/achievements/{listing_id}", json={"price": "面议"}, headers=as_author)
    client.post(f"/api/v1/achievements/{listing_id}/submit", headers=as_author)
    published = client.post(f"/api/v1/achievements/{listing_id}/publish", headers=as_admin)
    assert published.json()["status"] == "published"

    outbox.drain(session_factory)
    public = client.get(f"/api/v1/achievements/{listing_id}").json()
    assert public["detail_visible"] is False and "contact_phone" not in public["data"]
    assert public["data"]["price_text"] == "面议"
    page = client.get("/api/v1/achievements", params={"q": "红外镜头"}).json()
    assert [item["id"] for item in page["items"]] == [listing_id]
    assert {"value": "光电信息", "count": 1} in page["facets"]["field"]
    assert {"value": "许可", "count": 1} in page["facets"]["transfer_mode"]
    versions = client.get(f"/api/v1/achievements/{listing_id}/versions", headers=as_author).json()[
        "items"
    ]
    assert [v["status"] for v in versions][:2] == ["published", "submitted"]


def test_validation_messages_are_chinese(
    client: TestClient, session: Session, org_admin: User
) -> None:
    body = {**ACHIEVEMENT, "trl": 12, "price": "很多钱", "transfer_modes": ["送给你"]}
    response = client.post("/api/v1/achievements", json=body, headers=bearer(session, org_admin))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["trl"] == "不能大于9"
    assert errors["price"] == "金额格式不正确，请填写数字，例如 500000 或 50万"
    assert errors["transfer_modes.0"].startswith("取值应为以下之一")


def test_challenge_reward_cap(client: TestClient, session: Session, org_admin: User) -> None:
    response = client.post(
        "/api/v1/challenges",
        headers=bearer(session, org_admin),
        json={
            "title": "车规级激光雷达窗口片镀膜",
            "summary": "征集耐候高透过率镀膜技术方案",
            "reward": "150万",
            "application_deadline": "2099-01-01",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["reward"] == "榜单奖励最高100万元（政策第4条）"


def test_filters_and_pagination(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    org: Organization,
    org_admin: User,
) -> None:
    for i in range(5):
        make_listing(
            session, org, org_admin, title=f"激光焊接成果{i}", maturity="lab" if i < 2 else "pilot"
        )
        session.commit()
    from sqlalchemy import select

    from app.core.indexing import index_later
    from app.models import Listing

    for listing_id in session.scalars(select(Listing.id)):
        index_later(session, "achievement", listing_id)
    session.commit()
    outbox.drain(session_factory)
    page = client.get("/api/v1/achievements", params={"maturity": "实验室", "size": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    assert client.get("/api/v1/achievements", params={"colour": "red"}).status_code == 422


def test_mine_shows_every_status(
    client: TestClient, session: Session, org: Organization, org_admin: User
) -> None:
    make_listing(session, org, org_admin, status=ListingStatus.DRAFT)
    make_listing(session, org, org_admin, status=ListingStatus.RETURNED)
    body = client.get("/api/v1/achievements/mine", headers=bearer(session, org_admin)).json()
    assert sorted(item["status"] for item in body["items"]) == ["draft", "returned"]


def test_taxonomy_lists(client: TestClient) -> None:
    first = client.get("/api/v1/taxonomy/fields", params={"size": 100}).json()
    rest = client.get("/api/v1/taxonomy/fields", params={"size": 100, "page": 2}).json()
    fields = first["items"] + rest["items"]
    assert len(fields) == first["total"] > 20
    assert {"code": "F1102", "name": "激光技术与装备", "parent_code": "F11"} in fields
    reasons = [r["name"] for r in client.get("/api/v1/taxonomy/return-reasons").json()["items"]]
    assert "技术领域分类不准确" in reasons
    assert client.get("/api/v1/taxonomy/nope").status_code == 404


def test_a_star_comes_off_in_the_api_as_on_the_page_after_the_listing_closed(
    client: TestClient, session: Session, org: Organization, org_admin: User
) -> None:
    reader = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    listing = make_listing(session, org, org_admin)
    url = f"/api/v1/achievements/{listing.id}/favourite"
    assert client.put(url, headers=bearer(session, reader)).status_code == 204
    listing.status = ListingStatus.CLOSED  # no longer public: nobody else may open it now
    session.flush()
    assert (
        client.get(
            f"/api/v1/achievements/{listing.id}", headers=bearer(session, reader)
        ).status_code
        == 404
    )
    assert client.put(url, headers=bearer(session, reader)).status_code == 404
    assert client.delete(url, headers=bearer(session, reader)).status_code == 204
    mine = client.get("/api/v1/me/favourites", headers=bearer(session, reader))
    assert mine.status_code == 200 and mine.json()["total"] == 0
    assert (
        client.delete(
            "/api/v1/achievements/999999/favourite", headers=bearer(session, reader)
        ).status_code
        == 404
    )
