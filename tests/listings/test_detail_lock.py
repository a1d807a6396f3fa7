"""A listing's page on a real SQLite file: reading it never waits for SQLite's write lock.

Only an outsider's first look at the contacts in a day writes (the owner's log), and only that
view takes the lock, at the end of the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.core.config import Settings
from app.core.db import build_engine, build_sessionmaker, declare_write_intent, session_scope
from app.models import ContactView
from search.base import SearchBackend
from tests.app_pool import pool as app_pool
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login
from tests.factories.listings import make_listing
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]


@pytest.fixture
def impatient_client(
    file_db: FileDatabase, settings: Settings, search_backend: SearchBackend
) -> Iterator[TestClient]:
    """An app on the same file that never waits for SQLite's write lock: a wait is an error."""
    engine = build_engine(file_db.url, busy_timeout_seconds=0)
    try:
        with (
            app_pool.lend(settings, build_sessionmaker(engine), search_backend) as application,
            TestClient(application, raise_server_exceptions=False) as client,
        ):
            yield client
    finally:
        engine.dispose()


def _published(db: FileDatabase) -> int:
    with session_scope(db.factory) as session:
        owner_org = make_org(session, name="长春光电研究所")
        listing = make_listing(session, owner_org, make_user(session, org=owner_org))
        session.flush()
        return listing.id


class TestDetailWhileAnotherWriterHoldsTheLock:
    def test_the_page_and_the_api_answer_at_once(
        self, file_db: FileDatabase, impatient_client: TestClient
    ) -> None:
        listing_id = _published(file_db)
        with file_db.factory() as writer:
            declare_write_intent(writer)  # an import or a review holding SQLite's write lock
            page = impatient_client.get(f"/achievements/{listing_id}")
            api = impatient_client.get(f"/api/v1/achievements/{listing_id}")
            writer.rollback()
        assert page.status_code == 200 and "高功率光纤激光焊接头" in page.text
        assert api.status_code == 200 and api.json()["id"] == listing_id


class TestContactViewLog:
    def test_an_outsider_is_logged_once_a_day(
        self, file_db: FileDatabase, file_client: TestClient
    ) -> None:
        listing_id = _published(file_db)
        with session_scope(file_db.factory) as session:
            buyer = make_user(session, org=make_org(session, name="长春买方企业"))
        login(file_client, buyer)
        for _ in range(2):  # a reload the same day is the same visit
            page = file_client.get(f"/achievements/{listing_id}")
            assert page.status_code == 200 and "0431-88888888" in page.text
        with file_db.factory() as session:
            logged = session.scalars(select(ContactView)).all()
        assert [(v.listing_id, v.viewer_id) for v in logged] == [(listing_id, buyer.id)]
