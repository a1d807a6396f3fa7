"""The header's unread-notifications badge: right on every page, including the one that reads
them all and the first page after a new one arrives."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import User
from app.notifications.service import notify
from tests.factories.accounts import make_user
from tests.factories.fixtures import login


def _badge(html: str) -> int:
    found = re.search(r'<span class="badge-count">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def _notify(session: Session, user: User, title: str) -> None:
    notify(session, user, topic="test", title=title, mail=False)
    session.flush()


class TestUnreadBadge:
    def test_counts_follow_what_happens(self, client: TestClient, session: Session) -> None:
        user = make_user(session, name="徽标测试")
        _notify(session, user, "第一条")
        _notify(session, user, "第二条")
        login(client, user)
        assert _badge(client.get("/").text) == 2
        assert _badge(client.get("/achievements").text) == 2

        # The notifications page marks them read while it renders: its own header says so.
        page = client.get("/me/notifications").text
        assert "第一条" in page and _badge(page) == 0
        assert _badge(client.get("/").text) == 0

        _notify(session, user, "第三条")
        assert _badge(client.get("/").text) == 1

    def test_someone_elses_notifications_do_not_count(
        self, client: TestClient, session: Session
    ) -> None:
        user, other = make_user(session), make_user(session)
        _notify(session, other, "别人的")
        login(client, user)
        assert _badge(client.get("/").text) == 0
