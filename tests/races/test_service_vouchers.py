"""创新券 grants under many reviewers at once: the yearly pool and an enterprise's yearly cap
are never overspent.

Twelve enterprises' vouchers of 200,000 each are granted at the same moment against a pool of
1,000,000: five fit, seven are refused with the pool's remaining balance. Then six vouchers of
one enterprise are granted at once: its yearly cap of 500,000 lets two through. Last, one
voucher is used six times at once (one service order is made) and the order redeemed eight
times at once (paid once, in both modes).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.clock import today
from app.core.db import session_scope
from app.models import BudgetLine, LedgerEntry, ServiceCase
from app.models.enums import CaseStatus, LedgerKind, Role, VoucherCategory, VoucherMode
from app.services import orders, service, voucher
from app.services.schemas import CaseMove, OrderCreate
from tests.factories.accounts import make_user
from tests.races.conftest import RaceServer, statuses
from tests.services.helpers import enterprise, pool, provider, to_processing, voucher_case


def _pool(race_server: RaceServer) -> BudgetLine:
    with race_server.factory() as s:
        line = voucher.pool(s, today().year)
        assert line is not None
        return line


def _granted(race_server: RaceServer, ids: list[int]) -> list[ServiceCase]:
    with race_server.factory() as s:
        return list(
            s.scalars(
                select(ServiceCase).where(
                    ServiceCase.id.in_(ids), ServiceCase.status == CaseStatus.GRANTED
                )
            )
        )


def test_twelve_grants_at_once_never_overspend_the_pool(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="创新券并发审核员")
        staff = Actor(user=admin)
        pool(s, staff, today().year, "1000000")
        ids = []
        for _ in range(12):
            _org, user = enterprise(s)
            ids.append(to_processing(s, staff, user, voucher_case(s, user, "200000")).id)
        token = race_server.token(s, admin)

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/services/cases/{i}/grant", {}) for i in ids]
    )

    assert statuses(responses) == [200] * 5 + [409] * 7, [r.text for r in responses]
    refused = [r.json()["detail"] for r in responses if r.status_code == 409]
    assert all("资金池余额不足：剩余" in d for d in refused), refused
    line = _pool(race_server)
    assert line.committed == Decimal("1000000.00") == line.total
    granted = _granted(race_server, ids)
    assert len(granted) == 5
    with race_server.factory() as s:
        entries = s.scalars(
            select(LedgerEntry).where(
                LedgerEntry.budget_line_id == line.id,
                LedgerEntry.kind == LedgerKind.RESERVE,
                LedgerEntry.subject_id.in_(ids),
            )
        ).all()
        # One reservation per granted voucher, none for a refused one.
        assert sorted(e.subject_id for e in entries) == sorted(c.id for c in granted)
        serials = s.scalars(select(ServiceCase.serial_no).where(ServiceCase.id.in_(ids))).all()
        assert len(set(serials)) == 12


def test_one_enterprise_granted_six_at_once_stays_within_its_yearly_cap(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="年度上限并发审核员")
        staff = Actor(user=admin)
        line = voucher.pool(s, today().year)
        committed = line.committed if line is not None else Decimal(0)
        pool(s, staff, today().year, str(committed + Decimal("30000000")))
        org, user = enterprise(s)
        ids = [to_processing(s, staff, user, voucher_case(s, user, "200000")).id for _ in range(6)]
        token = race_server.token(s, admin)

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/services/cases/{i}/grant", {}) for i in ids]
    )

    assert statuses(responses) == [200] * 2 + [409] * 4, [r.text for r in responses]
    refused = [r.json()["detail"] for r in responses if r.status_code == 409]
    assert all("年度上限500,000.00元，已核定400,000.00元" in d for d in refused), refused
    with race_server.factory() as s:
        total = s.scalar(
            select(func.sum(ServiceCase.granted_amount)).where(
                ServiceCase.org_id == org.id, ServiceCase.status == CaseStatus.GRANTED
            )
        )
        assert total == Decimal("400000.00")


def test_a_voucher_is_used_once_and_redeemed_once_however_many_ask_at_once(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="兑付并发审核员")
        staff = Actor(user=admin)
        line = voucher.pool(s, today().year)
        committed = line.committed if line is not None else Decimal(0)
        pool(s, staff, today().year, str(committed + Decimal("1000000")))
        cases = []
        for _ in range(2):
            _org, user = enterprise(s)
            case = to_processing(s, staff, user, voucher_case(s, user, "60000"))
            service.act(s, staff, case.id, "grant", CaseMove())
            cases.append((case.id, user))
        listed = provider(s, VoucherCategory.TESTING)
        general_id, general_user = cases[0]
        redeem_id, redeem_user = cases[1]
        orders.order(
            s,
            Actor(user=redeem_user),
            redeem_id,
            OrderCreate(
                provider_org_id=listed.id,
                category=VoucherCategory.TESTING,
                mode=VoucherMode.REDEEM,
                amount=Decimal("90000"),
            ),
        )
        enterprise_token = race_server.token(s, general_user)
        staff_token = race_server.token(s, admin)

    order = {
        "provider_org_id": listed.id,
        "category": "testing",
        "mode": "general",
        "amount": "75000",
        "description": "电机控制器 EMC 检测",
    }
    used = race_server.at_once(
        [(enterprise_token, "POST", f"/api/v1/services/cases/{general_id}/order", order)] * 6
    )
    assert statuses(used) == [201] + [409] * 5, [r.text for r in used]
    assert all("已使用" in r.json()["detail"] for r in used if r.status_code == 409)

    for case_id in (general_id, redeem_id):
        paid = race_server.at_once(
            [(staff_token, "POST", f"/api/v1/services/cases/{case_id}/pay", None)] * 8
        )
        assert statuses(paid) == [200] + [409] * 7, [r.text for r in paid]
    with race_server.factory() as s:
        pays = s.scalars(
            select(LedgerEntry).where(
                LedgerEntry.kind == LedgerKind.PAY,
                LedgerEntry.subject_type == "service_case",
                LedgerEntry.subject_id.in_([general_id, redeem_id]),
            )
        ).all()
        assert sorted((e.subject_id, e.amount) for e in pays) == sorted(
            [(general_id, Decimal("60000.00")), (redeem_id, Decimal("60000.00"))]
        )
