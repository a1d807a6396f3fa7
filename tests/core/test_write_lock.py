"""Writes with an API token on a real SQLite file, where each connection competes for the lock.

A write request holds SQLite's write lock from its first query; anything else the request
writes must go through that same transaction, or it waits for a lock its own request holds.
"""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.db import session_scope
from app.models import ApiToken, User
from tests.factories.accounts import make_user
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]

#: A write served normally takes milliseconds; the lock's busy timeout is 10 s.
PROMPT_SECONDS = 5.0


def _token(session: Session, user: User) -> str:
    _row, raw = account_service.create_token(
        session, Actor(user=user), user, TokenCreate(name="同步脚本")
    )
    return raw


def _fresh_token(db: FileDatabase) -> tuple[int, str]:
    with session_scope(db.factory) as session:
        user = make_user(session, name="接口用户")
        return user.id, _token(session, user)


class TestWriteWithAFreshToken:
    def test_answers_at_once_on_a_sqlite_file(
        self, file_db: FileDatabase, file_client: TestClient
    ) -> None:
        user_id, raw = _fresh_token(file_db)
        started = time.monotonic()
        response = file_client.patch(
            "/api/v1/me", json={"name": "新的名字"}, headers={"Authorization": f"Bearer {raw}"}
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "新的名字"
        assert elapsed < PROMPT_SECONDS, f"the write waited {elapsed:.1f}s for its own lock"
        with file_db.factory() as session:
            token = session.query(ApiToken).filter_by(user_id=user_id).one()
            assert token.last_used_at is not None

    def test_a_read_with_the_token_records_its_use_too(
        self, file_db: FileDatabase, file_client: TestClient
    ) -> None:
        user_id, raw = _fresh_token(file_db)
        response = file_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200, response.text
        with file_db.factory() as session:
            token = session.query(ApiToken).filter_by(user_id=user_id).one()
            assert token.last_used_at is not None

    def test_answers_on_the_test_database(self, session: Session, client: TestClient) -> None:
        user = make_user(session, name="接口用户")
        raw = _token(session, user)
        response = client.patch(
            "/api/v1/me", json={"name": "新的名字"}, headers={"Authorization": f"Bearer {raw}"}
        )
        assert response.status_code == 200, response.text
        session.expire_all()
        token = session.query(ApiToken).filter_by(user_id=user.id).one()
        assert token.last_used_at is not None
