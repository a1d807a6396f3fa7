"""Anonymous visitors share kept public pages, yet each gets their own token and every change.

On a real SQLite file, as served (``tests/file_db.py``): a change committed by another process
shows on the very next request, a signed-in person or a waiting message is never answered
with the kept page, and the CSRF token on a kept page is the visitor's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import build_engine, build_sessionmaker, session_scope
from app.models import Listing
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login
from tests.factories.listings import make_listing
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]


@pytest.fixture
def other_process(file_db: FileDatabase) -> Iterator[sessionmaker[Session]]:
    engine = build_engine(file_db.url)
    yield build_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def achievement(other_process: sessionmaker[Session]) -> str:
    with session_scope(other_process) as session:
        org = make_org(session, name="长春光电研究所")
        listing = make_listing(
            session, org, make_user(session, org=org), title="高功率半导体激光器封装技术"
        )
        session.flush()
        return f"/achievements/{listing.id}"


def visitor(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", raise_server_exceptions=False)


def page_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "the page names no CSRF token"
    return found.group(1)


def test_the_second_visitor_gets_the_kept_page_with_a_token_of_their_own(
    file_app: FastAPI, achievement: str
) -> None:
    with visitor(file_app) as first, visitor(file_app) as second:
        shown = first.get(achievement)
        kept = second.get(achievement)
        assert shown.headers["x-page-cache"] == "miss"
        assert kept.headers["x-page-cache"] == "hit"
        assert "高功率半导体激光器封装技术" in kept.text
        mine, theirs = page_token(kept.text), page_token(shown.text)
        assert mine != theirs
        assert kept.text.replace(mine, theirs) == shown.text

        def sign_in_with(client: TestClient, token: str) -> str:
            return client.post(
                "/login",
                data={"email": "nobody@example.cn", "password": "x", "csrf_token": token},
            ).text

        assert "CSRF 校验失败" not in sign_in_with(second, mine)  # refused for the password
        assert "CSRF 校验失败" in sign_in_with(second, theirs)


def test_a_change_committed_elsewhere_shows_on_the_next_request(
    file_client: TestClient, achievement: str, other_process: sessionmaker[Session]
) -> None:
    file_client.get(achievement)
    assert file_client.get(achievement).headers["x-page-cache"] == "hit"
    listing_id = int(achievement.rsplit("/", 1)[1])
    with session_scope(other_process) as session:
        session.execute(
            update(Listing).where(Listing.id == listing_id).values(title="激光器封装技术（更新）")
        )
    changed = file_client.get(achievement)
    assert changed.headers["x-page-cache"] == "miss"
    assert "激光器封装技术（更新）" in changed.text


def test_a_signed_in_person_gets_their_own_page(
    file_client: TestClient, achievement: str, other_process: sessionmaker[Session]
) -> None:
    with session_scope(other_process) as session:
        person = make_user(session, name="王工程师")
    file_client.get(achievement)
    login(file_client, person)
    page = file_client.get(achievement)
    assert "x-page-cache" not in page.headers
    assert "王工程师" in page.text and "/logout" in page.text


def test_a_message_waiting_for_the_visitor_is_shown(
    file_client: TestClient, other_process: sessionmaker[Session]
) -> None:
    with session_scope(other_process) as session:
        person = make_user(session, name="李研究员")
    file_client.get("/")
    assert file_client.get("/").headers["x-page-cache"] == "hit"
    login(file_client, person)
    token = page_token(file_client.get("/me").text)
    home = file_client.post("/logout", data={"csrf_token": token})
    assert "您已安全退出" in home.text
    assert "x-page-cache" not in home.headers
    assert "您已安全退出" not in file_client.get("/").text  # shown once


def test_pages_that_are_not_everyones_are_not_kept(
    file_client: TestClient, achievement: str
) -> None:
    for _ in range(2):
        assert file_client.get("/achievements/999999").status_code == 404
        assert "x-page-cache" not in file_client.get("/login").headers
        assert file_client.get("/search?q=激光").headers.get("x-page-cache") is None
    missing = file_client.get("/achievements/999999")
    assert missing.headers["x-page-cache"] == "miss"
