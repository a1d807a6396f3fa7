"""Smoke tests in a real browser: what a person sees on the main pages, in Chinese.

The scenarios form one story and run in file order on one server and one browser: a company
registers, the platform admin verifies it, its admin uses the API with a token, a forged form
is refused, and the site works on a phone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import func, select

from app.core.db import build_engine
from app.core.templating import NAVIGATION
from app.demo.seed import DEMO_PASSWORD, USERS, credit_code
from app.models import Organization, User
from app.models.enums import OrgStatus, OrgType
from app.orgs.credit_code import ALPHABET
from tests.browser.conftest import (
    DESKTOP_SIZE,
    REVIEWER_EMAIL,
    REVIEWER_NAME,
    Journey,
    LiveServer,
)

pytestmark = pytest.mark.browser

DEMO_ADMIN_EMAIL = USERS[0][0]  # admin@demo.kechuang.cn
PHONE_SIZE = (390, 844)
WAIT_SECONDS = 30  # a bound for page conditions on a busy machine, not a target


# --- helpers -------------------------------------------------------------------------------


def visit(driver: WebDriver, server: LiveServer, path: str) -> None:
    driver.get(server.url + path)


def wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.05)


def submit(driver: WebDriver, button: WebElement, *, confirm: bool = False) -> None:
    """Click a submit button and wait until the next page has loaded."""
    driver.execute_script("window.__leaving = true")
    button.click()
    if confirm:
        wait(driver).until(ec.alert_is_present())
        driver.switch_to.alert.accept()
    wait(driver).until(_next_page_loaded)


def _next_page_loaded(driver: WebDriver) -> bool:
    """True once a new document (without the old page's marker) has finished loading."""
    try:
        return bool(
            driver.execute_script("return !window.__leaving && document.readyState === 'complete'")
        )
    except WebDriverException:  # the old document went away mid-call
        return False


def status(driver: WebDriver) -> int:
    """The HTTP status of the page on screen."""
    return int(
        driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")
    )


def page_text(driver: WebDriver) -> str:
    """The text a person sees (hidden elements excluded)."""
    return str(driver.find_element(By.TAG_NAME, "body").text)


def path_of(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).path


def fill(driver: WebDriver, selector: str, value: str) -> None:
    field = driver.find_element(By.CSS_SELECTOR, selector)
    field.clear()
    field.send_keys(value)


def flashes(driver: WebDriver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".flash")]


def log_in(driver: WebDriver, server: LiveServer, email: str, password: str) -> None:
    driver.delete_all_cookies()
    visit(driver, server, "/login")
    fill(driver, "#f-email", email)
    fill(driver, "#f-password", password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] [type=submit]"))


def ensure_signed_in(driver: WebDriver, server: LiveServer, email: str, password: str) -> None:
    """Reuse the browser's session when it already belongs to ``email`` (logins are slow)."""
    visit(driver, server, "/me")
    if path_of(driver) != "/me" or email not in page_text(driver):
        log_in(driver, server, email, password)


def screenshot(driver: WebDriver, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def severe_console_messages(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def horizontal_overflow(driver: WebDriver) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return int(
        driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
        )
    )


@pytest.fixture
def driver(browser: Any, live_server: LiveServer) -> Iterator[WebDriver]:
    """The shared browser at desktop size, its console log drained."""
    browser.set_window_size(*DESKTOP_SIZE)
    browser.get_log("browser")
    yield browser


def _count(server: LiveServer, stmt: Any) -> int:
    engine = build_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(stmt) or 0)
    finally:
        engine.dispose()


# --- 1. home page --------------------------------------------------------------------------


def test_home_page_in_chinese_with_figures_and_built_sections(
    driver: WebDriver, live_server: LiveServer, screenshots: Path
) -> None:
    visit(driver, live_server, "/")
    assert status(driver) == 200
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert "科创一网通" in driver.title

    verified = _count(
        live_server,
        select(func.count())
        .select_from(Organization)
        .where(Organization.status == OrgStatus.VERIFIED),
    )
    users = _count(live_server, select(func.count()).select_from(User))
    assert verified > 0
    figures = driver.find_element(By.CSS_SELECTOR, "section.figures")
    assert figures.is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "[data-figure=orgs]").text == str(verified)
    assert driver.find_element(By.CSS_SELECTOR, "[data-figure=users]").text == str(users)
    assert "认证机构" in figures.text
    assert "注册用户" in figures.text
    assert "最新入驻机构" in page_text(driver)

    # Every stylesheet, script and image comes from this server and loaded.
    origin = live_server.url
    resources: list[dict[str, Any]] = driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".map(e => ({name: e.name, status: e.responseStatus, type: e.initiatorType}))"
    )
    assert any(r["name"].startswith(f"{origin}/static/css/") for r in resources)
    assert any(r["name"].startswith(f"{origin}/static/js/") for r in resources)
    off_site = [r["name"] for r in resources if not r["name"].startswith(origin + "/")]
    assert off_site == [], f"loaded from elsewhere: {off_site}"
    failed = [r for r in resources if r["status"] not in (0, 200)]
    assert failed == [], f"assets that did not load: {failed}"
    linked: list[str] = driver.execute_script(
        "return [...document.querySelectorAll("
        "'link[href], script[src], img[src], source[src], iframe[src], video[src], audio[src]')]"
        ".map(e => e.href || e.src)"
    )
    assert linked
    assert [u for u in linked if not u.startswith(origin + "/")] == []
    broken_images: list[str] = driver.execute_script(
        "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)"
    )
    assert broken_images == []
    assert driver.execute_script("return document.styleSheets.length") >= 1
    assert severe_console_messages(driver) == []

    screenshot(driver, screenshots, "home-desktop")


