"""The schema comes from the migrations, and the models agree with it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

import app.models
from app.core.migrate import alembic_config


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, app.models.Base.metadata) == []


def test_single_head_and_date_prefixed_files() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert revision.path is not None
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:4].isdigit() and name[4] == "-" and name[10] == "-", name


def test_constraints_are_named(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for fk in inspector.get_foreign_keys(table):
            assert fk["name"] and fk["name"].startswith("fk_"), (table, fk)
        for uq in inspector.get_unique_constraints(table):
            assert uq["name"] and uq["name"].startswith("uq_"), (table, uq)


def test_downgrade_to_nothing_and_back(tmp_path: object) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path}/roundtrip.db"
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
