"""``kechuang serve`` tells the address it answers at, and mail links follow it without KC_BASE_URL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.config import PROJECT_ROOT
from app.core.db import build_engine, build_sessionmaker
from app.core.urls import served_address
from tests.factories.accounts import make_user
from tests.file_db import migrated_sqlite_file

__all__ = ["migrated_sqlite_file"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path, migrated_sqlite_file: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A real server on a fresh database with one user, KC_BASE_URL unset, on a free port."""
    shutil.copyfile(migrated_sqlite_file, tmp_path / "kechuang.db")
    url = f"sqlite:///{tmp_path / 'kechuang.db'}"
    engine = build_engine(url)
    with build_sessionmaker(engine)() as session:
        make_user(session, email="reset@example.cn")
        session.commit()
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    env.update(KC_VAR_DIR=str(tmp_path), PYTHONPATH=str(PROJECT_ROOT), KC_WORKER_POLL_SECONDS="0.2")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
        cwd=tmp_path,  # no .env of a checkout is read
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_prints_its_address_and_mails_link_to_it(
    site: tuple[subprocess.Popen[str], int], tmp_path: Path
) -> None:
    server, port = site
    address = f"http://127.0.0.1:{port}"
    assert server.stdout is not None
    assert address in server.stdout.readline()

    deadline = time.monotonic() + 60
    with httpx.Client(base_url=address, timeout=30) as client:
        while True:
            try:
                answer = client.post(
                    "/api/v1/auth/password/forgot", json={"email": "reset@example.cn"}
                )
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
    assert answer.status_code == 202, answer.text

    mail_log = tmp_path / "mail.log"
    while "/password/reset?token=" not in (mail_log.read_text() if mail_log.exists() else ""):
        assert time.monotonic() < deadline, "no reset mail was written"
        time.sleep(0.2)
    assert f"{address}/password/reset?token=" in mail_log.read_text()
    assert "127.0.0.1:8000" not in mail_log.read_text()


@pytest.mark.parametrize(
    ("host", "port", "address"),
    [
        ("127.0.0.1", 18510, "http://127.0.0.1:18510"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
        ("::", 8080, "http://[::1]:8080"),
        ("kechuang.example.cn", 80, "http://kechuang.example.cn:80"),
    ],
)
def test_served_address(host: str, port: int, address: str) -> None:
    assert served_address(host, port) == address
