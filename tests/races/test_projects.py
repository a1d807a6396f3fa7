"""项目管理 under many clients at once: approvals never over-commit a call's budget line, and
one application is submitted, sent and approved once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import session_scope
from app.models import AuditEvent, BudgetLine, FundingReservation, ProjectApplication
from app.models.enums import ProjectStatus
from app.projects.flows import FUNDING_PROGRAMME, FUNDING_SUBJECT
from tests.factories.projects import draft, make_cast, ranked
from tests.races.conftest import RaceServer, statuses


def test_twelve_approvals_at_once_against_a_line_that_holds_five(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        # 5 × 60万 fit in 300万; twelve ranked applications ask for 60万 each.
        cast = make_cast(s, applicants=12, tag="（并发立项）", budget="300万")
        apps = ranked(s, cast, ["60万"] * 12)
        call_id, token = cast.call.id, race_server.token(s, cast.admin)
        ids = [a.id for a in apps]

    responses = race_server.at_once(
        [
            (token, "POST", f"/api/v1/projects/applications/{i}/approve", {"amount": "600000"})
            for i in ids
        ]
    )

    assert statuses(responses) == [200] * 5 + [409] * 7, [r.text for r in responses]
    assert all("经费余额不足" in r.json()["detail"] for r in responses if r.status_code == 409)
    with race_server.factory() as s:
        line = s.scalars(
            select(BudgetLine).where(
                BudgetLine.programme == FUNDING_PROGRAMME, BudgetLine.item_no == call_id
            )
        ).one()
        assert line.committed == Decimal("3000000.00") == line.total
        held = s.scalars(
            select(FundingReservation.amount).where(
                FundingReservation.subject_type == FUNDING_SUBJECT,
                FundingReservation.subject_id.in_(ids),
            )
        ).all()
        assert len(held) == 5 and sum(held) == line.committed
        approved = s.scalar(
            select(func.count()).where(
                ProjectApplication.id.in_(ids), ProjectApplication.status == ProjectStatus.APPROVED
            )
        )
        assert approved == 5


def test_one_application_clicked_many_times_moves_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, applicants=1, tag="（重复提交）")
        application = draft(s, cast, 0)
        member = race_server.token(s, cast.members[0])
        unit = race_server.token(s, cast.unit_admins[0])
        app_id = application.id
    base = f"/api/v1/projects/applications/{app_id}"

    submits = race_server.at_once([(member, "POST", f"{base}/submit", {})] * 4)
    assert statuses(submits) == [200] + [409] * 3, [r.text for r in submits]
    sends = race_server.at_once([(unit, "POST", f"{base}/unit_approve", {})] * 4)
    assert statuses(sends) == [200] + [409] * 3, [r.text for r in sends]
    with race_server.factory() as s:
        row = s.get(ProjectApplication, app_id)
        assert row is not None and row.status == ProjectStatus.SUBMITTED
        assert row.number is not None and row.number.startswith("XM")
        moves = s.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "project_application",
                AuditEvent.object_id == str(app_id),
                AuditEvent.action.in_(["project.submit", "project.unit_approve"]),
            )
        )
        assert moves == 2


def test_two_approvals_of_one_application_reserve_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, applicants=1, tag="（重复立项）")
        (only,) = ranked(s, cast)
        token, app_id = race_server.token(s, cast.admin), only.id
    path = f"/api/v1/projects/applications/{app_id}/approve"

    responses = race_server.at_once([(token, "POST", path, {"amount": "500000"})] * 5)

    assert statuses(responses) == [200] + [409] * 4, [r.text for r in responses]
    assert all(
        "当前状态为“拟立项”" in r.json()["detail"] for r in responses if r.status_code == 409
    )
    with race_server.factory() as s:
        count = s.scalar(
            select(func.count()).where(
                FundingReservation.subject_type == FUNDING_SUBJECT,
                FundingReservation.subject_id == app_id,
            )
        )
        assert count == 1
