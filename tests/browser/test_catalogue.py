"""The catalogue in a real browser: publish, review, find and read a listing, as people do.

One story, run in file order on the suite's server and browser: 吉林大学's admin fills in an
achievement (first with a mistake), the platform admin returns it with a reason, the owner
fixes and resubmits it, the admin publishes it; it shows up in the list and its facet; an
anonymous visitor sees the summary only, a verified enterprise sees the details and asks for
the confidential section, which the owner grants; the enterprise then posts a demand and a
challenge, which the admin publishes from the review queue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Engine

from app.core.db import build_engine
from app.demo.seed import DEMO_PASSWORD, ORGS, USERS
from tests.browser.conftest import DESKTOP_SIZE, Journey, LiveServer

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30  # a bound for page conditions on a busy machine, not a target


def _person(index: int) -> tuple[str, str, str]:
    """(email, name, organisation) of a demo user."""
    email, name, *_rest, org_index, _role = USERS[index]
    assert org_index is not None
    return email, name, ORGS[org_index][0]


REVIEWER_EMAIL = USERS[0][0]  # the platform administrator
OWNER_EMAIL, OWNER_NAME, OWNER_ORG = _person(4)  # 吉林大学's admin
BUYER_EMAIL, BUYER_NAME, BUYER_ORG = _person(11)  # an enterprise admin, verified
assert (OWNER_ORG, BUYER_ORG) == ("吉林大学", "长春启明星汽车电子有限公司")

TITLE = "车载激光雷达非球面玻璃透镜精密模压成型技术"
SUMMARY = "采用超精密模压替代传统研磨抛光，批量制造车载激光雷达用非球面玻璃透镜，成本降低约四成。"
DESCRIPTION = "团队建立了玻璃预形体设计、模具镀膜与多段温控模压的完整工艺，已完成小批量验证。"
BETTER_DESCRIPTION = DESCRIPTION + "面形精度PV优于0.3微米，模具寿命超过两万次。"
ADVANTAGES = "面形精度高、一致性好，单件节拍小于3分钟，适合年产百万件规模。"
BENEFIT = "按年产100万件测算，可为合作企业新增产值约1.2亿元，毛利率约35%。"
PHONE = "0431-85166321"
CONTACT_EMAIL = "tech-transfer@jlu-demo.cn"
FIELD_CODE = "F1101"  # 精密光学与光学仪器, under 光电信息
FIELD_FACET = "光电信息"
RETURN_REASON = ("unclear", "技术描述不清，无法判断技术内容")
RETURN_NOTE = "请补充面形精度等关键指标"

DEMAND_TITLE = "域控制器板级热管理仿真与优化"
CHALLENGE_TITLE = "毫米波雷达天线罩低损耗材料攻关"


# --- helpers -------------------------------------------------------------------------------


def wait(driver: WebDriver, seconds: float = WAIT_SECONDS) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds, poll_frequency=0.05)


def visit(driver: WebDriver, server: LiveServer, path: str) -> None:
    driver.get(server.url + path)


def _next_page_loaded(driver: WebDriver) -> bool:
    try:
        return bool(
            driver.execute_script("return !window.__leaving && document.readyState === 'complete'")
        )
    except WebDriverException:  # the old document went away mid-call
        return False


def click(driver: WebDriver, element: WebElement) -> None:
    """Scroll ``element`` to the middle of the window, clear of the form's sticky buttons."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def submit(driver: WebDriver, button: WebElement) -> None:
    """Click a submit button (or link) and wait until the next page has loaded."""
    driver.execute_script("window.__leaving = true")
    click(driver, button)
    wait(driver).until(_next_page_loaded)


def status(driver: WebDriver) -> int:
    return int(
        driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")
    )


def page_text(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def path_of(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).path


def query_of(driver: WebDriver) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(driver.current_url).query)


def fill(driver: WebDriver, selector: str, value: str) -> None:
    element = driver.find_element(By.CSS_SELECTOR, selector)
    element.clear()
    if value:
        element.send_keys(value)


