"""项目管理 from the call to the closing, and the refusals a person would run into."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.models import AuditEvent, LedgerEntry, Notification, ProjectMilestone
from app.models.enums import MilestoneStatus, ProjectStatus, Role
from app.projects import service
from app.projects.flows import FUNDING_SUBJECT
from app.projects.schemas import ApplicationFields
from tests.factories.accounts import make_user
from tests.factories.projects import (
    ANSWERS,
    call_data,
    draft,
    established,
    make_cast,
    ranked,
    sent_in,
)

P = ProjectStatus


class TestCall:
    def test_a_call_cites_its_clause_and_holds_its_budget_line(self, session: Session) -> None:
        cast = make_cast(session, applicants=0)
        view = service.call_view(session, cast.call)
        assert view["item_no"] == 3 and view["programme_name"] == "企业关键核心技术攻关"
        assert view["clause_url"].endswith("3")
        line = service.calls.line(session, cast.call)
        assert line is not None and line.total == Decimal("3000000.00")

    def test_the_grant_cap_of_the_policy_item_is_kept(self, session: Session) -> None:
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        with pytest.raises(InvalidInput) as refused:
            service.calls.create(session, Actor(user=admin), call_data(max_amount="150万"))
        assert "最高1,000,000.00元" in refused.value.extra["errors"]["max_amount"]

    def test_weights_must_add_up_to_100(self, session: Session) -> None:
        admin = make_cast(session, 0).admin
        with pytest.raises(InvalidInput, match="100"):
            service.calls.create(
                session,
                Actor(user=admin),
                call_data(
                    criteria=[{"name": "技术", "weight": 50}, {"name": "效益", "weight": 30}]
                ),
            )


class TestApplication:
    def test_the_form_is_checked_field_by_field(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        bad = {**ANSWERS, "staff": "三十", "stage": "量产", "start_date": "明年", "extra": "x"}
        with pytest.raises(InvalidInput) as refused:
            service.applications.create(
                session,
                Actor(user=cast.members[0]),
                cast.call,
                ApplicationFields(title="雷达芯片封装攻关", answers=bad),
            )
        errors = refused.value.extra["errors"]
        assert errors["answers.staff"] == "研发人员数：应为整数"
        assert "应为以下之一：实验室、小试、中试、产业化" in errors["answers.stage"]
        assert "应为日期" in errors["answers.start_date"]
        assert errors["answers.extra"] == "该申报书没有这一项"

    def test_a_draft_cannot_be_submitted_incomplete(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        application = service.applications.create(
            session,
            Actor(user=cast.members[0]),
            cast.call,
            ApplicationFields(title="雷达芯片封装攻关", answers={"staff": "12"}),
        )
        assert application.answers == {"staff": 12, "pledge": False}
        with pytest.raises(InvalidInput) as refused:
            service.applications.submit(session, Actor(user=cast.members[0]), application)
        errors = refused.value.extra["errors"]
        assert "answers.key_tech" in errors and errors["answers.pledge"].endswith("请确认")
        assert errors["requested_amount"] == "请填写申请资助金额"

    def test_one_application_per_unit_and_only_eligible_units(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        draft(session, cast, 0)
        with pytest.raises(Conflict, match="每个单位限报一项"):
            draft(session, cast, 0)
        from app.models.enums import OrgType
        from tests.factories.accounts import make_org

        university = make_org(session, org_type=OrgType.UNIVERSITY)
        teacher = make_user(session, org=university)
        with pytest.raises(Conflict, match="本指南仅限企业申报"):
            service.applications.create(
                session, Actor(user=teacher), cast.call, ApplicationFields(title="高校申报项目")
            )

    def test_the_unit_admin_checks_before_it_reaches_the_bureau(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        application = draft(session, cast, 0)
        member = Actor(user=cast.members[0])
        service.applications.submit(session, member, application)
        with pytest.raises(PermissionDenied, match="机构管理员"):
            service.applications.unit_approve(session, member, application)
        service.applications.unit_return(
            session, Actor(user=cast.unit_admins[0]), application, "请补充自筹资金证明"
        )
        assert application.status == P.UNIT_RETURNED
        service.applications.submit(session, member, application)
        service.applications.unit_approve(session, Actor(user=cast.unit_admins[0]), application)
        assert application.status == P.SUBMITTED
        assert application.number == f"XM{cast.call.year}00001"
        told = session.scalars(
            select(Notification).where(Notification.user_id == cast.members[0].id)
        ).all()
        assert any("单位退回修改" in n.title for n in told)

    def test_nothing_is_submitted_after_the_deadline(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        application = draft(session, cast, 0)
        cast.call.closes_on = today() - timedelta(days=1)
        session.flush()
        with pytest.raises(Conflict, match="申报已于"):
            service.applications.submit(session, Actor(user=cast.members[0]), application)


class TestReview:
    def test_conflicted_experts_are_excluded_with_reasons(self, session: Session) -> None:
        cast = make_cast(session, applicants=2)
        sent_in(session, cast)
        inside = make_user(session, role=Role.EXPERT, org=cast.orgs[0], name="企业内专家")
        service.review.form_panel(
            session, cast.staff, cast.call, [*(e.id for e in cast.experts), inside.id]
        )
        members = {m["expert_id"]: m for m in service.members_view(session, cast.staff, cast.call)}
        assert members[inside.id]["status"] == "excluded"
        assert members[inside.id]["conflicts"] == [f"所在机构“{cast.orgs[0].name}”是申报单位"]

    def test_scores_are_blind_and_the_ranking_explained(self, session: Session) -> None:
        cast = make_cast(session, applicants=3)
        apps = ranked(session, cast)
        assert [a.rank for a in apps] == [1, 2, 3]
        assert apps[0].mean_score == Decimal("89.00")
        sheet = service.review.sheet(session, Actor(user=cast.experts[0]), cast.call)
        assert [r.shown_name for r in sheet] == ["申请 1", "申请 2", "申请 3"]
        seen = service.application_view(session, cast.experts[0], apps[0])
        assert seen["org_name"] == f"申请 {apps[0].id}" and seen["org_id"] is None

    def test_scoring_waits_for_the_deadline_and_formal_review(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        application = draft(session, cast, 0)
        service.applications.submit(session, Actor(user=cast.members[0]), application)
        service.applications.unit_approve(session, Actor(user=cast.unit_admins[0]), application)
        service.review.form_panel(session, cast.staff, cast.call, [e.id for e in cast.experts])
        with pytest.raises(Conflict, match="截止后才能开始评审"):
            service.review.open_scoring(session, cast.staff, cast.call)
        cast.call.closes_on = today() - timedelta(days=1)
        session.flush()
        with pytest.raises(Conflict, match="形式审查"):
            service.review.open_scoring(session, cast.staff, cast.call)


class TestDecisionsAndExecution:
    def test_the_whole_life_of_a_project(self, session: Session) -> None:
        cast = make_cast(session, applicants=2)
        first, second = ranked(session, cast)
        established(session, cast, first, "800000")
        service.decisions.decline(session, cast.staff, second, "排名靠后，经费有限")
        member = Actor(user=cast.members[0])
        assert first.status == P.IN_PROGRESS
        with pytest.raises(Conflict, match="中期检查通过后"):
            service.decisions.request_acceptance(session, member, first, "完成全部任务指标")
        service.decisions.report_midterm(session, member, first, "完成封装仿真，样品试制中")
        service.decisions.decide_midterm(session, cast.staff, first, True, "进度符合任务书")
        service.decisions.request_acceptance(session, member, first, "完成全部考核指标")
        service.decisions.decide_acceptance(session, cast.staff, first, "rectify", "补充第三方检测")
        assert first.status == P.RECTIFYING
        service.decisions.request_acceptance(session, member, first, "已补充第三方检测报告")
        service.decisions.decide_acceptance(session, cast.staff, first, "accept", "")
        service.decisions.close(session, cast.staff, first)
        assert first.status == P.CLOSED

        line = service.calls.line(session, cast.call)
        assert line is not None
        assert (line.committed, line.released, line.paid) == (Decimal("800000.00"),) * 3
        paid = session.scalars(
            select(LedgerEntry.amount).where(
                LedgerEntry.subject_type == FUNDING_SUBJECT,
                LedgerEntry.subject_id == first.id,
                LedgerEntry.kind == "pay",
            )
        ).all()
        assert paid == [Decimal("320000.00"), Decimal("240000.00"), Decimal("240000.00")]
        milestones = session.scalars(
            select(ProjectMilestone).where(ProjectMilestone.application_id == first.id)
        ).all()
        assert [m.status for m in milestones] == [MilestoneStatus.ACCEPTED] * 3
        progress = service.progress(session, first)
        assert [s["state"] for s in progress["stages"]][-1] == "current"
        labels = [s["label"] for s in progress["steps"]]
        assert labels[:4] == ["提交单位审核", "单位审核通过并报送", "形式审查通过", "批准立项"]
        assert labels[-1] == "结项"
        audited = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "project_application",
                AuditEvent.object_id == str(first.id),
            )
        ).all()
        assert "project.approve" in audited and "project.close" in audited

    def test_a_failed_acceptance_gives_back_what_was_not_paid(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        (only,) = ranked(session, cast)
        established(session, cast, only, "500000")
        member = Actor(user=cast.members[0])
        service.decisions.report_midterm(session, member, only, "中期完成情况报告")
        service.decisions.decide_midterm(session, cast.staff, only, True, "")
        service.decisions.request_acceptance(session, member, only, "验收申请报告内容")
        with pytest.raises(InvalidInput):
            service.decisions.decide_acceptance(session, cast.staff, only, "fail", " ")
        service.decisions.decide_acceptance(session, cast.staff, only, "fail", "关键指标未完成")
        line = service.calls.line(session, cast.call)
        assert line is not None
        assert line.committed == line.paid == Decimal("350000.00")

    def test_approval_is_capped_by_the_line_and_the_request(self, session: Session) -> None:
        cast = make_cast(session, applicants=3, budget="150万")
        first, second, third = ranked(session, cast)
        with pytest.raises(InvalidInput, match="不能超过申请金额"):
            service.decisions.approve(session, cast.staff, first, Decimal("900000"))
        service.decisions.approve(session, cast.staff, first, Decimal("800000"))
        with pytest.raises(Conflict, match="当前状态为“拟立项”"):
            service.decisions.approve(session, cast.staff, first, Decimal("800000"))
        service.decisions.approve(session, cast.staff, second, Decimal("700000"))
        with pytest.raises(Conflict, match=r"经费余额不足：剩余0\.00元"):
            service.decisions.approve(session, cast.staff, third, Decimal("100000"))

    def test_the_task_book_waits_for_the_end_of_the_publicity(self, session: Session) -> None:
        cast = make_cast(session, applicants=1)
        (only,) = ranked(session, cast)
        service.decisions.approve(session, cast.staff, only, Decimal("600000"))
        service.decisions.publicize(session, cast.staff, cast.call)
        assert only.publicity_ends_on == today() + timedelta(days=7)
        from app.projects.schemas import EstablishIn

        book = EstablishIn(
            task_goals="完成关键工艺验证并形成样机",
            midterm_due=today() + timedelta(days=100),
            final_due=today() + timedelta(days=200),
        )
        with pytest.raises(Conflict, match="公示期满后"):
            service.decisions.establish(session, cast.staff, only, book)
