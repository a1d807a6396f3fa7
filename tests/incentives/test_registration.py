"""Registering a technical contract creates the policy's claims; payments update item 16's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import IncentiveClaim, Organization, TechContract, User
from app.models.enums import ClaimStatus, OrgRole, OrgType, Role
from app.trading import service as trading_service
from app.trading.schemas import PaymentCreate
from tests.factories.accounts import make_org, make_user
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer

D = Decimal


def claims_of(session: Session, contract_id: int) -> dict[str, IncentiveClaim]:
    rows = session.scalars(select(IncentiveClaim).where(IncentiveClaim.contract_id == contract_id))
    return {c.rule_code: c for c in rows}


def parties(session: Session) -> tuple[Organization, Organization, User, User, Organization]:
    university = make_org(session, name="吉林测试大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="长春测试汽车电子", org_type=OrgType.ENTERPRISE)
    seller_admin = make_user(session, org=university, org_role=OrgRole.ADMIN)
    broker = make_user(session, role=Role.BROKER, name="陈经纪")
    agency = make_org(session, name="长春测试技术转移中心", org_type=OrgType.TRANSFER_AGENCY)
    return university, enterprise, seller_admin, broker, agency


def test_registration_creates_the_claims_worked_by_hand(
    session: Session, platform_admin: User
) -> None:
    university, enterprise, seller_admin, broker, agency = parties(session)
    contract = make_contract(
        session,
        seller_admin,
        university,
        enterprise,
        total="6000000",
        tech_amount="5000000",
        broker_id=broker.id,
        transfer_org_id=agency.id,
    )
    trading_service.submit_registration(session, Actor(user=seller_admin), contract)
    assert claims_of(session, contract.id) == {}  # nothing before registration
    trading_service.approve_registration(session, Actor(user=platform_admin), contract)

    found = {code: c.computed_amount for code, c in claims_of(session, contract.id).items()}
    assert found == {
        "P9": D("600.00"),  # 6,000,000 × 0.01%, to the filed transfer institution
        "P15": D("180000.00"),  # 6,000,000 × 3%, to the university
        "P16-1": D("900000.00"),  # 6,000,000 × 15% (< 100万 cap), to the enterprise
        "P16-2": D("0.00"),  # 技术交易额 500万 (含): 20% of this year's payments, none yet
        "P18": D("5000.00"),  # 5,000,000 × 1‰, to the registrant (the university)
        "P19": D("50000.00"),  # 5,000,000 × 1%, to the broker
    }
    claims = claims_of(session, contract.id)
    assert claims["P18"].beneficiary_org_id == university.id
    assert claims["P19"].beneficiary_user_id == broker.id
    assert claims["P9"].beneficiary_org_id == agency.id
    assert contract.registration_no and contract.registration_no in claims["P15"].contract_label

    # Money arrives: item 16's major-project claim follows this year's payments.
    this_year = contract.registered_at.year if contract.registered_at else 2026
    trading_service.record_payment(
        session,
        Actor(user=seller_admin),
        contract.id,
        PaymentCreate(amount=D("2000000"), paid_on=date(this_year, 12, 1)),
    )
    claims = claims_of(session, contract.id)
    assert claims["P16-2"].computed_amount == D("400000.00")  # 2,000,000 × 20%
    assert claims["P16-2"].status == ClaimStatus.PENDING
    assert len(claims) == 6  # nothing created twice


def test_registration_through_the_api(
    client: TestClient, session: Session, platform_admin: User
) -> None:
    university, enterprise, seller_admin, broker, _agency = parties(session)
    contract = make_contract(session, seller_admin, university, enterprise, broker_id=broker.id)
    submitted = client.post(
        f"/api/v1/contracts/{contract.id}/submit", headers=bearer(session, seller_admin)
    )
    assert submitted.status_code == 200, submitted.text
    approved = client.post(
        f"/api/v1/contracts/{contract.id}/approve", headers=bearer(session, platform_admin)
    )
    assert approved.status_code == 200, approved.text
    mine = client.get("/api/v1/incentives/claims", headers=bearer(session, seller_admin)).json()
    # 800,000 × 3% to the university, and 800,000 × 1‰ as the registrant.
    assert {(c["rule_code"], c["computed_amount"]) for c in mine["items"]} == {
        ("P15", "24000.00"),
        ("P18", "800.00"),
    }
    theirs = client.get("/api/v1/incentives/claims", headers=bearer(session, broker)).json()
    assert [(c["rule_code"], c["computed_amount"]) for c in theirs["items"]] == [
        ("P19", "8000.00")  # 800,000 × 1%
    ]


def test_a_contract_with_claims_cannot_be_deleted(session: Session, platform_admin: User) -> None:
    university, enterprise, seller_admin, _broker, _agency = parties(session)
    contract = make_contract(session, seller_admin, university, enterprise)
    trading_service.submit_registration(session, Actor(user=seller_admin), contract)
    trading_service.approve_registration(session, Actor(user=platform_admin), contract)
    assert claims_of(session, contract.id)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(delete(TechContract).where(TechContract.id == contract.id))
    session.expire_all()
    assert session.get(TechContract, contract.id) is not None