def value_of(driver: WebDriver, selector: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, selector).get_attribute("value") or "")


def choose(driver: WebDriver, selector: str, value: str) -> None:
    Select(driver.find_element(By.CSS_SELECTOR, selector)).select_by_value(value)


def tick(driver: WebDriver, name: str, value: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, f"input[type=checkbox][name={name}][value={value}]")
    if not box.is_selected():
        click(driver, box)


def ticked(driver: WebDriver, name: str) -> list[str]:
    return [
        str(box.get_attribute("value"))
        for box in driver.find_elements(By.CSS_SELECTOR, f"input[type=checkbox][name={name}]")
        if box.is_selected()
    ]


def set_date(driver: WebDriver, selector: str, value: date) -> None:
    """Date inputs take typed digits in the browser's locale order; set the value instead."""
    driver.execute_script(
        "const input = document.querySelector(arguments[0]); input.value = arguments[1];"
        "input.dispatchEvent(new Event('change', {bubbles: true}));",
        selector,
        value.isoformat(),
    )


def button(driver: WebDriver, text: str, within: WebElement | None = None) -> WebElement:
    scope: Any = within if within is not None else driver
    found: WebElement = scope.find_element(By.XPATH, f".//button[normalize-space()='{text}']")
    return found


def flashes(driver: WebDriver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".flash")]


def inline_error(driver: WebDriver, name: str) -> str:
    """The message under a form field, which must be marked invalid too."""
    holder = driver.find_element(
        By.XPATH, f"//*[@name='{name}']/ancestor::*[contains(@class, 'field')][1]"
    )
    assert "has-error" in (holder.get_attribute("class") or ""), name
    return str(holder.find_element(By.CSS_SELECTOR, ".error").text)


def error_summary(driver: WebDriver) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, ".form-errors").text)


def listing_id(driver: WebDriver, kind: str) -> str:
    match = re.fullmatch(rf"/{kind}s/(\d+)", path_of(driver))
    assert match, f"not on a {kind} detail page: {driver.current_url}"
    return match.group(1)


def queue_row(driver: WebDriver, title: str) -> WebElement:
    return driver.find_element(
        By.XPATH, f"//table[contains(@class,'queue')]//tr[td/a[.='{title}']]"
    )


def queue_tab(driver: WebDriver, label: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, "nav.subnav[aria-label='按类型']").find_element(
        By.LINK_TEXT, label
    )


def my_row(driver: WebDriver, title: str) -> WebElement:
    return driver.find_element(
        By.XPATH, f"//table[contains(@class,'my-listings')]//tr[td/a[.='{title}']]"
    )


def unread_count(driver: WebDriver) -> int:
    badges = driver.find_elements(By.CSS_SELECTOR, ".user-menu .notify-link .badge-count")
    return int(badges[0].text) if badges else 0


def screenshot(driver: WebDriver, directory: Path, name: str, *, full: bool = True) -> Path:
    """A screenshot of the whole page (the window is stretched to the page's height)."""
    path = directory / f"{name}.png"
    if full:
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        driver.set_window_size(DESKTOP_SIZE[0], min(max(height + 140, DESKTOP_SIZE[1]), 4000))
    try:
        driver.save_screenshot(str(path))
    finally:
        if full:
            driver.set_window_size(*DESKTOP_SIZE)
    return path


@dataclass
class People:
    """One browser, several people: each one's cookies are put aside while another acts."""

    server: LiveServer
    driver: WebDriver
    engine: Engine
    current: str | None = None
    jars: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def be(self, email: str | None) -> None:
        """Continue as ``email`` (None: an anonymous visitor), signing in the first time."""
        if email == self.current:
            return
        if self.current is not None:
            self.jars[self.current] = self.driver.get_cookies()
        self.driver.delete_all_cookies()
        self.current = email
        if email is None:
            return
        if email in self.jars:
            # Cookies need a page of the site: an HTML one, which names its icon. (On a JSON
            # page Chrome asks for /favicon.ico, whose late answer could overwrite them.)
            visit(self.driver, self.server, "/login")
            for cookie in self.jars[email]:
                self.driver.add_cookie(cookie)
            return
        visit(self.driver, self.server, "/login")
        self.sign_in_here(email)

    def sign_in_here(self, email: str) -> None:
        """Fill in the login form on screen."""
        fill(self.driver, "#f-email", email)
        fill(self.driver, "#f-password", DEMO_PASSWORD)
        submit(
            self.driver, self.driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button")
        )
        assert path_of(self.driver) != "/login", page_text(self.driver)
        self.current = email


