"""The directory and instrument bookings through the JSON API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.models import AuditEvent, Notification, Organization, User
from app.models.enums import BookingStatus, OrgRole, OrgStatus, OrgType, ResourceKind
from tests.factories.accounts import make_org, make_user
from tests.factories.resources import make_booking, make_resource
from tests.orgs.test_endpoints import bearer


def _range(days: int, hour: int, hours: int) -> dict[str, str]:
    start = (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "purpose": "样品测试",
    }


class TestDirectory:
    def test_entries_appear_after_review_only(
        self, client: TestClient, session: Session, org_admin: User, platform_admin: User
    ) -> None:
        body = {
            "kind": "pilot_platform",
            "name": "长春新区先进材料中试基地",
            "region_code": "220173",
            "services": ["中试熟化", "proof_of_concept"],
        }
        created = client.post("/api/v1/resources", json=body, headers=bearer(session, org_admin))
        assert created.status_code == 201, created.text
        entry = created.json()
        assert entry["status"] == "draft"
        assert entry["services"] == ["pilot_scale", "proof_of_concept"]
        assert client.get("/api/v1/resources").json()["total"] == 0
        assert client.get(f"/api/v1/resources/{entry['id']}").status_code == 404

        submit = f"/api/v1/resources/{entry['id']}/submit"
        assert client.post(submit, headers=bearer(session, org_admin)).status_code == 200
        approve = f"/api/v1/resources/{entry['id']}/approve"
        denied = client.post(approve, json={}, headers=bearer(session, org_admin))
        assert denied.status_code == 403
        ok = client.post(
            approve, json={"note": "信息完整"}, headers=bearer(session, platform_admin)
        )
        assert ok.status_code == 200 and ok.json()["status"] == "published"
        again = client.post(approve, json={}, headers=bearer(session, platform_admin))
        assert again.status_code == 409 and "已发布" in again.json()["detail"]

        listed = client.get("/api/v1/resources", params={"kind": "pilot_platform"}).json()
        assert [e["name"] for e in listed["items"]] == ["长春新区先进材料中试基地"]
        by_service = client.get("/api/v1/resources", params={"service": "testing"}).json()
        assert by_service["total"] == 0
        assert (
            session.scalar(
                select(func.count()).where(
                    AuditEvent.object_type == "resource", AuditEvent.action == "resource.approve"
                )
            )
            == 1
        )
        assert session.scalar(
            select(func.count()).where(
                Notification.user_id == org_admin.id, Notification.topic == "resource.published"
            )
        )

    def test_filters_search_and_pagination(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        for i in range(3):
            make_resource(session, org_admin, name=f"液相色谱仪{i}", maker="岛津")
        make_resource(session, org_admin, name="激光共聚焦显微镜", region_code="220172")
        make_resource(
            session,
            org_admin,
            kind=ResourceKind.TRANSFER_INSTITUTION,
            name="长春技术转移中心",
            filing_no="长科转备〔2026〕3号",
        )
        page = client.get("/api/v1/resources", params={"q": "色谱", "size": 2}).json()
        assert page["total"] == 3 and len(page["items"]) == 2
        assert client.get("/api/v1/resources", params={"region": "220172"}).json()["total"] == 1
        filed = client.get("/api/v1/resources", params={"filed": "true"}).json()
        assert [e["name"] for e in filed["items"]] == ["长春技术转移中心"]
        assert filed["items"][0]["filed"] is True

    def test_bad_input_is_explained(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        body = {
            "kind": "service_provider",
            "name": "某检测公司",
            "region_code": "999999",
            "services": ["理发"],
        }
        response = client.post("/api/v1/resources", json=body, headers=bearer(session, org_admin))
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "行政区划" in response.text

    def test_an_unverified_organisation_cannot_register(
        self, client: TestClient, session: Session
    ) -> None:
        org = make_org(session, status=OrgStatus.PENDING)
        admin = make_user(session, org=org, org_role=OrgRole.ADMIN)
        body = {"kind": "lab", "name": "某重点实验室", "region_code": "220173"}
        response = client.post("/api/v1/resources", json=body, headers=bearer(session, admin))
        assert response.status_code == 403


class TestBooking:
    def test_request_approve_and_overlap(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        instrument = make_resource(session, org_admin)
        lab = make_org(session, org_type=OrgType.UNIVERSITY)
        a = make_user(session, org=lab, name="甲")
        b = make_user(session, org=lab, name="乙")
        path = f"/api/v1/resources/{instrument.id}/bookings"
        first = client.post(path, json=_range(3, 9, 2), headers=bearer(session, a))
        second = client.post(path, json=_range(3, 10, 2), headers=bearer(session, b))
        assert first.status_code == 201 and second.status_code == 201  # requests may overlap
        owner = bearer(session, org_admin)
        ok = client.post(f"/api/v1/bookings/{first.json()['id']}/approve", json={}, headers=owner)
        assert ok.status_code == 200 and ok.json()["status"] == "approved"
        clash = client.post(
            f"/api/v1/bookings/{second.json()['id']}/approve", json={}, headers=owner
        )
        assert clash.status_code == 409 and "重叠" in clash.json()["detail"]
        late = client.post(path, json=_range(3, 10, 1), headers=bearer(session, b))
        assert late.status_code == 409
        adjacent = client.post(path, json=_range(3, 11, 1), headers=bearer(session, b))
        assert adjacent.status_code == 201, adjacent.text
        calendar = client.get(path).json()["items"]
        assert {c["status"] for c in calendar} == {"approved", "pending"}
        denied = client.post(
            f"/api/v1/bookings/{adjacent.json()['id']}/approve", json={}, headers=bearer(session, a)
        )
        assert denied.status_code in (403, 404)

    def test_past_and_too_long_ranges_are_refused(
        self, client: TestClient, session: Session, org_admin: User, member: User
    ) -> None:
        instrument = make_resource(session, org_admin)
        path = f"/api/v1/resources/{instrument.id}/bookings"
        past = client.post(path, json=_range(-1, 9, 2), headers=bearer(session, member))
        assert past.status_code == 422 and "晚于当前时间" in past.text
        long = client.post(path, json=_range(2, 9, 100), headers=bearer(session, member))
        assert long.status_code == 422 and "最长" in long.text
        backwards = _range(2, 9, 2)
        backwards["ends_at"], backwards["starts_at"] = backwards["starts_at"], backwards["ends_at"]
        assert client.post(path, json=backwards, headers=bearer(session, member)).status_code == 422

    def test_who_may_book(self, client: TestClient, session: Session, org_admin: User) -> None:
        own = make_resource(session, org_admin, booking_access="own_org")
        outsider = make_user(session, org=make_org(session))
        response = client.post(
            f"/api/v1/resources/{own.id}/bookings",
            json=_range(3, 9, 1),
            headers=bearer(session, outsider),
        )
        assert response.status_code == 403 and "本单位" in response.json()["detail"]

    def test_cancellation_rules_and_usage(
        self, client: TestClient, session: Session, org_admin: User, org: Organization
    ) -> None:
        instrument = make_resource(session, org_admin, accepts_vouchers=True)
        requester = make_user(session, org=make_org(session), name="预约人")
        # Tomorrow at this hour, on the hour: less than 24 hours ahead.
        soon = make_booking(session, requester, instrument, in_days=1, hour=utcnow().hour, hours=1)
        later = make_booking(session, requester, instrument, in_days=5)
        owner = bearer(session, org_admin)
        for b in (soon, later):
            assert client.post(
                f"/api/v1/bookings/{b.id}/approve", json={}, headers=owner
            ).is_success
        mine = bearer(session, requester)
        refused = client.post(f"/api/v1/bookings/{soon.id}/cancel", json={}, headers=mine)
        assert refused.status_code == 409 and "24小时" in refused.json()["detail"]
        ok = client.post(f"/api/v1/bookings/{later.id}/cancel", json={}, headers=mine)
        assert ok.status_code == 200 and ok.json()["status"] == "cancelled"
        twice = client.post(f"/api/v1/bookings/{later.id}/cancel", json={}, headers=mine)
        assert twice.status_code == 409
        # Usage is recorded once the time has come.
        early = client.post(
            f"/api/v1/bookings/{soon.id}/usage", json={"used_hours": "1"}, headers=owner
        )
        assert early.status_code == 409
        soon.starts_at = utcnow() - timedelta(hours=2)
        soon.ends_at = utcnow() - timedelta(hours=1)
        session.flush()
        used = client.post(
            f"/api/v1/bookings/{soon.id}/usage",
            json={"used_hours": "1.5", "payment": "unpaid"},
            headers=owner,
        )
        assert used.status_code == 200, used.text
        assert used.json()["status"] == BookingStatus.COMPLETED
        assert Decimal(used.json()["fee"]) == Decimal("450.00")
        assert used.json()["payment"] == "unpaid"  # vouchers: tests/resources/test_vouchers.py
        assert client.get("/api/v1/bookings/mine", headers=mine).json()["total"] == 2
        assert client.get("/api/v1/bookings/incoming", headers=owner).json()["total"] == 2
