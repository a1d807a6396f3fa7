"""A token revoked by several clicks at once is revoked once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import service as accounts_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.db import session_scope
from app.models import AuditEvent
from tests.factories.accounts import make_user
from tests.races.conftest import RaceServer, statuses


def test_a_token_revoked_four_times_at_once_is_revoked_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        user = make_user(s, name="令牌用户")
        token = race_server.token(s, user)
        doomed, _raw = accounts_service.create_token(
            s, Actor(user=user), user, TokenCreate(name="待撤销")
        )
        doomed_id = doomed.id

    responses = race_server.at_once([(token, "DELETE", f"/api/v1/me/tokens/{doomed_id}", None)] * 4)

    assert statuses(responses) == [204, 409, 409, 409], [r.text for r in responses]
    with race_server.factory() as s:
        revokes = s.scalar(
            select(func.count()).where(
                AuditEvent.action == "token.revoke", AuditEvent.object_id == str(doomed_id)
            )
        )
        assert revokes == 1
