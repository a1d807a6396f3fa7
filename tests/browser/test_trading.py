"""技术交易 in a real browser: an enterprise and a university negotiate through a deal
introduced by a broker, sign a 技术转让 contract and have it registered (认定登记).

The enterprise (长春启明星汽车电子) inquires on one of 吉林大学's published achievements, names
the demo broker, offers 80万; the university accepts and signs the contract from the deal,
fixing a mistake the form points out, and submits it for registration; the platform
administrator registers it, and the printable certificate carries the registration number.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from sqlalchemy import text

from app.demo.seed import ORGS, USERS
from tests.browser.conftest import LiveServer
from tests.browser.test_catalogue import (  # the suite's helpers and fixtures
    People,
    button,
    choose,
    driver,
    fill,
    flashes,
    page_text,
    path_of,
    people,
    screenshot,
    set_date,
    submit,
    visit,
)

pytestmark = pytest.mark.browser
__all__ = ["driver", "people"]  # fixtures used by the tests below

ADMIN_EMAIL = USERS[0][0]
BROKER_EMAIL, BROKER_NAME = USERS[2][0], USERS[2][1]
SELLER_EMAIL = USERS[4][0]  # 吉林大学's admin
BUYER_EMAIL = USERS[11][0]  # 长春启明星汽车电子有限公司's admin
assert (ORGS[USERS[4][4] or 0][0], ORGS[USERS[11][4] or 0][0]) == (
    "吉林大学",
    "长春启明星汽车电子有限公司",
)


def _settled(server: LiveServer) -> None:
    """Wait until the worker has indexed the demo data (a busy machine takes a while)."""
    server.wait_until_settled()


def _achievement_without_deal(people: People) -> tuple[int, str]:
    with people.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT l.id, l.title FROM listing l JOIN organization o ON o.id = l.org_id "
                "WHERE o.name = '吉林大学' AND l.kind = 'achievement' AND l.status = 'published' "
                "AND l.id NOT IN (SELECT listing_id FROM deal) ORDER BY l.id LIMIT 1"
            )
        ).one()
    return int(row.id), str(row.title)


def test_enterprise_and_university_sign_and_register_a_transfer_contract(
    driver: WebDriver, live_server: LiveServer, people: People, screenshots: Path
) -> None:
    _settled(live_server)
    listing_id, title = _achievement_without_deal(people)

    # The enterprise inquires on the achievement and names the broker who introduced it.
    people.be(BUYER_EMAIL)
    visit(driver, live_server, f"/achievements/{listing_id}")
    fill(driver, "#f-inquiry", "我司拟受让该成果用于车载产品，请报价并说明交付方式。")
    submit(driver, button(driver, "发起洽谈"))
    deal_path = path_of(driver)
    assert re.fullmatch(r"/deals/\d+", deal_path), driver.current_url
    assert "意向" in page_text(driver)
    choose(driver, "#f-broker", str(_broker_id(people)))
    submit(driver, driver.find_element(By.CSS_SELECTOR, "#broker button"))
    assert driver.find_element(By.ID, "deal-broker").text == BROKER_NAME
    fill(driver, "#f-offer-price", "80万")
    fill(driver, "#f-offer-terms", "签约后付30万，验收后付50万")
    submit(driver, button(driver, "报价"))
    assert "报价已发出，等待对方答复" in flashes(driver)

    # The university accepts the offer and signs the contract from the deal.
    people.be(SELLER_EMAIL)
    visit(driver, live_server, deal_path)
    assert "洽谈" in driver.find_element(By.CSS_SELECTOR, ".listing-card-head .badge").text
    submit(driver, button(driver, "接受"))
    assert driver.find_element(By.ID, "agreed-price").text == "80万元"
    submit(driver, driver.find_element(By.LINK_TEXT, "签订合同"))
    assert path_of(driver) == "/contracts/new"
    assert driver.find_element(By.ID, "f-total_amount").get_attribute("value") == "800000.00"
    choose(driver, "#f-ip_type", "21")
    if not driver.find_element(By.ID, "f-tech_field").get_attribute("value"):
        choose(driver, "#f-tech_field", "03")
    fill(driver, "#f-tech_amount", "90万")  # a mistake: more than the total
    set_date(driver, "#f-signed_on", date(2026, 11, 20))
    fill(driver, "input[name='milestones.0.name']", "签约首付款")
    fill(driver, "input[name='milestones.0.amount']", "300000")
    fill(driver, "input[name='milestones.1.name']", "验收尾款")
    fill(driver, "input[name='milestones.1.amount']", "500000")
    submit(driver, button(driver, "保存合同"))
    assert "技术交易额不能超过合同总额" in page_text(driver)
    assert (
        driver.find_element(By.CSS_SELECTOR, "input[name='milestones.1.name']").get_attribute(
            "value"
        )
        == "验收尾款"
    )  # nothing typed is lost
    fill(driver, "#f-tech_amount", "78万")
    submit(driver, button(driver, "保存合同"))
    contract_path = path_of(driver)
    assert re.fullmatch(r"/contracts/\d+", contract_path), page_text(driver)
    assert "合同已录入" in " ".join(flashes(driver))
    assert "让与方（卖方）" in page_text(driver) and "受让方（买方）" in page_text(driver)
    submit(driver, button(driver, "提交认定登记"))
    assert "已提交认定登记，等待管理员审核" in flashes(driver)

    # The administrator registers it; the deal shows 登记 and the certificate prints.
    people.be(ADMIN_EMAIL)
    visit(driver, live_server, "/admin/contracts")
    submit(driver, driver.find_element(By.LINK_TEXT, f"{title}技术合同"))
    submit(driver, button(driver, "认定登记"))
    number = driver.find_element(By.ID, "registration-no").text
    assert re.fullmatch(r"220104\d{4}\d{6}", number), number
    submit(driver, driver.find_element(By.LINK_TEXT, "打印登记证明"))
    certificate = driver.find_element(By.ID, "certificate").text
    assert number in certificate and "技术转让" in certificate and "吉林大学" in certificate
    screenshot(driver, screenshots, "contract-certificate")
    visit(driver, live_server, deal_path)
    assert "登记" in driver.find_element(By.CSS_SELECTOR, ".listing-card-head .badge").text
    screenshot(driver, screenshots, "deal-registered")

    # The broker sees the deal it introduced.
    people.be(BROKER_EMAIL)
    visit(driver, live_server, "/trading")
    assert title in page_text(driver)


def _broker_id(people: People) -> int:
    with people.engine.connect() as conn:
        return int(
            conn.execute(
                text('SELECT id FROM "user" WHERE email = :e'), {"e": BROKER_EMAIL}
            ).scalar_one()
        )
