"""The database down or locked: a Chinese 503 the client may retry, never a stack trace.

Real failures only: an app pointed at a PostgreSQL port nobody listens on, and a SQLite file
whose write lock another connection holds past the busy timeout. A query that is simply
wrong stays a 500; the public health report names neither host, port nor error.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.config import Settings
from app.core.db import BUSY as BUSY_FAILURE
from app.core.db import RACE as RACE_FAILURE
from app.core.db import UNREACHABLE as UNREACHABLE_FAILURE
from app.core.db import (
    WRITE_INTENT,
    build_engine,
    build_sessionmaker,
    database_failure,
    session_scope,
)
from app.models import User
from search.base import SearchBackend
from tests.app_pool import pool as app_pool
from tests.factories.accounts import make_user
from tests.factories.fixtures import login
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]

UNREACHABLE = "数据库暂时无法连接，请稍后重试"
BUSY = "系统繁忙，请稍后重试"


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again once the socket is


def _client_on(url: str, settings: Settings, search_backend: SearchBackend) -> Iterator[TestClient]:
    engine = build_engine(url)
    try:
        with (
            app_pool.lend(settings, build_sessionmaker(engine), search_backend) as app,
            TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c,
        ):
            yield c
    finally:
        engine.dispose()


@pytest.fixture
def down_client(settings: Settings, search_backend: SearchBackend) -> Iterator[TestClient]:
    """An app whose PostgreSQL refuses every connection."""
    url = f"postgresql+psycopg://kechuang:kechuang@127.0.0.1:{_closed_port()}/kechuang"
    yield from _client_on(url, settings, search_backend)


class TestDatabaseUnreachable:
    def test_an_api_route_answers_503_problem_json(self, down_client: TestClient) -> None:
        response = down_client.get("/api/v1/achievements")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"] == UNREACHABLE
        assert response.headers["retry-after"]
        assert "Traceback" not in response.text and "psycopg" not in response.text

    def test_a_write_answers_503_too(self, down_client: TestClient) -> None:
        response = down_client.post(
            "/api/v1/auth/tokens", json={"email": "a@example.cn", "password": "x", "name": "t"}
        )
        assert response.status_code == 503
        assert response.json()["detail"] == UNREACHABLE

    def test_a_page_answers_a_chinese_503_page(self, down_client: TestClient) -> None:
        response = down_client.get("/achievements")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("text/html")
        assert UNREACHABLE in response.text and "服务暂时不可用" in response.text
        assert "Traceback" not in response.text and "127.0.0.1" not in response.text

    def test_health_says_unavailable_without_host_port_or_error(
        self, down_client: TestClient
    ) -> None:
        response = down_client.get("/api/v1/health")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": {"status": "unavailable"}}


class TestProgrammingErrorsStay500:
    def test_a_missing_table_is_a_bug_not_an_outage(
        self, tmp_path: Any, settings: Settings, search_backend: SearchBackend
    ) -> None:
        # An empty SQLite file: it opens, but no table exists.
        for client in _client_on(f"sqlite:///{tmp_path / 'empty.db'}", settings, search_backend):
            response = client.get("/api/v1/achievements")
            assert response.status_code == 500
            assert response.json()["detail"] == "服务器处理请求时出错，请稍后重试；问题已记录"


class TestSqliteLockedPastTheBusyTimeout:
    @pytest.fixture
    def short_busy_timeout(self, file_db: FileDatabase) -> None:
        def shorter(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=300")

        event.listen(file_db.engine, "connect", shorter)

    def test_a_write_answers_503_busy(
        self, file_db: FileDatabase, short_busy_timeout: None, file_client: TestClient
    ) -> None:
        with session_scope(file_db.factory) as session:
            user = make_user(session)
            _row, raw = account_service.create_token(
                session, Actor(user=user), user, TokenCreate(name="脚本")
            )
        holder = file_db.engine.raw_connection()
        try:
            holder.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
            response = file_client.patch(
                "/api/v1/me", json={"name": "新的名字"}, headers={"Authorization": f"Bearer {raw}"}
            )
        finally:
            holder.rollback()
            holder.close()
        assert response.status_code == 503
        assert response.json()["detail"] == BUSY


class TestHealthDetails:
    def test_anonymous_sees_no_host_port_or_error(
        self, client: TestClient, settings: Settings
    ) -> None:
        body = client.get("/api/v1/health").json()
        assert body["database"] == {"status": "ok"}
        assert set(body["outbox"]) == {"pending", "failed", "lag_seconds"}
        assert "detail" not in body["search"]

    def test_a_member_sees_the_public_report(self, client: TestClient, member: User) -> None:
        login(client, member)
        assert client.get("/api/v1/health").json()["database"] == {"status": "ok"}

    def test_a_platform_admin_sees_where_the_database_is_and_the_outbox_by_topic(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        _row, raw = account_service.create_token(
            session, Actor(user=platform_admin), platform_admin, TokenCreate(name="运维")
        )
        body = client.get("/api/v1/health", headers={"Authorization": f"Bearer {raw}"}).json()
        database = body["database"]
        assert database["status"] == "ok"
        assert database["dialect"] == session.get_bind().dialect.name
        assert {"host", "port", "name"} <= set(database)
        assert "pending_by_topic" in body["outbox"] and "recent_failures" in body["outbox"]
        assert "possible_duplicates" in body["mail"]

    def test_a_platform_admin_signed_in_on_the_site_sees_them_too(
        self, client: TestClient, platform_admin: User
    ) -> None:
        login(client, platform_admin)
        assert "dialect" in client.get("/api/v1/health").json()["database"]


class TestTellsFailuresFromBugs:
    """Real errors from the test database, whichever it is."""

    def test_waiting_too_long_for_a_lock_is_busy(self, engine: Engine) -> None:
        with engine.connect() as holder, engine.connect() as waiter:
            if engine.dialect.name == "postgresql":
                holder.begin()
                holder.execute(text("LOCK TABLE periodic_job_state IN ACCESS EXCLUSIVE MODE"))
                waiter.begin()
                waiter.execute(text("SET LOCAL lock_timeout = '200ms'"))
                blocked = "SELECT 1 FROM periodic_job_state"
            else:  # both transactions take the write lock first (BEGIN IMMEDIATE)
                holder = holder.execution_options(**WRITE_INTENT)
                holder.exec_driver_sql("SELECT 1")
                waiter.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA busy_timeout=200"
                )
                waiter = waiter.execution_options(**WRITE_INTENT)
                blocked = "SELECT 1"
            with pytest.raises(OperationalError) as raised:
                waiter.exec_driver_sql(blocked)
            holder.rollback()
        assert database_failure(raised.value) == BUSY_FAILURE

    def test_a_deadlock_between_two_requests_is_a_race(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            pytest.skip("SQLite takes one write lock per database: two writers cannot deadlock")
        first, second = engine.connect(), engine.connect()
        try:
            for conn in (first, second):
                conn.begin()
            first.execute(text("LOCK TABLE periodic_job_state IN SHARE MODE"))
            second.execute(text("LOCK TABLE outbox_message IN SHARE MODE"))
            errors: list[BaseException] = []

            def cross(conn: Any, table: str) -> None:
                try:
                    conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
                except OperationalError as exc:
                    errors.append(exc)
                    conn.rollback()

            other = threading.Thread(target=cross, args=(first, "outbox_message"))
            other.start()
            cross(second, "periodic_job_state")
            other.join(timeout=60)
        finally:
            first.close()
            second.close()
        assert len(errors) == 1
        assert database_failure(errors[0]) == RACE_FAILURE

    def test_a_missing_table_is_a_bug(self, engine: Engine) -> None:
        with engine.connect() as conn, pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT * FROM no_such_table"))
        assert database_failure(raised.value) is None

    def test_a_refused_connection_is_unreachable(self) -> None:
        url = f"postgresql+psycopg://kechuang:kechuang@127.0.0.1:{_closed_port()}/kechuang"
        down = build_engine(url)
        try:
            with pytest.raises(OperationalError) as raised:
                down.connect()
        finally:
            down.dispose()
        assert database_failure(raised.value) == UNREACHABLE_FAILURE
