"""Six administrators approving the same article at once publish it once: one version, one
audit event, one index message; the others get a 409 in Chinese."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.db import session_scope
from app.core.indexing import SEARCH_TOPIC
from app.models import AuditEvent, ContentItem, ContentVersion, OutboxMessage
from app.models.enums import ContentStatus, Role
from tests.factories.accounts import make_user
from tests.factories.content import make_draft
from tests.races.conftest import RaceServer, statuses


def test_approve_at_once_publishes_once(race_server: RaceServer) -> None:
    from app.content import service
    from app.core.audit import Actor

    with session_scope(race_server.factory) as s:
        author = make_user(s, role=Role.PLATFORM_ADMIN, name="撰稿人")
        item = make_draft(s, author, title="并发审核的新闻")
        service.submit(s, Actor(user=author), item)
        reviewers = [make_user(s, role=Role.PLATFORM_ADMIN, name=f"审核人{i}") for i in range(6)]
        item_id = item.id
        tokens = [race_server.token(s, r) for r in reviewers]

    path = f"/api/v1/content/{item_id}/approve"
    responses = race_server.at_once([(t, "POST", path, {"note": "同意"}) for t in tokens])

    assert statuses(responses) == [200] + [409] * 5, [r.text for r in responses]
    refused = [r for r in responses if r.status_code == 409]
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    assert all("当前状态为“已发布”" in r.json()["detail"] for r in refused)
    with session_scope(race_server.factory) as s:
        item = s.get(ContentItem, item_id)
        assert item is not None and item.status == ContentStatus.PUBLISHED
        approvals = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "content.approve", AuditEvent.object_id == str(item_id))
        )
        versions = s.scalar(
            select(func.count())
            .select_from(ContentVersion)
            .where(ContentVersion.item_id == item_id, ContentVersion.note == "同意")
        )
        messages = [
            m.payload
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.topic == SEARCH_TOPIC))
            if m.payload == {"type": "news", "id": str(item_id)}
        ]
        assert (approvals, versions) == (1, 1)
        # one from submitting (before the race), one from the approval
        assert len(messages) == 2
