"""Instrument use paid with an innovation voucher (创新券) granted in the service hall."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.db import utcnow
from app.models import AuditEvent, InstrumentBooking, User
from app.models.enums import ResourceKind, UsagePayment, VoucherCategory, VoucherMode
from app.services import orders
from app.services import service as hall
from app.services.schemas import CaseMove, OrderCreate
from tests.factories.resources import make_booking, make_resource
from tests.orgs.test_endpoints import bearer
from tests.services.helpers import enterprise, pool, to_processing, voucher_case


def _used(session: Session, booking: InstrumentBooking, days_ago: int = 1) -> None:
    booking.starts_at = utcnow() - timedelta(days=days_ago, hours=3)
    booking.ends_at = utcnow() - timedelta(days=days_ago, hours=1)
    session.flush()


def test_use_is_charged_to_a_granted_voucher_and_paid_when_it_is_redeemed(
    client: TestClient, session: Session, org_admin: User, platform_admin: User
) -> None:
    staff = Actor(user=platform_admin)
    pool(session, staff, today().year, "1000000")
    _ent, person = enterprise(session)
    case = to_processing(session, staff, person, voucher_case(session, person, "50000"))
    instrument = make_resource(session, org_admin, accepts_vouchers=True)
    # The instrument's organisation is also in the voucher providers' directory for testing.
    make_resource(
        session,
        org_admin,
        kind=ResourceKind.SERVICE_PROVIDER,
        name="测试平台检验检测服务",
        summary="承接材料微观形貌与成分检测",
        services=[VoucherCategory.TESTING.value],
        accepts_vouchers=True,
    )
    booking = make_booking(session, person, instrument, in_days=5)
    keeper = bearer(session, org_admin)
    assert client.post(f"/api/v1/bookings/{booking.id}/approve", json={}, headers=keeper).is_success
    _used(session, booking)
    usage = f"/api/v1/bookings/{booking.id}/usage"
    body = {"used_hours": "2", "payment": "voucher_pending"}

    missing = client.post(usage, json=body, headers=keeper)
    assert missing.status_code == 422 and "流水号" in missing.text
    not_yet = client.post(usage, json={**body, "voucher_ref": case.serial_no}, headers=keeper)
    assert not_yet.status_code == 422 and "尚未核定" in not_yet.text

    hall.act(session, staff, case.id, "grant", CaseMove())
    charged = client.post(
        usage, json={**body, "voucher_ref": f" {case.serial_no.lower()} "}, headers=keeper
    )
    assert charged.status_code == 200, charged.text
    assert charged.json()["payment"] == "voucher_pending"
    assert charged.json()["voucher_ref"] == case.serial_no
    assert Decimal(charged.json()["fee"]) == Decimal("600.00")

    # The enterprise uses the voucher at the instrument's organisation; the hall redeems it.
    order = OrderCreate(
        provider_org_id=instrument.org_id,
        category=VoucherCategory.TESTING,
        mode=VoucherMode.REDEEM,
        amount=Decimal("50000"),
    )
    orders.order(session, Actor(user=person), case.id, order)
    orders.pay_order(session, staff, case.id)
    session.refresh(booking)
    assert booking.payment == UsagePayment.VOUCHER_PAID
    assert session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "instrument_booking.voucher_paid",
            AuditEvent.object_id == str(booking.id),
        )
    ).first()
    mine = client.get("/api/v1/bookings/mine", headers=bearer(session, person)).json()
    assert mine["items"][0]["payment"] == "voucher_paid"

    # A redeemed voucher pays for nothing more.
    again = make_booking(session, person, instrument, in_days=6)
    client.post(f"/api/v1/bookings/{again.id}/approve", json={}, headers=keeper)
    _used(session, again, days_ago=2)
    spent = client.post(
        f"/api/v1/bookings/{again.id}/usage",
        json={**body, "voucher_ref": case.serial_no},
        headers=keeper,
    )
    assert spent.status_code == 422 and "已兑付" in spent.text


def test_a_voucher_of_another_organisation_is_refused(
    client: TestClient, session: Session, org_admin: User, platform_admin: User
) -> None:
    staff = Actor(user=platform_admin)
    pool(session, staff, today().year, "1000000")
    _ent, holder = enterprise(session)
    case = to_processing(session, staff, holder, voucher_case(session, holder, "30000"))
    hall.act(session, staff, case.id, "grant", CaseMove())
    _other, stranger = enterprise(session)
    instrument = make_resource(session, org_admin, accepts_vouchers=True)
    booking = make_booking(session, stranger, instrument, in_days=5)
    keeper = bearer(session, org_admin)
    client.post(f"/api/v1/bookings/{booking.id}/approve", json={}, headers=keeper)
    _used(session, booking)
    refused = client.post(
        f"/api/v1/bookings/{booking.id}/usage",
        json={"used_hours": "1", "payment": "voucher_pending", "voucher_ref": case.serial_no},
        headers=keeper,
    )
    assert refused.status_code == 422 and "预约人所在机构" in refused.text
