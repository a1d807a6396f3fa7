"""Technical contracts: creation, registration (认定登记) and payments against milestones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.models import Organization, User
from app.models.enums import ContractStatus, OrgRole, OrgType, PartySide, Role
from app.trading import service
from app.trading.schemas import PaymentCreate
from tests.factories.accounts import make_org, make_user
from tests.factories.trading import contract_data, make_contract


@pytest.fixture
def university(session: Session) -> Organization:
    return make_org(session, name="吉林测试大学", org_type=OrgType.UNIVERSITY, region_code="220104")


@pytest.fixture
def enterprise(session: Session) -> Organization:
    return make_org(session, name="长春测试汽车零部件有限公司", region_code="220173")


@pytest.fixture
def seller_admin(session: Session, university: Organization) -> User:
    return make_user(session, org=university, org_role=OrgRole.ADMIN, name="成果处王老师")


class TestCreate:
    def test_parties_are_snapshotted_with_side_locality_and_legal_person_type(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        contract = make_contract(session, seller_admin, university, enterprise)
        assert contract.status == ContractStatus.DRAFT
        assert contract.tech_amount == contract.total_amount == Decimal("800000.00")
        seller, buyer = contract.parties
        assert (seller.side, seller.name, seller.is_local) == (
            PartySide.SELLER,
            "吉林测试大学",
            True,
        )
        assert seller.legal_person_type == "22"  # 事业法人（高等院校）
        assert (buyer.side, buyer.legal_person_type, buyer.region_code) == (
            PartySide.BUYER,
            "31",
            "220173",
        )
        assert [m.name for m in contract.milestones] == ["合同生效后首付款", "技术交付验收后尾款"]

    def test_party_outside_the_city_is_not_local(
        self, session: Session, seller_admin: User, university: Organization
    ) -> None:
        data = contract_data(
            university,
            university,
            parties=[
                {"role": "assignor", "org_id": university.id},
                {
                    "role": "assignee",
                    "name": "沈阳某装备有限公司",
                    "org_type": "enterprise",
                    "region_code": "220199",
                },
            ],
        )
        contract = service.create_contract(session, Actor(user=seller_admin), data)
        assert [p.is_local for p in contract.parties] == [True, False]

    def test_outsider_may_not_enter_a_contract(
        self, session: Session, university: Organization, enterprise: Organization
    ) -> None:
        stranger = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
        with pytest.raises(PermissionDenied):
            make_contract(session, stranger, university, enterprise)

    def test_broker_who_introduced_it_may(
        self, session: Session, university: Organization, enterprise: Organization
    ) -> None:
        broker = make_user(session, role=Role.BROKER)
        contract = make_contract(session, broker, university, enterprise, broker_id=broker.id)
        assert contract.broker_id == broker.id

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"tech_amount": "900000"}, "技术交易额不能超过合同总额"),
            ({"milestones": [{"name": "一次付清", "amount": "900000"}]}, "超过了合同总额"),
            ({"tech_field": "99"}, "技术领域代码不正确"),
            ({"total_amount": "12.345"}, "两位小数"),
        ],
    )
    def test_bad_input_is_refused_in_chinese(
        self,
        university: Organization,
        enterprise: Organization,
        fields: dict[str, object],
        message: str,
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            contract_data(university, enterprise, **fields)

    def test_two_buyers_and_no_seller_is_refused(
        self, university: Organization, enterprise: Organization
    ) -> None:
        with pytest.raises(ValidationError, match="技术卖方"):
            contract_data(
                university,
                enterprise,
                parties=[
                    {"role": "assignee", "org_id": university.id},
                    {"role": "assignee", "org_id": enterprise.id},
                ],
            )

    def test_broker_must_be_a_broker(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        with pytest.raises(InvalidInput) as info:
            make_contract(session, seller_admin, university, enterprise, broker_id=seller_admin.id)
        assert "技术经纪人" in info.value.errors["broker_id"]


class TestRegistration:
    def test_approval_numbers_by_region_and_year_without_gaps(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
        settings: object,
    ) -> None:
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        numbers = []
        for _ in range(3):
            contract = make_contract(session, seller_admin, university, enterprise)
            service.submit_registration(session, Actor(user=seller_admin), contract)
            service.approve_registration(session, Actor(user=admin), contract)
            numbers.append(contract.registration_no)
            assert contract.rules_version == "吉林省技术合同认定登记实施细则（2025）"
        year = service.local_year()
        first = int(numbers[0][-6:])
        assert numbers == [f"220104{year}{first + i:06d}" for i in range(3)]

    def test_returned_with_reason_then_resubmitted(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        admin = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220104")
        contract = make_contract(session, seller_admin, university, enterprise)
        service.submit_registration(session, Actor(user=seller_admin), contract)
        service.return_registration(session, Actor(user=admin), contract, "缺少专利证书复印件")
        assert (contract.status, contract.return_reason) == (
            ContractStatus.RETURNED,
            "缺少专利证书复印件",
        )
        service.submit_registration(session, Actor(user=seller_admin), contract)
        assert contract.status == ContractStatus.SUBMITTED

    def test_district_admin_of_another_region_may_not_judge(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        elsewhere = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        contract = make_contract(session, seller_admin, university, enterprise)
        service.submit_registration(session, Actor(user=seller_admin), contract)
        with pytest.raises(PermissionDenied):
            service.approve_registration(session, Actor(user=elsewhere), contract)

    def test_cannot_approve_twice(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        contract = make_contract(session, seller_admin, university, enterprise)
        service.submit_registration(session, Actor(user=seller_admin), contract)
        service.approve_registration(session, Actor(user=admin), contract)
        with pytest.raises(Conflict, match="已登记"):
            service.approve_registration(session, Actor(user=admin), contract)


class TestPayments:
    def test_sum_never_exceeds_the_milestone_or_the_contract(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        contract = make_contract(session, seller_admin, university, enterprise)
        first, second = contract.milestones
        actor = Actor(user=seller_admin)

        def pay(milestone_id: int, amount: str) -> None:
            service.record_payment(
                session,
                actor,
                contract.id,
                PaymentCreate(milestone_id=milestone_id, amount=amount, paid_on=date(2026, 11, 25)),
            )

        pay(first.id, "200000")
        pay(first.id, "100000")
        with pytest.raises(InvalidInput, match=r"尚余 0\.00元"):
            pay(first.id, "0.01")
        pay(second.id, "500000")
        session.expire_all()
        contract = service.get_contract(session, actor, contract.id)
        assert contract.paid_amount == Decimal("800000.00")
        assert [m.paid_amount for m in contract.milestones] == [
            Decimal("300000.00"),
            Decimal("500000.00"),
        ]
        assert service.payments_in_year(contract, 2026) == Decimal("800000.00")

    def test_a_milestone_paid_in_full_is_complete_on_its_last_payment_day(
        self,
        session: Session,
        seller_admin: User,
        university: Organization,
        enterprise: Organization,
    ) -> None:
        contract = make_contract(session, seller_admin, university, enterprise)
        first, second = contract.milestones
        actor = Actor(user=seller_admin)

        def pay(milestone_id: int, amount: str, day: date) -> None:
            service.record_payment(
                session,
                actor,
                contract.id,
                PaymentCreate(milestone_id=milestone_id, amount=amount, paid_on=day),
            )

        # Recorded late and out of order: 100,000 arrived on the 20th, 200,000 on the 10th.
        pay(first.id, "100000", date(2026, 11, 20))
        pay(second.id, "499999.99", date(2026, 11, 21))
        assert first.completed_on is None and second.completed_on is None
        pay(first.id, "200000", date(2026, 11, 10))
        assert first.completed_on == date(2026, 11, 20)
        assert second.completed_on is None  # one cent short
        session.expire_all()
        contract = service.get_contract(session, actor, contract.id)
        assert [m.completed_on for m in contract.milestones] == [date(2026, 11, 20), None]


def test_submission_tells_the_registrars(
    session: Session, seller_admin: User, university: Organization, enterprise: Organization
) -> None:
    from app.models import Notification

    here = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220104")
    elsewhere = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
    platform = make_user(session, role=Role.PLATFORM_ADMIN)
    contract = make_contract(session, seller_admin, university, enterprise)
    service.submit_registration(session, Actor(user=seller_admin), contract)
    session.flush()
    told = {n.user_id for n in session.query(Notification).filter_by(topic="contract.registration")}
    assert {here.id, platform.id} <= told and elsewhere.id not in told


def test_amounts_in_notifications_are_grouped_to_the_fen(
    session: Session, seller_admin: User, university: Organization, enterprise: Organization
) -> None:
    from app.models import Notification

    buyer_admin = make_user(session, org=enterprise, org_role=OrgRole.ADMIN)
    make_contract(session, seller_admin, university, enterprise)
    (note,) = session.query(Notification).filter_by(user_id=buyer_admin.id).all()
    assert "合同金额 800,000.00元" in note.body