@pytest.fixture(scope="module")
def story() -> Journey:
    return Journey()


@pytest.fixture(scope="module")
def people(browser: Any, live_server: LiveServer) -> Iterator[People]:
    engine = build_engine(live_server.database_url)
    yield People(live_server, browser, engine)
    browser.delete_all_cookies()
    engine.dispose()


@pytest.fixture
def driver(browser: Any, people: People) -> Iterator[WebDriver]:
    browser.set_window_size(*DESKTOP_SIZE)
    browser.get_log("browser")
    yield browser
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    # The server answers 422 to a form with mistakes; the console reports that status.
    assert [m for m in severe if "422" not in m] == []


# --- 1. the owner fills in the form ----------------------------------------------------------


def test_owner_publishes_achievement_through_the_form_after_fixing_a_mistake(
    driver: WebDriver, live_server: LiveServer, people: People, story: Journey, screenshots: Path
) -> None:
    people.be(OWNER_EMAIL)
    visit(driver, live_server, "/")
    submit(
        driver,
        driver.find_element(By.CSS_SELECTOR, "#site-nav").find_element(By.LINK_TEXT, "成果展示"),
    )
    assert path_of(driver) == "/achievements"
    submit(driver, driver.find_element(By.LINK_TEXT, "发布科技成果"))
    assert path_of(driver) == "/achievements/new"
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("发布科技成果")
    # The contact starts as the person filling in the form.
    assert value_of(driver, "#f-contact_name") == OWNER_NAME

    fill(driver, "#f-title", TITLE)
    fill(driver, "#f-summary", "")  # forgotten
    choose(driver, "#f-field_code", FIELD_CODE)
    fill(driver, "#f-keywords", "非球面，模压，激光雷达")
    choose(driver, "#f-maturity", "small_pilot")
    choose(driver, "#f-trl", "6")
    fill(driver, "#f-price", "80万")
    tick(driver, "transfer_modes", "license")
    tick(driver, "transfer_modes", "joint_development")
    fill(driver, "#f-description", DESCRIPTION)
    fill(driver, "#f-advantages", ADVANTAGES)
    fill(driver, "#f-economic_benefit", BENEFIT)
    fill(driver, "#f-contact_phone", PHONE)
    fill(driver, "#f-contact_email", CONTACT_EMAIL)
    tick(driver, "confidential", "economic_benefit")
    submit(driver, button(driver, "保存并提交审核"))

    assert status(driver) == 422
    assert path_of(driver) == "/achievements/new"
    assert "请修改以下问题后重新提交" in error_summary(driver)
    assert "成果简介" in error_summary(driver)
    assert inline_error(driver, "summary") == "必填项"
    assert driver.find_element(By.ID, "f-summary").get_attribute("aria-invalid") == "true"
    # Everything typed is still there.
    assert value_of(driver, "#f-title") == TITLE
    assert value_of(driver, "#f-field_code") == FIELD_CODE
    assert value_of(driver, "#f-maturity") == "small_pilot"
    assert value_of(driver, "#f-trl") == "6"
    assert value_of(driver, "#f-price") == "80万"
    assert value_of(driver, "#f-advantages") == ADVANTAGES
    assert value_of(driver, "#f-economic_benefit") == BENEFIT
    assert value_of(driver, "#f-contact_phone") == PHONE
    assert ticked(driver, "transfer_modes") == ["license", "joint_development"]
    assert ticked(driver, "confidential") == ["economic_benefit"]
    screenshot(driver, screenshots, "achievement-form-errors")

    fill(driver, "#f-summary", SUMMARY)
    submit(driver, button(driver, "保存并提交审核"))
    assert status(driver) == 200
    achievement = listing_id(driver, "achievement")
    assert "已提交审核，审核通过后将公开展示" in flashes(driver)
    manage = driver.find_element(By.ID, "manage")
    assert "待审核" in manage.text
    assert "正在等待平台审核" in manage.text
    facts = driver.find_element(By.CSS_SELECTOR, ".listing-detail .facts").text
    assert "80万" in facts, facts
    assert "TRL 6" in facts
    assert "许可、合作开发" in facts

    visit(driver, live_server, "/me/listings")
    row = my_row(driver, TITLE)
    assert "待审核" in row.find_element(By.CSS_SELECTOR, ".badge").text
    assert "科技成果" in row.text
    story.values["achievement"] = achievement
    story.values["unread"] = str(unread_count(driver))


