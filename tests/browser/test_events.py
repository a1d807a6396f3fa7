"""An organiser runs a 对接会 end to end in a real browser, with no one double-booked.

The platform administrator creates the event through the form and opens registration; four
people from a university, an institute and two enterprises register with a listing each;
they send, accept and leave pending meeting requests; the organiser closes registration,
builds and publishes the schedule; a participant reads and prints the agenda, is checked in
at the desk with their code and records a contract; the report shows it in its charts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import local
from app.core.db import build_engine, utcnow
from app.models import Event, EventParticipant, Meeting, MeetingRequest
from tests.browser.conftest import DESKTOP_SIZE, LiveServer
from tests.browser.test_catalogue import (
    People,
    button,
    choose,
    fill,
    flashes,
    page_text,
    path_of,
    screenshot,
    submit,
    visit,
)
from tests.factories.events import meetings_took_place

pytestmark = pytest.mark.browser

ORGANISER = "admin@demo.kechuang.cn"
UNIVERSITY = "jlu@demo.kechuang.cn"  # 王海燕, 吉林大学
INSTITUTE = "ciomp@demo.kechuang.cn"  # 张志强, 长春光机所
CARMAKER = "qimingxing@demo.kechuang.cn"  # 赵国栋, 长春启明星汽车电子
OPTICS = "guanggu@demo.kechuang.cn"  # 钱雪梅, 吉林省光谷精密光学
TITLE = "长春汽车电子技术一对一对接会（浏览器验收）"


def _datetime_input(days: float, hour: int | None = None) -> str:
    moment = local(utcnow() + timedelta(days=days))
    if hour is not None:
        moment = moment.replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _set(driver: WebDriver, selector: str, value: str) -> None:
    driver.execute_script(
        "const input = document.querySelector(arguments[0]); input.value = arguments[1];"
        "input.dispatchEvent(new Event('change', {bubbles: true}));",
        selector,
        value,
    )


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
    assert [m for m in severe if "422" not in m] == []


def _event_id(people: People) -> int:
    with Session(people.engine) as session:
        event_id = session.scalar(select(Event.id).where(Event.title == TITLE))
    assert event_id is not None
    return int(event_id)


def _register(driver: WebDriver, people: People, email: str, event_id: int, position: str) -> None:
    people.be(email)
    visit(driver, people.server, f"/events/{event_id}")
    fill(driver, "#f-position", position)
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=listing_ids]")
    assert boxes, "the organisation has published listings to bring"
    driver.execute_script("arguments[0].click()", boxes[0])
    submit(driver, button(driver, "提交报名"))
    assert any("已报名" in f for f in flashes(driver)), flashes(driver)


def _request(driver: WebDriver, people: People, email: str, event_id: int, to_name: str) -> None:
    people.be(email)
    visit(driver, people.server, f"/events/{event_id}/requests")
    select = driver.find_element(By.CSS_SELECTOR, "#f-to")
    value = next(
        o.get_attribute("value")
        for o in select.find_elements(By.TAG_NAME, "option")
        if o.text.startswith(to_name)
    )
    choose(driver, "#f-to", str(value))
    fill(driver, "#f-message", "希望当面交流合作方式")
    submit(driver, button(driver, "发出约见"))
    assert any("约见已发出" in f for f in flashes(driver)), flashes(driver)


def _answer(driver: WebDriver, people: People, email: str, event_id: int, answer: str) -> None:
    people.be(email)
    visit(driver, people.server, f"/events/{event_id}/requests")
    row = driver.find_element(By.CSS_SELECTOR, ".request-row[data-request]")
    submit(driver, button(driver, answer, row))
    assert flashes(driver), page_text(driver)


def test_organiser_runs_a_matchmaking_event_end_to_end(
    driver: WebDriver, live_server: LiveServer, people: People, screenshots: Path
) -> None:
    # 1. The organiser creates the event and opens registration.
    people.be(ORGANISER)
    visit(driver, live_server, "/events")
    submit(driver, driver.find_element(By.LINK_TEXT, "创建活动"))
    assert path_of(driver) == "/events/new"
    fill(driver, "#f-title", TITLE)
    choose(driver, "#f-kind", "matchmaking")
    fill(driver, "#f-venue", "长春国际会展中心C馆")
    choose(driver, "#f-region_code", "220173")
    _set(driver, "#f-registration_opens_at", _datetime_input(-1))
    _set(driver, "#f-registration_closes_at", _datetime_input(2))
    fill(driver, "#f-slot_minutes", "30")
    fill(driver, "#f-tables", "2")
    fill(driver, "#f-s0-title", "上午场")
    fill(driver, "#f-s0-room", "C馆二号厅")
    _set(driver, "#f-s0-starts_at", _datetime_input(5, 9))
    _set(driver, "#f-s0-ends_at", _datetime_input(5, 11))
    submit(driver, button(driver, "创建活动"))
    assert "4 个时段 × 2 张洽谈桌" in page_text(driver), page_text(driver)
    submit(driver, button(driver, "开放报名"))
    assert "报名中" in page_text(driver)
    event_id = _event_id(people)

    # 2. Four people register, each bringing a listing of their organisation.
    _register(driver, people, UNIVERSITY, event_id, "技术转移中心主任")
    _register(driver, people, INSTITUTE, event_id, "研究员")
    _register(driver, people, CARMAKER, event_id, "董事长")
    _register(driver, people, OPTICS, event_id, "总经理")

    # 3. Requests: two accepted, one left unanswered.
    _request(driver, people, UNIVERSITY, event_id, "赵国栋")
    _request(driver, people, INSTITUTE, event_id, "钱雪梅")
    _request(driver, people, UNIVERSITY, event_id, "钱雪梅")
    _answer(driver, people, CARMAKER, event_id, "接受")
    people.be(OPTICS)
    visit(driver, live_server, f"/events/{event_id}/requests")
    rows = driver.find_elements(By.CSS_SELECTOR, ".request-row[data-request]")
    assert len(rows) == 2
    institute_row = next(r for r in rows if "张志强" in r.text)
    submit(driver, button(driver, "接受", institute_row))

    # 4. The organiser closes registration, builds and publishes the schedule.
    people.be(ORGANISER)
    visit(driver, live_server, f"/events/{event_id}/manage")
    submit(driver, button(driver, "截止报名"))
    submit(driver, button(driver, "生成日程"))
    assert any("日程已生成：新排3场" in f for f in flashes(driver)), flashes(driver)
    grid = driver.find_element(By.CSS_SELECTOR, "table.schedule-grid").text
    assert "王海燕 × 赵国栋" in grid or "赵国栋 × 王海燕" in grid
    screenshot(driver, screenshots, "events-manage-schedule")
    with Session(people.engine) as session:
        meetings = list(session.scalars(select(Meeting).where(Meeting.event_id == event_id)))
        busy = Counter(
            (person, m.slot_id)
            for m in meetings
            for person in (m.request.party_a_id, m.request.party_b_id)
        )
        tables = Counter((m.slot_id, m.table_id) for m in meetings)
        pending = session.scalars(
            select(MeetingRequest).where(
                MeetingRequest.event_id == event_id, MeetingRequest.status == "pending"
            )
        ).all()
    assert len(meetings) == 3 and len(pending) == 1
    assert max(busy.values()) == 1, "someone is double-booked"
    assert max(tables.values()) == 1, "a table is double-booked"
    submit(driver, button(driver, "发布日程"))
    assert "日程已发布" in page_text(driver)

    # 5. The university's participant reads the agenda and is checked in with the code.
    people.be(UNIVERSITY)
    visit(driver, live_server, f"/events/{event_id}/agenda")
    agenda = page_text(driver)
    assert "赵国栋" in agenda and "钱雪梅" in agenda and "号桌" in agenda
    code = driver.find_element(By.CSS_SELECTOR, ".agenda .code").text
    ics = driver.find_element(By.PARTIAL_LINK_TEXT, "导入日历").get_attribute("href") or ""
    assert ics.endswith(f"/events/{event_id}/agenda.ics")
    assert len(driver.print_page()) > 1000  # the printable agenda renders to PDF
    screenshot(driver, screenshots, "events-agenda")

    people.be(ORGANISER)
    visit(driver, live_server, f"/events/{event_id}/manage")
    fill(driver, "#f-code", code)
    submit(
        driver, button(driver, "签到", driver.find_element(By.CSS_SELECTOR, "form.checkin-form"))
    )
    assert any("王海燕已签到" in f for f in flashes(driver)), flashes(driver)

    # 6. The meetings are held (the event moves into the past), and the participant records a
    # contract on the agenda.
    with Session(people.engine) as session:
        held = session.get(Event, event_id)
        assert held is not None
        meetings_took_place(session, held)
        session.commit()
    people.be(UNIVERSITY)
    visit(driver, live_server, f"/events/{event_id}/agenda")
    with Session(people.engine) as session:
        me = session.scalars(
            select(EventParticipant).where(
                EventParticipant.event_id == event_id, EventParticipant.checkin_code == code
            )
        ).one()
        carmaker_meeting = next(
            m.id
            for m in session.scalars(select(Meeting).where(Meeting.event_id == event_id))
            if me.id in (m.request.party_a_id, m.request.party_b_id)
            and "赵国栋" in (m.request.party_a.user.name + m.request.party_b.user.name)
        )
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-meeting='{carmaker_meeting}']")
    choose_in = row.find_element(By.NAME, "outcome")
    driver.execute_script("arguments[0].value = 'contract'", choose_in)
    row.find_element(By.NAME, "amount").send_keys("120万")
    row.find_element(By.NAME, "note").send_keys("透镜模压工艺许可")
    submit(driver, button(driver, "记录", row))
    assert any("签约" in f for f in flashes(driver)), flashes(driver)

    # 7. The report shows the contract in its figures and charts.
    people.be(ORGANISER)
    visit(driver, live_server, f"/events/{event_id}/report")
    text = page_text(driver)
    assert "120.00" in text and "签到人数" in text
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    screenshot(driver, screenshots, "events-report")
