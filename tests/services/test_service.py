"""The service hall: the catalogue and its guides, an application from draft to 办结, the
innovation voucher's pool and caps, 使用 and 兑付, and 好差评 with its follow-up."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.core.pagination import Pagination
from app.models import AuditEvent, LedgerEntry, Notification, User
from app.models.enums import (
    CaseStatus,
    FollowUpStatus,
    LedgerKind,
    OrgTagKind,
    OrgType,
    VoucherCategory,
    VoucherMode,
    VoucherOrderStatus,
)
from app.services import guide, orders, service
from app.services.schemas import CaseMove, OrderCreate, RatingAnswer, RatingCreate
from tests.factories.accounts import make_org
from tests.services.helpers import (
    PDF,
    enterprise,
    pool,
    provider,
    submit,
    to_processing,
    voucher_case,
)

D = Decimal


@pytest.fixture
def staff(platform_admin: User) -> Actor:
    return Actor(user=platform_admin)


def year() -> int:
    return today().year


class TestCatalogue:
    def test_the_migrations_ship_the_catalogue_as_the_code_describes_it(
        self, session: Session
    ) -> None:
        # The migrations hold their own copy of the data; a change to CATALOGUE needs a new one.
        stored = {i.code: i for i in service.items(session)}
        for data in guide.CATALOGUE:
            item = stored[data["code"]]
            shipped = {k: getattr(item, k) for k in data if k != "guide"}
            assert shipped == {k: v for k, v in data.items() if k != "guide"}, data["code"]
            assert item.guide == json.loads(json.dumps(data["guide"])), data["code"]

    def test_items_ship_with_their_guide(self, session: Session) -> None:
        items = {i.code: i for i in service.items(session)}
        voucher = items["KJCXQ"]
        assert voucher.item_no == 23
        assert voucher.guide["visits"] == 0
        assert voucher.guide["fees"] == "不收费"
        assert [s["name"] for s in voucher.guide["steps"]] == [
            "形式审查",
            "受理",
            "审核",
            "核定额度",
        ]
        assert all(s["days"] > 0 for s in voucher.guide["steps"])
        assert any("高新技术企业" in c for c in voucher.guide["conditions"])


class TestFlow:
    def test_submission_numbers_without_gaps_and_keeps_the_number_after_correction(
        self, session: Session, staff: Actor
    ) -> None:
        _org, user = enterprise(session)
        first = voucher_case(session, user)
        second = voucher_case(session, user)
        assert first.serial_no is None and first.status == CaseStatus.DRAFT
        submit(session, user, first)
        submit(session, user, second)
        number = str(first.serial_no)
        n1 = int(number[-6:])
        assert number.startswith(f"KC{year()}")
        assert second.serial_no == f"KC{year()}{n1 + 1:06d}"

        service.act(session, staff, first.id, "review", CaseMove())
        with pytest.raises(InvalidInput) as refused:
            service.act(session, staff, first.id, "correct", CaseMove())
        assert "须说明理由" in str(refused.value.errors)
        service.act(session, staff, first.id, "correct", CaseMove(reason="请补充检测合同"))
        assert first.status == CaseStatus.CORRECTION
        submit(session, user, first)
        assert first.serial_no == f"KC{year()}{n1:06d}"

        told = session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
        assert any("补正材料" in n.title and n.body == "请补充检测合同" for n in told)

    def test_submitting_without_a_required_material_names_each_one_missing(
        self, session: Session
    ) -> None:
        _org, user = enterprise(session)
        case = voucher_case(session, user)
        me = Actor(user=user)
        service.add_material(session, me, case.id, "申领表.pdf", PDF, 0)
        with pytest.raises(InvalidInput) as refused:
            service.submit(session, me, case.id)
        # The certificate copy (选填) is not asked for; the description of the service is.
        assert refused.value.errors == {"materials.2": "请上传“拟购买科技服务的说明”"}
        assert "还有1项必需材料未上传" in refused.value.detail
        assert case.status == CaseStatus.DRAFT and case.serial_no is None

        service.add_material(session, me, case.id, "说明.pdf", PDF, 2)
        service.submit(session, me, case.id)
        assert case.status == CaseStatus.SUBMITTED and case.serial_no is not None

    def test_a_step_out_of_order_is_refused_with_the_current_state(
        self, session: Session, staff: Actor
    ) -> None:
        _org, user = enterprise(session)
        case = voucher_case(session, user)
        with pytest.raises(Conflict) as refused:
            service.act(session, staff, case.id, "accept", CaseMove())
        assert "当前状态为“草稿”" in refused.value.detail

    def test_progress_shows_each_step_with_department_and_deadline(
        self, session: Session, staff: Actor
    ) -> None:
        _org, user = enterprise(session)
        case = voucher_case(session, user)
        pool(session, staff, year(), "1000000")
        to_processing(session, staff, user, case)
        view = service.progress(session, user, case.id)
        steps = view["steps"]
        assert [s["label"] for s in steps] == ["提交申请", "开始形式审查", "受理", "开始办理"]
        assert steps[0]["department"] == "市科技局政务服务窗口"
        assert steps[0]["due_on"] == today() + timedelta(days=2)
        assert steps[0]["finished_at"] == steps[1]["at"]
        assert steps[-1]["due_on"] == today() + timedelta(days=10)
        assert steps[-1]["finished_at"] is None and not steps[-1]["overdue"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(case.id))
        ).all()
        assert "service_case.submit" in actions and "service_case.process" in actions

    def test_only_staff_move_and_only_the_applicant_sees(
        self, session: Session, staff: Actor
    ) -> None:
        _org, user = enterprise(session)
        _other, stranger = enterprise(session)
        case = voucher_case(session, user)
        submit(session, user, case)
        with pytest.raises(PermissionDenied):
            service.act(session, Actor(user=user), case.id, "review", CaseMove())
        page = service.list_cases(session, stranger, Pagination(page=1, size=20))
        assert case.id not in [c.id for c in page.items]


class TestVoucher:
    def test_only_high_tech_or_tech_sme_enterprises_may_claim(self, session: Session) -> None:
        _org, plain = enterprise(session, tag=None)
        with pytest.raises(Conflict) as refused:
            voucher_case(session, plain)
        assert "高新技术企业和科技型中小企业" in refused.value.detail
        _org, expired = enterprise(session, expires=date(2020, 1, 1))
        with pytest.raises(Conflict, match="已过期"):
            voucher_case(session, expired)
        _org, sme = enterprise(session, tag=OrgTagKind.TECH_SME)
        assert voucher_case(session, sme).requested_amount == D("100000.00")

    def test_a_claim_above_the_per_claim_cap_is_refused(self, session: Session) -> None:
        _org, user = enterprise(session)
        with pytest.raises(InvalidInput) as refused:
            voucher_case(session, user, "200000.01")
        assert refused.value.errors["amount"] == "单次申领额度不能超过200,000.00元"

    def test_grants_stay_within_the_yearly_cap_and_the_pool(
        self, session: Session, staff: Actor
    ) -> None:
        pool(session, staff, year(), "450000")
        _org, user = enterprise(session)
        cases = [
            to_processing(session, staff, user, voucher_case(session, user, "200000"))
            for _ in range(3)
        ]
        service.act(session, staff, cases[0].id, "grant", CaseMove())
        service.act(session, staff, cases[1].id, "grant", CaseMove(amount=D("150000")))
        with pytest.raises(Conflict) as capped:
            service.act(session, staff, cases[2].id, "grant", CaseMove())
        assert "年度上限500,000.00元，已核定350,000.00元" in capped.value.detail
        assert cases[2].status == CaseStatus.PROCESSING

        _org2, other = enterprise(session)
        last = to_processing(session, staff, other, voucher_case(session, other, "200000"))
        with pytest.raises(Conflict) as empty:
            service.act(session, staff, last.id, "grant", CaseMove())
        assert "资金池余额不足：剩余100,000.00元" in empty.value.detail
        service.act(session, staff, last.id, "grant", CaseMove(amount=D("100000")))
        assert last.granted_amount == D("100000.00")
        assert cases[0].reason == "核定创新券额度200,000.00元"

    def test_use_and_redeem_pay_the_voucher_once(self, session: Session, staff: Actor) -> None:
        pool(session, staff, year(), "1000000")
        _org, user = enterprise(session)
        case = to_processing(session, staff, user, voucher_case(session, user, "50000"))
        unlisted = make_org(session, name="长春检测测试中心", org_type=OrgType.SERVICE_PROVIDER)
        listed = provider(session)
        order = OrderCreate(
            provider_org_id=listed.id,
            category=VoucherCategory.TESTING,
            mode=VoucherMode.REDEEM,
            amount=D("80000"),
        )
        with pytest.raises(Conflict, match="核定后才能使用"):
            orders.order(session, Actor(user=user), case.id, order)
        service.act(session, staff, case.id, "grant", CaseMove())
        with pytest.raises(InvalidInput):
            orders.order(
                session, Actor(user=user), case.id, order.model_copy(update={"amount": D("100")})
            )
        with pytest.raises(InvalidInput, match="不在创新券服务机构名录中"):
            orders.order(
                session,
                Actor(user=user),
                case.id,
                order.model_copy(update={"provider_org_id": unlisted.id}),
            )
        row = orders.order(session, Actor(user=user), case.id, order)
        assert row.voucher_amount == D("50000.00") and row.status == VoucherOrderStatus.ORDERED
        with pytest.raises(Conflict, match="已使用"):
            orders.order(session, Actor(user=user), case.id, order)
        orders.pay_order(session, staff, case.id)
        with pytest.raises(Conflict):
            orders.pay_order(session, staff, case.id)
        kinds = session.scalars(
            select(LedgerEntry.kind).where(
                LedgerEntry.subject_type == "service_case", LedgerEntry.subject_id == case.id
            )
        ).all()
        assert LedgerKind.RESERVE in kinds and kinds.count(LedgerKind.PAY) == 1


class TestRating:
    def test_a_bad_rating_opens_a_follow_up_due_in_15_days(
        self, session: Session, staff: Actor, platform_admin: User
    ) -> None:
        _org, user = enterprise(session)
        case = voucher_case(session, user)
        submit(session, user, case)
        with pytest.raises(Conflict, match="办结后才能评价"):
            service.rate(session, Actor(user=user), case.id, RatingCreate(grade=1))
        service.act(session, staff, case.id, "review", CaseMove())
        service.act(session, staff, case.id, "not_accept", CaseMove(reason="材料与事项不符"))
        rating = service.rate(
            session, Actor(user=user), case.id, RatingCreate(grade=2, comment="答复太慢")
        )
        assert rating.follow_up_due == today() + timedelta(days=15)
        with pytest.raises(Conflict, match="已评价"):
            service.rate(session, Actor(user=user), case.id, RatingCreate(grade=5))
        listed = service.follow_ups(session, platform_admin, Pagination(page=1, size=50))
        assert rating.id in [r.id for r in listed.items]
        service.answer(
            session, staff, rating.id, RatingAnswer(answer="已电话沟通并说明不予受理原因")
        )
        listed = service.follow_ups(session, platform_admin, Pagination(page=1, size=50))
        assert rating.id not in [r.id for r in listed.items]
        assert rating.follow_up == FollowUpStatus.ANSWERED
        told = session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
        assert any("已收到答复" in n.title and "电话沟通" in n.body for n in told)
        with pytest.raises(Conflict, match="这条差评已答复"):
            service.answer(session, staff, rating.id, RatingAnswer(answer="再次答复"))

    def test_a_good_rating_opens_nothing(self, session: Session, staff: Actor) -> None:
        _org, user = enterprise(session)
        case = voucher_case(session, user)
        submit(session, user, case)
        service.act(session, staff, case.id, "review", CaseMove())
        service.act(session, staff, case.id, "not_accept", CaseMove(reason="不属于本事项"))
        assert (
            service.rate(session, Actor(user=user), case.id, RatingCreate(grade=5)).follow_up_due
            is None
        )
