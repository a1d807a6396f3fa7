"""揭榜挂帅 on the workflow engine: each state change is audited and published exactly once,
with the summaries people read, and its notices come from the subscribers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.challenges import service
from app.core.audit import Actor
from app.models import AuditEvent, ChallengeMilestone, Notification, OutboxMessage
from app.models.enums import MilestoneStatus
from tests.factories.challenges import decide, make_cast

TOPICS = (
    "challenge_application.submit",
    "challenge_panel.open",
    "challenge_panel.close",
    "challenge_panel.award",
    "challenge_milestone.submit",
    "challenge_milestone.accept",
    "funding_tranche.release",
)


def _counts(session: Session, model: type, column: str) -> Counter[str]:
    rows = session.scalars(select(getattr(model, column)).where(getattr(model, column).in_(TOPICS)))
    return Counter(rows)


def test_each_step_of_a_challenge_is_one_audit_and_one_event(session: Session) -> None:
    cast = make_cast(session, solvers=2)
    panel, apps = decide(session, cast)
    winner, staff = Actor(user=cast.solver_users[0]), Actor(user=cast.admin)
    service.submit_milestone(session, winner, cast.challenge, 1, "样机完成")
    service.accept_milestone(session, staff, cast.challenge, 1)
    session.flush()

    expected = {
        "challenge_application.submit": 2,
        "challenge_panel.open": 1,
        "challenge_panel.close": 1,
        "challenge_panel.award": 1,
        "challenge_milestone.submit": 1,
        "challenge_milestone.accept": 1,
        "funding_tranche.release": 1,
    }
    assert _counts(session, OutboxMessage, "topic") == expected
    assert _counts(session, AuditEvent, "action") == expected

    title = cast.challenge.title
    summaries = {
        a.action: a.summary
        for a in session.scalars(select(AuditEvent).where(AuditEvent.action.in_(TOPICS)))
    }
    assert summaries["challenge_panel.award"] == (
        f"“{title}”确定揭榜方：{cast.solvers[0].name}（专家组综合评分第一）"
    )
    assert summaries["challenge_milestone.submit"] == f"“{title}”提交“实施”阶段验收"
    assert summaries["challenge_milestone.accept"].startswith(f"“{title}”“实施”阶段验收通过")
    award = session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "challenge_panel.award")
    ).one()
    assert award.payload["winner_id"] == apps[0].id
    assert award.payload["contract_id"] == panel.contract_id is not None

    told = Counter(session.scalars(select(Notification.topic)))
    assert told["challenge.application_submitted"] == 2
    assert told["challenge.result"] == 2  # every applicant hears the outcome once
    assert told["challenge.reviewed"] == 1
    assert told["challenge.milestone_submitted"] == 1
    assert told["challenge.milestone_accepted"] == 1
    assert told["challenge.scoring_open"] == 3  # the panel's three experts
    stages = session.scalars(
        select(ChallengeMilestone)
        .where(ChallengeMilestone.panel_id == panel.id)
        .order_by(ChallengeMilestone.seq)
    )
    assert [m.status for m in stages] == [
        MilestoneStatus.ACCEPTED,
        MilestoneStatus.PENDING,
        MilestoneStatus.PENDING,
    ]