def test_main_menu_lists_the_built_sections(driver: WebDriver, live_server: LiveServer) -> None:
    """The menu lists exactly the sections that answer, in the planned order."""
    with live_server.api() as api:
        built = [item.label for item in NAVIGATION if api.get(item.path).status_code != 404]
    assert "资源整合" in built
    visit(driver, live_server, "/")
    nav = driver.find_elements(By.CSS_SELECTOR, "#site-nav ul a")
    assert [a.text for a in nav] == built
    for link in nav:
        with live_server.api() as api:
            assert api.get(link.get_attribute("href") or "").status_code in (200, 401)


# --- 2. registration -----------------------------------------------------------------------


def test_register_new_org_shows_check_character_error_then_pending_profile(
    driver: WebDriver, live_server: LiveServer, journey: Journey, screenshots: Path
) -> None:
    suffix = f"{secrets.randbelow(10**5):05d}"
    good_code = credit_code("91220101MA0Y" + suffix)
    wrong_code = good_code[:17] + next(c for c in ALPHABET if c != good_code[17])
    org_name = f"长春星河光电科技有限公司{suffix}"
    email = f"zhao.{suffix}@xinghe-guangdian.cn"
    password = "Xinghe#Lidar-2026"

    driver.delete_all_cookies()
    visit(driver, live_server, "/")
    driver.find_element(By.LINK_TEXT, "注册").click()
    assert path_of(driver) == "/register"
    assert "注册账号" in page_text(driver)

    fill(driver, "#f-name", "赵晓明")
    fill(driver, "#f-email", email)
    fill(driver, "#f-phone", "13804310000")
    fill(driver, "#f-password", password)
    fill(driver, "#f-password_confirm", password)
    assert driver.find_element(By.ID, "f-org-name").is_displayed()  # 注册新机构 is the default
    fill(driver, "#f-org-name", org_name)
    fill(driver, "#f-org-credit_code", wrong_code)
    Select(driver.find_element(By.ID, "f-org-org_type")).select_by_value(OrgType.ENTERPRISE.value)
    Select(driver.find_element(By.ID, "f-org-region_code")).select_by_visible_text("朝阳区")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/register'] [type=submit]"))

    assert status(driver) == 422
    error = driver.find_element(By.ID, "e-org-credit_code")
    assert error.is_displayed()
    assert "校验位" in error.text
    assert f"应为“{good_code[17]}”" in error.text
    code_field = driver.find_element(By.ID, "f-org-credit_code")
    assert code_field.get_attribute("aria-invalid") == "true"
    assert code_field.get_attribute("value") == wrong_code
    assert driver.find_element(By.ID, "f-org-name").get_attribute("value") == org_name
    assert "请修改以下问题后重新提交" in page_text(driver)
    screenshot(driver, screenshots, "register-error")

    fill(driver, "#f-org-credit_code", good_code)
    fill(driver, "#f-password", password)
    fill(driver, "#f-password_confirm", password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/register'] [type=submit]"))

    assert path_of(driver) == "/me"
    assert status(driver) == 200
    assert any("注册成功" in message for message in flashes(driver))
    text = page_text(driver)
    assert "个人中心" in text
    assert org_name in text
    assert "机构资料正在等待平台审核" in text
    assert driver.find_element(By.CSS_SELECTOR, ".user-menu .user-name").text == "赵晓明"
    screenshot(driver, screenshots, "profile-pending")
    journey.values.update(
        email=email,
        password=password,
        org_name=org_name,
        credit_code=good_code,
        profile_badge=driver.find_element(By.CSS_SELECTOR, ".badge").text,
    )


def test_pending_org_badge_reads_pending_review(journey: Journey) -> None:
    assert journey.need("profile_badge", "registration") == "待审核"


# --- 3. platform admin verifies the organisation ------------------------------------------


def test_demo_platform_admin_signs_in(driver: WebDriver, live_server: LiveServer) -> None:
    log_in(driver, live_server, DEMO_ADMIN_EMAIL, DEMO_PASSWORD)
    assert "邮箱格式不正确" not in page_text(driver)
    assert path_of(driver) == "/"
    assert driver.find_element(By.LINK_TEXT, "管理后台").is_displayed()


def test_platform_admin_verifies_new_org_and_audit_log_shows_it(
    driver: WebDriver, live_server: LiveServer, journey: Journey, screenshots: Path
) -> None:
    org_name = journey.need("org_name", "registration")
    email = journey.need("email", "registration")

    log_in(driver, live_server, REVIEWER_EMAIL, "Wrong-password-1")
    assert path_of(driver) == "/login"
    assert status(driver) == 401
    assert "邮箱或密码不正确" in driver.find_element(By.CSS_SELECTOR, ".form-errors").text
    assert driver.find_element(By.ID, "f-email").get_attribute("value") == REVIEWER_EMAIL

    fill(driver, "#f-password", DEMO_PASSWORD)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] [type=submit]"))
    assert path_of(driver) == "/"
    assert any("欢迎回来" in message for message in flashes(driver))

    driver.find_element(By.LINK_TEXT, "管理后台").click()
    assert path_of(driver) == "/admin"
    driver.find_element(By.CSS_SELECTOR, "nav.subnav").find_element(
        By.LINK_TEXT, "机构审核"
    ).click()
    assert path_of(driver) == "/admin/orgs"
    assert driver.find_element(By.TAG_NAME, "h1").text == "机构审核"
    row_xpath = f"//tr[td/a[normalize-space()='{org_name}']]"
    row = driver.find_element(By.XPATH, row_xpath)
    assert journey.values["credit_code"] in row.text
    assert "企业" in row.text
    screenshot(driver, screenshots, "admin-org-queue")

    submit(driver, row.find_element(By.XPATH, ".//button[normalize-space()='通过']"))
    assert path_of(driver) == "/admin/orgs"
    assert f"{org_name}：通过认证完成" in flashes(driver)
    assert driver.find_elements(By.XPATH, row_xpath) == []  # no longer waiting

    visit(driver, live_server, "/admin/orgs?status=verified&q=" + org_name)
    row = driver.find_element(By.XPATH, row_xpath)
    assert "已认证" in row.text

    visit(driver, live_server, "/admin/audit")
    assert status(driver) == 200
    events = [
        [cell.text for cell in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "table.audit tbody tr")
    ]
    by_action = {cells[2]: cells for cells in events}
    assert f"注册机构 {org_name}" in by_action["org.register"][4]
    assert f"注册账号 {email}" in by_action["user.register"][4]
    assert by_action["user.register"][1].startswith("赵晓明")
    verify = by_action["org.verify"]
    assert f"通过认证：{org_name}" in verify[4]
    assert verify[1].startswith(REVIEWER_NAME)
    actions = [cells[2] for cells in events]
    assert actions.index("org.verify") < actions.index("org.register")  # newest first
    journey.values["verified"] = "yes"


