"""The site as a government portal, in a real browser: a one-line header for a platform
administrator at 1280 px, a legible terminate button, detail pages without an empty column,
phone filters behind a toggle, the portal home, the skip link and the API docs under the CSP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.db import build_engine
from app.demo.seed import DEMO_PASSWORD
from app.models import Deal, Event, User
from app.models.enums import DealStatus, EventStatus
from tests.browser.conftest import DESKTOP_SIZE, REVIEWER_EMAIL, LiveServer
from tests.browser.test_smoke import log_in, status, visit, wait

pytestmark = pytest.mark.browser

PHONE_SIZE = (375, 812)
BUYER_EMAIL = "qimingxing@demo.kechuang.cn"


@pytest.fixture
def driver(browser: Any, live_server: LiveServer) -> Iterator[WebDriver]:
    browser.set_window_size(*DESKTOP_SIZE)
    yield browser
    browser.set_window_size(*DESKTOP_SIZE)
    browser.delete_all_cookies()  # leave the browser signed out, as it started


def _box(driver: WebDriver, selector: str) -> dict[str, float]:
    return dict(
        driver.execute_script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return {top: r.top, bottom: r.bottom, left: r.left, width: r.width, height: r.height};",
            selector,
        )
    )


def _style(driver: WebDriver, selector: str, prop: str) -> str:
    return str(
        driver.execute_script(
            "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]];",
            selector,
            prop,
        )
    )


def test_header_keeps_account_and_menu_each_on_one_line_for_a_platform_admin(
    driver: WebDriver, live_server: LiveServer
) -> None:
    log_in(driver, live_server, REVIEWER_EMAIL, DEMO_PASSWORD)
    visit(driver, live_server, "/")
    assert driver.find_element(By.LINK_TEXT, "管理后台").is_displayed()
    middles = (
        "return [...document.querySelectorAll(arguments[0])]"
        ".map(e => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2);"
    )
    top_row = driver.execute_script(middles, ".brand, .header-search, .user-menu > *")
    assert max(top_row) - min(top_row) < 8, top_row  # brand, search and account on one line
    menu = driver.execute_script(middles, ".site-nav li")
    assert len(menu) >= 12 and max(menu) - min(menu) < 8, menu  # every function on one line
    assert min(menu) > max(top_row)
    assert _box(driver, ".site-header")["height"] < 100


def test_terminate_button_is_white_on_red(driver: WebDriver, live_server: LiveServer) -> None:
    engine = build_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            org_id = session.scalar(select(User.org_id).where(User.email == BUYER_EMAIL))
            deal_id = session.scalar(
                select(Deal.id).where(
                    Deal.status.in_([DealStatus.INTENT, DealStatus.NEGOTIATING]),
                    or_(Deal.owner_org_id == org_id, Deal.inquirer_org_id == org_id),
                )
            )
    finally:
        engine.dispose()
    assert deal_id, "the demo data has an open deal of the buyer"
    log_in(driver, live_server, BUYER_EMAIL, DEMO_PASSWORD)
    visit(driver, live_server, f"/deals/{deal_id}")
    button = "#terminate button[type=submit]"
    assert driver.find_element(By.CSS_SELECTOR, button).text == "终止"
    assert _style(driver, button, "color") == "rgb(255, 255, 255)"
    assert _style(driver, button, "backgroundColor") == "rgb(197, 48, 48)"


def test_detail_pages_leave_no_empty_column(driver: WebDriver, live_server: LiveServer) -> None:
    engine = build_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            event_id = session.scalar(
                select(Event.id).where(Event.status != EventStatus.DRAFT).limit(1)
            )
    finally:
        engine.dispose()
    # A visitor has nothing in an event's side column: the article takes the whole width.
    visit(driver, live_server, f"/events/{event_id}")
    assert status(driver) == 200
    layout = _box(driver, ".detail-layout")
    article = _box(driver, ".detail-layout > :first-child")
    assert article["width"] > layout["width"] - 2, (article, layout)
    assert driver.find_elements(By.CSS_SELECTOR, ".detail-side") == [] or not (
        driver.find_element(By.CSS_SELECTOR, ".detail-side").is_displayed()
    )
    # On an achievement the side column shows who published it.
    live_server.wait_until_settled(search_only=True)  # the list reads the search index
    visit(driver, live_server, "/achievements")
    driver.find_element(By.CSS_SELECTOR, ".listing-card h3 a").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".detail-side .publisher"))
    side = driver.find_element(By.CSS_SELECTOR, ".detail-side")
    assert "发布机构" in side.text and _box(driver, ".detail-side")["width"] > 200


def test_phone_shows_the_first_result_before_the_filters(
    driver: WebDriver, live_server: LiveServer
) -> None:
    live_server.wait_until_settled(search_only=True)  # the list reads the search index
    driver.set_window_size(*PHONE_SIZE)
    visit(driver, live_server, "/achievements")
    height = driver.execute_script("return window.innerHeight")
    toggle = driver.find_element(By.CSS_SELECTOR, "[data-toggle=filters]")
    assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    assert not driver.find_element(By.ID, "filters").is_displayed()
    assert _box(driver, ".results .listing-card")["top"] < height  # on the first screen
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    facets = driver.find_element(By.ID, "filters")
    assert facets.is_displayed() and facets.find_elements(By.CSS_SELECTOR, "a.facet")
    # On a desktop the filters are always there and the toggle is not.
    driver.set_window_size(*DESKTOP_SIZE)
    visit(driver, live_server, "/achievements")
    assert driver.find_element(By.ID, "filters").is_displayed()
    assert not driver.find_element(By.CSS_SELECTOR, "[data-toggle=filters]").is_displayed()


def test_home_is_a_portal(driver: WebDriver, live_server: LiveServer) -> None:
    visit(driver, live_server, "/")
    for heading in ("最新发布", "近期活动", "揭榜挂帅 · 正在张榜", "精选科技成果", "企业技术需求"):
        section = driver.find_element(By.XPATH, f"//h2[normalize-space()='{heading}']/../..")
        assert section.find_elements(By.CSS_SELECTOR, "li a"), heading
    assert len(driver.find_elements(By.CSS_SELECTOR, ".key-figures .figure")) <= 6
    calls = driver.find_elements(By.CSS_SELECTOR, ".challenge-call")
    assert calls and all("揭榜截止" in c.text for c in calls)
    footer = driver.find_element(By.CSS_SELECTOR, ".site-footer").text
    assert "ICP备" in footer and "公网安备" in footer and "联系我们" in footer


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(
    driver: WebDriver, live_server: LiveServer
) -> None:
    visit(driver, live_server, "/achievements")
    skip = driver.find_element(By.CSS_SELECTOR, ".skip-link")
    assert _box(driver, ".skip-link")["bottom"] <= 0  # out of sight until focused
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert driver.switch_to.active_element == skip
    assert _box(driver, ".skip-link")["top"] >= 0
    skip.send_keys(Keys.ENTER)
    assert driver.execute_script("return location.hash") == "#main"
    assert driver.switch_to.active_element.get_attribute("id") == "main"


def test_api_docs_render_from_local_files_under_the_csp(
    driver: WebDriver, live_server: LiveServer
) -> None:
    log_in(driver, live_server, BUYER_EMAIL, DEMO_PASSWORD)
    visit(driver, live_server, "/me")
    driver.find_element(By.CSS_SELECTOR, "#tokens a[href='/api/v1/docs']").click()
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 10)
    assert "科创一网通 API" in driver.find_element(By.CSS_SELECTOR, ".swagger-ui .info").text
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert loaded and all(url.startswith(live_server.url) for url in loaded), loaded
    first = driver.find_element(By.CSS_SELECTOR, ".opblock-summary")
    first.click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock.is-open"))
