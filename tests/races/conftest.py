"""A real server under hostile clients: many sending the same request at once, or one
declaring a body it never sends.

``race_server`` is ``kechuang serve`` in a subprocess on a database of its own: a fresh
database next to the test database on PostgreSQL (served by two worker processes), a SQLite
file otherwise. The tests commit their data through the services, then fire the requests from
threads released together by a barrier, and read what the database holds afterwards.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.accounts import service as accounts_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.db import build_engine, build_sessionmaker
from app.models import User
from tests import live_server


@dataclass
class RaceServer:
    url: str
    database_url: str
    factory: sessionmaker[Session]
    log: Path

    def token(self, session: Session, user: User) -> str:
        _row, raw = accounts_service.create_token(
            session, Actor(user=user), user, TokenCreate(name="并发测试")
        )
        return raw

    def at_once(
        self, requests: list[tuple[str, str, str, dict[str, object] | None]]
    ) -> list[httpx.Response]:
        """Send (token, method, path, json) requests together, one connection each."""
        barrier = threading.Barrier(len(requests))

        def send(request: tuple[str, str, str, dict[str, object] | None]) -> httpx.Response:
            token, method, path, body = request
            with httpx.Client(
                base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=120
            ) as client:
                client.get("/api/v1/health")  # connect first, so the barrier releases requests
                barrier.wait()
                return client.request(method, path, json=body)

        with ThreadPoolExecutor(len(requests)) as pool:
            return list(pool.map(send, requests))


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


@pytest.fixture(scope="session")
def race_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RaceServer]:
    var_dir = tmp_path_factory.mktemp("race-var")
    on_postgres = bool(os.environ.get("KC_TEST_DATABASE_URL"))
    with (
        live_server.database(var_dir, "races") as database_url,
        live_server.serving(
            var_dir,
            database_url,
            workers=2 if on_postgres else 1,
            worker_in_process="false",  # the outbox rows stay, so the tests can count them
            # Twenty writers queue for SQLite's one write lock; on a busy machine the last may
            # wait longer than the usual 10 s. What is tested is who wins, not how long they queue.
            sqlite_busy_timeout_seconds="120",
        ) as process,
    ):
        engine = build_engine(database_url)
        try:
            yield RaceServer(
                url=process.url,
                database_url=database_url,
                factory=build_sessionmaker(engine),
                log=process.log,
            )
            assert "Traceback" not in process.log_tail(10**9), "the server logged a traceback"
        finally:
            engine.dispose()