# --- 2. review: returned with a reason, fixed, published --------------------------------------


def test_admin_returns_with_a_reason_owner_sees_it_everywhere_and_resubmits(
    driver: WebDriver, live_server: LiveServer, people: People, story: Journey, screenshots: Path
) -> None:
    achievement = story.need("achievement", "publishing")
    people.be(REVIEWER_EMAIL)
    visit(driver, live_server, "/admin")
    submit(driver, driver.find_element(By.LINK_TEXT, "信息审核"))
    assert path_of(driver) == "/admin/listings"
    # Oldest first, a page at a time: the newcomer is found under its kind's tab.
    submit(driver, queue_tab(driver, "科技成果"))
    assert query_of(driver) == [("kind", "achievement")]
    row = queue_row(driver, TITLE)
    assert OWNER_ORG in row.text
    assert "科技成果" in row.text
    screenshot(driver, screenshots, "review-queue")

    Select(row.find_element(By.NAME, "reason_code")).select_by_visible_text(RETURN_REASON[1])
    row.find_element(By.NAME, "reason_text").send_keys(RETURN_NOTE)
    submit(driver, button(driver, "退回", row))
    assert path_of(driver) == "/admin/listings"
    assert query_of(driver) == [("kind", "achievement")]  # back where the reviewer was
    assert f"“{TITLE}”已退回修改，发布方会收到通知" in flashes(driver)
    assert (
        driver.find_elements(By.XPATH, f"//table[contains(@class,'queue')]//a[.='{TITLE}']") == []
    )

    people.be(OWNER_EMAIL)
    visit(driver, live_server, "/me/listings")
    assert unread_count(driver) == int(story.values["unread"]) + 1
    row = my_row(driver, TITLE)
    assert "已退回" in row.find_element(By.CSS_SELECTOR, ".badge").text
    assert f"退回原因：{RETURN_REASON[1]}。{RETURN_NOTE}" in row.text
    screenshot(driver, screenshots, "my-listings-returned")

    submit(driver, row.find_element(By.LINK_TEXT, TITLE))
    manage = driver.find_element(By.ID, "manage")
    assert "已退回" in manage.text
    assert f"退回原因：{RETURN_REASON[1]}。{RETURN_NOTE}" in manage.text

    # The worker is likely busy indexing the returned listing: the notification page, which
    # writes, must wait for SQLite's lock rather than fail.
    submit(driver, driver.find_element(By.CSS_SELECTOR, ".notify-link"))
    assert path_of(driver) == "/me/notifications"
    note = driver.find_element(
        By.XPATH, f"//li[contains(@class,'unread')][.//*[contains(., '{TITLE}')]]"
    )
    assert "被退回修改" in note.text
    assert RETURN_REASON[1] in note.text
    assert RETURN_NOTE in note.text
    visit(driver, live_server, "/me")
    assert unread_count(driver) == 0  # read once the list was opened

    visit(driver, live_server, f"/achievements/{achievement}")
    submit(driver, driver.find_element(By.ID, "manage").find_element(By.LINK_TEXT, "编辑"))
    assert path_of(driver) == f"/achievements/{achievement}/edit"
    assert f"审核退回：{RETURN_REASON[1]}。{RETURN_NOTE}" in page_text(driver)
    assert value_of(driver, "#f-price") == "80万元"
    assert ticked(driver, "confidential") == ["economic_benefit"]
    fill(driver, "#f-description", BETTER_DESCRIPTION)
    submit(driver, button(driver, "保存并提交审核"))
    assert path_of(driver) == f"/achievements/{achievement}"
    assert "已提交审核，审核通过后将公开展示" in flashes(driver)
    assert "待审核" in driver.find_element(By.ID, "manage").text

    people.be(REVIEWER_EMAIL)
    visit(driver, live_server, "/admin/listings?kind=achievement")
    row = queue_row(driver, TITLE)
    assert "修改后重新提交" in row.text
    submit(driver, button(driver, "通过并发布", row))
    assert f"“{TITLE}”已审核通过并发布" in flashes(driver)

    people.be(OWNER_EMAIL)
    visit(driver, live_server, "/me/listings?status=published")
    assert "已发布" in my_row(driver, TITLE).text
    story.values["published"] = achievement


