"""Pages keep what they computed while the data stays the same, and show a change at once.

On a real SQLite file, as served: each cached thing (the home page's figures, search answers
and so list pages, a listing's matches, the taxonomy's names) shows a change committed by
another process on the very next request.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.core import cache, outbox
from app.core.db import build_engine, build_sessionmaker, session_scope
from app.core.indexing import index_later
from app.models import AuditEvent, ContentGeneration, Listing, LoginThrottle, TaxonomyTerm
from app.models.enums import ListingKind
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]


@pytest.fixture
def other_process(file_db: FileDatabase) -> Iterator[sessionmaker[Session]]:
    """Sessions on an engine of their own, as another web worker or the worker process has."""
    engine = build_engine(file_db.url)
    yield build_sessionmaker(engine)
    engine.dispose()


def generation(db: FileDatabase) -> int:
    with db.factory() as session:
        return session.scalars(select(ContentGeneration.value)).one()


class TestStore:
    def test_an_entry_serves_only_its_generation(self) -> None:
        store = cache.Store()
        store.put("home", 3, "figures")
        assert store.get("home", 3) == (True, "figures")
        assert store.get("home", 4) == (False, None)
        assert store.get("home", 3) == (False, None)  # dropped once outdated

    def test_an_entry_expires(self) -> None:
        store = cache.Store(max_age=0.0)
        store.put("home", 1, "figures")
        assert store.get("home", 1) == (False, None)

    def test_the_least_recently_used_entry_goes_first(self) -> None:
        store = cache.Store(max_entries=2)
        store.put("a", 1, "A")
        store.put("b", 1, "B")
        store.get("a", 1)
        store.put("c", 1, "C")
        assert store.get("b", 1) == (False, None)
        assert store.get("a", 1) == (True, "A") and store.get("c", 1) == (True, "C")


class TestGeneration:
    def test_a_committed_change_counts_once_per_transaction(
        self, file_db: FileDatabase, other_process: sessionmaker[Session]
    ) -> None:
        before = generation(file_db)
        with session_scope(other_process) as session:
            make_org(session, name="长春新入驻企业")
            make_org(session, name="长春又一家企业")
        assert generation(file_db) == before + 1

    def test_a_rolled_back_change_does_not_count(
        self, file_db: FileDatabase, other_process: sessionmaker[Session]
    ) -> None:
        before = generation(file_db)
        with other_process() as session:
            make_org(session, name="长春撤回的企业")
            session.rollback()
        assert generation(file_db) == before

    def test_bookkeeping_does_not_count(
        self, file_db: FileDatabase, other_process: sessionmaker[Session]
    ) -> None:
        before = generation(file_db)
        with session_scope(other_process) as session:
            session.add(AuditEvent(action="user.login", object_type="user", summary="登录"))
            session.add(LoginThrottle(key="ip:10.0.0.1", failures=1))
        with session_scope(other_process) as session:
            session.execute(  # a change that changes no row
                update(TaxonomyTerm).where(TaxonomyTerm.code == "无此代码").values(name="无")
            )
        assert generation(file_db) == before

    def test_counts_on_the_database_under_test(self, engine: Engine) -> None:
        """The same on PostgreSQL, where the number grows inside the committing transaction."""
        with engine.connect() as conn:
            before = conn.scalar(select(ContentGeneration.value))
            conn.execute(  # a real change of a shown row, to the value it had
                update(TaxonomyTerm)
                .where(TaxonomyTerm.scheme == "field", TaxonomyTerm.code == "F1102")
                .values(name=TaxonomyTerm.name)
            )
            assert conn.scalar(select(ContentGeneration.value)) == before  # not before commit
            conn.commit()
            assert conn.scalar(select(ContentGeneration.value)) == before + 1
            conn.commit()


class TestPagesShowAChangeOnTheNextRequest:
    def test_home_page_figures_and_latest_organisations(
        self, file_client: TestClient, other_process: sessionmaker[Session]
    ) -> None:
        assert "长春新入驻光电公司" not in file_client.get("/").text
        file_client.get("/")  # now from the cache
        with session_scope(other_process) as session:
            make_org(session, name="长春新入驻光电公司")
        assert "长春新入驻光电公司" in file_client.get("/").text

    def test_taxonomy_names_on_a_listing(
        self, file_client: TestClient, other_process: sessionmaker[Session]
    ) -> None:
        with session_scope(other_process) as session:
            org = make_org(session, name="长春光电研究所")
            listing = make_listing(session, org, make_user(session, org=org), field_code="F1102")
            session.flush()
            path = f"/achievements/{listing.id}"
            field = session.scalars(
                select(TaxonomyTerm).where(
                    TaxonomyTerm.scheme == "field", TaxonomyTerm.code == "F1102"
                )
            ).one()
            old_name = field.name
        assert old_name in file_client.get(path).text
        with session_scope(other_process) as session:
            session.execute(
                update(TaxonomyTerm)
                .where(TaxonomyTerm.scheme == "field", TaxonomyTerm.code == "F1102")
                .values(name="激光加工（更名）")
            )
        assert "激光加工（更名）" in file_client.get(path).text

    def test_list_page_and_matches_once_the_index_has_the_listing(
        self,
        file_db: FileDatabase,
        file_client: TestClient,
        other_process: sessionmaker[Session],
    ) -> None:
        with session_scope(other_process) as session:
            enterprise = make_org(session, name="启明汽车零部件公司")
            demand = make_listing(
                session,
                enterprise,
                make_user(session, org=enterprise),
                kind=ListingKind.DEMAND,
                title="电池托盘铝合金激光焊接变形控制",
                keywords=["激光焊接", "铝合金", "焊接变形"],
            )
            session.flush()
            index_later(session, "demand", demand.id)
        outbox.drain(other_process)
        demand_page = f"/demands/{demand.id}"
        assert "铝合金电池托盘激光焊接变形控制技术" not in file_client.get(demand_page).text
        assert "铝合金电池托盘激光焊接变形控制技术" not in file_client.get("/achievements").text

        with session_scope(other_process) as session:
            university = make_org(session, name="长春光机大学")
            laser = make_listing(
                session,
                university,
                make_user(session, org=university),
                title="铝合金电池托盘激光焊接变形控制技术",
                keywords=["激光焊接", "铝合金", "焊接变形"],
            )
            session.flush()
            index_later(session, "achievement", laser.id)
        assert "铝合金电池托盘激光焊接变形控制技术" not in file_client.get("/achievements").text
        outbox.drain(other_process)  # the worker indexes it: that commit counts as a change
        assert "铝合金电池托盘激光焊接变形控制技术" in file_client.get("/achievements").text
        assert "铝合金电池托盘激光焊接变形控制技术" in file_client.get(demand_page).text

    def test_matches_outlive_writes_elsewhere_and_follow_their_listings_indexing(
        self, file_client: TestClient, other_process: sessionmaker[Session]
    ) -> None:
        with session_scope(other_process) as session:
            enterprise = make_org(session, name="启明汽车零部件公司")
            demand = make_listing(
                session,
                enterprise,
                make_user(session, org=enterprise),
                kind=ListingKind.DEMAND,
                title="电池托盘铝合金激光焊接变形控制",
                keywords=["激光焊接", "铝合金", "焊接变形"],
            )
            university = make_org(session, name="长春光机大学")
            laser = make_listing(
                session,
                university,
                make_user(session, org=university),
                title="铝合金电池托盘激光焊接变形控制技术",
                keywords=["激光焊接", "铝合金", "焊接变形"],
            )
            session.flush()
            index_later(session, "demand", demand.id)
            index_later(session, "achievement", laser.id)
        outbox.drain(other_process)
        url = f"/api/v1/demands/{demand.id}/matches"
        assert file_client.get(url).json()["items"][0]["title"] == laser.title
        with session_scope(other_process) as session:
            row = session.get(Listing, laser.id)
            assert row is not None
            row.title = "铝合金电池托盘激光焊接变形控制技术（第二版）"
            make_org(session, name="长春新入驻光电公司")  # and a write of no concern to matching
        # The achievement's change reaches rankings through its indexing, not before.
        assert file_client.get(url).json()["items"][0]["title"] == laser.title
        with session_scope(other_process) as session:
            index_later(session, "achievement", laser.id)
        outbox.drain(other_process)
        first = file_client.get(url).json()["items"][0]
        assert first["title"] == "铝合金电池托盘激光焊接变形控制技术（第二版）"
