"""The public statistics, the staff dashboard, their exports and the certificate check."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.models import User
from app.models.enums import ContractType, ListingKind, OrgRole, OrgType, Role
from app.trading import service as trading
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer


def _registered(session: Session, total: str = "800000", **fields: object) -> str:
    seller = make_org(session, name="吉林测试大学", org_type=OrgType.UNIVERSITY)
    buyer = make_org(session, name="长春测试汽车电子有限公司", region_code="220172")
    clerk = make_user(session, org=seller, org_role=OrgRole.ADMIN)
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    contract = make_contract(session, clerk, seller, buyer, total=total, **fields)
    trading.submit_registration(session, Actor(user=clerk), contract)
    trading.approve_registration(session, Actor(user=admin), contract)
    session.flush()
    assert contract.registration_no
    return contract.registration_no


def _table(body: list[dict[str, object]], key: str) -> dict[str, object]:
    return next(t for t in body if t["key"] == key)


class TestStatistics:
    def test_figures_by_dimension_and_the_funnel(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        org = org_admin.org
        assert org is not None
        for _ in range(3):
            make_listing(session, org, org_admin)
        make_listing(session, org, org_admin, kind=ListingKind.DEMAND)
        _registered(session, contract_type=ContractType.TRANSFER)
        page = client.get("/api/v1/statistics").json()
        assert page["total"] == len(page["items"])
        body = page["items"]
        keys = {t["key"] for t in body}
        assert "rewards" not in keys  # budgets are for staff
        regions = _table(body, "listings_by_region")["rows"]
        assert regions == [["长春高新技术产业开发区", 3, 1, 0, 4]]
        funnel = _table(body, "funnel")["rows"]
        assert funnel[0][:2] == ["已发布信息", 4]
        by_type = _table(body, "contracts_by_type")["rows"]
        assert by_type == [["技术转让", 1, "800000.00", "800000.00"]]
        demands = _table(body, "demands_answered")["rows"]
        assert demands[0][1] == 1
        other = client.get("/api/v1/statistics", params={"region": "220102"}).json()["items"]
        assert _table(other, "listings_by_region")["rows"] == []
        past = client.get("/api/v1/statistics/funnel", params={"year": 2001}).json()
        assert past["rows"][0][1] == 0

    def test_figures_follow_new_data_at_once(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        org = org_admin.org
        assert org is not None
        make_listing(session, org, org_admin)
        first = client.get("/api/v1/statistics/funnel").json()["rows"][0][1]
        make_listing(session, org, org_admin)
        assert client.get("/api/v1/statistics/funnel").json()["rows"][0][1] == first + 1

    def test_pages_charts_and_exports(
        self, client: TestClient, session: Session, org_admin: User
    ) -> None:
        org = org_admin.org
        assert org is not None
        make_listing(session, org, org_admin)
        page = client.get("/statistics")
        assert page.status_code == 200
        assert "<svg" in page.text and "成果转化漏斗" in page.text
        assert "cdn" not in page.text.lower()
        exported = client.get("/statistics/export/listings_by_region.csv")
        assert exported.status_code == 200
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[0] == ["区县", "科技成果", "技术需求", "揭榜挂帅", "合计"]
        assert rows[1] == ["长春高新技术产业开发区", "1", "0", "0", "1"]
        xlsx = client.get("/statistics/export/funnel.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert client.get("/statistics/export/rewards.csv").status_code == 401
        assert client.get("/statistics", params={"year": "abc"}).status_code == 422
        assert client.get("/open-data").status_code == 200
        assert client.get("/statistics/export/nothing.csv").status_code == 404

    def test_the_dashboard_is_for_staff(
        self, client: TestClient, session: Session, org_admin: User, platform_admin: User
    ) -> None:
        assert (
            client.get("/api/v1/statistics/rewards", headers=bearer(session, org_admin)).status_code
            == 403
        )
        staff = client.get("/api/v1/statistics", headers=bearer(session, platform_admin)).json()
        assert "rewards" in {t["key"] for t in staff["items"]}


class TestVerify:
    def test_a_registered_number_shows_public_facts_only(
        self, client: TestClient, session: Session
    ) -> None:
        number = _registered(session, total="1200000", milestones=[], title="保密的合同名称")
        page = client.get("/contracts/verify", params={"code": f" {number.lower()} "})
        assert page.status_code == 200, page.text
        assert "登记有效" in page.text and number in page.text
        assert "吉林测试大学" in page.text and "100万元至500万元" in page.text
        assert "保密的合同名称" not in page.text and "1,200,000" not in page.text
        api = client.get("/api/v1/contracts/verify", params={"code": number}).json()
        assert api["amount_band"] == "100万元至500万元"
        assert "title" not in api and "tech_amount" not in api

    def test_an_unknown_number(self, client: TestClient) -> None:
        page = client.get("/contracts/verify", params={"code": "2026220100999999"})
        assert page.status_code == 404 and "没有找到" in page.text
        assert client.get("/contracts/verify").status_code == 200
        assert client.get("/api/v1/contracts/verify", params={"code": "X"}).status_code == 404


def test_amount_bands() -> None:
    from app.trading.verification import amount_band

    assert amount_band(Decimal("99999.99")) == "10万元以下"
    assert amount_band(Decimal("100000")) == "10万元至50万元"
    assert amount_band(Decimal("10000000")) == "1000万元及以上"


class TestStaffFigures:
    def test_budgets_voucher_use_and_every_table_exported(
        self, client: TestClient, session: Session, org_admin: User, platform_admin: User
    ) -> None:
        from app.core.clock import today
        from app.models import InstrumentBooking
        from app.models.enums import BookingStatus, UsagePayment
        from tests.factories.incentives import make_budget
        from tests.factories.resources import make_resource

        year = today().year
        make_budget(session, Actor(user=platform_admin), 15, "2000000", year=year)
        instrument = make_resource(session, org_admin, accepts_vouchers=True)
        start = utcnow() - timedelta(days=2)
        session.add(
            InstrumentBooking(
                resource_id=instrument.id,
                requester_id=org_admin.id,
                org_id=org_admin.active_org_id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                purpose="形貌表征",
                status=BookingStatus.COMPLETED,
                used_hours=Decimal("2.00"),
                fee=Decimal("600.00"),
                payment=UsagePayment.VOUCHER_PENDING,
            )
        )
        session.flush()
        staff = bearer(session, platform_admin)
        page = client.get("/api/v1/statistics", params={"year": year}, headers=staff).json()
        tables = {t["key"]: t for t in page["items"]}
        assert tables["rewards"]["rows"] == [["第15条", "2000000.00", "0.00", "0.00", "0.0000"]]
        assert tables["vouchers"]["rows"] == [["待创新券结算", 1, "600.00"]]
        assert {"events", "meeting_outcomes", "funnel", "contracts_by_month"} <= set(tables)
        assert tables["rewards"]["kinds"] == ["", "money", "money", "money", "percent"]
        assert tables["rewards"]["filters"] == {"year": year, "region": None}
        small = client.get("/api/v1/statistics", params={"size": 2}, headers=staff).json()
        assert len(small["items"]) == 2 and small["total"] == len(tables)
        for key in tables:
            for fmt in ("csv", "xlsx"):
                exported = client.get(f"/statistics/export/{key}.{fmt}", headers=staff)
                assert exported.status_code == 200, (key, fmt)
                assert "attachment" in exported.headers["content-disposition"]
        dashboard = client.get(
            "/dashboard", params={"year": year, "region": "220173"}, headers=staff
        )
        assert dashboard.status_code == 200
        assert "政策奖补·预算执行" in dashboard.text and "<table" in dashboard.text
