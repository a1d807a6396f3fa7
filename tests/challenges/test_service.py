"""揭榜挂帅 service rules, one class per operation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.challenges import service
from app.challenges.schemas import ApplicationFields, AwardIn
from app.core.audit import Actor
from app.core.clock import today
from app.core.config import get_settings
from app.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from app.listings import service as listing_service
from app.listings.schemas import ChallengeFields
from app.models import AuditEvent, Challenge, ContractMilestone
from app.models.enums import ListingStatus, OrgRole, PanelStatus, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.challenges import PROPOSAL, decide, make_cast, make_expert, review


@pytest.fixture
def panel_of_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KC_CHALLENGE_MIN_PANEL", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class TestOpenScoring:
    def _two_experts_after_the_deadline(self, session: Session) -> tuple[Actor, Challenge]:
        cast = make_cast(session, solvers=1)
        assert cast.admin is not None
        staff, solver = Actor(user=cast.admin), Actor(user=cast.solver_users[0])
        application = service.create_application(
            session, solver, cast.challenge, ApplicationFields(**PROPOSAL)
        )
        service.submit_application(session, solver, cast.challenge, application)
        experts = [make_expert(session, name=f"专家{n}") for n in (1, 2)]
        service.form_panel(session, staff, cast.challenge, [e.id for e in experts])
        cast.challenge.application_deadline = service.today() - timedelta(days=1)
        return staff, cast.challenge

    def test_three_eligible_experts_needed_by_default(self, session: Session) -> None:
        staff, challenge = self._two_experts_after_the_deadline(session)
        assert service.min_panel() == 3
        with pytest.raises(Conflict, match="只有 2 人，至少需要 3 人"):
            service.open_scoring(session, staff, challenge)

    def test_the_minimum_is_a_setting(self, session: Session, panel_of_two: None) -> None:
        staff, challenge = self._two_experts_after_the_deadline(session)
        panel = service.open_scoring(session, staff, challenge)
        assert panel.status.value == "scoring"


class TestAward:
    def test_the_challenge_is_awarded_and_takes_no_more_applications(
        self, session: Session
    ) -> None:
        cast = make_cast(session, solvers=2)
        decide(session, cast)
        challenge = cast.challenge
        assert challenge.status == ListingStatus.AWARDED
        assert challenge.close_reason == f"揭榜方：{cast.solvers[0].name}"
        assert not service.accepting(challenge)
        newcomer = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
        with pytest.raises(Conflict, match="已揭榜"):
            service.create_application(
                session, Actor(user=newcomer), challenge, ApplicationFields(**PROPOSAL)
            )
        # Still on view to everybody, and frozen for its owner.
        assert listing_service.get(session, challenge.id, None) is challenge
        with pytest.raises(Conflict, match="已揭榜的信息不能修改"):
            listing_service.update(
                session,
                Actor(user=cast.owner),
                challenge,
                ChallengeFields.model_validate({"summary": "补充了验收指标和测试条件的说明"}),
            )
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "challenge.award")
        ).one()
        assert cast.solvers[0].name in event.summary

    def test_no_award_closes_the_challenge(self, session: Session) -> None:
        cast = make_cast(session, solvers=2)
        decide(session, cast, award=False)
        assert cast.challenge.status == ListingStatus.CLOSED
        assert cast.challenge.close_reason == "本榜空缺：专家组综合评分第一"
        with pytest.raises(NotFound):
            listing_service.get(session, cast.challenge.id, None)

    def test_refused_while_a_revision_of_the_challenge_awaits_review(
        self, session: Session
    ) -> None:
        cast = make_cast(session, solvers=2)
        assert cast.admin is not None
        apps = review(session, cast)
        listing_service.update(
            session,
            Actor(user=cast.owner),
            cast.challenge,
            ChallengeFields.model_validate({"summary": "补充了验收指标的说明"}),
        )
        assert cast.challenge.status == ListingStatus.SUBMITTED
        decision = AwardIn(application_id=apps[0].id, reason="专家组综合评分第一")
        with (
            pytest.raises(Conflict, match="当前状态为“待审核”，不能执行“确定揭榜方”"),
            session.begin_nested(),
        ):
            service.award(session, Actor(user=cast.admin), cast.challenge, decision)
        session.expire_all()
        panel = service.panel_of(session, cast.challenge)
        assert panel is not None and panel.status == PanelStatus.CLOSED
        # Once the revision is published the award goes through.
        listing_service.publish(session, Actor(user=cast.admin), cast.challenge)
        service.award(session, Actor(user=cast.admin), cast.challenge, decision)
        assert cast.challenge.status == ListingStatus.AWARDED


class TestSubmitMilestone:
    """Whoever may not report a stage is refused before anything about the review is said."""

    def test_outsider_refused_before_the_award(self, session: Session) -> None:
        cast = make_cast(session, solvers=1)
        outsider = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
        with pytest.raises(PermissionDenied):
            service.submit_milestone(session, Actor(user=outsider), cast.challenge, 1, "阶段报告")

    def test_outsider_refused_after_the_award_whatever_the_stage(self, session: Session) -> None:
        cast = make_cast(session, solvers=2)
        decide(session, cast)
        outsider = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
        for seq in (1, 99):
            with pytest.raises(PermissionDenied):
                service.submit_milestone(
                    session, Actor(user=outsider), cast.challenge, seq, "阶段报告"
                )
        loser = Actor(user=cast.solver_users[1])
        with pytest.raises(PermissionDenied):
            service.submit_milestone(session, loser, cast.challenge, 1, "阶段报告")

    def test_anonymous_asked_to_sign_in(self, session: Session) -> None:
        cast = make_cast(session, solvers=1)
        with pytest.raises(NotAuthenticated):
            service.submit_milestone(session, Actor(user=None), cast.challenge, 1, "阶段报告")

    def test_applicant_told_the_award_is_not_decided(self, session: Session) -> None:
        cast = make_cast(session, solvers=1)
        applicant = Actor(user=cast.solver_users[0])
        service.create_application(
            session, applicant, cast.challenge, ApplicationFields(**PROPOSAL)
        )
        with pytest.raises(Conflict, match="尚未确定揭榜方"):
            service.submit_milestone(session, applicant, cast.challenge, 1, "阶段报告")

    def test_winner_reports_the_first_stage(self, session: Session) -> None:
        cast = make_cast(session, solvers=2)
        decide(session, cast)
        row = service.submit_milestone(
            session, Actor(user=cast.solver_users[0]), cast.challenge, 1, "方案设计完成"
        )
        assert row.status.value == "submitted" and row.report == "方案设计完成"


class TestAcceptMilestone:
    """An accepted stage completes the award contract's milestone on the day it is accepted."""

    def _reported(self, session: Session) -> tuple[Challenge, int]:
        cast = make_cast(session, solvers=2)
        panel, _apps = decide(session, cast)
        service.submit_milestone(
            session, Actor(user=cast.solver_users[0]), cast.challenge, 1, "方案设计完成"
        )
        assert panel.contract_id is not None
        return cast.challenge, panel.contract_id

    def _contract_milestones(self, session: Session, contract_id: int) -> list[ContractMilestone]:
        session.expire_all()
        return list(
            session.scalars(
                select(ContractMilestone)
                .options(selectinload(ContractMilestone.payments))
                .where(ContractMilestone.contract_id == contract_id)
                .order_by(ContractMilestone.position)
            )
        )

    def test_platform_admin_accepts_and_the_tranche_is_paid(self, session: Session) -> None:
        challenge, contract_id = self._reported(session)
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        service.accept_milestone(session, Actor(user=admin), challenge, 1)
        first, second, third = self._contract_milestones(session, contract_id)
        assert first.completed_on == today() and first.paid_amount == first.amount
        assert second.completed_on is None and third.completed_on is None

    def test_district_admin_accepts_and_the_payment_waits_for_a_party(
        self, session: Session
    ) -> None:
        challenge, contract_id = self._reported(session)
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code=challenge.region_code)
        row = service.accept_milestone(session, Actor(user=district), challenge, 1)
        assert row.status.value == "accepted"
        first, *_rest = self._contract_milestones(session, contract_id)
        assert first.completed_on == today()
        assert first.paid_amount == 0