# --- 3. the list and its facets --------------------------------------------------------------


def _card_titles(driver: WebDriver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".listing-cards h3 a")]


def test_published_achievement_is_listed_and_its_field_facet_finds_it(
    driver: WebDriver, live_server: LiveServer, people: People, story: Journey, screenshots: Path
) -> None:
    story.need("published", "review")
    people.be(None)
    live_server.wait_until_settled(search_only=True)  # the worker has indexed the publication
    visit(driver, live_server, "/achievements")
    assert TITLE in _card_titles(driver)
    total = int(re.search(r"共 (\d+) 条", page_text(driver)).group(1))  # type: ignore[union-attr]

    facet_section = driver.find_element(
        By.XPATH, "//aside[contains(@class,'listing-facets')]/section[h2='技术领域']"
    )
    links = {a.text: a for a in facet_section.find_elements(By.CSS_SELECTOR, "a.facet")}
    assert FIELD_FACET in links, list(links)
    other = next(name for name in links if name != FIELD_FACET)
    count = int(
        links[FIELD_FACET].find_element(By.XPATH, "following-sibling::span[@class='count']").text
    )
    assert 1 <= count < total

    submit(driver, links[other])
    assert ("field", other) in query_of(driver)
    assert TITLE not in _card_titles(driver)

    visit(driver, live_server, "/achievements")
    facet_section = driver.find_element(
        By.XPATH, "//aside[contains(@class,'listing-facets')]/section[h2='技术领域']"
    )
    submit(driver, facet_section.find_element(By.LINK_TEXT, FIELD_FACET))
    assert query_of(driver) == [("field", FIELD_FACET)]
    assert TITLE in _card_titles(driver)
    assert f"共 {count} 条" in page_text(driver)
    screenshot(driver, screenshots, "achievements-field-facet", full=False)
    chip = driver.find_element(By.CSS_SELECTOR, ".active-filters .chip")
    assert chip.text == f"技术领域：{FIELD_FACET} ✕"
    submit(driver, chip)  # removes the filter again
    assert path_of(driver) == "/achievements"
    assert query_of(driver) == []
    assert f"共 {total} 条" in page_text(driver)


# --- 4. tiered disclosure ---------------------------------------------------------------------


