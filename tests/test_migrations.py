"""The schema comes from the migrations, and the models agree with it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, select

import app.models
from app.core.db import build_engine
from app.core.migrate import alembic_config
from app.models import IncentiveClaim, IncentiveRule, TechContract


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


def test_claims_keep_their_contract_and_lose_only_a_dangling_id(tmp_path: object) -> None:
    """The foreign key from a claim to its contract is added to a database that has claims."""
    from alembic import command

    url = f"sqlite:///{tmp_path}/claims.db"
    config = alembic_config(url)
    command.upgrade(config, "e87bafa38831")  # the revision before the foreign key
    engine = build_engine(url)
    claims = IncentiveClaim.__table__
    with engine.begin() as conn:
        contract_id = conn.execute(
            insert(TechContract.__table__).values(
                title="高功率光纤激光焊接头专利权转让",
                contract_type="transfer",
                total_amount=Decimal("800000"),
                tech_amount=Decimal("800000"),
                signed_on=date(2026, 11, 20),
                tech_field="03",
                ip_type="21",
            )
        ).inserted_primary_key[0]
        rule_id = conn.scalar(select(IncentiveRule.id).where(IncentiveRule.code == "P15"))
        for contract, label in ((contract_id, "合同甲"), (contract_id + 1000, "已不存在的合同")):
            conn.execute(
                insert(claims).values(
                    rule_id=rule_id,
                    rule_code="P15",
                    item_no=15,
                    year=2026,
                    contract_id=contract,
                    contract_label=label,
                    beneficiary="transferor",
                    beneficiary_key=f"name:{label}",
                    computed_amount=Decimal("24000"),
                    status="pending",
                )
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            select(claims.c.contract_id, claims.c.contract_label).order_by(claims.c.id)
        ).all()
        assert [tuple(r) for r in rows] == [(contract_id, "合同甲"), (None, "已不存在的合同")]
        (fk,) = [
            fk
            for fk in inspect(conn).get_foreign_keys("incentive_claim")
            if fk["referred_table"] == "tech_contract"
        ]
        assert fk["constrained_columns"] == ["contract_id"]
        assert fk["options"].get("ondelete") == "RESTRICT"
    engine.dispose()
