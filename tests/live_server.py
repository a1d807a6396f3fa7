"""``kechuang serve`` in a subprocess, on a database of its own, for tests that need real HTTP.

On PostgreSQL (``KC_TEST_DATABASE_URL`` set) the database is a fresh one next to the test
database, dropped afterwards; otherwise a SQLite file in the server's own folder.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.core.config import PROJECT_ROOT
from app.core.migrate import upgrade

START_SECONDS = 120  # a wait, not a target: a busy machine imports slowly


@dataclass
class Server:
    url: str
    database_url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:]

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"server exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fresh_postgres(base_url: str, purpose: str) -> tuple[str, Callable[[], None]]:
    url = make_url(base_url)
    name = f"{url.database}_{purpose}_{uuid.uuid4().hex[:8]}"
    admin: Engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def serve_command(port: int, workers: int = 1) -> list[str]:
    """``kechuang serve`` on ``port``, through the installed script when there is one."""
    script = Path(sys.executable).with_name("kechuang")
    program = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from app.cli import main; main()"]
    )
    return [*program, "serve", "--port", str(port), "--workers", str(workers)]


@contextmanager
def database(var_dir: Path, purpose: str) -> Iterator[str]:
    """A migrated, empty database for one server: PostgreSQL when the tests use it."""
    base = os.environ.get("KC_TEST_DATABASE_URL")
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if base:
        database_url, drop = _fresh_postgres(base, purpose)
    else:
        database_url = f"sqlite:///{var_dir / 'kechuang.db'}"
    try:
        upgrade(database_url)
        yield database_url
    finally:
        drop()


@contextmanager
def unmigrated_database(var_dir: Path, purpose: str) -> Iterator[str]:
    """An empty database with no tables, for tests that run the migrations step by step."""
    base = os.environ.get("KC_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{var_dir / f'{purpose}.db'}"
        return
    database_url, drop = _fresh_postgres(base, purpose)
    try:
        yield database_url
    finally:
        drop()


@contextmanager
def serving(
    var_dir: Path, database_url: str, *, workers: int = 1, **settings: str
) -> Iterator[Server]:
    """Run ``kechuang serve`` until the block ends; ``settings`` are extra ``KC_`` variables
    (``rate_limit_enabled="false"`` sets ``KC_RATE_LIMIT_ENABLED``). Waits until healthy."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    env.update(
        KC_ENVIRONMENT="test",
        KC_VAR_DIR=str(var_dir),
        KC_DATABASE_URL=database_url,
        KC_BASE_URL=f"http://127.0.0.1:{port}",
        KC_SECRET_KEY=secrets.token_urlsafe(32),
        KC_PASSWORD_HASH_COST="test-only-cheap",  # real Argon2id, minimal work factor
        PYTHONUNBUFFERED="1",
    )
    env.update({f"KC_{name.upper()}": value for name, value in settings.items()})
    log = var_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            serve_command(port, workers),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(
        url=f"http://127.0.0.1:{port}", database_url=database_url, log=log, process=process
    )
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()