def test_anonymous_sees_summary_verified_enterprise_sees_details_and_asks_for_the_rest(
    driver: WebDriver, live_server: LiveServer, people: People, story: Journey, screenshots: Path
) -> None:
    achievement = story.need("published", "review")
    here = f"/achievements/{achievement}"
    people.be(None)
    visit(driver, live_server, here)
    assert status(driver) == 200
    assert driver.find_element(By.CSS_SELECTOR, ".listing-detail h1").text.startswith(TITLE)
    assert driver.find_element(By.CSS_SELECTOR, ".listing-detail .lead").text == SUMMARY
    assert "80万" in driver.find_element(By.CSS_SELECTOR, ".listing-detail .facts").text
    prompt = driver.find_element(By.CSS_SELECTOR, ".locked-notice")
    assert "登录并加入已认证机构后可查看详情和联系方式" in prompt.text
    source = driver.page_source
    for secret in (BETTER_DESCRIPTION, ADVANTAGES, BENEFIT, PHONE, CONTACT_EMAIL):
        assert secret not in source
    assert driver.find_elements(By.CSS_SELECTOR, ".contacts") == []
    assert driver.find_elements(By.ID, "manage") == []
    screenshot(driver, screenshots, "achievement-detail-anonymous")

    # The prompt's login button brings the enterprise admin back to the listing.
    submit(driver, prompt.find_element(By.LINK_TEXT, "登录"))
    assert path_of(driver) == "/login"
    people.sign_in_here(BUYER_EMAIL)
    assert path_of(driver) == here
    text = page_text(driver)
    assert BETTER_DESCRIPTION in text
    assert ADVANTAGES in text
    contacts = driver.find_element(By.CSS_SELECTOR, ".contacts").text
    assert PHONE in contacts
    assert CONTACT_EMAIL in contacts
    assert "查看联系方式的记录对发布方可见" in contacts
    locked = driver.find_element(By.ID, "s-economic_benefit")
    assert "保密内容，需发布方授权后查看" in locked.text
    assert BENEFIT not in driver.page_source
    assert driver.find_elements(By.ID, "manage") == []
    screenshot(driver, screenshots, "achievement-detail-verified")

    access = driver.find_element(By.ID, "access")
    fill(driver, "#f-message", "我公司有意许可该技术用于车载激光雷达量产")
    submit(driver, button(driver, "申请查看", access))
    assert path_of(driver) == here
    assert any("申请已发送" in m for m in flashes(driver))
    assert BENEFIT not in driver.page_source
    screenshot(driver, screenshots, "achievement-detail-requested")

    people.be(OWNER_EMAIL)
    visit(driver, live_server, here)
    assert unread_count(driver) >= 1
    requests = driver.find_element(By.ID, "access-requests")
    assert BUYER_ORG in requests.text
    assert "待授权" in requests.text
    assert "量产" in requests.text
    submit(driver, button(driver, "授权查看", requests))
    assert "已授权该机构查看保密内容" in flashes(driver)
    assert "已授权" in driver.find_element(By.ID, "access-requests").text
    views = driver.find_element(By.ID, "contact-views")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in views.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert [BUYER_NAME, BUYER_ORG] in [r[:2] for r in rows], rows

    people.be(BUYER_EMAIL)
    visit(driver, live_server, here)
    section = driver.find_element(By.ID, "s-economic_benefit")
    assert BENEFIT in section.text
    assert "保密" in section.find_element(By.CSS_SELECTOR, ".badge").text
    assert driver.find_elements(By.ID, "access") == []  # nothing left to ask for
    screenshot(driver, screenshots, "achievement-detail-granted")


# --- 5. an enterprise posts a demand and a challenge -----------------------------------------


