"""立项公示 objections under many clicks at once: a project is revoked once, its money given
back once, and every objection answered once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.db import session_scope
from app.models import AuditEvent, BudgetLine, LedgerEntry, ProjectApplication, ProjectObjection
from app.models.enums import LedgerKind, ObjectionStatus, ProjectStatus
from app.projects import service
from app.projects.flows import FUNDING_PROGRAMME
from tests.factories.accounts import make_user
from tests.factories.projects import make_cast, ranked
from tests.races.conftest import RaceServer, statuses

REASONS = "该项目申报材料中的核心专利权属存在争议，请核实"


def test_eight_answers_to_two_objections_at_once_revoke_the_project_once(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, applicants=1, tag="（并发异议）", budget="300万")
        (only,) = ranked(s, cast, ["60万"])
        service.decisions.approve(s, cast.staff, only, Decimal("600000"))
        service.decisions.publicize(s, cast.staff, cast.call)
        ids = [
            service.objections.file(s, Actor(user=make_user(s)), only.id, REASONS).id
            for _ in range(2)
        ]
        call_id, application_id = cast.call.id, only.id
        token = race_server.token(s, cast.admin)

    asked = [(ids[n % 2], "revoke" if n < 6 else "uphold") for n in range(8)]
    responses = race_server.at_once(
        [
            (
                token,
                "POST",
                f"/api/v1/projects/objections/{objection}/answer",
                {"decision": decision, "reasons": f"答复{n}"},
            )
            for n, (objection, decision) in enumerate(asked)
        ]
    )

    # Which answers win depends on the order they land in: an objection upheld first leaves
    # the other to be answered, a revocation answers both. Each objection is answered once.
    assert set(statuses(responses)) <= {200, 409}, [r.text for r in responses]
    assert all("当前状态为" in r.json()["detail"] for r in responses if r.status_code == 409)
    won = [asked[n] for n, r in enumerate(responses) if r.status_code == 200]
    assert len({objection for objection, _ in won}) == len(won) >= 1
    revocations = [objection for objection, decision in won if decision == "revoke"]
    assert len(revocations) <= 1
    with race_server.factory() as s:
        project = s.get(ProjectApplication, application_id)
        assert project is not None
        answered = dict(
            s.execute(
                select(ProjectObjection.id, ProjectObjection.status).where(
                    ProjectObjection.id.in_(ids)
                )
            ).all()
        )
        assert ObjectionStatus.OPEN not in answered.values() or not revocations
        for objection, decision in won:
            wanted = ObjectionStatus.REVOKED if decision == "revoke" else ObjectionStatus.UPHELD
            assert answered[objection] == wanted
        line = s.scalars(
            select(BudgetLine).where(
                BudgetLine.programme == FUNDING_PROGRAMME, BudgetLine.item_no == call_id
            )
        ).one()
        cancels = s.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.budget_line_id == line.id, LedgerEntry.kind == LedgerKind.CANCEL)
        )
        revoked = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "project.revoke",
                AuditEvent.object_id == str(application_id),
            )
        )
        if revocations:
            assert project.status == ProjectStatus.REVOKED
            assert line.committed == Decimal("0.00")
            assert (cancels, revoked) == (1, 1)
        else:  # both upheld before any revocation landed
            assert project.status != ProjectStatus.REVOKED
            assert (cancels, revoked) == (0, 0)
