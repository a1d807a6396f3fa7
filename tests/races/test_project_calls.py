"""Corrections of a published call under many clicks at once: the budget only goes up and
the line follows it; the criteria never change after an application was submitted."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select

from app.core.db import session_scope
from app.models import AuditEvent, BudgetLine, ProjectCall
from app.projects.flows import FUNDING_PROGRAMME
from tests.factories.projects import draft, make_cast
from tests.races.conftest import RaceServer


def test_six_budget_corrections_at_once_only_raise_it_and_the_line_follows(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, applicants=0, tag="（并发更正）", budget="500万")
        call_id, token = cast.call.id, race_server.token(s, cast.admin)
    path = f"/api/v1/projects/calls/{call_id}"
    amounts = [5_100_000 + 100_000 * n for n in range(6)]

    responses = race_server.at_once([(token, "PATCH", path, {"budget": str(a)}) for a in amounts])

    codes = sorted(r.status_code for r in responses)
    assert set(codes) <= {200, 422} and 200 in codes, [r.text for r in responses]
    assert all("只能调增" in r.text for r in responses if r.status_code == 422)
    with race_server.factory() as s:
        call = s.get(ProjectCall, call_id)
        line = s.scalars(
            select(BudgetLine).where(
                BudgetLine.programme == FUNDING_PROGRAMME, BudgetLine.item_no == call_id
            )
        ).one()
        assert call is not None and call.budget == line.total == Decimal("5600000.00")
        raised = [
            Decimal(str(e.after["budget"]))
            for e in s.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action == "project_call.revise", AuditEvent.object_id == str(call_id)
                )
                .order_by(AuditEvent.id)
            )
        ]
        assert raised == sorted(raised) and len(raised) == codes.count(200)


def test_criteria_corrections_and_a_submission_at_once_never_pass_each_other(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, applicants=1, tag="（并发改权重）")
        application = draft(s, cast, 0)
        call_id, app_id = cast.call.id, application.id
        staff, member = race_server.token(s, cast.admin), race_server.token(s, cast.members[0])
    weights = [
        [
            {"name": "技术先进性", "weight": 40 + n},
            {"name": "实施基础", "weight": 30 - n},
            {"name": "预期效益", "weight": 30},
        ]
        for n in range(1, 6)
    ]

    responses = race_server.at_once(
        [(member, "POST", f"/api/v1/projects/applications/{app_id}/submit", {})]
        + [(staff, "PATCH", f"/api/v1/projects/calls/{call_id}", {"criteria": w}) for w in weights]
    )

    assert responses[0].status_code == 200, responses[0].text
    assert all(r.status_code in (200, 409) for r in responses[1:]), [r.text for r in responses]
    assert all("已有 1 份申报书提交" in r.text for r in responses[1:] if r.status_code == 409)
    with race_server.factory() as s:
        events = list(
            s.scalars(
                select(AuditEvent)
                .where(
                    or_(
                        (AuditEvent.action == "project.submit")
                        & (AuditEvent.object_id == str(app_id)),
                        (AuditEvent.action == "project_call.revise")
                        & (AuditEvent.object_id == str(call_id)),
                    )
                )
                .order_by(AuditEvent.id)
            )
        )
        submitted = next(n for n, e in enumerate(events) if e.action == "project.submit")
        assert all(e.action != "project_call.revise" for e in events[submitted + 1 :])
