"""Six administrators approving the same expert profile at once list it once: one audit event,
one outbox event; the others get a 409 in Chinese."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.db import session_scope
from app.models import AuditEvent, ExpertProfile, OutboxMessage
from app.models.enums import ResourceStatus, Role
from tests.factories.accounts import make_user
from tests.races.conftest import RaceServer, statuses


def test_approve_at_once_lists_the_expert_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        expert = make_user(s, role=Role.EXPERT, name="并发审核的专家")
        s.add(ExpertProfile(user_id=expert.id, institution="吉林大学", keywords=["激光"]))
        reviewers = [make_user(s, role=Role.PLATFORM_ADMIN, name=f"审核人{i}") for i in range(6)]
        expert_id = expert.id
        tokens = [race_server.token(s, r) for r in reviewers]

    path = f"/api/v1/experts/{expert_id}/approve"
    responses = race_server.at_once([(t, "POST", path, {"note": "同意"}) for t in tokens])

    assert statuses(responses) == [200] + [409] * 5, [r.text for r in responses]
    refused = [r for r in responses if r.status_code == 409]
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    assert all("当前状态为“已发布”" in r.json()["detail"] for r in refused)
    with session_scope(race_server.factory) as s:
        profile = s.scalars(select(ExpertProfile).where(ExpertProfile.user_id == expert_id)).one()
        assert profile.status == ResourceStatus.PUBLISHED
        approvals = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "expert_profile.approve",
                AuditEvent.object_id == str(profile.id),
            )
        )
        events = s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.topic == "expert_profile.approve")
        )
        assert (approvals, events) == (1, 1)
    listed = race_server.at_once([(tokens[0], "GET", "/api/v1/experts", None)])[0].json()
    assert [e["name"] for e in listed["items"]] == ["并发审核的专家"]
