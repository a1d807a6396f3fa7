"""A real server under hostile clients: many sending the same request at once, or one
declaring a body it never sends.

``race_server`` is ``kechuang serve`` in a subprocess on a database of its own: a fresh
database next to the test database on PostgreSQL (served by two worker processes), a SQLite
file otherwise. The tests commit their data through the services, then fire the requests from
threads released together by a barrier, and read what the database holds afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.accounts import service as accounts_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine, build_sessionmaker
from app.core.migrate import upgrade
from app.models import User

START_SECONDS = 120  # a wait, not a target: a busy machine imports slowly


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


def _fresh_postgres(base_url: str) -> tuple[str, Callable[[], None]]:
    url = make_url(base_url)
    name = f"{url.database}_races_{uuid.uuid4().hex[:8]}"
    admin: Engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def race_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RaceServer]:
    var_dir = tmp_path_factory.mktemp("race-var")
    base = os.environ.get("KC_TEST_DATABASE_URL")
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if base:
        database_url, drop = _fresh_postgres(base)
    else:
        database_url = f"sqlite:///{var_dir / 'kechuang.db'}"
    upgrade(database_url)
    engine = build_engine(database_url)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    env.update(
        KC_ENVIRONMENT="test",
        KC_VAR_DIR=str(var_dir),
        KC_DATABASE_URL=database_url,
        KC_SECRET_KEY=secrets.token_urlsafe(32),
        KC_PASSWORD_HASH_COST="test-only-cheap",
        KC_WORKER_IN_PROCESS="false",  # the outbox rows stay, so the tests can count them
        # Twenty writers queue for SQLite's one write lock; on a busy machine the last may wait
        # longer than the usual 10 s. What is tested is who wins, not how long they queue.
        KC_SQLITE_BUSY_TIMEOUT_SECONDS="120",
        PYTHONUNBUFFERED="1",
    )
    workers = "2" if base else "1"
    script = Path(sys.executable).with_name("kechuang")
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from app.cli import main; main()"]
    )
    log = var_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", workers],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = RaceServer(
        url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        factory=build_sessionmaker(engine),
        log=log,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield server
        assert "Traceback" not in log.read_text(errors="replace"), "the server logged a traceback"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        engine.dispose()
        drop()
