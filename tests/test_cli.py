from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import get_settings
from app.demo.seed import ORGS, PENDING_ORG
from app.models import (
    ContentItem,
    Listing,
    Organization,
    OutboxMessage,
    PolicyClause,
    Resource,
    User,
)
from app.models.enums import Role

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KC_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_help_lists_commands() -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in (
        "serve",
        "migrate",
        "create-admin",
        "seed-demo",
        "publish-policy",
        "worker",
        "reindex",
        "backup",
        "restore",
    ):
        assert command in result.output


def test_migrate_says_what_it_did(cli_db: str) -> None:
    from app.core.migrate import head_revision, older_revisions

    head = head_revision()
    older = sorted(older_revisions())[0]
    created = runner.invoke(cli, ["migrate", older])
    assert created.exit_code == 0, created.output
    assert f"已在空数据库中建表（版本 {older}）" in created.output
    upgraded = runner.invoke(cli, ["migrate"])
    assert f"已将数据库从版本 {older} 升级到 {head}" in upgraded.output
    again = runner.invoke(cli, ["migrate"])
    assert f"数据库已是最新结构（版本 {head}），无需迁移" in again.output
    assert "建表" not in again.output


def test_migrate_seed_and_create_admin(cli_db: str) -> None:
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    first = runner.invoke(cli, ["seed-demo"])
    assert first.exit_code == 0 and "演示数据已载入" in first.output
    again = runner.invoke(cli, ["seed-demo"])
    assert "已存在，跳过" in again.output

    weak = runner.invoke(
        cli, ["create-admin", "--email", "ops@example.cn", "--name", "运维", "--password", "short"]
    )
    assert weak.exit_code != 0 and "密码至少需要8位" in weak.output
    ok = runner.invoke(
        cli,
        ["create-admin", "--email", "ops@example.cn", "--name", "运维", "--password", "Qb7#tLm2x"],
    )
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(
        cli,
        ["create-admin", "--email", "ops@example.cn", "--name", "运维", "--password", "Qb7#tLm2x"],
    )
    assert dup.exit_code == 1 and "已注册" in dup.output

    engine = create_engine(cli_db)
    with engine.connect() as conn:
        roles = set(conn.scalars(select(User.role)))
        orgs = conn.scalar(select(func.count()).select_from(Organization))
    engine.dispose()
    assert {r.value for r in Role} <= {str(r) for r in roles}
    assert orgs and orgs >= 10


def test_reindex_and_worker(cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_SEARCH_PATH", str(tmp_path / "search.db"))
    get_settings.cache_clear()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    worker = runner.invoke(cli, ["worker", "--once"])
    assert worker.exit_code == 0 and "已处理" in worker.output
    engine = create_engine(cli_db)
    with engine.connect() as conn:
        pending = conn.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.processed_at.is_(None))
        )
        public = (
            conn.scalar(
                select(func.count())
                .select_from(Organization)
                .where(Organization.status == "verified")
            )
            + conn.scalar(
                select(func.count()).select_from(Listing).where(Listing.status == "published")
            )
            + conn.scalar(  # 信息发布: published articles and the policy
                select(func.count())
                .select_from(ContentItem)
                .where(ContentItem.status == "published")
            )
            + conn.scalar(  # each clause of a published policy is a hit of its own
                select(func.count())
                .select_from(PolicyClause)
                .join(ContentItem, ContentItem.id == PolicyClause.item_id)
                .where(ContentItem.status == "published")
            )
            + conn.scalar(  # 资源整合: the published directory entries
                select(func.count()).select_from(Resource).where(Resource.status == "published")
            )
        )
    engine.dispose()
    assert pending == 0
    result = runner.invoke(cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert f"共 {public} 条文档" in result.output

    from search.factory import create_backend

    backend = create_backend("embedded", path=str(tmp_path / "search.db"))
    try:
        assert backend.count() == public
        assert backend.count(["org"]) == sum(org[0] != PENDING_ORG for org in ORGS)  # verified
    finally:
        backend.close()


def test_reindex_keeps_out_listings_closed_as_it_starts(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listings closed (and unindexed by the worker) while the command sets up stay out.

    The command used to read the whole rebuild inside the SQLite snapshot it opened for
    counting, so listings closed after that came back into the new index.
    """
    from app.core import outbox
    from app.core.audit import Actor
    from app.core.db import build_engine, build_sessionmaker, session_scope
    from app.listings import service as listing_service
    from app.search import engine as search_engine
    from app.search import service as search_service
    from search.base import SearchQuery
    from search.factory import create_backend

    search_path = tmp_path / "search.db"
    monkeypatch.setenv("KC_SEARCH_PATH", str(search_path))
    get_settings.cache_clear()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    assert runner.invoke(cli, ["worker", "--once"]).exit_code == 0

    factory = build_sessionmaker(build_engine(cli_db))
    worker = create_backend("embedded", path=str(search_path))  # the worker process's
    with factory() as session:
        published = session.scalars(
            select(Listing).where(Listing.status == "published", Listing.kind == "achievement")
        ).all()
        closing = [(listing.id, listing.title) for listing in published[:3]]
    counted = search_service.total_documents

    def count_then_close(session: Session) -> int:
        total = counted(session)
        with session_scope(factory) as other:
            admin = other.scalars(select(User).where(User.role == Role.PLATFORM_ADMIN)).first()
            for listing_id, _ in closing:
                listing = listing_service.get(other, listing_id, admin)
                listing_service.close(other, Actor(user=admin), listing, "transferred")
        search_engine.install(worker)
        try:
            assert outbox.drain(factory) >= len(closing)
        finally:
            search_engine.install(None)
        return total

    monkeypatch.setattr(search_service, "total_documents", count_then_close)
    result = runner.invoke(cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["worker", "--once"]).exit_code == 0
    try:
        for listing_id, title in closing:
            hits = worker.search(SearchQuery(text=title, types=["achievement"], size=50)).hits
            assert str(listing_id) not in {hit.id for hit in hits}
    finally:
        worker.close()
        factory.kw["bind"].dispose()


def test_publish_policy_once(cli_db: str) -> None:
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    first = runner.invoke(cli, ["publish-policy"])
    assert first.exit_code == 0, first.output
    assert "共 30 条" in first.output
    again = runner.invoke(cli, ["publish-policy"])
    assert again.exit_code == 0 and "已发布" in again.output and "跳过" in again.output


def test_reindex_vectors_without_a_model_says_so(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import dense

    monkeypatch.setenv("KC_SEARCH_PATH", str(tmp_path / "search.db"))
    get_settings.cache_clear()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    before = dense.shared_encoder()
    dense.use_encoder(None)
    try:
        result = runner.invoke(cli, ["reindex", "--vectors"])
    finally:
        dense.use_encoder(before)
    assert result.exit_code == 1
    assert "未安装语义向量模型" in result.output