# --- 4. API token --------------------------------------------------------------------------


def test_org_admin_creates_token_uses_it_and_revokes_it(
    driver: WebDriver, live_server: LiveServer, journey: Journey
) -> None:
    email = journey.need("email", "registration")
    journey.need("verified", "verification")
    log_in(driver, live_server, email, journey.values["password"])
    assert "赵晓明" in driver.find_element(By.CSS_SELECTOR, ".user-menu").text

    visit(driver, live_server, "/me")
    assert "已认证" in page_text(driver)
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/me/tokens']")
    field = form.find_element(By.NAME, "name")
    field.send_keys("成果数据同步")
    Select(form.find_element(By.NAME, "expires_in_days")).select_by_visible_text("30天")
    submit(driver, form.find_element(By.CSS_SELECTOR, "[type=submit]"))

    shown = driver.find_element(By.CSS_SELECTOR, "[data-new-token]")
    token = shown.text.strip()
    assert len(token) >= 20
    assert "只显示这一次" in page_text(driver)
    row = driver.find_element(By.XPATH, "//section[@id='tokens']//tr[td[1]='成果数据同步']")
    assert "有效" in row.text
    assert token not in row.text  # the table shows only the prefix

    visit(driver, live_server, "/me")
    assert driver.find_elements(By.CSS_SELECTOR, "[data-new-token]") == []
    assert token not in driver.page_source

    with live_server.api(token) as api:
        response = api.get("/api/v1/me")
    assert response.status_code == 200, response.text
    assert response.json()["email"] == email
    assert response.json()["name"] == "赵晓明"

    row = driver.find_element(By.XPATH, "//section[@id='tokens']//tr[td[1]='成果数据同步']")
    submit(driver, row.find_element(By.XPATH, ".//button[normalize-space()='撤销']"), confirm=True)
    assert "令牌“成果数据同步”已撤销" in flashes(driver)
    row = driver.find_element(By.XPATH, "//section[@id='tokens']//tr[td[1]='成果数据同步']")
    assert "已撤销" in row.text
    assert row.find_elements(By.TAG_NAME, "button") == []

    with live_server.api(token) as api:
        refused = api.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "撤销" in refused.json()["detail"]


