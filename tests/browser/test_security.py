"""The Content-Security-Policy in a real browser: the main pages run under it without a
single violation, and an injected inline handler is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from app.demo.seed import DEMO_PASSWORD
from tests.browser.conftest import DESKTOP_SIZE, REVIEWER_EMAIL, LiveServer
from tests.browser.test_smoke import log_in, status, visit, wait

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/search?q=激光",
    "/achievements",
    "/demands",
    "/challenges",
    "/events",
    "/orgs",
    "/login",
    "/register",
    "/password/forgot",
    "/about",
    "/help",
    "/privacy",
    "/api/v1/docs",
]
ADMIN_PAGES = [
    "/me",
    "/me/listings",
    "/me/notifications",
    "/trading",
    "/incentives",
    "/achievements/new",
    "/admin",
    "/admin/orgs",
    "/admin/listings",
    "/admin/users",
    "/admin/contracts",
    "/admin/contracts/statistics",
    "/admin/incentives/claims",
    "/admin/audit",
    "/admin/search",
    "/matching/workbench",
]


def csp_messages(driver: WebDriver) -> list[str]:
    return [
        e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]
    ]


@pytest.fixture
def driver(browser: Any, live_server: LiveServer) -> Iterator[WebDriver]:
    browser.set_window_size(*DESKTOP_SIZE)
    browser.get_log("browser")
    yield browser
    browser.delete_all_cookies()  # leave the browser signed out, as it started


def _site_script_ran(driver: WebDriver) -> bool:
    """site.js (loaded from /static under ``script-src 'self'``) handles the menu button."""
    toggle = driver.find_element(By.CSS_SELECTOR, "[data-toggle=site-nav]")
    driver.execute_script("arguments[0].click()", toggle)
    return toggle.get_attribute("aria-expanded") == "true"


def test_main_pages_run_without_csp_violations(driver: WebDriver, live_server: LiveServer) -> None:
    seen: dict[str, list[str]] = {}
    for path in PUBLIC_PAGES:
        visit(driver, live_server, path)
        assert status(driver) == 200, path
        seen[path] = csp_messages(driver)
    assert _site_script_ran(driver)

    log_in(driver, live_server, REVIEWER_EMAIL, DEMO_PASSWORD)
    for path in ADMIN_PAGES:
        visit(driver, live_server, path)
        assert status(driver) == 200, path
        seen[path] = csp_messages(driver)
    assert {path: found for path, found in seen.items() if found} == {}


def test_an_injected_inline_handler_is_refused(driver: WebDriver, live_server: LiveServer) -> None:
    """What a stored-XSS payload would try: the policy stops it even if markup got through."""
    visit(driver, live_server, "/")
    driver.execute_script(
        "window.__ran = false;"
        "const probe = document.createElement('div');"
        'probe.innerHTML = \'<img src="/static/img/favicon.svg?probe" onload="window.__ran = true">\';'
        "document.body.append(probe);"
    )
    wait(driver).until(lambda d: csp_messages(d))
    assert driver.execute_script("return window.__ran") is False
