"""Funding rules: lines, reservations, tranches, the ledger; and the domains that use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from app.challenges import service as challenge_service
from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput
from app.funding import service
from app.models import BudgetLine, LedgerEntry
from app.models.enums import LedgerKind, Role, TrancheStatus
from app.models.funding import LedgerIsAppendOnly
from tests.factories.accounts import make_user
from tests.factories.challenges import decide, make_cast

PROGRAMME = "call-2026-01"  # a programme call's grants, say


@pytest.fixture
def actor(session: Session) -> Actor:
    return Actor(user=make_user(session, role=Role.PLATFORM_ADMIN, name="资金管理员"))


def _line(session: Session, actor: Actor, total: str = "100000") -> BudgetLine:
    return service.set_line(
        session,
        actor,
        programme=PROGRAMME,
        item_no=1,
        year=2026,
        total=Decimal(total),
        title="2026年度重点研发项目经费",
    )


def _kinds(session: Session, subject_id: int) -> list[tuple[LedgerKind, Decimal]]:
    return [(e.kind, e.amount) for e in service.entries_of(session, "project", subject_id)]


class TestSplit:
    def test_the_last_tranche_takes_the_rounding(self) -> None:
        assert service.split(Decimal("100000.01"), [30, 30, 40]) == [
            Decimal("30000.00"),
            Decimal("30000.00"),
            Decimal("40000.01"),
        ]
        assert sum(service.split(Decimal("0.10"), [33, 33, 34])) == Decimal("0.10")


class TestSetLine:
    def test_a_total_below_what_is_committed_is_refused(
        self, session: Session, actor: Actor
    ) -> None:
        line = _line(session, actor)
        service.reserve(
            session, actor, line, subject_type="project", subject_id=1, amount=Decimal("60000")
        )
        with pytest.raises(InvalidInput) as refused:
            _line(session, actor, "50000")
        assert "不能低于已核定的60,000.00元" in refused.value.errors["total"]
        assert _line(session, actor, "60000").remaining == 0


class TestReserve:
    def test_reservations_add_up_and_the_one_too_many_is_refused_with_the_balance(
        self, session: Session, actor: Actor
    ) -> None:
        line = _line(session, actor)
        for n in range(3):
            service.reserve(
                session,
                actor,
                line,
                subject_type="project",
                subject_id=n,
                amount=Decimal("30000"),
            )
        assert line.committed == Decimal("90000.00") and line.remaining == Decimal("10000.00")
        with pytest.raises(Conflict, match=r"余额不足：剩余10,000.00元，本次需要30,000.00元"):
            service.reserve(
                session, actor, line, subject_type="project", subject_id=9, amount=Decimal("30000")
            )
        assert line.committed == Decimal("90000.00")
        assert _kinds(session, 9) == []

    def test_tranches_must_add_up_to_the_reservation(self, session: Session, actor: Actor) -> None:
        line = _line(session, actor)
        with pytest.raises(InvalidInput):
            service.reserve(
                session,
                actor,
                line,
                subject_type="project",
                subject_id=1,
                amount=Decimal("100"),
                tranches=[("立项", Decimal("30")), ("验收", Decimal("60"))],
            )


class TestTranches:
    def test_released_one_by_one_then_paid_then_settled(
        self, session: Session, actor: Actor
    ) -> None:
        line = _line(session, actor)
        reservation = service.reserve(
            session,
            actor,
            line,
            subject_type="project",
            subject_id=7,
            amount=Decimal("50000"),
            tranches=[("中期检查", Decimal("20000")), ("验收", Decimal("30000"))],
        )
        service.release(session, actor, reservation, 1)
        with pytest.raises(Conflict, match="当前状态为“已下达”，不能执行“下达资金”"):
            service.release(session, actor, reservation, 1)
        assert line.released == Decimal("20000.00")
        service.pay(session, actor, reservation)
        assert reservation.status.value == "open" and line.paid == Decimal("20000.00")
        service.release(session, actor, reservation, 2)
        service.pay(session, actor, reservation)
        assert [t.status for t in reservation.tranches] == [TrancheStatus.PAID] * 2
        assert reservation.status.value == "closed"
        assert _kinds(session, 7) == [
            (LedgerKind.RESERVE, Decimal("50000.00")),
            (LedgerKind.RELEASE, Decimal("20000.00")),
            (LedgerKind.PAY, Decimal("20000.00")),
            (LedgerKind.RELEASE, Decimal("30000.00")),
            (LedgerKind.PAY, Decimal("30000.00")),
        ]
        with pytest.raises(Conflict, match="已结清"):
            service.pay(session, actor, reservation)

    def test_cancel_gives_back_what_was_not_released(self, session: Session, actor: Actor) -> None:
        line = _line(session, actor)
        reservation = service.reserve(
            session,
            actor,
            line,
            subject_type="project",
            subject_id=8,
            amount=Decimal("50000"),
            tranches=[("中期检查", Decimal("20000")), ("验收", Decimal("30000"))],
        )
        service.release(session, actor, reservation, 1)
        service.cancel(session, actor, reservation, note="项目终止")
        assert line.committed == Decimal("20000.00") and line.remaining == Decimal("80000.00")
        assert [t.status for t in reservation.tranches] == [
            TrancheStatus.RELEASED,
            TrancheStatus.CANCELLED,
        ]
        assert _kinds(session, 8)[-1] == (LedgerKind.CANCEL, Decimal("30000.00"))
        assert service.reservation_of(session, "project", 8) is None


class TestLedger:
    def test_entries_are_never_changed_or_deleted(self, session: Session, actor: Actor) -> None:
        line = _line(session, actor)
        service.reserve(
            session, actor, line, subject_type="project", subject_id=3, amount=Decimal("1")
        )
        [entry] = session.query(LedgerEntry).filter_by(subject_type="project", subject_id=3)
        entry.amount = Decimal("2")
        with pytest.raises(LedgerIsAppendOnly):
            session.flush()
        session.rollback()


class TestChallengeReward:
    def test_the_award_reserves_the_reward_and_each_accepted_stage_releases_its_tranche(
        self, session: Session
    ) -> None:
        cast = make_cast(session, solvers=2)
        panel, apps = decide(session, cast)
        reward = cast.challenge.reward
        reservation = service.reservation_of(session, "challenge_application", apps[0].id)
        assert reservation is not None and reservation.amount == reward
        assert [t.amount for t in reservation.tranches] == service.split(reward, [30, 30, 40])
        assert reservation.budget_line.programme == "challenge"
        assert reservation.budget_line.remaining == 0
        solver = Actor(user=cast.solver_users[0])
        challenge_service.submit_milestone(session, solver, cast.challenge, 1, "实施完成")
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        challenge_service.accept_milestone(session, Actor(user=admin), cast.challenge, 1)
        assert [t.status for t in reservation.tranches] == [
            TrancheStatus.RELEASED,
            TrancheStatus.PENDING,
            TrancheStatus.PENDING,
        ]
        assert reservation.released == reservation.tranches[0].amount
        # The contract the award became was paid that tranche: on the ledger as well.
        paid = service.entries_of(session, "tech_contract", panel.contract_id or 0)
        assert [(e.kind, e.amount) for e in paid] == [
            (LedgerKind.PAY, reservation.tranches[0].amount)
        ]