# --- 5. forged CSRF token ------------------------------------------------------------------


def _forge_csrf(driver: WebDriver, form_selector: str) -> None:
    driver.execute_script(
        "document.querySelector(arguments[0]).querySelector('input[name=csrf_token]').value"
        " = 'forged-' + arguments[1];",
        form_selector,
        secrets.token_urlsafe(16),
    )


def test_forged_csrf_token_is_refused_and_changes_nothing(
    driver: WebDriver, live_server: LiveServer, journey: Journey
) -> None:
    email = journey.need("email", "registration")
    ensure_signed_in(driver, live_server, email, journey.values["password"])

    visit(driver, live_server, "/me")
    fill(driver, "form[action='/me/profile'] input[name=name]", "冒名顶替")
    _forge_csrf(driver, "form[action='/me/profile']")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/me/profile'] button"))
    assert status(driver) == 403
    assert driver.find_element(By.TAG_NAME, "h1").text == "请求校验失败"
    assert "CSRF" in page_text(driver)

    visit(driver, live_server, "/me")
    assert status(driver) == 200
    assert (
        driver.find_element(
            By.CSS_SELECTOR, "form[action='/me/profile'] input[name=name]"
        ).get_attribute("value")
        == "赵晓明"
    )

    visit(driver, live_server, "/")
    _forge_csrf(driver, "form[action='/logout']")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))
    assert status(driver) == 403
    assert "请求校验失败" in page_text(driver)
    visit(driver, live_server, "/me")
    assert path_of(driver) == "/me"
    assert status(driver) == 200  # still signed in
    assert driver.find_element(By.CSS_SELECTOR, ".user-menu .user-name").text == "赵晓明"

    # The genuine form still works.
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))
    assert "您已安全退出" in flashes(driver)
    assert driver.find_elements(By.LINK_TEXT, "登录")


# --- 6. phone screen -----------------------------------------------------------------------


def test_phone_screen_has_menu_button_and_no_horizontal_scroll(
    driver: WebDriver, live_server: LiveServer, screenshots: Path
) -> None:
    driver.delete_all_cookies()
    driver.set_window_size(*PHONE_SIZE)
    visit(driver, live_server, "/")
    assert driver.execute_script("return window.innerWidth") <= PHONE_SIZE[0]

    toggle = driver.find_element(By.CSS_SELECTOR, "button.nav-toggle")
    menu = driver.find_element(By.ID, "site-nav")
    assert toggle.is_displayed()
    assert toggle.text == "菜单"
    assert not menu.is_displayed()
    assert horizontal_overflow(driver) == 0
    screenshot(driver, screenshots, "home-phone")

    toggle.click()
    wait(driver).until(lambda _d: menu.is_displayed())
    assert toggle.get_attribute("aria-expanded") == "true"
    assert driver.find_element(By.LINK_TEXT, "登录").is_displayed()
    assert driver.find_element(By.LINK_TEXT, "注册").is_displayed()
    assert all(a.is_displayed() for a in menu.find_elements(By.CSS_SELECTOR, "ul a"))
    assert horizontal_overflow(driver) == 0
    screenshot(driver, screenshots, "home-phone-menu")

    toggle.click()
    wait(driver).until(lambda _d: not menu.is_displayed())

    overflowing = {}
    for path in ("/login", "/register", "/orgs", "/password/forgot"):
        visit(driver, live_server, path)
        if horizontal_overflow(driver):
            overflowing[path] = horizontal_overflow(driver)
    log_in(driver, live_server, REVIEWER_EMAIL, DEMO_PASSWORD)
    for path in ("/me", "/admin", "/admin/orgs?status=all", "/admin/users", "/admin/audit"):
        visit(driver, live_server, path)
        assert status(driver) == 200, path
        if horizontal_overflow(driver):
            overflowing[path] = horizontal_overflow(driver)
    screenshot(driver, screenshots, "admin-audit-phone")  # the last page above
    assert overflowing == {}, f"pages wider than a phone (px too wide): {overflowing}"


# --- the server side of it all -------------------------------------------------------------


def test_server_logged_no_errors_or_warnings(live_server: LiveServer) -> None:
    """uvicorn's own lines start with INFO:; anything else is the app warning or failing."""
    lines = live_server.log.read_text(errors="replace").splitlines()
    assert [line for line in lines if " 500 " in line] == []
    problems = [line for line in lines if line.strip() and not line.startswith("INFO:")]
    assert problems[:20] == []
