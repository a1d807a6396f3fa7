"""The hall's kinds: 高新技术企业认定补贴, 研发投入补助 on versioned rates, the expert-reviewed
awards within their caps, and 惠企政策精准推送 for organisations that qualify and that do not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.models import LedgerEntry, Organization, OrgTag, ServiceCase, User
from app.models.enums import (
    CaseStatus,
    LedgerKind,
    OrgTagKind,
    OrgType,
    ResourceKind,
    Role,
    VoucherCategory,
    VoucherMode,
)
from app.services import kinds, orders, rd, service, voucher
from app.services.schemas import (
    CaseCreate,
    CaseMove,
    MarkIn,
    OrderCreate,
    PanelSet,
    ScoreCreate,
)
from tests.factories.accounts import make_org, make_user
from tests.factories.resources import make_resource
from tests.services.helpers import advance, enterprise, pilot_platform, pool, provider

D = Decimal


@pytest.fixture
def staff(platform_admin: User) -> Actor:
    return Actor(user=platform_admin)


def year() -> int:
    return today().year


def high_tech(session: Session, certified: date | None) -> tuple[Organization, User]:
    org, user = enterprise(session, tag=None)
    session.add(
        OrgTag(
            org_id=org.id,
            kind=OrgTagKind.HIGH_TECH,
            certificate_no="GR202622000777",
            certified_on=certified,
        )
    )
    session.flush()
    return org, user


class TestHighTechSubsidy:
    def test_recognised_this_year_gets_30000_by_voucher_and_the_districts_100000_recorded(
        self, session: Session, staff: Actor
    ) -> None:
        pool(session, staff, year(), "1000000")
        _org, user = high_tech(session, today())
        case = service.create(session, Actor(user=user), CaseCreate(item="GQRDBT"))
        assert case.requested_amount == D("30000.00")
        assert case.form["certificate_no"] == "GR202622000777"
        advance(session, staff, user, case)
        service.act(session, staff, case.id, "grant", CaseMove())
        assert case.status == CaseStatus.GRANTED
        assert case.granted_amount == D("30000.00") and case.district_amount == D("100000.00")
        assert "后补助100,000.00元已记录" in case.reason
        line = voucher.pool(session, year())
        assert line is not None and line.committed == D("30000.00")
        # The city's part is a voucher: used with a listed provider, then redeemed.
        listed = provider(session)
        orders.order(
            session,
            Actor(user=user),
            case.id,
            OrderCreate(
                provider_org_id=listed.id,
                category=VoucherCategory.TESTING,
                mode=VoucherMode.GENERAL,
                amount=D("45000"),
            ),
        )
        orders.pay_order(session, staff, case.id)
        assert line.paid == D("30000.00")
        # It does not count against the enterprise's voucher cap.
        assert voucher.granted_in_year(session, case.org_id, year()) == D("0.00")
        with pytest.raises(Conflict, match="已申请过认定补贴"):
            service.create(session, Actor(user=user), CaseCreate(item="GQRDBT"))

    def test_without_a_recent_recognition_the_application_is_refused(
        self, session: Session
    ) -> None:
        _org, user = high_tech(session, date(year() - 3, 5, 1))
        with pytest.raises(Conflict, match="认定当年或次年申请"):
            service.create(session, Actor(user=user), CaseCreate(item="GQRDBT"))
        _org, other = enterprise(session, tag=None)
        with pytest.raises(Conflict, match="未登记高新技术企业认定"):
            service.create(session, Actor(user=other), CaseCreate(item="GQRDBT"))


def rd_case(session: Session, user: User, this: str, last: str) -> ServiceCase:
    return service.create(
        session,
        Actor(user=user),
        CaseCreate(
            item="YFTRBZ",
            rd_year=year() - 1,
            rd_expense=D(this),
            rd_expense_last=D(last),
            purpose="新能源汽车电控系统研发",
        ),
    )


class TestRdSubsidy:
    def test_base_plus_increment_is_computed_exactly(self, session: Session) -> None:
        rate = rd.rate_on(session, today())
        assert rate.version == 1
        quote = rd.compute(rate, 2025, D("8123456.78"), D("6000000.00"))
        # 8,123,456.78 × 5% = 406,172.839 → 406,172.84; (2,123,456.78) × 10% = 212,345.678 → .68
        assert quote.base == D("406172.84") and quote.increment == D("212345.68")
        assert quote.amount == D("618518.52")
        assert "基础补助" in quote.explanation and "第1版" in quote.explanation
        fallen = rd.compute(rate, 2025, D("1000000"), D("3000000"))
        assert fallen.increment == D("0.00") and fallen.amount == D("50000.00")

    def test_the_cap_of_one_million_holds(self, session: Session) -> None:
        quote = rd.compute(rd.rate_on(session, today()), 2025, D("30000000"), D("10000000"))
        assert quote.base + quote.increment == D("3500000.00")
        assert quote.amount == D("1000000.00") and "按上限1,000,000.00元" in quote.explanation

    def test_application_grant_and_disbursement_on_the_items_budget(
        self, session: Session, staff: Actor
    ) -> None:
        org, user = enterprise(session, tag=None)
        case = rd_case(session, user, "8000000", "6000000")
        assert case.requested_amount == D("600000.00")
        assert set(rd.expenses(session, org.id)) == {year() - 1, year() - 2}
        advance(session, staff, user, case)
        with pytest.raises(Conflict, match="资金尚未设置"):
            service.act(session, staff, case.id, "grant", CaseMove())
        assert case.status == CaseStatus.PROCESSING
        kinds.set_budget(session, staff, 21, year(), D("500000"))
        with pytest.raises(Conflict, match="余额不足"):
            service.act(session, staff, case.id, "grant", CaseMove())
        kinds.set_budget(session, staff, 21, year(), D("5000000"))
        service.act(session, staff, case.id, "grant", CaseMove())
        assert case.granted_amount == D("600000.00") and case.form["rate_version"] == 1
        service.disburse(session, staff, case.id)
        with pytest.raises(Conflict):
            service.disburse(session, staff, case.id)
        paid = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.subject_id == case.id, LedgerEntry.kind == LedgerKind.PAY
            )
        ).all()
        assert [e.amount for e in paid] == [D("600000.00")]
        with pytest.raises(Conflict, match="已申请本事项"):
            rd_case(session, user, "9000000", "8000000")

    def test_a_new_version_of_the_rates_applies_from_its_day_on(
        self, session: Session, staff: Actor
    ) -> None:
        tomorrow = today() + timedelta(days=1)
        v2 = rd.revise_rates(
            session,
            staff,
            base_rate=D("0.04"),
            increment_rate=D("0.2"),
            cap=D("1000000"),
            effective_from=tomorrow,
            note="按市科技局2027年度通知调整",
        )
        assert v2.version == 2
        assert rd.rate_on(session, today()).version == 1
        later = rd.compute(rd.rate_on(session, tomorrow), 2026, D("8000000"), D("6000000"))
        assert later.amount == D("720000.00") and "第2版" in later.explanation
        with pytest.raises(InvalidInput):
            rd.revise_rates(
                session,
                staff,
                base_rate=D("0.04"),
                increment_rate=D("0.2"),
                cap=D("1000000"),
                effective_from=today(),
            )

    def test_not_surveyed_or_not_an_enterprise_is_refused(self, session: Session) -> None:
        _org, user = enterprise(session, tag=None)
        with pytest.raises(Conflict, match="未纳入国家科技统计调查"):
            service.create(
                session,
                Actor(user=user),
                CaseCreate(
                    item="YFTRBZ",
                    rd_year=year() - 1,
                    rd_expense=D("100"),
                    rd_expense_last=D("0"),
                    surveyed=False,
                ),
            )
        with pytest.raises(InvalidInput):
            service.create(session, Actor(user=user), CaseCreate(item="YFTRBZ"))
        uni = make_org(session, org_type=OrgType.UNIVERSITY)
        teacher = make_user(session, org=uni)
        with pytest.raises(Conflict, match="面向企业"):
            rd_case(session, teacher, "100000", "0")


class TestExpertReviewedAwards:
    def test_a_filed_pilot_platform_is_reviewed_and_decided_within_the_cap(
        self, session: Session, staff: Actor
    ) -> None:
        org, user = pilot_platform(session, filed=True)
        case = service.create(
            session, Actor(user=user), CaseCreate(item="ZSPTJL", amount=D("1500000"))
        )
        assert case.requested_amount == D("1500000.00")
        advance(session, staff, user, case)
        insider = make_user(session, role=Role.EXPERT, org=org, name="本单位专家")
        experts = [make_user(session, role=Role.EXPERT, name=f"评审专家{n}") for n in (1, 2)]
        with pytest.raises(Conflict, match="专家评审"):
            service.act(session, staff, case.id, "grant", CaseMove(amount=D("1000000")))
        service.form_panel(
            session, staff, case.id, PanelSet(expert_ids=[insider.id] + [e.id for e in experts])
        )
        with pytest.raises(PermissionDenied, match="回避"):
            service.score(session, Actor(user=insider), case.id, _marks(90, 90, 90))
        service.score(session, Actor(user=experts[0]), case.id, _marks(90, 80, 70))
        with pytest.raises(Conflict, match="评审专家2尚未评"):
            service.act(session, staff, case.id, "grant", CaseMove(amount=D("1000000")))
        review = service.score(session, Actor(user=experts[1]), case.id, _marks(80, 80, 80))
        assert review["missing"] == []
        kinds.set_budget(session, staff, 10, year(), D("10000000"))
        with pytest.raises(InvalidInput, match=r"不能超过本事项上限2,000,000\.00元"):
            service.act(session, staff, case.id, "grant", CaseMove(amount=D("2000000.01")))
        service.act(session, staff, case.id, "grant", CaseMove(amount=D("1200000")))
        assert case.granted_amount == D("1200000.00")
        summary = service.progress(session, staff.user, case.id)["review"]
        assert summary["mean"] == D("80.75")  # (81.5 + 80) / 2, the insider not counted
        with pytest.raises(Conflict):
            service.score(session, Actor(user=experts[1]), case.id, _marks(10, 10, 10))

    def test_an_unfiled_platform_or_the_wrong_organisation_type_may_not_apply(
        self, session: Session
    ) -> None:
        _org, user = pilot_platform(session, filed=False)
        with pytest.raises(Conflict, match="已纳入市级备案的中试平台"):
            service.create(session, Actor(user=user), CaseCreate(item="ZSPTJL"))
        with pytest.raises(Conflict, match="新型研发机构"):
            service.create(session, Actor(user=user), CaseCreate(item="XXYFJL"))
        with pytest.raises(Conflict, match="面向"):
            service.create(session, Actor(user=user), CaseCreate(item="JSZYJL"))

    def test_linked_items_are_done_where_they_belong(self, session: Session) -> None:
        _org, user = enterprise(session)
        with pytest.raises(Conflict, match="/contracts/new"):
            service.create(session, Actor(user=user), CaseCreate(item="JSHTDJ"))


def _marks(*scores: int) -> ScoreCreate:
    return ScoreCreate(items=[MarkIn(score=s, comment="材料翔实") for s in scores])


def _verdicts(session: Session, user: User) -> dict[str, object]:
    return {v.item.code: v for v in service.recommendations(session, user)["items"]}


class TestRecommendations:
    def test_a_high_tech_enterprise_with_rd_figures_sees_what_it_may_apply_for(
        self, session: Session, staff: Actor
    ) -> None:
        org, user = high_tech(session, today())
        rd.record_expense(session, staff, org.id, year() - 1, D("8000000"), True)
        rd.record_expense(session, staff, org.id, year() - 2, D("6000000"), True)
        found = _verdicts(session, user)
        voucher_v, subsidy, rd_v = found["KJCXQ"], found["GQRDBT"], found["YFTRBZ"]
        assert voucher_v.eligible and voucher_v.estimate == D("200000.00")  # type: ignore[attr-defined]
        assert subsidy.eligible and subsidy.estimate == D("30000.00")  # type: ignore[attr-defined]
        assert "100,000.00元" in subsidy.estimate_note  # type: ignore[attr-defined]
        assert rd_v.eligible and rd_v.estimate == D("600000.00")  # type: ignore[attr-defined]
        assert not found["ZSPTJL"].eligible  # type: ignore[attr-defined]
        assert found["JSHTDJ"].eligible  # type: ignore[attr-defined]
        assert found["KJCXQ"].clause_url == "/policies/clauses/23"  # type: ignore[attr-defined]
        items = service.recommendations(session, user)["items"]
        first_closed = next(i for i, v in enumerate(items) if not v.eligible)
        assert all(not v.eligible for v in items[first_closed:])

    def test_an_enterprise_without_recognitions_or_figures_is_told_why_not(
        self, session: Session
    ) -> None:
        _org, user = enterprise(session, tag=None)
        found = _verdicts(session, user)
        assert not found["KJCXQ"].eligible  # type: ignore[attr-defined]
        assert "仅面向高新技术企业和科技型中小企业" in found["KJCXQ"].reasons[0]  # type: ignore[attr-defined]
        assert "尚未填报" in found["YFTRBZ"].reasons[0]  # type: ignore[attr-defined]
        assert not found["GQRDBT"].eligible  # type: ignore[attr-defined]

    def test_a_university_with_a_transfer_institution_may_claim_item_9(
        self, session: Session
    ) -> None:
        uni = make_org(session, org_type=OrgType.UNIVERSITY)
        keeper = make_user(session, org=uni)
        make_resource(
            session,
            keeper,
            kind=ResourceKind.TRANSFER_INSTITUTION,
            name="技术转移中心",
            summary="负责学校科技成果转化",
        )
        found = _verdicts(session, keeper)
        assert found["JSZYJL"].eligible  # type: ignore[attr-defined]
        assert found["JSZYJL"].estimate == D("1000000.00")  # type: ignore[attr-defined]
        assert not found["KJCXQ"].eligible and not found["YFTRBZ"].eligible  # type: ignore[attr-defined]
