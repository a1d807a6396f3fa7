"""A live server and one headless Chromium for the browser smoke suite.

The server is a real ``kechuang serve`` subprocess on a free local port with its own SQLite
file, migrated and loaded with the demo data before it starts. The browser is Debian's
chromium driven by chromedriver through selenium. Without them the suite is skipped, except
on CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from app.core.config import PROJECT_ROOT
from app.demo.seed import USERS
from tests.live_server import free_port, serve_command

SCREENSHOT_DIR = PROJECT_ROOT / "var" / "screenshots"
DESKTOP_SIZE = (1280, 900)
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
]
SERVER_START_SECONDS = 120  # a wait, not a target: a busy machine imports slowly
SETTLE_SECONDS = 300  # likewise for the worker draining the outbox
# The demo platform administrator reviews the new organisation.
REVIEWER_EMAIL = USERS[0][0]
REVIEWER_NAME = USERS[0][1]


def _on_ci() -> bool:
    return os.environ.get("CI") == "true"


def _unavailable(reason: str) -> NoReturn:
    if _on_ci():
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _browser_binaries() -> tuple[str, str]:
    """(chromium, chromedriver) paths; env CHROME_BIN / CHROMEDRIVER override the search."""
    chromium = os.environ.get("CHROME_BIN") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
    )
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    missing = [
        name
        for name, path in (("chromium", chromium), ("chromedriver", driver))
        if not path or not os.access(path, os.X_OK)
    ]
    if missing:
        _unavailable(
            f"{' and '.join(missing)} not found "
            "(apt-get install chromium chromium-driver, or run scripts/install-system-deps.sh)"
        )
    assert chromium and driver
    return chromium, driver


def _migrate(url: str) -> None:
    from app.core.migrate import upgrade

    upgrade(url)


def _seed(url: str) -> None:
    """Load the demo data and a platform administrator the login form accepts."""
    from app.core.db import build_engine, build_sessionmaker, session_scope
    from app.demo.seed import seed

    engine = build_engine(url)
    try:
        with session_scope(build_sessionmaker(engine)) as session:
            seed(session)
    finally:
        engine.dispose()


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@dataclass
class LiveServer:
    url: str
    database_url: str
    log: Path
    process: subprocess.Popen[bytes]

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{_log_tail(self.log)}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"server not healthy after {SERVER_START_SECONDS}s:\n{_log_tail(self.log)}"
                )
            time.sleep(0.1)

    def wait_until_settled(self, *, search_only: bool = False) -> None:
        """Wait until the worker has drained the outbox (or just its search indexing).

        A condition, not a pause: a busy machine indexes late, so the bound is generous and
        only there to fail with the backlog instead of hanging.
        """
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            health = httpx.get(f"{self.url}/api/v1/health", timeout=10).json()
            pending = health["search"]["pending"]
            if not search_only:
                pending += health["outbox"]["pending"]
            if not pending:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"outbox not drained after {SETTLE_SECONDS}s: {health}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kechuang serve`` on its own migrated, demo-seeded SQLite database, maybe still booting.

    Tests use ``live_server``; this split lets the browser start while the server boots.
    """
    _browser_binaries()  # no point starting a server the browser cannot reach
    var_dir = tmp_path_factory.mktemp("browser-var")
    database_url = f"sqlite:///{var_dir / 'kechuang.db'}"
    _migrate(database_url)
    _seed(database_url)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    env.update(
        KC_ENVIRONMENT="test",
        KC_VAR_DIR=str(var_dir),
        KC_DATABASE_URL=database_url,
        KC_BASE_URL=url,
        KC_SECRET_KEY=secrets.token_urlsafe(32),
        KC_PASSWORD_HASH_COST="test-only-cheap",  # real Argon2id, minimal work factor
        # The server's worker indexes the whole demo catalogue first; with the semantic layer
        # each record costs ~0.2 s of encoding and the first test waiting for the index spent
        # over two minutes on it. No browser test is about semantic matching.
        KC_DENSE="0",
        PYTHONUNBUFFERED="1",
    )
    log = var_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            serve_command(port), cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = LiveServer(url=url, database_url=database_url, log=log, process=process)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(server_process: LiveServer, browser: Any) -> LiveServer:
    """The running server, once /api/v1/health answers."""
    server_process.wait_until_healthy()
    return server_process


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory, server_process: LiveServer) -> Iterator[Any]:
    """One headless Chromium for the whole session, on a fresh profile.

    It depends on ``server_process`` only so that it starts while the server boots.
    """
    chromium, chromedriver = _browser_binaries()
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument(f"--window-size={DESKTOP_SIZE[0]},{DESKTOP_SIZE[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    except WebDriverException as exc:
        _unavailable(f"chromium did not start: {exc.msg}")
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test whose pages broke the Content-Security-Policy (a blocked script,
    handler or style shows in the console). Reads what is left in the console at the end."""
    yield
    if "browser" not in request.fixturenames:
        return
    driver = request.getfixturevalue("browser")
    violations = [
        e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]
    ]
    assert violations == [], "\n".join(violations)


@dataclass
class Journey:
    """What one scenario leaves for the next (the suite is one story, run in file order)."""

    values: dict[str, str] = field(default_factory=dict)

    def need(self, key: str, step: str) -> str:
        if key not in self.values:
            pytest.skip(f"needs the {step} scenario, which did not complete")
        return self.values[key]


@pytest.fixture(scope="session")
def journey() -> Journey:
    return Journey()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
