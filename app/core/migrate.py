"""Running the Alembic migrations from code (CLI, tests, container start)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import build_engine


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logging"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(
    database_url: str | None = None, revision: str = "head"
) -> tuple[str | None, str | None]:
    """Bring the database up to ``revision``; return its revision before and after."""
    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    return before, current_revision(database_url)


def current_revision(database_url: str | None = None) -> str | None:
    """The revision the database is at, ``None`` when no migration has run on it yet."""
    engine = build_engine(database_url or get_settings().resolved_database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The schema revision this code expects (the newest migration)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations/ has no revision"
    return head


def older_revisions() -> set[str]:
    """Every revision the migrations upgrade from to reach the head (the head left out)."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    return {r.revision for r in script.iterate_revisions(head, "base")} - {head}