def test_enterprise_posts_demand_and_challenge_and_admin_publishes_them(
    driver: WebDriver, live_server: LiveServer, people: People, screenshots: Path
) -> None:
    people.be(BUYER_EMAIL)
    visit(driver, live_server, "/demands")
    submit(driver, driver.find_element(By.LINK_TEXT, "发布技术需求"))
    assert path_of(driver) == "/demands/new"
    fill(driver, "#f-title", DEMAND_TITLE)
    fill(
        driver,
        "#f-summary",
        "车身域控制器功率密度提升后局部温升超标，需要板级热仿真与散热结构优化方案。",
    )
    choose(driver, "#f-field_code", "F0503")
    fill(driver, "#f-budget_min", "20万")
    fill(driver, "#f-budget_max", "50万")
    tick(driver, "cooperation_modes", "joint_development")
    fill(driver, "#f-problem", "满载工况下主控芯片结温超过105℃，需降至95℃以下且不增加风扇。")
    fill(driver, "#f-contact_phone", "0431-87650001")
    submit(driver, button(driver, "保存并提交审核"))
    assert status(driver) == 200, error_summary(driver)
    demand = listing_id(driver, "demand")
    assert "已提交审核，审核通过后将公开展示" in flashes(driver)
    assert "20万元–50万元" in driver.find_element(By.CSS_SELECTOR, ".listing-detail .facts").text

    visit(driver, live_server, "/challenges/new")
    fill(driver, "#f-title", CHALLENGE_TITLE)
    fill(
        driver,
        "#f-summary",
        "面向77GHz车载毫米波雷达，征集介电损耗低、耐候性好的天线罩材料及成型工艺。",
    )
    choose(driver, "#f-field_code", "F0305")
    fill(driver, "#f-reward", "50万")
    set_date(driver, "#f-application_deadline", date.today() + timedelta(days=90))
    fill(driver, "#f-problem", "现有PC天线罩在77GHz下损耗偏大，雷达探测距离下降约8%。")
    fill(driver, "#f-requirements", "具备高频介电性能测试能力，有车规材料开发经验。")
    for index, (name, weight) in enumerate(
        [("技术先进性", "40"), ("成本与量产性", "30"), ("团队能力", "20")]
    ):
        fill(driver, f"input[name='criteria-{index}-name']", name)
        fill(driver, f"input[name='criteria-{index}-weight']", weight)
    fill(driver, "#f-contact_phone", "0431-87650001")
    submit(driver, button(driver, "保存并提交审核"))

    assert status(driver) == 422
    criteria = driver.find_element(By.XPATH, "//fieldset[.//input[@name='criteria-0-name']]")
    assert "has-error" in (criteria.get_attribute("class") or "")
    assert (
        "评审标准权重之和应为100，当前为90" in criteria.find_element(By.CSS_SELECTOR, ".error").text
    )
    assert "评审标准权重之和应为100，当前为90" in error_summary(driver)
    assert value_of(driver, "#f-reward") == "50万"
    assert value_of(driver, "input[name='criteria-2-name']") == "团队能力"
    assert value_of(driver, "input[name='criteria-2-weight']") == "20"
    assert (
        value_of(driver, "#f-application_deadline")
        == (date.today() + timedelta(days=90)).isoformat()
    )
    screenshot(driver, screenshots, "challenge-form-errors")

    fill(driver, "input[name='criteria-2-weight']", "30")
    submit(driver, button(driver, "保存并提交审核"))
    assert status(driver) == 200, error_summary(driver)
    challenge = listing_id(driver, "challenge")
    assert "已提交审核，审核通过后将公开展示" in flashes(driver)
    assert "50万" in driver.find_element(By.CSS_SELECTOR, ".listing-detail .facts").text
    weights = [
        td.text
        for td in driver.find_elements(
            By.CSS_SELECTOR, ".listing-detail table.compact td:nth-child(2)"
        )
    ]
    assert weights == ["40%", "30%", "30%"]

    visit(driver, live_server, "/me/listings?status=submitted")
    for title in (DEMAND_TITLE, CHALLENGE_TITLE):
        assert "待审核" in my_row(driver, title).text
    with live_server.api() as api:
        assert api.get(f"/demands/{demand}").status_code == 404  # not public yet

    people.be(REVIEWER_EMAIL)
    visit(driver, live_server, "/admin/listings")
    for title, tab in ((DEMAND_TITLE, "技术需求"), (CHALLENGE_TITLE, "揭榜挂帅")):
        submit(driver, queue_tab(driver, tab))
        row = queue_row(driver, title)
        assert BUYER_ORG in row.text
        submit(driver, button(driver, "通过并发布", row))
        assert f"“{title}”已审核通过并发布" in flashes(driver)
    assert (
        driver.find_elements(By.XPATH, f"//table[contains(@class,'queue')]//a[.='{DEMAND_TITLE}']")
        == []
    )

    with live_server.api() as api:
        for path, title in (
            (f"/demands/{demand}", DEMAND_TITLE),
            (f"/challenges/{challenge}", CHALLENGE_TITLE),
        ):
            response = api.get(path)
            assert response.status_code == 200, path
            assert title in response.text
