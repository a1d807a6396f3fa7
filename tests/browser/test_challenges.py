"""揭榜挂帅 in a real browser, on the demo's three challenges: a solver submits its draft,
the staff see who was excluded from a panel and why, an expert scores, the staff accept a
milestone and the solver sees the tranche released."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.db import build_engine
from app.models import ChallengeApplication, ChallengePanel, User
from app.models.enums import PanelStatus
from tests.browser.conftest import DESKTOP_SIZE, LiveServer
from tests.browser.test_catalogue import (
    People,
    button,
    fill,
    flashes,
    page_text,
    path_of,
    submit,
    visit,
)

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.kechuang.cn"
DRAFTER = "ccut@demo.kechuang.cn"  # 长春工业大学: a draft on the challenge taking applications
EXPERT = "expert4@demo.kechuang.cn"  # 刘婧: on the panel being scored, not yet scored


@pytest.fixture(scope="module")
def people(browser: Any, live_server: LiveServer) -> Iterator[People]:
    engine = build_engine(live_server.database_url)
    yield People(live_server, browser, engine)
    browser.delete_all_cookies()
    engine.dispose()


@pytest.fixture
def driver(browser: Any, people: People) -> WebDriver:
    browser.set_window_size(*DESKTOP_SIZE)
    return browser  # type: ignore[no-any-return]


def _panel(engine: Engine, status: PanelStatus) -> ChallengePanel:
    with Session(engine) as session:
        panel = session.scalars(
            select(ChallengePanel).where(ChallengePanel.status == status)
        ).first()
        assert panel is not None, status
        return panel


def test_solver_submits_its_draft(
    driver: WebDriver, live_server: LiveServer, people: People
) -> None:
    people.be(DRAFTER)
    visit(driver, live_server, "/me/challenge-applications")
    assert "草稿" in page_text(driver)
    draft = driver.find_element(
        By.XPATH, "//tr[td/span[normalize-space()='草稿']]//a[contains(@href, '/applications/')]"
    )
    submit(driver, draft)
    fill(driver, "#f-schedule", "第1-4月实施；第5-8月中期检查；第9-12月验收")
    submit(driver, button(driver, "提交揭榜申请"))
    assert any("揭榜申请已提交" in text for text in flashes(driver)), page_text(driver)
    assert "已提交" in page_text(driver)


def test_staff_see_who_stayed_out_and_why(
    driver: WebDriver, live_server: LiveServer, people: People
) -> None:
    panel = _panel(people.engine, PanelStatus.SCORING)
    people.be(ADMIN)
    visit(driver, live_server, f"/challenges/{panel.challenge_id}/review")
    text = page_text(driver)
    assert "专家评审中" in text
    assert "回避" in text and "是揭榜单位" in text
    assert "评分进度" in text


def test_expert_scores_every_application(
    driver: WebDriver, live_server: LiveServer, people: People
) -> None:
    panel = _panel(people.engine, PanelStatus.SCORING)
    people.be(EXPERT)
    visit(driver, live_server, "/me/reviews")
    submit(driver, driver.find_element(By.LINK_TEXT, "去评分"))
    assert path_of(driver) == f"/challenges/{panel.challenge_id}/scoring"
    forms = driver.find_elements(By.CSS_SELECTOR, "form.score-form")
    assert forms
    for index in range(len(forms)):
        form = driver.find_elements(By.CSS_SELECTOR, "form.score-form")[index]
        for score in form.find_elements(By.CSS_SELECTOR, "input[type=number]"):
            score.clear()
            score.send_keys(str(80 - index))
        for comment in form.find_elements(By.CSS_SELECTOR, "textarea"):
            comment.clear()
            comment.send_keys("方案可行，指标论证充分")
        submit(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert any("已保存" in text for text in flashes(driver)), page_text(driver)
    assert "待评" not in page_text(driver)
    with Session(people.engine) as session:
        expert = session.scalars(select(User).where(User.email == EXPERT)).one()
        people.be(ADMIN)
        visit(driver, live_server, f"/challenges/{panel.challenge_id}/review")
        assert f"{expert.name}：已评 {len(forms)} / {len(forms)}" in page_text(driver)


def test_staff_accept_a_milestone_and_the_solver_sees_the_tranche(
    driver: WebDriver, live_server: LiveServer, people: People
) -> None:
    panel = _panel(people.engine, PanelStatus.AWARDED)
    people.be(ADMIN)
    visit(driver, live_server, f"/challenges/{panel.challenge_id}/review")
    assert "第 1 名" in page_text(driver) or "排名" in page_text(driver)
    submit(driver, button(driver, "验收通过并拨付"))
    assert any("该期奖励已拨付" in text for text in flashes(driver)), page_text(driver)
    with Session(people.engine) as session:
        winner = session.get(ChallengeApplication, panel.winner_id)
        assert winner is not None
        solver = session.get(User, winner.created_by_id)
        assert solver is not None
        email = solver.email
    people.be(email)
    visit(driver, live_server, f"/challenges/{panel.challenge_id}/applications/{panel.winner_id}")
    text = page_text(driver)
    assert "揭榜成功" in text and "中期检查" in text
    assert text.count("已拨付") >= 2
